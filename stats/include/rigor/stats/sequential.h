#ifndef RIGOR_STATS_SEQUENTIAL_H_
#define RIGOR_STATS_SEQUENTIAL_H_
#include "rigor/stats/common.h"
#endif  // RIGOR_STATS_SEQUENTIAL_H_
