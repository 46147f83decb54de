// Benchmarks for the closed-form tests (rigor/stats/ttest.h, rank_tests.h): the per-claim cost of
// an analysis is dominated by these when no resampling test is declared. Sizes are typical seed
// counts (20) and a large study (500).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "rigor/stats/random.h"
#include "rigor/stats/rank_tests.h"
#include "rigor/stats/ttest.h"

namespace {

std::vector<double> scores(std::uint64_t seed, std::size_t n, double mean) {
  rigor::stats::CounterRng rng(seed, 0);
  std::vector<double> x(n);
  for (auto& v : x) v = mean + 0.01 * rng.normal();
  return x;
}

void BM_WelchTTest(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = scores(1, n, 0.901), b = scores(2, n, 0.900);
  for (auto _ : state) benchmark::DoNotOptimize(rigor::stats::welch_t_test(a, b).p_value);
}
BENCHMARK(BM_WelchTTest)->Arg(20)->Arg(500);

void BM_MannWhitney(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = scores(3, n, 0.901), b = scores(4, n, 0.900);
  for (auto _ : state) benchmark::DoNotOptimize(rigor::stats::mann_whitney(a, b).p_value);
}
// 20: exact distribution with the Hodges-Lehmann CI; 500: normal approximation with R's uniroot CI.
BENCHMARK(BM_MannWhitney)->Arg(20)->Arg(500);

void BM_WilcoxonSignedRank(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = scores(5, n, 0.901), b = scores(6, n, 0.900);
  for (auto _ : state) benchmark::DoNotOptimize(rigor::stats::wilcoxon_signed_rank(a, b).p_value);
}
BENCHMARK(BM_WilcoxonSignedRank)->Arg(20)->Arg(500);

void BM_SmokeClosedFormTests(benchmark::State& state) {
  const auto a = scores(7, 5, 0.9), b = scores(8, 5, 0.9);
  for (auto _ : state) {
    benchmark::DoNotOptimize(rigor::stats::welch_t_test(a, b).p_value);
    benchmark::DoNotOptimize(rigor::stats::mann_whitney(a, b).p_value);
    benchmark::DoNotOptimize(rigor::stats::wilcoxon_signed_rank(a, b).p_value);
  }
}
BENCHMARK(BM_SmokeClosedFormTests);

}  // namespace
