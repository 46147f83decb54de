// Benchmarks for rigor/stats/aso.h and outperform.h. Workloads (scripts/bench-compare.sh): ASO
// with 20, 200 and 1000 scores per arm and 1000 bootstrap iterations. deep-significance documents
// about 2 minutes per comparison at 1000 scores per arm; the target is >= 100x faster (< 1.2 s).
// BM_ASO_* use the default thread count (all cores); the _1Thread variants show one core.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "rigor/stats/aso.h"
#include "rigor/stats/outperform.h"
#include "rigor/stats/random.h"

namespace {

std::vector<double> scores(std::uint64_t seed, std::size_t n, double mean) {
  rigor::stats::CounterRng rng(seed, 0);
  std::vector<double> x(n);
  for (auto& v : x) v = mean + 0.01 * rng.normal();
  return x;
}

void run_aso(benchmark::State& state, std::size_t n, unsigned threads, std::size_t num_bootstrap) {
  const auto a = scores(1, n, 0.901);
  const auto b = scores(2, n, 0.900);
  rigor::stats::AsoOptions options;
  options.num_bootstrap = num_bootstrap;
  options.threads = threads;
  for (auto _ : state) {
    benchmark::DoNotOptimize(rigor::stats::aso(a, b, 42, options).eps_min);
  }
}

void BM_ASO_20(benchmark::State& state) { run_aso(state, 20, 0, 1000); }
void BM_ASO_200(benchmark::State& state) { run_aso(state, 200, 0, 1000); }
void BM_ASO_1000(benchmark::State& state) { run_aso(state, 1000, 0, 1000); }
void BM_ASO_1000_1Thread(benchmark::State& state) { run_aso(state, 1000, 1, 1000); }
void BM_SmokeASO(benchmark::State& state) { run_aso(state, 5, 1, 20); }

BENCHMARK(BM_ASO_20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ASO_200)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ASO_1000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ASO_1000_1Thread)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SmokeASO);

void run_outperform(benchmark::State& state, std::size_t n, bool paired, std::size_t resamples) {
  const auto a = scores(3, n, 0.901);
  const auto b = scores(4, n, 0.900);
  rigor::stats::OutperformOptions options;
  options.paired = paired;
  options.n_resamples = resamples;
  for (auto _ : state) {
    benchmark::DoNotOptimize(rigor::stats::probability_of_outperforming(a, b, 7, options).ci.lower);
  }
}

void BM_ProbabilityOfOutperforming_1000(benchmark::State& state) {
  run_outperform(state, 1000, false, 1000);
}
void BM_SmokeProbabilityOfOutperforming(benchmark::State& state) {
  run_outperform(state, 5, true, 20);
}

BENCHMARK(BM_ProbabilityOfOutperforming_1000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SmokeProbabilityOfOutperforming);

}  // namespace
