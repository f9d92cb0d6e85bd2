/* libFuzzer harness: the Dockerfile parser (the whole input is the file). */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	tmdk_artifact *a = fuzz_parse("Dockerfile", data, size, TMDK_KIND_DOCKERFILE);
	tmdk_artifact_free(a);
	return 0;
}
