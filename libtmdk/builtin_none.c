/*
 * An empty built-in catalog, for patterns/compile-builtin: the program that
 * makes the compiled built-in catalog is linked with the library's core and
 * this, as the catalog it makes does not exist yet.
 */
#include "catalog_load.h"

const tmdk__embedded tmdk__builtin_catalog[1] = { { NULL, NULL, 0 } };
const size_t tmdk__builtin_catalog_count = 0;
const unsigned char tmdk__builtin_compiled[1] = { 0 };
const size_t tmdk__builtin_compiled_len = 0;
