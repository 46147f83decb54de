// rigor/stats.h — the statistics engine: hypothesis tests, multiple-comparison corrections,
// effect sizes, bootstrap CIs, Almost Stochastic Order and power. Pure numerics (Boost.Math only).
//
//   std::vector<double> a = {0.91, 0.92, 0.90}, b = {0.88, 0.89, 0.90};
//   rigor::stats::TestResult r = rigor::stats::welch_t_test(a, b);
//   std::vector<double> adj = rigor::stats::adjust_p_values(p,
//   rigor::stats::Correction::kHolm).adjusted;
#ifndef RIGOR_STATS_H_
#define RIGOR_STATS_H_

#include "rigor/stats/aso.h"
#include "rigor/stats/bootstrap.h"
#include "rigor/stats/common.h"
#include "rigor/stats/corrections.h"
#include "rigor/stats/effect_size.h"
#include "rigor/stats/ks.h"
#include "rigor/stats/multi_sample.h"
#include "rigor/stats/normality.h"
#include "rigor/stats/outperform.h"
#include "rigor/stats/permutation.h"
#include "rigor/stats/power.h"
#include "rigor/stats/random.h"
#include "rigor/stats/rank_tests.h"
#include "rigor/stats/sequential.h"
#include "rigor/stats/sim_power.h"
#include "rigor/stats/ttest.h"

#endif  // RIGOR_STATS_H_
