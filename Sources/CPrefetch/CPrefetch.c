// The target's functions are all inline in include/CPrefetch.h; SwiftPM needs one source file.
#include "CPrefetch.h"
