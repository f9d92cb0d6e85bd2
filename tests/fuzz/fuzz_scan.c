/*
 * libFuzzer harness: a full scan, artifact bytes against the built-in
 * catalog. The first byte selects the kind and name as in fuzz_yaml.c
 * (Dockerfiles included); the artifact is scanned alone and as a set with
 * itself (cross-document patterns), findings collected, sorted and read. For
 * Kubernetes artifacts, the set's findings with the cross-document plans must
 * equal those of the naive evaluation.
 */
#include "fuzz_common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static tmdk_catalog *builtin;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	tmdk_error err;
	(void)argc;
	(void)argv;
	FUZZ_ASSERT(tmdk_catalog_load_builtin(&builtin, &err) == TMDK_OK, "built-in catalog: %s:%u:%u: %s",
		err.source, err.line, err.column, err.message);
	return 0;
}

static void check_findings(const tmdk_findings *list)
{
	size_t i;
	for (i = 0; i < tmdk_findings_count(list); i++) {
		const tmdk_finding *f = tmdk_findings_at(list, i);
		FUZZ_ASSERT(tmdk_finding_pattern(f) != NULL, "finding without pattern");
		FUZZ_ASSERT(tmdk_finding_message(f) != NULL, "finding without message");
		FUZZ_ASSERT(tmdk_finding_path(f) != NULL, "finding without path");
		(void)tmdk_finding_kind(f);
		(void)tmdk_finding_document(f);
		(void)tmdk_finding_line(f);
		(void)tmdk_finding_column(f);
		(void)tmdk_finding_object(f);
		(void)tmdk_finding_evidence(f);
		if (tmdk_finding_suppressed(f))
			(void)tmdk_finding_suppression(f);
	}
}

static void scan(const tmdk_artifact *const *set, size_t count)
{
	tmdk_findings *list = NULL;
	tmdk_error err;
	int rc;

	FUZZ_ASSERT(tmdk_findings_new(&list) == TMDK_OK, "findings_new");
	if (count == 1)
		rc = tmdk_catalog_scan(builtin, set[0], NULL, tmdk_findings_collect, list, &err);
	else {
		tmdk_scanner *s = NULL;
		FUZZ_ASSERT(tmdk_scanner_new(&s, builtin, NULL, &err) == TMDK_OK, "scanner_new: %s", err.message);
		rc = tmdk_scanner_scan_set(s, set, count, tmdk_findings_collect, list, &err);
		tmdk_scanner_free(s);
	}
	if (rc != TMDK_OK) {
		fuzz_check_error(rc, &err);
		FUZZ_ASSERT(rc == TMDK_ELIMIT, "scan: rc %d: %s", rc, err.message);
	}
	tmdk_findings_sort(list);
	check_findings(list);
	tmdk_findings_free(list);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	tmdk_artifact *a;

	if (size == 0)
		return 0;
	a = fuzz_parse(fuzz_name_of(data[0]), data + 1, size - 1, fuzz_kind_of(data[0]));
	if (a) {
		const tmdk_artifact *set[2];
		set[0] = set[1] = a;
		scan(set, 1);
		scan(set, 2);
		if (tmdk_artifact_kind(a) == TMDK_KIND_KUBERNETES)
			fuzz_same_as_naive(builtin, set, 2);
		tmdk_artifact_free(a);
	}
	return 0;
}
