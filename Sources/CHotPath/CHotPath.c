// The target's functions are all inline in include/CHotPath.h; SwiftPM needs one source file.
#include "CHotPath.h"
