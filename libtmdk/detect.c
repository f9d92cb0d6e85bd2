/* STUB — replaced by the detection work. */
#include "internal.h"
tmdk_kind tmdk__kind_from_name(const char *name, int *yaml_like) { (void)name; *yaml_like = 1; return TMDK_KIND_UNKNOWN; }
tmdk_kind tmdk__kind_from_documents(const tmdk_artifact *a) { (void)a; return TMDK_KIND_UNKNOWN; }
int tmdk__looks_like_dockerfile(const char *data, size_t len) { (void)data; (void)len; return 0; }
tmdk_kind tmdk_detect_kind(const char *name, const void *data, size_t len) { (void)name; (void)data; (void)len; return TMDK_KIND_UNKNOWN; }
