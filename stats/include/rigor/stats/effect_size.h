#ifndef RIGOR_STATS_EFFECT_SIZE_H_
#define RIGOR_STATS_EFFECT_SIZE_H_
#include "rigor/stats/common.h"
#endif  // RIGOR_STATS_EFFECT_SIZE_H_
