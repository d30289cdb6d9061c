/* fixture: a core module that reaches up into the machine (must be refused) */
#include "mach.h"
