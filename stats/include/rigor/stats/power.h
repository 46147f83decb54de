#ifndef RIGOR_STATS_POWER_H_
#define RIGOR_STATS_POWER_H_
#include "rigor/stats/common.h"
#endif  // RIGOR_STATS_POWER_H_
