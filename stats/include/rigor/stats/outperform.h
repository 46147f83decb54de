#ifndef RIGOR_STATS_OUTPERFORM_H_
#define RIGOR_STATS_OUTPERFORM_H_
#include "rigor/stats/common.h"
#endif  // RIGOR_STATS_OUTPERFORM_H_
