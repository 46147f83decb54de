#include "rigor/stats/multi_sample.h"
