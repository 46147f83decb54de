#ifndef RIGOR_STATS_CORRECTIONS_H_
#define RIGOR_STATS_CORRECTIONS_H_
#include "rigor/stats/common.h"
#endif  // RIGOR_STATS_CORRECTIONS_H_
