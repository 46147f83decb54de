#include "rigor/stats/sim_power.h"
