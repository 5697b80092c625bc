/* Stub: replaced by the engine (issue 2). */
#include "milter/engine.h"
