/*
 * libFuzzer harness: the compiled-catalog loader (tmdk_catalog_load_compiled).
 * The first byte is the mode: bit 0 set, the harness first makes the header
 * agree with the rest of the input (its payload size and checksum), so that
 * mutations reach the payload reader instead of stopping at the checksum;
 * the rest is the compiled catalog. The seeds are compiled catalogs of one
 * pattern each (make_seeds), sealed and not.
 *
 * Whatever the bytes, the result is a catalog or TMDK_EFORMAT / TMDK_ELIMIT
 * with an error record that matches. A catalog that loads is read through
 * every accessor, scanned against artifacts of every kind, and saved, loaded
 * and saved again: the two saves must be the same bytes.
 */
#include "fuzz_common.h"
#include "libtmdk/catalog_format.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const struct { const char *name; const char *text; } fixed_inputs[] = {
	{ "Dockerfile", "FROM node:latest AS build\nENV PASSWORD=x\nRUN curl -k https://x | sh\nUSER root\n"
	  "FROM scratch\nCOPY --from=build /app /app\nEXPOSE 22\n" },
	{ "compose.yaml", "services:\n  web:\n    image: nginx:latest\n    privileged: true\n"
	  "    volumes: [\"/var/run/docker.sock:/var/run/docker.sock\"]\n" },
	{ "deploy.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"
	  "spec:\n  template:\n    spec:\n      hostPID: true\n      containers:\n"
	  "      - {name: web, image: web:latest, securityContext: {privileged: true}}\n"
	  "---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: default, namespace: shop}\n" },
	{ "daemon.json", "{\"hosts\": [\"tcp://0.0.0.0:2375\"], \"icc\": true}\n" },
	{ "inspect.json", "[{\"Id\": \"a\", \"Config\": {\"User\": \"\"}, \"HostConfig\": {\"Privileged\": true}}]\n" },
};
#define FIXED_COUNT (sizeof(fixed_inputs) / sizeof(fixed_inputs[0]))

static tmdk_artifact *fixed[FIXED_COUNT];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t i;
	(void)argc;
	(void)argv;
	for (i = 0; i < FIXED_COUNT; i++) {
		tmdk_error err;
		int rc = tmdk_artifact_parse_buffer(&fixed[i], fixed_inputs[i].name, fixed_inputs[i].text,
			strlen(fixed_inputs[i].text), NULL, &err);
		FUZZ_ASSERT(rc == TMDK_OK, "fixed input %s: %s", fixed_inputs[i].name, err.message);
	}
	return 0;
}

