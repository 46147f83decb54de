#include "rigor/stats/outperform.h"
