#ifndef RIGOR_STATS_MULTI_SAMPLE_H_
#define RIGOR_STATS_MULTI_SAMPLE_H_
#include "rigor/stats/common.h"
#endif  // RIGOR_STATS_MULTI_SAMPLE_H_
