/* PLACEHOLDER — to be written. */
#include "helpers.h"
Test(yaml, placeholder) { cr_assert(1); }
