#include "rigor/stats/ttest.h"
