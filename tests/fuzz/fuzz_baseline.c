/*
 * libFuzzer harness: the baseline reader (tmdk_report_load_baseline), on
 * tmdk JSON reports and SARIF logs, against a report holding findings so
 * that matching runs too. It must return TMDK_OK or a parse/limit error
 * whose record matches; anything else aborts.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static tmdk_findings *findings;

/* Findings to match against: the same two every run. */
static void setup(void)
{
	static const char pod[] = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
		"spec: {containers: [{name: a, image: x}, {name: a, image: x}]}\n";
	tmdk_catalog *cat = NULL;
	tmdk_compiler *c = NULL;
	tmdk_artifact *a = NULL;
	tmdk_error err;
	if (tmdk_compiler_new(&c, NULL, &err) != TMDK_OK || tmdk_compiler_add_builtin(c, &err) != TMDK_OK ||
	    tmdk_compiler_compile(&cat, c, &err) != TMDK_OK ||
	    tmdk_artifact_parse_buffer(&a, "p.yaml", pod, sizeof(pod) - 1, NULL, &err) != TMDK_OK ||
	    tmdk_findings_new(&findings) != TMDK_OK ||
	    tmdk_catalog_scan(cat, a, NULL, tmdk_findings_collect, findings, &err) != TMDK_OK)
		abort();
	tmdk_artifact_free(a);
	tmdk_catalog_free(cat);
	tmdk_compiler_free(c);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	tmdk_report *r;
	tmdk_error err;
	int rc;
	size_t n;

	if (!findings)
		setup();
	if (tmdk_report_new(&r, &err) != TMDK_OK || tmdk_report_add_findings(r, findings) != TMDK_OK)
		abort();
	rc = tmdk_report_load_baseline(r, "fuzz.json", data, size, &err);
	if (rc != TMDK_OK && rc != TMDK_EPARSE && rc != TMDK_ELIMIT)
		abort();
	if (rc != err.code || (rc != TMDK_OK && !err.message[0]))
		abort();
	n = tmdk_report_baseline_count(r);
	if (n + tmdk_report_finding_count(r, TMDK_SEVERITY_INFO) != tmdk_findings_count(findings) - tmdk_report_suppressed_count(r))
		abort();
	tmdk_report_free(r);
	return 0;
}
