#ifndef RIGOR_STATS_TTEST_H_
#define RIGOR_STATS_TTEST_H_
#include "rigor/stats/common.h"
#endif  // RIGOR_STATS_TTEST_H_
