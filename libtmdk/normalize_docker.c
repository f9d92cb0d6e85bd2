/* STUB */
#include "internal.h"
int tmdk__normalize_daemon_json(tmdk_artifact *a, tmdk_error *err) { (void)a; (void)err; return TMDK_OK; }
int tmdk__normalize_docker_inspect(tmdk_artifact *a, tmdk_error *err) { (void)a; (void)err; return TMDK_OK; }
