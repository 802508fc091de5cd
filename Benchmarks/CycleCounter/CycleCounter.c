#include "CycleCounter.h"
