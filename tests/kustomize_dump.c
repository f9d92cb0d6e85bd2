/*
 * kustomize_dump: build a kustomization with libtmdk and print its objects
 * as a JSON array (raw documents, in build order), for the comparison with
 * `kubectl kustomize` (tests/check-kustomize.sh). With -n, print the notes
 * (warnings) instead, one a line. Exit 1 with the error on failure.
 */
#include <stdio.h>
#include <string.h>

#include "tmdk.h"
#include "json_out.h"

static void dump(const tmdk_node *n)
{
	size_t i, len;
	const char *t;
	int b;
	switch (tmdk_node_get_type(n)) {
	case TMDK_NODE_MAP:
		putchar('{');
		for (i = 0; i < tmdk_node_size(n); i++) {
			if (i)
				putchar(',');
			t = tmdk_node_text(tmdk_node_key_at(n, i), &len);
			json_put_string(t ? t : "", t ? len : 0);
			putchar(':');
			dump(tmdk_node_at(n, i));
		}
		putchar('}');
		break;
	case TMDK_NODE_SEQUENCE:
		putchar('[');
		for (i = 0; i < tmdk_node_size(n); i++) {
			if (i)
				putchar(',');
			dump(tmdk_node_at(n, i));
		}
		putchar(']');
		break;
	default:
		t = tmdk_node_text(n, &len);
		switch (tmdk_node_scalar_type(n)) {
		case TMDK_SCALAR_NULL: fputs("null", stdout); break;
		case TMDK_SCALAR_BOOL: tmdk_node_as_bool(n, &b); fputs(b ? "true" : "false", stdout); break;
		case TMDK_SCALAR_INT: case TMDK_SCALAR_FLOAT: fwrite(t, 1, len, stdout); break;
		default: json_put_string(t ? t : "", t ? len : 0); break;
		}
	}
}

int main(int argc, char **argv)
{
	tmdk_artifact *a = NULL;
	tmdk_error err;
	int notes = argc > 2 && !strcmp(argv[1], "-n");
	size_t i;
	if (argc < 2) {
		fprintf(stderr, "usage: kustomize_dump [-n] DIR\n");
		return 2;
	}
	if (tmdk_kustomization_build(&a, argv[argc - 1], NULL, &err) != TMDK_OK) {
		fprintf(stderr, "%s:%u:%u: %s\n", err.source, err.line, err.column, err.message);
		return 1;
	}
	if (notes) {
		for (i = 0; i < tmdk_artifact_warning_count(a); i++)
			printf("%s\n", tmdk_artifact_warning(a, i, NULL, NULL));
	} else {
		putchar('[');
		for (i = 0; i < tmdk_artifact_document_count(a); i++) {
			if (i)
				putchar(',');
			dump(tmdk_document_root(tmdk_artifact_document(a, i)));
		}
		puts("]");
	}
	tmdk_artifact_free(a);
	return 0;
}
