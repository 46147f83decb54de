#include "rigor/stats/aso.h"
