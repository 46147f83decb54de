#include "rigor/store.h"
