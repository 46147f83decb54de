#include "rigor/protocols.h"
