/* fixture: the machine includes the core (allowed) -- with engine.h, a cycle */
#include "engine.h"
