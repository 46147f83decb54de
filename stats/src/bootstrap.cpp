#include "rigor/stats/bootstrap.h"
