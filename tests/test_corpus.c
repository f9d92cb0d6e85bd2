/* PLACEHOLDER — to be written. */
#include "helpers.h"
Test(corpus, placeholder) { cr_assert(1); }
