#include "rigor/stats/permutation.h"
