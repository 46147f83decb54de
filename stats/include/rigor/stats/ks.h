#ifndef RIGOR_STATS_KS_H_
#define RIGOR_STATS_KS_H_
#include "rigor/stats/common.h"
#endif  // RIGOR_STATS_KS_H_
