/*
 * The smallest useful embedding of libtmdk: scan the files named on the
 * command line with the built-in catalog and print each finding, compiler
 * style. Public header only.
 *
 *   cc embed.c $(pkg-config --cflags --libs tmdk) -o embed
 *   ./embed Dockerfile deploy.yaml
 */
#include <stdio.h>

#include <tmdk.h>

/* Called once per finding; the finding is only valid during the call. */
static int print_finding(const tmdk_finding *f, void *payload)
{
	const tmdk_pattern *p = tmdk_finding_pattern(f);
	size_t *count = payload;

	if (tmdk_finding_suppressed(f))
		return 0;
	printf("%s:%u:%u: %s: [%s] %s\n", tmdk_finding_path(f), tmdk_finding_line(f), tmdk_finding_column(f),
		tmdk_severity_name(tmdk_pattern_severity(p)), tmdk_pattern_id(p), tmdk_finding_message(f));
	(*count)++;
	return 0;
}

int main(int argc, char **argv)
{
	tmdk_catalog *catalog;
	tmdk_scanner *scanner;
	tmdk_error err;
	size_t findings = 0;
	int i, failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE...\n", argv[0]);
		return 2;
	}
	/* Compile once; the catalog could be shared by many threads. */
	if (tmdk_catalog_load_builtin(&catalog, &err) != TMDK_OK ||
	    tmdk_scanner_new(&scanner, catalog, NULL, &err) != TMDK_OK) {
		fprintf(stderr, "%s\n", err.message);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		tmdk_artifact *a;
		if (tmdk_artifact_parse_file(&a, argv[i], NULL, &err) != TMDK_OK) {
			fprintf(stderr, "%s:%u:%u: error: %s\n", argv[i], err.line, err.column, err.message);
			failed = 1;
			continue;
		}
		if (tmdk_scanner_scan(scanner, a, print_finding, &findings, &err) != TMDK_OK) {
			fprintf(stderr, "%s: error: %s\n", argv[i], err.message);
			failed = 1;
		}
		tmdk_artifact_free(a);
	}
	tmdk_scanner_free(scanner);
	tmdk_catalog_free(catalog);
	return failed ? 2 : findings ? 1 : 0;
}
