/*
 * libFuzzer harness: kind detection. The first byte is the length of the
 * file name that follows (0xff: no name); the rest is the content.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	char name[256];
	const char *name_arg = name;
	size_t n;
	tmdk_kind k, back;

	if (size == 0)
		return 0;
	n = data[0];
	if (n == 0xff) {
		name_arg = NULL;
		n = 0;
	}
	if (n > size - 1)
		n = size - 1;
	memcpy(name, data + 1, n);
	name[n] = '\0';
	k = tmdk_detect_kind(name_arg, data + 1 + n, size - 1 - n);
	FUZZ_ASSERT(k >= TMDK_KIND_UNKNOWN && k <= TMDK_KIND_DOCKER_INSPECT, "kind %d out of range", (int)k);
	FUZZ_ASSERT(tmdk_kind_from_name(&back, tmdk_kind_name(k)) == TMDK_OK && back == k, "kind name round trip");
	/* The name alone, and no content at all, must be safe too. */
	k = tmdk_detect_kind(name_arg, NULL, 0);
	FUZZ_ASSERT(k >= TMDK_KIND_UNKNOWN && k <= TMDK_KIND_DOCKER_INSPECT, "kind %d out of range", (int)k);
	return 0;
}
