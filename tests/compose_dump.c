/*
 * compose-dump: load a compose project with tmdk_compose_project_load and
 * print its merged raw document as JSON (for tests/check-compose-config.sh,
 * which compares it with `docker-compose config`). With -p, every scalar is
 * printed as "text @file:line:column" to show where it was set.
 *
 *   compose-dump [-p] MAIN [OVERRIDE...]
 */
#include <stdio.h>
#include <string.h>

#include "tmdk.h"
#include "json_out.h"

static int positions;

static void dump(const tmdk_artifact *a, const tmdk_node *n)
{
	size_t i, len;
	const char *t;
	switch (tmdk_node_get_type(n)) {
	case TMDK_NODE_MAP:
		putchar('{');
		for (i = 0; i < tmdk_node_size(n); i++) {
			t = tmdk_node_text(tmdk_node_key_at(n, i), &len);
			if (i)
				putchar(',');
			json_put_string(t ? t : "", t ? len : 0);
			putchar(':');
			dump(a, tmdk_node_at(n, i));
		}
		putchar('}');
		break;
	case TMDK_NODE_SEQUENCE:
		putchar('[');
		for (i = 0; i < tmdk_node_size(n); i++) {
			if (i)
				putchar(',');
			dump(a, tmdk_node_at(n, i));
		}
		putchar(']');
		break;
	case TMDK_NODE_SCALAR:
		t = tmdk_node_text(n, &len);
		if (positions) {
			char buf[8192];
			snprintf(buf, sizeof(buf), "%.*s @%s:%u:%u", (int)len, t, tmdk_artifact_name(tmdk_artifact_node_source(a, n)),
				tmdk_node_line(n), tmdk_node_column(n));
			json_put_string(buf, strlen(buf));
		} else if (tmdk_node_scalar_type(n) == TMDK_SCALAR_NULL) {
			fputs("null", stdout);
		} else if (tmdk_node_scalar_type(n) == TMDK_SCALAR_STRING) {
			json_put_string(t, len);
		} else {
			/* ints, floats, bools as JSON when they are JSON */
			if (tmdk_node_scalar_type(n) == TMDK_SCALAR_BOOL)
				fputs(t[0] == 't' || t[0] == 'T' ? "true" : "false", stdout);
			else
				json_put_string(t, len);
		}
		break;
	default:
		fputs("null", stdout);
	}
}

int main(int argc, char **argv)
{
	tmdk_compose_options o = TMDK_COMPOSE_OPTIONS_INIT;
	tmdk_artifact *a = NULL;
	tmdk_error err;
	int first = 1;

	if (argc > 1 && !strcmp(argv[1], "-p")) {
		positions = 1;
		first = 2;
	}
	if (argc <= first) {
		fprintf(stderr, "usage: compose-dump [-p] MAIN [OVERRIDE...]\n");
		return 2;
	}
	o.override_files = (const char *const *)&argv[first + 1];
	o.override_count = (size_t)(argc - first - 1);
	if (tmdk_compose_project_load(&a, argv[first], &o, &err) != TMDK_OK) {
		fprintf(stderr, "%s:%u:%u: %s\n", err.source, err.line, err.column, err.message);
		return 1;
	}
	dump(a, tmdk_document_root(tmdk_artifact_document(a, 0)));
	putchar('\n');
	tmdk_artifact_free(a);
	return 0;
}
