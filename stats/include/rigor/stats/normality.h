#ifndef RIGOR_STATS_NORMALITY_H_
#define RIGOR_STATS_NORMALITY_H_
#include "rigor/stats/common.h"
#endif  // RIGOR_STATS_NORMALITY_H_
