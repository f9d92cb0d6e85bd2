/*
 * libFuzzer harness: kind detection, and the candidate rule of a tree walk
 * (tmdk_candidate_parse_buffer) and globs (tmdk_glob_match) on the same
 * input. The first byte is the length of the file name that follows (0xff:
 * no name); the rest is the content. The glob is the name, matched against
 * the content's first line as a path.
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
	{
		char path[512];
		size_t m = size - 1 - n, i;
		int g;
		tmdk_artifact *a = NULL;
		tmdk_candidate_status st;
		tmdk_error err;
		int rc;

		for (i = 0; i < m && i < sizeof(path) - 1 && data[1 + n + i] != '\n' && data[1 + n + i] != '\0'; i++)
			path[i] = (char)data[1 + n + i];
		path[i] = '\0';
		g = tmdk_glob_match(name, path);
		FUZZ_ASSERT(g == 0 || g == 1, "glob result %d", g);
		rc = tmdk_candidate_parse_buffer(&a, &st, name_arg, data + 1 + n, m, (unsigned int)(n & 7u), NULL, &err);
		FUZZ_ASSERT((rc == TMDK_OK) == (st != TMDK_CANDIDATE_ERROR), "status %d and rc %d disagree", (int)st, rc);
		FUZZ_ASSERT((a != NULL) == (st == TMDK_CANDIDATE_ARTIFACT), "artifact only for status artifact");
		FUZZ_ASSERT(st != TMDK_CANDIDATE_SKIPPED || err.message[0], "a skip has a reason");
		tmdk_artifact_free(a);
	}
	return 0;
}
