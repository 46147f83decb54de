#include "rigor/stats/normality.h"
