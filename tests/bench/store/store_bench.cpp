// Benchmarks of rigor::store. Targets (issue 4): recording per-step metrics costs under 1% of a
// small training run; summarizing a 10,000-run store (`rigor inspect`) takes under a second.
//
//   rigor_store_bench --benchmark_filter=PutRun      # cost of put_run per recorded step
//   rigor_store_bench --benchmark_filter=Summaries   # StoreReader::open + summaries()
//   rigor_store_bench --benchmark_filter=ReadRuns    # every run, whole vs only some parts
//
// Per-step cost = time per put_run / steps (a run records 4 metrics per step, and its epoch
// metrics, 10,000 test-example results and final metrics). A small training run (an MNIST MLP on
// CPU) takes ~1 ms per step, so the 1% budget is ~10 us per step.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "rigor/store.h"

namespace {

namespace fs = std::filesystem;
namespace st = rigor::store;

// A fresh scratch directory per name and process, removed when the process exits.
fs::path fresh_dir(const std::string& name) {
  struct Cleaner {
    std::vector<fs::path> dirs;
    ~Cleaner() {
      std::error_code ec;
      for (const auto& d : dirs) fs::remove_all(d, ec);
    }
  };
  static Cleaner cleaner;
  const fs::path dir =
      fs::temp_directory_path() / ("rigor_store_bench_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  cleaner.dirs.push_back(dir);
  return dir;
}

st::ProtocolInfo protocol() { return {"[study]\n", "sha256:bench", "{}"}; }

st::RunRecord record(int i, int steps, int examples) {
  st::RunRecord r;
  r.cell_id = "cell-" + std::to_string(i);
  r.arm = i % 2 ? "candidate" : "baseline";
  r.replicate = i / 2;
  r.seeds = {{"init", 1u}, {"data_order", 2u}};
  r.status = st::RunStatus::kComplete;
  r.device = "cpu";
  for (const char* m : {"loss", "accuracy", "lr", "grad_norm"}) {
    auto& s = r.step_metrics[m];
    s.reserve(static_cast<std::size_t>(steps));
    for (int k = 0; k < steps; ++k) s.push_back({k, 1.0 / (1.0 + k) + 1e-3 * (k % 17)});
  }
  for (int e = 0; e < 10; ++e) r.epoch_metrics["val_accuracy"].push_back({e, 0.9 + 0.001 * e});
  r.final_metrics = {{"test_accuracy", 0.97}, {"test_loss", 0.1}};
  for (int k = 0; k < examples; ++k) {
    r.examples.index.push_back(k);
    r.examples.prediction.push_back(k % 10);
    r.examples.target.push_back((k * 7) % 10);
    r.examples.loss.push_back(0.001 * (k % 1000));
  }
  return r;
}

// put_run of one run with `steps` steps x 4 metrics; arg 1: fsync (1) or not (0).
void BM_PutRun(benchmark::State& state) {
  const int steps = static_cast<int>(state.range(0));
  st::StoreOptions o;
  o.sync = state.range(1) != 0;
  o.compact_every = 0;  // compaction is measured separately
  const fs::path dir = fresh_dir("put");
  auto w = st::StoreWriter::create(dir / "study.h5", protocol(), {{"host", "bench"}}, o);
  const st::RunRecord r = record(0, steps, 10000);
  for (auto _ : state) w.put_run(r);  // replaces the same cell: constant store size
  state.SetItemsProcessed(state.iterations() * steps);  // items/s = recorded steps per second
  // Wall seconds per recorded step (printed with an SI prefix: "2.1u" = 2.1 us).
  state.counters["per_step"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * steps,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(BM_PutRun)
    ->Args({1000, 1})
    ->Args({10000, 1})
    ->Args({100000, 1})
    ->Args({10000, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_PutRun_Smoke(benchmark::State& state) {
  st::StoreOptions o;
  o.sync = false;
  const fs::path dir = fresh_dir("smoke");
  auto w = st::StoreWriter::create(dir / "study.h5", protocol(), {}, o);
  const st::RunRecord r = record(0, 100, 100);
  for (auto _ : state) w.put_run(r);
}
BENCHMARK(BM_PutRun_Smoke)->Iterations(3);

// A store of `runs` small runs (compacted), built once per size and process.
fs::path store_of(int runs) {
  static std::map<int, fs::path> built;
  if (auto it = built.find(runs); it != built.end()) return it->second;
  const fs::path path = fresh_dir("runs" + std::to_string(runs)) / "study.h5";
  st::StoreOptions o;
  o.sync = false;
  o.compact_every = 2000;
  auto w = st::StoreWriter::create(path, protocol(), {}, o);
  for (int i = 0; i < runs; ++i) w.put_run(record(i, 10, 0));
  w.close();
  built[runs] = path;
  return path;
}

// StoreReader::open + summaries(): what `rigor inspect` does.
void BM_Summaries(benchmark::State& state) {
  const fs::path path = store_of(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    const auto r = st::StoreReader::open(path);
    benchmark::DoNotOptimize(r.summaries());
  }
}
BENCHMARK(BM_Summaries)->Arg(10000)->Unit(benchmark::kMillisecond);

void BM_Summaries_Smoke(benchmark::State& state) {
  const fs::path path = store_of(50);
  for (auto _ : state) benchmark::DoNotOptimize(st::StoreReader::open(path).summaries());
}
BENCHMARK(BM_Summaries_Smoke)->Iterations(3);

// A compacted store of `runs` runs, each with 1,000 steps x 4 metrics, 10 epochs, 10,000 test
// examples and a checkpoint of `checkpoint_bytes` pseudo-random bytes (incompressible, like
// serialized float parameters); built once per size and process.
fs::path store_with_checkpoints(int runs, std::size_t checkpoint_bytes) {
  static std::map<std::pair<int, std::size_t>, fs::path> built;
  const auto key = std::make_pair(runs, checkpoint_bytes);
  if (auto it = built.find(key); it != built.end()) return it->second;
  const fs::path path =
      fresh_dir("ckpt" + std::to_string(runs) + "_" + std::to_string(checkpoint_bytes)) /
      "study.h5";
  st::StoreOptions o;
  o.sync = false;
  o.compact_every = 0;
  auto w = st::StoreWriter::create(path, protocol(), {}, o);
  std::uint64_t x = 0x9e3779b97f4a7c15ull;
  for (int i = 0; i < runs; ++i) {
    st::RunRecord r = record(i, 1000, 10000);
    std::vector<std::uint8_t> bytes(checkpoint_bytes);
    for (auto& b : bytes) {  // xorshift64 (Marsaglia 2003)
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      b = static_cast<std::uint8_t>(x >> 56);
    }
    r.checkpoint = std::move(bytes);
    w.put_run(r);
  }
  w.close();
  built[key] = path;
  return path;
}

// Which parts BM_ReadRuns reads: 0 the whole record (StoreReader::run(id), what `rigor analyze`
// and `rigor report` read before RunParts), 1 what the HTML report reads (epochs + examples),
// 2 what `rigor analyze` reads (RunParts::essentials(): attributes, seeds, final metrics).
st::RunParts parts_of(std::int64_t mode) {
  if (mode == 0) return st::RunParts::all();
  if (mode == 1) return {.step_metrics = false, .checkpoint = false};
  return st::RunParts::essentials();
}

// StoreReader::open + run(id, parts) of every run: 60 runs with a 4 MB checkpoint each, warm page
// cache.
void BM_ReadRuns(benchmark::State& state) {
  const fs::path path = store_with_checkpoints(60, std::size_t{4} << 20);
  const st::RunParts parts = parts_of(state.range(0));
  for (auto _ : state) {
    const auto r = st::StoreReader::open(path);
    for (const std::string& id : r.run_ids()) benchmark::DoNotOptimize(r.run(id, parts));
  }
  state.SetLabel(state.range(0) == 0   ? "whole records"
                 : state.range(0) == 1 ? "report parts (epochs, examples)"
                                       : "essentials (analyze)");
}
BENCHMARK(BM_ReadRuns)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_ReadRuns_Smoke(benchmark::State& state) {
  const fs::path path = store_with_checkpoints(4, 4096);
  for (auto _ : state) {
    const auto r = st::StoreReader::open(path);
    for (const std::string& id : r.run_ids()) {
      const st::RunRecord whole = r.run(id);
      const st::RunRecord some = r.run(id, st::RunParts::essentials());
      if (!whole.checkpoint || some.checkpoint || some.final_metrics != whole.final_metrics) {
        state.SkipWithError("partial read differs from the whole record");
      }
    }
  }
}
BENCHMARK(BM_ReadRuns_Smoke)->Iterations(3);

}  // namespace
