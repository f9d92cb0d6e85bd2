/*
 * libFuzzer harness: the YAML/JSON loader and the normalizers. The first
 * byte selects the kind (compose, Kubernetes, daemon.json, docker inspect
 * forced through the options, or detection) and the name (fuzz_common.h);
 * the rest is the file. The rest is also loaded by both YAML loaders, the
 * fast one and libyaml's (tests/yaml_compare.h): whatever the fast loader
 * accepts must come out exactly as libyaml's events make it.
 */
#include "fuzz_common.h"
#include "../yaml_compare.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	tmdk_kind kind;
	tmdk_artifact *a;
	char *why = NULL;

	if (size == 0)
		return 0;
	kind = fuzz_kind_of(data[0]);
	if (kind == TMDK_KIND_DOCKERFILE)
		kind = TMDK_KIND_AUTO; /* fuzz_dockerfile covers that parser */
	a = fuzz_parse(fuzz_name_of(data[0]), data + 1, size - 1, kind);
	tmdk_artifact_free(a);
	FUZZ_ASSERT(ycmp_compare((const char *)data + 1, size - 1, NULL, &why) != YCMP_DIFFERENT,
		"the YAML loaders differ:\n%s", why ? why : "");
	free(why);
	return 0;
}
