/* STUB */
#include "internal.h"
int tmdk__normalize_kubernetes(tmdk_artifact *a, tmdk_error *err) { (void)a; (void)err; return TMDK_OK; }
