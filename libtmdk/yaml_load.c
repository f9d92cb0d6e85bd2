/* STUB */
#include "internal.h"
int tmdk__yaml_load(tmdk_artifact *a, tmdk_error *err) { return tmdk__error_set(err, TMDK_ERROR, a->name, 0, 0, "not implemented"); }
