#include "rigor/stats/power.h"
