/*
 * report_dump FORMAT OUT N: the report of a generated project of N
 * components (tests/model_trees.h: the model and the manifest it describes,
 * scanned with the default catalog) in FORMAT (markdown, html, pr-comment)
 * into OUT — what tests/check-report-pictures.sh renders in Chromium for the
 * 3- and 60-component pictures, whatever the model's builders derive yet.
 */
#include <tmdk.h>
#include <tmdk/model.h>

#include "model_trees.h"

int main(int argc, char **argv)
{
	tmdk_parse_options po = TMDK_PARSE_OPTIONS_INIT;
	tmdk_report_options ro = TMDK_REPORT_OPTIONS_INIT;
	tmdk_artifact *manifest = NULL, *model = NULL;
	tmdk_catalog *cat = NULL;
	tmdk_report *r = NULL;
	tmdk_error err;
	char *text, *json, *out = NULL;
	size_t n, len = 0;
	FILE *f;
	int rc;

	if (argc != 4 || tmdk_report_format_from_name(&ro.format, argv[1]) != TMDK_OK) {
		fprintf(stderr, "usage: report_dump markdown|html|pr-comment OUT N\n");
		return 1;
	}
	n = (size_t)strtoul(argv[3], NULL, 10);
	text = generated_manifest(n);
	json = generated_model(n);
	po.kind = TMDK_KIND_DAEMON_JSON;
	rc = tmdk_artifact_parse_buffer(&manifest, "k8s/all.yaml", text, strlen(text), NULL, &err);
	if (rc == TMDK_OK)
		rc = tmdk_artifact_parse_buffer(&model, "model.json", json, strlen(json), &po, &err);
	if (rc == TMDK_OK)
		rc = tmdk_catalog_load_builtin(&cat, &err);
	if (rc == TMDK_OK)
		rc = tmdk_report_new(&r, &err);
	if (rc == TMDK_OK)
		rc = tmdk_catalog_scan(cat, manifest, NULL, tmdk_report_collect, r, &err);
	if (rc == TMDK_OK)
		rc = tmdk_report_set_catalog(r, cat, NULL, &err);
	if (rc == TMDK_OK && ((rc = tmdk_report_add_file(r, "k8s/all.yaml", TMDK_KIND_KUBERNETES)) != TMDK_OK ||
	    (rc = tmdk_report_add_model(r, "generated", tmdk_document_root(tmdk_artifact_document(model, 0)))) != TMDK_OK ||
	    (rc = tmdk_report_set_scope(r, "generated")) != TMDK_OK))
		snprintf(err.message, sizeof(err.message), "report: error %d", rc);
	ro.tool_name = "report_dump";
	if (rc == TMDK_OK)
		rc = tmdk_report_render(&out, &len, r, &ro, &err);
	if (rc == TMDK_OK) {
		if (!(f = fopen(argv[2], "w")) || fwrite(out, 1, len, f) != len || fclose(f) != 0) {
			perror(argv[2]);
			rc = TMDK_EIO;
		}
	} else {
		fprintf(stderr, "report_dump: %s\n", err.message);
	}
	tmdk_report_string_free(out);
	tmdk_report_free(r);
	tmdk_catalog_free(cat);
	tmdk_artifact_free(model);
	tmdk_artifact_free(manifest);
	free(text);
	free(json);
	return rc == TMDK_OK ? 0 : 1;
}