static void put64(unsigned char *b, unsigned long long v)
{
	int i;
	for (i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
}

static void read_patterns(const tmdk_catalog *cat)
{
	size_t i, j, n = tmdk_catalog_pattern_count(cat);
	for (i = 0; i < n; i++) {
		const tmdk_pattern *p = tmdk_catalog_pattern(cat, i);
		FUZZ_ASSERT(p && tmdk_pattern_id(p) && tmdk_pattern_title(p) && tmdk_pattern_message(p), "pattern %zu", i);
		FUZZ_ASSERT(tmdk_catalog_find(cat, tmdk_pattern_id(p)) == p, "find %s", tmdk_pattern_id(p));
		(void)tmdk_risk_slug(tmdk_pattern_risk(p));
		(void)tmdk_question_slug(tmdk_pattern_question(p));
		(void)tmdk_severity_name(tmdk_pattern_severity(p));
		for (j = 0; j < tmdk_pattern_stride_count(p); j++)
			FUZZ_ASSERT(tmdk_pattern_stride(p, j) != NULL, "stride %zu", j);
		for (j = 0; j < tmdk_pattern_reference_count(p); j++)
			FUZZ_ASSERT(tmdk_pattern_reference(p, j)->type != NULL, "reference %zu", j);
		for (j = 0; j < tmdk_pattern_example_count(p); j++)
			FUZZ_ASSERT(tmdk_pattern_example(p, j)->content != NULL, "example %zu", j);
	}
}

static int read_finding(const tmdk_finding *f, void *payload)
{
	(void)payload;
	FUZZ_ASSERT(tmdk_finding_pattern(f) != NULL && tmdk_finding_message(f) != NULL, "finding");
	(void)tmdk_finding_evidence(f);
	return 0;
}

static void scan_fixed(const tmdk_catalog *cat)
{
	tmdk_scanner *s = NULL;
	tmdk_error err;
	int rc = tmdk_scanner_new(&s, cat, NULL, &err);
	FUZZ_ASSERT(rc == TMDK_OK, "scanner: %s", err.message);
	rc = tmdk_scanner_scan_set(s, (const tmdk_artifact *const *)fixed, FIXED_COUNT, read_finding, NULL, &err);
	if (rc != TMDK_OK) {
		fuzz_check_error(rc, &err);
		/* a regex past its limits, or one that does not compile (loaded lazily) */
		FUZZ_ASSERT(rc == TMDK_ELIMIT || rc == TMDK_EREGEX, "scan: rc %d: %s", rc, err.message);
	}
	tmdk_scanner_free(s);
}

/* save, load, save: the same bytes twice. */
static void save_is_stable(const tmdk_catalog *cat)
{
	void *a = NULL, *b = NULL;
	size_t alen, blen;
	tmdk_catalog *again = NULL;
	tmdk_error err;
	int rc = tmdk_catalog_save(&a, &alen, cat, &err);
	FUZZ_ASSERT(rc == TMDK_OK, "save: %s", err.message);
	rc = tmdk_catalog_load_compiled(&again, a, alen, NULL, &err);
	FUZZ_ASSERT(rc == TMDK_OK, "reload of a saved catalog: %s", err.message);
	rc = tmdk_catalog_save(&b, &blen, again, &err);
	FUZZ_ASSERT(rc == TMDK_OK, "save again: %s", err.message);
	FUZZ_ASSERT(alen == blen && memcmp(a, b, alen) == 0, "save is not stable (%zu, %zu bytes)", alen, blen);
	tmdk_catalog_save_free(a);
	tmdk_catalog_save_free(b);
	tmdk_catalog_free(again);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	unsigned char *bytes;
	tmdk_catalog *cat = NULL;
	tmdk_error err;
	size_t len;
	int rc;

	if (size == 0)
		return 0;
	len = size - 1;
	bytes = malloc(len ? len : 1);
	FUZZ_ASSERT(bytes != NULL, "malloc");
	memcpy(bytes, data + 1, len);
	if ((data[0] & 1) && len >= TMDK__CATFMT_HEADER_SIZE) {
		size_t payload = len - TMDK__CATFMT_HEADER_SIZE;
		put64(bytes + 32, (unsigned long long)payload);
		put64(bytes + 40, tmdk__fnv1a64(bytes + TMDK__CATFMT_HEADER_SIZE, payload));
	}
	rc = tmdk_catalog_load_compiled(&cat, bytes, len, NULL, &err);
	free(bytes); /* the catalog must not point into the caller's bytes */
	if (rc == TMDK_OK) {
		FUZZ_ASSERT(cat != NULL, "no catalog with TMDK_OK");
		read_patterns(cat);
		scan_fixed(cat);
		save_is_stable(cat);
		tmdk_catalog_free(cat);
	} else {
		FUZZ_ASSERT(cat == NULL, "catalog returned with rc %d", rc);
		fuzz_check_error(rc, &err);
		FUZZ_ASSERT(rc == TMDK_EFORMAT || rc == TMDK_ELIMIT, "unexpected code %d: %s", rc, err.message);
		FUZZ_ASSERT(strstr(err.message, "offset") || strstr(err.message, "max_"), "no offset: %s", err.message);
	}
	return 0;
}
