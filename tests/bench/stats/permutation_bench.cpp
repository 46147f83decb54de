// Benchmarks for rigor/stats/permutation.h. Workload (scripts/bench-compare.sh): a two-sample
// permutation test of the mean difference, 50 vs 50, 100,000 Monte Carlo permutations, against
// scipy.stats.permutation_test(vectorized=True). Measured on the development machine (AMD EPYC,
// 2 shared cores, scipy 1.10.1): scipy ~320 ms; rigor ~21 ms on one thread (_1thread),
// so >= 20x needs the second thread. 2 threads in the main benchmark (see bootstrap_bench.cpp).
// Data: N(0, 1) and N(0.3, 1) from CounterRng(2024, 2), drawn once.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "rigor/stats/permutation.h"
#include "rigor/stats/random.h"

namespace {

void run_permutation(benchmark::State& state, std::size_t n, std::uint64_t permutations,
                     unsigned threads, bool paired) {
  rigor::stats::CounterRng rng(2024, 2);
  std::vector<double> x(n), y(n);
  for (double& v : x) v = rng.normal();
  for (double& v : y) v = 0.3 + rng.normal();
  rigor::stats::PermutationOptions options;
  options.n_resamples = permutations;
  options.threads = threads;
  std::uint64_t seed = 0;
  for (auto _ : state) {
    const rigor::stats::PermutationResult r =
        paired ? rigor::stats::paired_permutation_test(x, y, ++seed, options)
               : rigor::stats::permutation_test(x, y, ++seed, options);
    benchmark::DoNotOptimize(r.test.p_value);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(permutations));
}

void BM_Permutation_50v50_1e5(benchmark::State& state) {
  run_permutation(state, 50, 100'000, 2, false);
}
void BM_Permutation_50v50_1e5_1thread(benchmark::State& state) {
  run_permutation(state, 50, 100'000, 1, false);
}
void BM_PairedPermutation_50_1e5(benchmark::State& state) {
  run_permutation(state, 50, 100'000, 2, true);
}
void BM_SmokePermutation(benchmark::State& state) { run_permutation(state, 10, 2000, 2, false); }

BENCHMARK(BM_Permutation_50v50_1e5)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_Permutation_50v50_1e5_1thread)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PairedPermutation_50_1e5)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SmokePermutation)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
