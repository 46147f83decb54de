#include "rigor/stats/effect_size.h"
