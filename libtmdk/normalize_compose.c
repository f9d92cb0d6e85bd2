/* STUB */
#include "internal.h"
int tmdk__normalize_compose(tmdk_artifact *a, tmdk_error *err) { (void)a; (void)err; return TMDK_OK; }
