/* PLACEHOLDER — to be written. */
#include "helpers.h"
Test(detect, placeholder) { cr_assert(1); }
