/*
 * libFuzzer harness: compose projects (tmdk_compose_project_load). The input
 * is split at lines "#---" into up to four files written to a private
 * folder: compose.yaml (the main file), compose.override.yaml (its default
 * override), base.yaml (for `extends: {file: base.yaml}`) and inc.yaml (for
 * `include: [inc.yaml]`); a missing part is a missing file. The merged
 * project is read back and scanned with the built-in catalog: every finding
 * must name one of the project's files.
 */
#include "fuzz_common.h"

#include <unistd.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char *const parts[] = { "compose.yaml", "compose.override.yaml", "base.yaml", "inc.yaml" };
#define PARTS (sizeof(parts) / sizeof(parts[0]))

static char dir[64];
static tmdk_catalog *catalog;

static int check_finding(const tmdk_finding *f, void *payload)
{
	const char *path = tmdk_finding_path(f), *base = strrchr(path ? path : "", '/');
	size_t i;
	int known = 0;
	(void)payload;
	FUZZ_ASSERT(path && base && strncmp(path, dir, strlen(dir)) == 0, "finding in %s", path ? path : "(null)");
	for (i = 0; i < PARTS; i++)
		known |= strcmp(base + 1, parts[i]) == 0;
	FUZZ_ASSERT(known, "finding in %s", path);
	FUZZ_ASSERT(tmdk_finding_line(f) > 0, "finding without a line in %s", path);
	return 0;
}

static void write_part(const char *name, const unsigned char *p, size_t n)
{
	char path[128];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	FUZZ_ASSERT(f != NULL, "cannot write %s", path);
	if (n)
		FUZZ_ASSERT(fwrite(p, 1, n, f) == n, "short write");
	fclose(f);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	tmdk_compose_options o = TMDK_COMPOSE_OPTIONS_INIT;
	const unsigned char *p = data, *end = data + size;
	char main_path[128], path[128];
	tmdk_artifact *a = NULL;
	tmdk_error err;
	size_t i;
	int rc;

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/tmdk-fuzz-compose-XXXXXX");
		FUZZ_ASSERT(mkdtemp(dir) != NULL, "mkdtemp");
		FUZZ_ASSERT(tmdk_catalog_load_builtin(&catalog, &err) == TMDK_OK, "builtin catalog: %s", err.message);
	}
	for (i = 0; i < PARTS; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, parts[i]);
		unlink(path);
	}
	for (i = 0; i < PARTS && p <= end; i++) {
		const unsigned char *sep = NULL, *q;
		for (q = p; q + 4 <= end; q++)
			if (memcmp(q, "#---", 4) == 0 && (q == data || q[-1] == '\n')) {
				sep = q;
				break;
			}
		write_part(parts[i], p, (size_t)((sep ? sep : end) - p));
		if (!sep)
			break;
		p = sep + 4;
		while (p < end && *p != '\n')
			p++;
		if (p < end)
			p++;
	}
	snprintf(main_path, sizeof(main_path), "%s/compose.yaml", dir);
	o.max_nodes = 200000;
	rc = tmdk_compose_project_load(&a, main_path, &o, &err);
	if (rc != TMDK_OK) {
		FUZZ_ASSERT(a == NULL, "project returned with rc %d", rc);
		fuzz_check_error(rc, &err);
		FUZZ_ASSERT(rc == TMDK_EPARSE || rc == TMDK_ELIMIT || rc == TMDK_EIO || rc == TMDK_ENOTFOUND,
			"unexpected code %d: %s", rc, err.message);
		FUZZ_ASSERT(err.source[0] != '\0', "error without a file: %s", err.message);
		return 0;
	}
	FUZZ_ASSERT(tmdk_artifact_kind(a) == TMDK_KIND_COMPOSE, "project of kind %d", (int)tmdk_artifact_kind(a));
	FUZZ_ASSERT(tmdk_artifact_source_count(a) >= 1, "project without sources");
	fuzz_check_artifact(a);
	rc = tmdk_catalog_scan(catalog, a, NULL, check_finding, NULL, &err);
	FUZZ_ASSERT(rc == TMDK_OK || rc == TMDK_ELIMIT, "scan: %d %s", rc, err.message);
	tmdk_artifact_free(a);
	return 0;
}
