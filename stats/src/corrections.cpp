#include "rigor/stats/corrections.h"
