// Benchmarks for rigor/stats/bootstrap.h. Workload (scripts/bench-compare.sh): the BCa CI of a
// mean, n = 1000, 10,000 resamples, against scipy.stats.bootstrap(method="BCa"). Measured on the
// development machine (AMD EPYC, 2 shared cores, scipy 1.10.1): scipy ~80 ms of CPU (0.2-0.9 s
// wall under load); rigor ~9 ms on one thread (_1thread; 33 ms when every index word came from
// Philox4x32-10, before the SplitMix64 draw rule of docs/stats/resampling.md) and ~4.6 ms of the
// calling thread with 2 threads. The main benchmark uses 2 threads (a fixed count, so numbers
// compare across machines). Data: N(0, 1) from CounterRng(2024, 1), drawn once.
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
