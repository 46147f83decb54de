// Benchmarks for rigor/stats/bootstrap.h. Workload (scripts/bench-compare.sh): the BCa CI of a
// mean, n = 1000, 10,000 resamples, against scipy.stats.bootstrap(method="BCa"). Measured on the
// development machine (AMD EPYC 7003, 2 shared vCPUs, GCC 12 -O2, scipy 1.10.1; medians of 3
// repetitions, 10 runs alternated with the previous build): scipy 100-138 ms (best of 3);
// _1thread 7.5-8.8 ms, median 8.0 (previous build, indices drawn into a block then summed and one
// Philox call per key: 8.9-10.7, median 9.6; 33 ms when every index word came from Philox4x32-10,
// before the SplitMix64 draw rule of docs/stats/resampling.md); the main benchmark (2 threads)
// 4.4-6.0 ms, median 4.8 (previous build, one fixed chunk of resamples per thread: 5.5-6.6,
// median 6.0; 10-11 ms while other jobs ran). The main benchmark uses 2 threads (a fixed count,
// so numbers compare across machines). Data: N(0, 1) from CounterRng(2024, 1), drawn once.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "rigor/stats/bootstrap.h"
#include "rigor/stats/random.h"

namespace {

std::vector<double> normal_data(std::size_t n) {
  rigor::stats::CounterRng rng(2024, 1);
  std::vector<double> x(n);
  for (double& v : x) v = rng.normal();
  return x;
}

void run_bootstrap(benchmark::State& state, std::size_t n, std::size_t resamples,
                   rigor::stats::Statistic statistic, unsigned threads) {
  const std::vector<double> x = normal_data(n);
  rigor::stats::BootstrapOptions options;
  options.n_resamples = resamples;
  options.threads = threads;
  std::uint64_t seed = 0;
  for (auto _ : state) {
    const rigor::stats::BootstrapResult r =
        rigor::stats::bootstrap_ci(x, statistic, ++seed, options);
    benchmark::DoNotOptimize(r.ci.lower);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(resamples));
}

void BM_BootstrapBCaMean_n1000_r10000(benchmark::State& state) {
  run_bootstrap(state, 1000, 10'000, rigor::stats::Statistic::kMean, 2);
}
void BM_BootstrapBCaMean_n1000_r10000_1thread(benchmark::State& state) {
  run_bootstrap(state, 1000, 10'000, rigor::stats::Statistic::kMean, 1);
}
// The generic path (materialized resample + nth_element), for scale.
void BM_BootstrapBCaMedian_n1000_r10000(benchmark::State& state) {
  run_bootstrap(state, 1000, 10'000, rigor::stats::Statistic::kMedian, 2);
}
void BM_SmokeBootstrap(benchmark::State& state) {
  run_bootstrap(state, 50, 200, rigor::stats::Statistic::kIqm, 2);
}

BENCHMARK(BM_BootstrapBCaMean_n1000_r10000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_BootstrapBCaMean_n1000_r10000_1thread)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_BootstrapBCaMedian_n1000_r10000)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SmokeBootstrap)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
