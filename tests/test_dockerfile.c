/* PLACEHOLDER — to be written. */
#include "helpers.h"
Test(dockerfile, placeholder) { cr_assert(1); }
