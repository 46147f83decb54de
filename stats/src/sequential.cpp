#include "rigor/stats/sequential.h"
