// The prefetch and compare helpers are inline in include/CHotPath.h; the line readers are in
// LineReaders.c.
#include "CHotPath.h"
