// Benchmarks for rigor/stats/corrections.h. Workload (scripts/bench-compare.sh): Benjamini-Hochberg
// and Holm on 1e6 uniform p-values, against statsmodels 0.13 multipletests (~130-220 ms on the
// development machine, most of it numpy's argsort); the target is >= 20x faster. The p-values are
// drawn once per benchmark, outside the timing loop, from CounterRng(seed 2024, stream 0). The
// default uses every core for families of 2^19 or more; the _1thread variant shows one core.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "rigor/stats/corrections.h"
#include "rigor/stats/random.h"

namespace {

// `scale` < 1 gives a family where every hypothesis looks significant (all p < scale).
std::vector<double> uniform_p_values(std::size_t n, double scale = 1.0) {
  rigor::stats::CounterRng rng(2024, 0);
  std::vector<double> p(n);
  for (double& v : p) v = scale * rng.uniform();
  return p;
}

// One p-value in 20 a signal (u^8: mostly far below 0.001), the rest uniform. BH's terms then
// climb with the rank and hardly any bucket can be skipped (corrections.cpp, step_adjust): the
// full sort's cost.
std::vector<double> p_values_with_signals(std::size_t n) {
  rigor::stats::CounterRng rng(2025, 0);
  std::vector<double> p(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double u = rng.uniform();
    p[i] = i % 20 == 0 ? std::pow(u, 8.0) : u;
  }
  return p;
}

void run_adjust_on(benchmark::State& state, const std::vector<double>& p,
                   rigor::stats::Correction method, unsigned threads = 0) {
  const std::size_t n = p.size();
  for (auto _ : state) {
    const rigor::stats::AdjustResult r = rigor::stats::adjust_p_values(p, method, 0.05, threads);
    benchmark::DoNotOptimize(r.adjusted.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(n));
}

void run_adjust(benchmark::State& state, std::size_t n, rigor::stats::Correction method,
                double scale = 1.0, unsigned threads = 0) {
  run_adjust_on(state, uniform_p_values(n, scale), method, threads);
}

void BM_AdjustBH_1e6(benchmark::State& state) {
  run_adjust(state, 1'000'000, rigor::stats::Correction::kBenjaminiHochberg);
}
// One thread (the default uses every core for families of 2^19 or more).
void BM_AdjustBH_1e6_1thread(benchmark::State& state) {
  run_adjust(state, 1'000'000, rigor::stats::Correction::kBenjaminiHochberg, 1.0, 1);
}
// 5% signals: the buckets are sorted (the benchmark workload above is a null family, where BH
// skips sorting 79-87% of the values).
void BM_AdjustBH_1e6_Signals(benchmark::State& state) {
  run_adjust_on(state, p_values_with_signals(1'000'000),
                rigor::stats::Correction::kBenjaminiHochberg);
}
void BM_AdjustBH_1e6_Signals_1thread(benchmark::State& state) {
  run_adjust_on(state, p_values_with_signals(1'000'000),
                rigor::stats::Correction::kBenjaminiHochberg, 1);
}
// Ten times larger: 1024 buckets of ~10K values (corrections.cpp, most_step_buckets).
void BM_AdjustBH_1e7_Signals(benchmark::State& state) {
  run_adjust_on(state, p_values_with_signals(10'000'000),
                rigor::stats::Correction::kBenjaminiHochberg);
}
void BM_AdjustHochberg_1e6(benchmark::State& state) {
  run_adjust(state, 1'000'000, rigor::stats::Correction::kHochberg);
}
void BM_AdjustHolm_1e6(benchmark::State& state) {
  run_adjust(state, 1'000'000, rigor::stats::Correction::kHolm);
}
// Holm's shortcut (only p-values below 2/m need sorting, see corrections.cpp) does not apply
// when every p-value is tiny: this is Holm's worst case, a full sort like BH.
void BM_AdjustHolm_1e6_AllSmall(benchmark::State& state) {
  run_adjust(state, 1'000'000, rigor::stats::Correction::kHolm, 1e-7);
}
// Hommel in O(m log m); R's p.adjust loop is O(m^2) (hours at this size).
void BM_AdjustHommel_1e6(benchmark::State& state) {
  run_adjust(state, 1'000'000, rigor::stats::Correction::kHommel);
}
void BM_SmokeAdjust(benchmark::State& state) {
  run_adjust(state, 1000, rigor::stats::Correction::kHommel);
}

BENCHMARK(BM_AdjustBH_1e6)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AdjustBH_1e6_1thread)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AdjustBH_1e6_Signals)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AdjustBH_1e6_Signals_1thread)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AdjustBH_1e7_Signals)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AdjustHochberg_1e6)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AdjustHolm_1e6)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AdjustHolm_1e6_AllSmall)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_AdjustHommel_1e6)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SmokeAdjust);

}  // namespace
