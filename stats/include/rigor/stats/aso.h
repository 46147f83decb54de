#ifndef RIGOR_STATS_ASO_H_
#define RIGOR_STATS_ASO_H_
#include "rigor/stats/common.h"
#endif  // RIGOR_STATS_ASO_H_
