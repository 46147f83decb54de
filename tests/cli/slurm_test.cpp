// `rigor slurm` without Slurm: the generated scripts (content, and what they run, through a fake
// rigor binary that records its arguments), the option errors, --only-failed on real shard
// stores, and --submit through a fake sbatch on PATH. tests/slurm/ runs it on a real Slurm.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "../store/store_test_util.h"
#include "cli_test_util.h"
#include "rigor/store.h"

namespace rigor::cli {
namespace {

using rigor::test::run_cli;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;
namespace fs = std::filesystem;
namespace st = rigor::store;

// tests/data/tiny_moons.toml: two arms x 3 replicates = 6 cells (plan order base-r0..r2,
// drop-r0..r2), renamed "slurm test" (a space, which the job name must not keep).
std::string tiny_protocol() {
  std::ifstream in(RIGOR_TINY_PROTOCOL);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  const std::string from = "name = \"tiny-moons-test\"";
  s.replace(s.find(from), from.size(), "name = \"slurm test\"");
  return s;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_executable(const fs::path& p, const std::string& text) {
  std::ofstream(p) << text;
  fs::permissions(p, fs::perms::owner_all);
}

// A scratch directory with the protocol and a fake `rigor` that appends its arguments (one call
// per line) to calls.txt and exits with $FAKE_RIGOR_EXIT_<verb> (default 0).
struct Fixture {
  fs::path dir;
  fs::path protocol;
  fs::path rigor;
  fs::path store_dir;
  explicit Fixture(const std::string& name) {
    dir = st::test::scratch_dir(name);
    protocol = dir / "tiny.toml";
    std::ofstream(protocol) << tiny_protocol();
    rigor = dir / "fake-rigor";
    write_executable(rigor, "#!/bin/bash\necho \"$*\" >> " + (dir / "calls.txt").string() +
                                "\nv=FAKE_RIGOR_EXIT_$1\nexit ${!v:-0}\n");
    store_dir = dir / "out";
  }
  std::vector<std::string> args(std::vector<std::string> extra) const {
    std::vector<std::string> a = {"slurm",   protocol.string(), "--store-dir", store_dir.string(),
                                  "--rigor", rigor.string()};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  // Runs a generated script with bash (environment assignments prefixed); returns the exit code.
  int bash(const std::string& env, const fs::path& script) const {
    const std::string cmd =
        env + " bash " + script.string() + " > " + (dir / "script.log").string() + " 2>&1";
    const int status = std::system(cmd.c_str());
    return WEXITSTATUS(status);
  }
  std::string calls() const { return read(dir / "calls.txt"); }
};

// The canonical hash, as `rigor validate` prints it ("sha256 <64 hex digits>").
std::string protocol_hash(const fs::path& protocol) {
  const auto r = run_cli({"validate", protocol.string()});
  const auto at = r.out.find("sha256 ");
  EXPECT_NE(at, std::string::npos) << r.out << r.err;
  return at == std::string::npos ? "" : r.out.substr(at + 7, 64);
}

// A shard store of the tiny protocol holding the given cells with the given statuses.
void write_shard(const fs::path& path, const std::string& hash,
                 const std::vector<std::pair<std::string, st::RunStatus>>& cells) {
  fs::remove(path);  // rewritten: a task that reran
  fs::remove_all(path.string() + ".pending");
  st::StoreOptions o;
  o.sync = false;
  auto w =
      st::StoreWriter::create(path, {tiny_protocol(), hash, "{}"}, st::test::test_provenance(), o);
  int i = 0;
  for (const auto& [id, status] : cells) {
    st::RunRecord r = st::test::make_record(i++, 2, 2);
    r.cell_id = id;
    r.arm = id.substr(0, id.find('-'));
    r.replicate = id.back() - '0';
    r.status = status;
    r.error = status == st::RunStatus::kFailed ? "killed by SIGKILL" : "";
    w.put_run(r);
  }
  w.close();
}

TEST(SlurmVerb, HelpStartsWithUsage) {
  const auto r = run_cli({"slurm", "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_THAT(r.out, StartsWith("Usage: rigor slurm PROTOCOL.toml --store-dir DIR"));
  EXPECT_THAT(run_cli({"--help"}).out, HasSubstr("  slurm "));
}

TEST(SlurmVerb, WritesArrayScriptWithEveryOption) {
  const Fixture f("slurm_options");
  const auto r = run_cli(
      f.args({"--tasks", "4", "--partition", "gpu", "--gpus-per-task", "1", "--cpus-per-task", "8",
              "--jobs-per-task", "2", "--time", "01:30:00", "--array-parallelism", "2", "--account",
              "lab-1", "--merge-partition", "cpu"}));
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string d = f.store_dir.string();
  const std::string array = read(f.store_dir / "rigor-array.sbatch");
  EXPECT_THAT(r.out, HasSubstr("==> " + d + "/rigor-array.sbatch <==\n" + array));
  EXPECT_THAT(array, StartsWith("#!/bin/bash\n"));
  EXPECT_THAT(array, ContainsRegex("\n# rigor-slurm: tasks=4 cells=6 protocol=[0-9a-f]{64}\n"));
  for (const std::string& line : std::vector<std::string>{
           "#SBATCH --job-name=rigor-slurm_test", "#SBATCH --array=0-3%2",
           "#SBATCH --output=" + d + "/logs/%A_%a.out", "#SBATCH --requeue",
           "#SBATCH --cpus-per-task=8", "#SBATCH --gpus-per-task=1", "#SBATCH --partition=gpu",
           "#SBATCH --account=lab-1", "#SBATCH --time=01:30:00"})
    EXPECT_THAT(array, HasSubstr("\n" + line + "\n"));
  EXPECT_TRUE(fs::is_directory(f.store_dir / "logs"));

  // What a task runs: task 2 of 4, its own shard, cuda, two cells at once.
  ASSERT_EQ(f.bash("SLURM_ARRAY_TASK_ID=2", f.store_dir / "rigor-array.sbatch"), 0)
      << read(f.dir / "script.log");
  EXPECT_EQ(f.calls(), "run " + f.protocol.string() + " --cells 2/4 --store " + d +
                           "/shard-2.h5 --progress lines --jobs 2 --device cuda\n");

  // The merge job: no GPU, its own partition, same time limit and account.
  const std::string merge = read(f.store_dir / "rigor-merge.sbatch");
  EXPECT_THAT(merge, HasSubstr("\n#SBATCH --partition=cpu\n"));
  EXPECT_THAT(merge, HasSubstr("\n#SBATCH --time=01:30:00\n"));
  EXPECT_THAT(merge, HasSubstr("\n#SBATCH --output=" + d + "/logs/%j_merge.out\n"));
  EXPECT_THAT(merge, Not(HasSubstr("gpus")));
}

TEST(SlurmVerb, DefaultsToOneTaskPerCellOnCpu) {
  const Fixture f("slurm_defaults");
  // A relative protocol path becomes absolute in the script.
  const fs::path cwd = fs::current_path();
  fs::current_path(f.dir);
  const auto r = run_cli({"slurm", "tiny.toml", "--store-dir", "out", "--rigor", "fake-rigor"});
  fs::current_path(cwd);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string array = read(f.store_dir / "rigor-array.sbatch");
  EXPECT_THAT(array, HasSubstr("\n#SBATCH --array=0-5\n"));
  EXPECT_THAT(array, HasSubstr("\n#SBATCH --cpus-per-task=1\n"));
  EXPECT_THAT(array, Not(HasSubstr("--partition")));
  EXPECT_THAT(array, Not(HasSubstr("--time")));
  EXPECT_THAT(array, Not(HasSubstr("gpus")));
  EXPECT_THAT(r.out, HasSubstr("sbatch --dependency=afterany:$id '" + f.store_dir.string() +
                               "/rigor-merge.sbatch'"));
  ASSERT_EQ(f.bash("SLURM_ARRAY_TASK_ID=5", f.store_dir / "rigor-array.sbatch"), 0);
  EXPECT_EQ(f.calls(), "run " + f.protocol.string() + " --cells 5/6 --store " +
                           f.store_dir.string() + "/shard-5.h5 --progress lines --jobs 1\n");
}

TEST(SlurmVerb, DefaultRigorIsThisExecutable) {
  const Fixture f("slurm_self");
  const auto r = run_cli({"slurm", f.protocol.string(), "--store-dir", f.store_dir.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(read(f.store_dir / "rigor-array.sbatch"),
              HasSubstr("exec '" + fs::read_symlink("/proc/self/exe").string() + "' run '"));
}

TEST(SlurmVerb, MergeScriptMergesAnalysesAndReports) {
  const Fixture f("slurm_merge");
  ASSERT_EQ(run_cli(f.args({"--tasks", "2"})).code, 0);
  const fs::path merge = f.store_dir / "rigor-merge.sbatch";
  EXPECT_EQ(f.bash("", merge), 2);
  EXPECT_THAT(read(f.dir / "script.log"), HasSubstr("rigor-merge: no shard-*.h5 in"));
  std::ofstream(f.store_dir / "shard-0.h5") << "x";
  std::ofstream(f.store_dir / "shard-1.h5") << "x";
  fs::create_directories(f.store_dir / "shard-1.h5.pending");
  // A claim that is not supported (analyze exit 1) still gets its report ...
  ASSERT_EQ(f.bash("FAKE_RIGOR_EXIT_analyze=1", merge), 0) << read(f.dir / "script.log");
  EXPECT_EQ(f.calls(),
            "merge shard-0.h5 shard-1.h5 -o study.h5\ninspect study.h5\nanalyze study.h5\n"
            "report study.h5 -o report.html\n");
  // ... a failed merge or analysis stops the job with its code.
  fs::remove(f.dir / "calls.txt");
  EXPECT_EQ(f.bash("FAKE_RIGOR_EXIT_merge=2", merge), 2);
  EXPECT_EQ(f.calls(), "merge shard-0.h5 shard-1.h5 -o study.h5\n");
  fs::remove(f.dir / "calls.txt");
  EXPECT_EQ(f.bash("FAKE_RIGOR_EXIT_analyze=2", merge), 2);
  EXPECT_THAT(f.calls(), Not(HasSubstr("report")));
}

TEST(SlurmVerb, ClampsTasksToCells) {
  const Fixture f("slurm_clamp");
  const auto r = run_cli(f.args({"--tasks", "50"}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("--tasks 50 is more than the 6 run cells; using 6 tasks"));
  EXPECT_THAT(read(f.store_dir / "rigor-array.sbatch"), HasSubstr("\n#SBATCH --array=0-5\n"));
  const auto zero = run_cli(f.args({"--tasks", "0"}));
  EXPECT_EQ(zero.code, 2);
  EXPECT_THAT(zero.err, HasSubstr("--tasks is 0, but must be in [1, 1000]"));
}

TEST(SlurmVerb, ChecksTheTimeLimit) {
  const Fixture f("slurm_time");
  for (const char* bad : {"1:75:00", "2h", "1-25:00:00", "", "01:00:00:00"}) {
    const auto r = run_cli(f.args({"--time", bad}));
    EXPECT_EQ(r.code, 2) << bad;
    EXPECT_THAT(r.err, HasSubstr(std::string("--time is \"") + bad +
                                 "\", but must be a Slurm time limit: MINUTES, HH:MM:SS"));
  }
  for (const char* good : {"90", "30:00", "12:00:00", "1-12", "2-00:30:00", "UNLIMITED"}) {
    const auto r = run_cli(f.args({"--time", good}));
    EXPECT_EQ(r.code, 0) << good << ": " << r.err;
    EXPECT_THAT(read(f.store_dir / "rigor-array.sbatch"),
                HasSubstr(std::string("\n#SBATCH --time=") + good + "\n"));
  }
}

TEST(SlurmVerb, RejectsBadInput) {
  const Fixture f("slurm_bad");
  const auto missing = run_cli({"slurm", (f.dir / "nope.toml").string(), "--store-dir",
                                f.store_dir.string(), "--rigor", f.rigor.string()});
  EXPECT_EQ(missing.code, 2);
  EXPECT_THAT(missing.err, HasSubstr("nope.toml:0:0: (file): cannot be opened"));
  EXPECT_FALSE(fs::exists(f.store_dir));

  const auto no_dir = run_cli({"slurm", f.protocol.string()});
  EXPECT_EQ(no_dir.code, 2);
  EXPECT_THAT(no_dir.err, HasSubstr("missing --store-dir DIR"));

  const auto partition = run_cli(f.args({"--partition", "gpu;rm -rf /"}));
  EXPECT_EQ(partition.code, 2);
  EXPECT_THAT(partition.err,
              HasSubstr("--partition is \"gpu;rm -rf /\", but must be a Slurm name"));

  const auto space = run_cli({"slurm", f.protocol.string(), "--store-dir",
                              (f.dir / "my out").string(), "--rigor", f.rigor.string()});
  EXPECT_EQ(space.code, 2);
  EXPECT_THAT(space.err, HasSubstr("must not contain spaces or '%'"));

  const auto rigor = run_cli({"slurm", f.protocol.string(), "--store-dir", f.store_dir.string(),
                              "--rigor", (f.dir / "tiny.toml").string()});
  EXPECT_EQ(rigor.code, 2);
  EXPECT_THAT(rigor.err, HasSubstr("tiny.toml\", but must be an executable rigor binary"));

  EXPECT_THAT(run_cli(f.args({"--jobs-per-task", "0"})).err,
              HasSubstr("--jobs-per-task must be at least 1"));
  EXPECT_THAT(run_cli(f.args({"--array-parallelism", "0"})).err,
              HasSubstr("--array-parallelism must be at least 1"));
}

TEST(SlurmVerb, RefusesADifferentTaskCountOverExistingShards) {
  const Fixture f("slurm_retask");
  ASSERT_EQ(run_cli(f.args({"--tasks", "3"})).code, 0);
  write_shard(f.store_dir / "shard-0.h5", protocol_hash(f.protocol),
              {{"base-r0", st::RunStatus::kComplete}});
  const auto r = run_cli(f.args({"--tasks", "2"}));
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("holds shards of 3 tasks, but this array has 2"));
  EXPECT_EQ(run_cli(f.args({"--tasks", "3"})).code, 0);  // the same array again is fine
}

TEST(SlurmVerb, OnlyFailedResubmitsTasksWithFailedOrMissingCells) {
  const Fixture f("slurm_failed");
  const auto first = run_cli(f.args({"--only-failed"}));
  EXPECT_EQ(first.code, 2);
  EXPECT_THAT(first.err, HasSubstr("--only-failed: no " + f.store_dir.string() +
                                   "/rigor-array.sbatch with a task count"));

  ASSERT_EQ(run_cli(f.args({"--tasks", "3", "--array-parallelism", "5"})).code, 0);
  const std::string hash = protocol_hash(f.protocol);
  // Task i holds cells i and i + 3: base-r<i> and drop-r<i>. Task 2 never ran.
  write_shard(f.store_dir / "shard-0.h5", hash,
              {{"base-r0", st::RunStatus::kComplete}, {"drop-r0", st::RunStatus::kDiverged}});
  write_shard(f.store_dir / "shard-1.h5", hash,
              {{"base-r1", st::RunStatus::kComplete}, {"drop-r1", st::RunStatus::kFailed}});
  const auto r = run_cli(f.args({"--only-failed"}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("1 cell failed and 2 missing; resubmitting 2 of 3 tasks: 1,2"));
  const std::string array = read(f.store_dir / "rigor-array.sbatch");
  EXPECT_THAT(array, HasSubstr("\n#SBATCH --array=1,2\n"));
  EXPECT_THAT(array, HasSubstr("# rigor-slurm: tasks=3 cells=6"));
  ASSERT_EQ(f.bash("SLURM_ARRAY_TASK_ID=2", f.store_dir / "rigor-array.sbatch"), 0);
  EXPECT_THAT(f.calls(), HasSubstr(" --cells 2/3 --store " + f.store_dir.string() + "/shard-2.h5"));

  const auto retask = run_cli(f.args({"--only-failed", "--tasks", "6"}));
  EXPECT_EQ(retask.code, 2);
  EXPECT_THAT(retask.err, HasSubstr("--tasks is 6, but the shards in"));

  // Cells complete in the merged study.h5 count too (shards deleted after a merge).
  write_shard(f.store_dir / "shard-1.h5", hash,
              {{"base-r1", st::RunStatus::kComplete}, {"drop-r1", st::RunStatus::kComplete}});
  write_shard(f.store_dir / "study.h5", hash,
              {{"base-r2", st::RunStatus::kComplete}, {"drop-r2", st::RunStatus::kComplete}});
  fs::remove(f.store_dir / "rigor-merge.sbatch");
  const auto done = run_cli(f.args({"--only-failed", "--submit"}));
  ASSERT_EQ(done.code, 0) << done.err;
  EXPECT_EQ(done.out, "rigor slurm: nothing to do: all 6 cells are complete or diverged in " +
                          f.store_dir.string() + "; nothing written or submitted\n");
  EXPECT_FALSE(fs::exists(f.store_dir / "rigor-merge.sbatch"));
}

TEST(SlurmVerb, OnlyFailedRefusesShardsOfAnotherProtocol) {
  const Fixture f("slurm_foreign");
  ASSERT_EQ(run_cli(f.args({"--tasks", "3"})).code, 0);
  write_shard(f.store_dir / "shard-1.h5", std::string(64, 'a'),
              {{"base-r1", st::RunStatus::kComplete}});
  const auto r = run_cli(f.args({"--only-failed"}));
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("shard-1.h5: this store was made for protocol hash aaaa"));
}

// Sets PATH to DIR:PATH for the test's lifetime.
class PathPrefix {
 public:
  explicit PathPrefix(const fs::path& dir) : old_(std::getenv("PATH") ? std::getenv("PATH") : "") {
    ::setenv("PATH", (dir.string() + ":" + old_).c_str(), 1);
  }
  ~PathPrefix() { ::setenv("PATH", old_.c_str(), 1); }

 private:
  std::string old_;
};

TEST(SlurmVerb, SubmitsArrayThenMergeAfterAny) {
  const Fixture f("slurm_submit");
  const fs::path bin = f.dir / "bin";
  fs::create_directories(bin);
  // A fake sbatch: logs its arguments; job 4242 first, then 4243 (with a cluster name).
  write_executable(bin / "sbatch", "#!/bin/bash\necho \"$*\" >> " +
                                       (f.dir / "sbatch.txt").string() + "\nif [[ -e " +
                                       (f.dir / "once").string() +
                                       " ]]; then echo '4243;c1'; "
                                       "else touch " +
                                       (f.dir / "once").string() + "; echo 4242; fi\n");
  const PathPrefix path(bin);
  const auto r = run_cli(f.args({"--submit", "--tasks", "3"}));
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string d = f.store_dir.string();
  EXPECT_EQ(read(f.dir / "sbatch.txt"), "--parsable " + d +
                                            "/rigor-array.sbatch\n--parsable "
                                            "--dependency=afterany:4242 " +
                                            d + "/rigor-merge.sbatch\n");
  EXPECT_THAT(r.out, HasSubstr("submitted array job 4242 (3 tasks: 0-2)\n"));
  EXPECT_THAT(r.out, HasSubstr("array_job_id=4242\nmerge_job_id=4243\n"));
}

TEST(SlurmVerb, ReportsAFailedSbatch) {
  const Fixture f("slurm_sbatch_fails");
  const fs::path bin = f.dir / "bin";
  fs::create_directories(bin);
  write_executable(bin / "sbatch",
                   "#!/bin/bash\necho 'sbatch: error: invalid partition specified: gpu' >&2\n"
                   "exit 1\n");
  const PathPrefix path(bin);
  const auto r = run_cli(f.args({"--submit", "--partition", "gpu"}));
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("rigor slurm: `sbatch --parsable '" + f.store_dir.string() +
                               "/rigor-array.sbatch'` failed (exit 1): sbatch: error: invalid "
                               "partition specified: gpu"));
}

}  // namespace
}  // namespace rigor::cli
