/*
 * diagram_dump FORMAT (FILE.json | -n N) [OUT]: draw a model tree (a JSON
 * file, or the generated tree of N components of tests/model_trees.h) as
 * dot, mermaid, svg or html (a page holding the SVG, or the Mermaid text
 * without Graphviz) — for tests/check-diagram.sh, which renders the page in
 * Chromium. Exit 0, 1 on error, 77 for svg without Graphviz.
 */
#include <tmdk.h>
#include <tmdk/model.h>

#include "model_trees.h"

static int write_file(const char *data, size_t len, void *payload)
{
	return fwrite(data, 1, len, payload) == len ? 0 : 1;
}

int main(int argc, char **argv)
{
	tmdk_parse_options po = TMDK_PARSE_OPTIONS_INIT;
	tmdk_diagram_options o = TMDK_DIAGRAM_OPTIONS_INIT;
	tmdk_artifact *a = NULL;
	tmdk_error err;
	const char *fmt;
	char *json = NULL;
	FILE *out = stdout;
	int rc, html = 0;

	if (argc < 3 || (strcmp(argv[2], "-n") == 0 && argc < 4)) {
		fprintf(stderr, "usage: diagram_dump dot|mermaid|svg|html (FILE.json | -n N) [OUT]\n");
		return 1;
	}
	fmt = argv[1];
	if (strcmp(fmt, "dot") == 0)
		o.format = TMDK_DIAGRAM_DOT;
	else if (strcmp(fmt, "mermaid") == 0)
		o.format = TMDK_DIAGRAM_MERMAID;
	else if (strcmp(fmt, "svg") == 0 || (html = strcmp(fmt, "html") == 0))
		o.format = tmdk_model_diagram_has_svg() ? TMDK_DIAGRAM_SVG : TMDK_DIAGRAM_MERMAID;
	else {
		fprintf(stderr, "diagram_dump: unknown format %s\n", fmt);
		return 1;
	}
	if (!html && o.format != TMDK_DIAGRAM_SVG && strcmp(fmt, "svg") == 0)
		return 77;
	po.kind = TMDK_KIND_DAEMON_JSON;
	if (strcmp(argv[2], "-n") == 0) {
		json = generated_model((size_t)strtoul(argv[3], NULL, 10));
		rc = tmdk_artifact_parse_buffer(&a, "generated.json", json, strlen(json), &po, &err);
	} else {
		rc = tmdk_artifact_parse_file(&a, argv[2], &po, &err);
	}
	if (rc != TMDK_OK) {
		fprintf(stderr, "diagram_dump: %s:%u:%u: %s\n", err.source, err.line, err.column, err.message);
		free(json);
		return 1;
	}
	{
		const char *target = strcmp(argv[2], "-n") == 0 ? (argc > 4 ? argv[4] : NULL) : (argc > 3 ? argv[3] : NULL);
		if (target && !(out = fopen(target, "w"))) {
			perror(target);
			return 1;
		}
	}
	if (html)
		fprintf(out, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><style>body{margin:0;padding:16px;"
			"font:14px sans-serif}svg{max-width:100%%;height:auto}pre{white-space:pre-wrap;word-break:break-all}</style></head><body>\n%s",
			o.format == TMDK_DIAGRAM_SVG ? "" : "<pre>");
	rc = tmdk_model_write_diagram(tmdk_document_root(tmdk_artifact_document(a, 0)), &o, write_file, out, &err);
	if (html)
		fprintf(out, "%s</body></html>\n", o.format == TMDK_DIAGRAM_SVG ? "" : "</pre>");
	if (out != stdout)
		fclose(out);
	tmdk_artifact_free(a);
	free(json);
	if (rc != TMDK_OK) {
		fprintf(stderr, "diagram_dump: %s\n", err.message);
		return 1;
	}
	return 0;
}
