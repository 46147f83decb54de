// Whole studies through real rigor-worker processes (tiny synthetic protocol).
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "harness_test_util.h"
#include "rigor/protocols.h"

namespace rigor::harness {
namespace {

using testing::HasSubstr;
using namespace rigor::harness::test_util;

TEST(HarnessRun, RecordsEveryCellWithSeedsMetricsAndProvenance) {
  ScratchDir dir("record");
  const auto protocol = dir.write("p.toml", tiny_protocol());
  const auto store = dir.path() / "study.h5";
  const StudyResult r = run_quietly(protocol, quiet_options(store));
  EXPECT_EQ(r.planned, 6);
  EXPECT_EQ(r.complete, 6);
  EXPECT_EQ(r.failed, 0);
  const auto reader = store::StoreReader::open(store);
  EXPECT_EQ(reader.run_ids(), (std::vector<std::string>{"base-r0", "base-r1", "base-r2", "drop-r0",
                                                        "drop-r1", "drop-r2"}));
  const auto p = protocols::load_protocol(protocol.string());
  EXPECT_EQ(reader.protocol().hash, protocols::canonical_hash(p));
  const auto plan = protocols::make_plan(p);
  const store::RunRecord run = reader.run("drop-r1");
  EXPECT_EQ(run.arm, "drop");
  EXPECT_EQ(run.replicate, 1);
  EXPECT_EQ(run.seeds.at("init"), plan.cells[4].seeds[0]);
  EXPECT_EQ(run.seeds.at("dropout"), plan.cells[4].seeds[3]);
  EXPECT_EQ(run.params_sha256.size(), 64U);
  ASSERT_TRUE(run.final_metrics.count("accuracy"));
  EXPECT_GT(run.final_metrics.at("accuracy"), 0.5);  // two moons are learnable
  EXPECT_TRUE(run.final_metrics.count("loss"));
  EXPECT_EQ(run.epoch_metrics.at("test_accuracy").size(), 3U);
  EXPECT_GT(run.cpu_seconds, 0.0);
  for (const char* key : {"rigor.version", "torch.version", "blas.library", "run.threads",
                          "run.device", "host.cpu", "data.sha256"})
    EXPECT_TRUE(reader.provenance().count(key)) << key;
  EXPECT_FALSE(fs::exists(store.string() + ".work"));  // cleaned when nothing failed
}

TEST(HarnessRun, CellResultsAreBitwiseIdenticalAloneInParallelAndAfterResume) {
  ScratchDir dir("determinism");
  const auto protocol = dir.write("p.toml", tiny_protocol(4));
  const auto serial = dir.path() / "serial.h5";
  const auto parallel = dir.path() / "parallel.h5";
  const auto resumed = dir.path() / "resumed.h5";
  const auto single = dir.path() / "single.h5";
  run_quietly(protocol, quiet_options(serial, 1));
  run_quietly(protocol, quiet_options(parallel, 4));
  // Resume history: shard 1 of 3 first, then the rest with 2 workers.
  RunOptions part = quiet_options(resumed, 2);
  part.part = 1;
  part.parts = 3;
  EXPECT_EQ(run_quietly(protocol, part).complete, 3);
  const StudyResult rest = run_quietly(protocol, quiet_options(resumed, 2));
  EXPECT_EQ(rest.skipped, 3);
  EXPECT_EQ(rest.complete, 5);
  // One cell alone: shard 7 of 8 is exactly drop-r3.
  RunOptions alone = quiet_options(single, 1);
  alone.part = 7;
  alone.parts = 8;
  run_quietly(protocol, alone);

  const auto h_serial = hashes(serial);
  ASSERT_EQ(h_serial.size(), 8U);
  EXPECT_EQ(hashes(parallel), h_serial);
  EXPECT_EQ(hashes(resumed), h_serial);
  EXPECT_EQ(hashes(single).at("drop-r3"), h_serial.at("drop-r3"));
  // Metrics too, bit for bit (the whole record apart from times and the machine's timings).
  const auto a = store::StoreReader::open(serial);
  const auto b = store::StoreReader::open(parallel);
  for (const auto& id : a.run_ids()) {
    auto ra = a.run(id);
    auto rb = b.run(id);
    for (auto* r : {&ra, &rb}) r->start_time = r->end_time = r->wall_seconds = r->cpu_seconds = 0;
    EXPECT_TRUE(store::identical(ra, rb)) << id;
  }
  // Different seeds do give different networks (the hash is not constant).
  EXPECT_NE(h_serial.at("base-r0"), h_serial.at("base-r1"));
}

TEST(HarnessRun, RerunningACompleteStudyDoesNothing) {
  ScratchDir dir("noop");
  const auto protocol = dir.write("p.toml", tiny_protocol(2, 1));
  const auto store = dir.path() / "study.h5";
  run_quietly(protocol, quiet_options(store));
  const StudyResult again = run_quietly(protocol, quiet_options(store));
  EXPECT_EQ(again.skipped, 4);
  EXPECT_EQ(again.complete + again.failed, 0);
}

class HarnessCrash : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(HarnessCrash, OneRunsCrashIsRecordedAndTheStudyContinues) {
  const auto [kind, expected] = GetParam();
  ScratchDir dir(std::string("crash-") + kind);
  const auto protocol = dir.write("p.toml", tiny_protocol(2, 1));
  const auto store = dir.path() / "study.h5";
  ::setenv("RIGOR_WORKER_FAULT", (std::string("drop-r0:") + kind).c_str(), 1);
  const StudyResult r = run_quietly(protocol, quiet_options(store, 2));
  ::unsetenv("RIGOR_WORKER_FAULT");
  EXPECT_EQ(r.failed, 1);
  EXPECT_EQ(r.complete, 3);
  EXPECT_EQ(r.failed_cells, std::vector<std::string>{"drop-r0"});
  {
    const auto reader = store::StoreReader::open(store);
    const auto run = reader.run("drop-r0");
    EXPECT_EQ(run.status, store::RunStatus::kFailed);
    EXPECT_THAT(run.error, HasSubstr(expected));
    EXPECT_EQ(run.seeds.size(), 5U);  // a failed run still says which seeds it had
  }
  // Rerunning retries only the failed cell, and it now completes.
  const StudyResult retry = run_quietly(protocol, quiet_options(store));
  EXPECT_EQ(retry.skipped, 3);
  EXPECT_EQ(retry.complete, 1);
  EXPECT_EQ(hashes(store).size(), 4U);
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, HarnessCrash,
    ::testing::Values(std::make_pair("abort", "signal 6"), std::make_pair("segv", "signal 11"),
                      std::make_pair("kill", "SIGKILL (out of memory?"),
                      std::make_pair("exit", "exited with code 3 without writing its result"),
                      std::make_pair("throw", "injected failure (RIGOR_WORKER_FAULT)")),
    [](const auto& test_info) { return std::string(test_info.param.first); });

TEST(HarnessRun, DivergedRunIsRecordedWithStepAndParameter) {
  ScratchDir dir("diverge");
  const std::string blowup = R"(
[[arms]]
name = "blowup"
optimizer = { name = "sgd", learning_rate = 1e30 }
)";
  const auto protocol = dir.write("p.toml", tiny_protocol(2, 2, blowup));
  const auto store = dir.path() / "study.h5";
  const StudyResult r = run_quietly(protocol, quiet_options(store));
  EXPECT_EQ(r.diverged, 2);
  EXPECT_EQ(r.failed, 0);
  const auto run = store::StoreReader::open(store).run("blowup-r0");
  EXPECT_EQ(run.status, store::RunStatus::kDiverged);
  EXPECT_THAT(run.error, HasSubstr("at step"));
  EXPECT_THAT(run.error, ::testing::MatchesRegex(".*(weight|bias).*"));
  // Rerunning does not retry a diverged run: it is an outcome, not a failure.
  EXPECT_EQ(run_quietly(protocol, quiet_options(store)).skipped, 6);
}

TEST(HarnessRun, StoreOfAnotherProtocolIsRefused) {
  ScratchDir dir("other");
  const auto p1 = dir.write("p1.toml", tiny_protocol(2, 1));
  const auto p2 = dir.write("p2.toml", tiny_protocol(3, 1));
  const auto store = dir.path() / "study.h5";
  run_quietly(p1, quiet_options(store));
  EXPECT_THAT(
      [&] { run_quietly(p2, quiet_options(store)); },
      ::testing::ThrowsMessage<HarnessError>(HasSubstr("this store was made for protocol hash")));
}

TEST(HarnessRun, ChangingThreadsOnResumeIsRefused) {
  ScratchDir dir("threads");
  const auto protocol = dir.write("p.toml", tiny_protocol(2, 1));
  const auto store = dir.path() / "study.h5";
  RunOptions first = quiet_options(store);
  first.parts = 2;
  run_quietly(protocol, first);
  RunOptions second = quiet_options(store);
  second.workers.threads = 2;
  EXPECT_THAT([&] { run_quietly(protocol, second); },
              ::testing::ThrowsMessage<HarnessError>(
                  HasSubstr("were made with --threads 1, but this command asks for --threads 2")));
}

TEST(HarnessRun, UnreadableDataStopsBeforeAnyRunWithTheReason) {
  ScratchDir dir("baddata");
  std::string text = tiny_protocol(2, 1);
  const std::string from =
      "dataset = \"synthetic\"\ngenerator = \"moons\"\nsamples = 300\nnoise = 0.25\n";
  text.replace(text.find(from), from.size(),
               "dataset = \"csv\"\npath = \"missing.csv\"\ntarget = \"y\"\n");
  const auto protocol = dir.write("p.toml", text);
  const auto store = dir.path() / "study.h5";
  EXPECT_THAT([&] { run_quietly(protocol, quiet_options(store)); },
              ::testing::ThrowsMessage<HarnessError>(HasSubstr("missing.csv")));
  EXPECT_FALSE(fs::exists(store));  // nothing recorded, nothing to clean up
}

TEST(HarnessRun, UnknownMetricStopsBeforeAnyRun) {
  ScratchDir dir("badmetric");
  std::string text = tiny_protocol(2, 1);
  text.replace(text.find("name = \"loss\""), 13, "name = \"f1\"");
  const auto protocol = dir.write("p.toml", text);
  EXPECT_THAT([&] { run_quietly(protocol, quiet_options(dir.path() / "s.h5")); },
              ::testing::ThrowsMessage<HarnessError>(HasSubstr("metrics[1].name")));
}

// Whether any process still has `needle` in its command line (orphaned workers).
bool process_with_argument(const std::string& needle) {
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::ifstream in(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(HarnessKill, KillNineOfTheStudyLosesOnlyRunsInFlight) {
  ScratchDir dir("kill9");
  const auto protocol = dir.write("p.toml", tiny_protocol(10, 6));
  const auto reference = dir.path() / "reference.h5";
  run_quietly(protocol, quiet_options(reference, 2));
  const auto expected = hashes(reference);
  ASSERT_EQ(expected.size(), 20U);

  const auto store = dir.path() / "study.h5";
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 2);
    ::execl(RIGOR_EXE, RIGOR_EXE, "run", protocol.c_str(), "--store", store.c_str(), "--jobs", "2",
            "--progress", "lines", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  // Kill it once some runs are recorded and others are in flight.
  std::size_t recorded = 0;
  for (int i = 0; i < 600 && recorded < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const fs::path pending = store.string() + ".pending";
    recorded = 0;
    if (fs::exists(pending))
      for (const auto& e : fs::directory_iterator(pending))
        if (e.path().extension() == ".h5") ++recorded;
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status));
  ASSERT_GE(recorded, 5U);
  // Its workers die with it (PR_SET_PDEATHSIG): no orphan keeps training.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_FALSE(process_with_argument(protocol.string()));

  const auto partial = hashes(store);
  EXPECT_GE(partial.size(), 5U);
  EXPECT_LT(partial.size(), 20U);
  for (const auto& [id, h] : partial) EXPECT_EQ(h, expected.at(id)) << id;
  // Rerunning the same command finishes the study with the same results.
  const StudyResult rest = run_quietly(protocol, quiet_options(store, 2));
  EXPECT_EQ(rest.skipped, static_cast<std::int64_t>(partial.size()));
  EXPECT_EQ(hashes(store), expected);
}

}  // namespace
}  // namespace rigor::harness
