#ifndef RIGOR_STATS_RANK_TESTS_H_
#define RIGOR_STATS_RANK_TESTS_H_
#include "rigor/stats/common.h"
#endif  // RIGOR_STATS_RANK_TESTS_H_
