#include "rigor/stats/rank_tests.h"
