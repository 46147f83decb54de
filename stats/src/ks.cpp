#include "rigor/stats/ks.h"
