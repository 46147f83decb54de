#ifndef RIGOR_STATS_PERMUTATION_H_
#define RIGOR_STATS_PERMUTATION_H_
#include "rigor/stats/common.h"
#endif  // RIGOR_STATS_PERMUTATION_H_
