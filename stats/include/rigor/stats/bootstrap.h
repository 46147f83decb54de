#ifndef RIGOR_STATS_BOOTSTRAP_H_
#define RIGOR_STATS_BOOTSTRAP_H_
#include "rigor/stats/common.h"
#endif  // RIGOR_STATS_BOOTSTRAP_H_
