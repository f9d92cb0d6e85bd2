/* Core: errors, options, version, arena, nodes and path lookup. */
#include "helpers.h"
Test(core, placeholder) { cr_assert(1); }
