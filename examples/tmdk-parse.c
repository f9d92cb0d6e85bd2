/*
 * tmdk-parse: parse artifacts and print what libtmdk sees in them.
 *
 *   tmdk-parse [--dump] [--kind KIND] PATH...
 *
 * Folders are walked recursively. Without --dump, one summary line per
 * artifact (kind, documents, and the normalized facts: stages, containers,
 * services). With --dump, the normalized view of every document as an
 * indented tree with line:column positions. Public API only.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <tmdk.h>

static int dump;
static tmdk_parse_options opts = TMDK_PARSE_OPTIONS_INIT;
static int failures;

static void print_node(const tmdk_node *n, int depth)
{
	size_t i;
	switch (tmdk_node_get_type(n)) {
	case TMDK_NODE_SCALAR:
		printf("%s  (%u:%u)\n", tmdk_node_text(n, NULL), tmdk_node_line(n), tmdk_node_column(n));
		break;
	case TMDK_NODE_SEQUENCE:
		printf("[%zu items]  (%u:%u)\n", tmdk_node_size(n), tmdk_node_line(n), tmdk_node_column(n));
		for (i = 0; i < tmdk_node_size(n); i++) {
			printf("%*s- ", depth * 2, "");
			print_node(tmdk_node_at(n, i), depth + 1);
		}
		break;
	case TMDK_NODE_MAP:
		printf("{%zu keys}  (%u:%u)\n", tmdk_node_size(n), tmdk_node_line(n), tmdk_node_column(n));
		for (i = 0; i < tmdk_node_size(n); i++) {
			const char *k = tmdk_node_text(tmdk_node_key_at(n, i), NULL);
			printf("%*s%s: ", depth * 2, "", k ? k : "?");
			print_node(tmdk_node_at(n, i), depth + 1);
		}
		break;
	default:
		printf("~\n");
	}
}

static void summarize(const tmdk_artifact *a)
{
	size_t i, d, ndocs = tmdk_artifact_document_count(a);
	tmdk_kind kind = tmdk_artifact_kind(a);

	printf("%s: %s, %zu document%s", tmdk_artifact_name(a), tmdk_kind_name(kind), ndocs, ndocs == 1 ? "" : "s");
	for (d = 0; d < ndocs; d++) {
		const tmdk_node *v = tmdk_document_view(tmdk_artifact_document(a, d));
		const tmdk_node *list;
		if (kind == TMDK_KIND_DOCKERFILE) {
			list = tmdk_node_get(v, "stages");
			printf("; %zu stage(s), %zu instruction(s)", tmdk_node_size(list),
				tmdk_node_size(tmdk_node_get(v, "instructions")));
			for (i = 0; i < tmdk_node_size(list); i++) {
				const tmdk_node *s = tmdk_node_at(list, i);
				printf("\n    stage %zu FROM %s (user %s)", i,
					tmdk_node_text(tmdk_node_path(s, "from.raw"), NULL),
					tmdk_node_text(tmdk_node_get(s, "user"), NULL) ? tmdk_node_text(tmdk_node_get(s, "user"), NULL) : "root (default)");
			}
		} else if (kind == TMDK_KIND_KUBERNETES) {
			printf("\n    %s %s", tmdk_node_text(tmdk_node_get(v, "kind"), NULL),
				tmdk_node_text(tmdk_node_get(v, "name"), NULL) ? tmdk_node_text(tmdk_node_get(v, "name"), NULL) : "(unnamed)");
			list = tmdk_node_get(v, "containers");
			for (i = 0; i < tmdk_node_size(list); i++) {
				const tmdk_node *c = tmdk_node_at(list, i);
				printf("\n      %s %s image %s", tmdk_node_text(tmdk_node_get(c, "list"), NULL),
					tmdk_node_text(tmdk_node_get(c, "name"), NULL),
					tmdk_node_text(tmdk_node_get(c, "image"), NULL));
			}
		} else if (kind == TMDK_KIND_COMPOSE) {
			list = tmdk_node_get(v, "services");
			for (i = 0; i < tmdk_node_size(list); i++) {
				const tmdk_node *s = tmdk_node_at(list, i);
				printf("\n    service %s image %s", tmdk_node_text(tmdk_node_get(s, "name"), NULL),
					tmdk_node_text(tmdk_node_get(s, "image"), NULL) ? tmdk_node_text(tmdk_node_get(s, "image"), NULL) : "(build)");
			}
		}
		if (dump) {
			printf("\n  document %zu, line %u: ", tmdk_document_index(tmdk_artifact_document(a, d)),
				tmdk_document_line(tmdk_artifact_document(a, d)));
			print_node(v, 2);
		}
	}
	printf("\n");
	for (i = 0; i < tmdk_artifact_warning_count(a); i++) {
		unsigned int line, col;
		const char *msg = tmdk_artifact_warning(a, i, &line, &col);
		printf("%s:%u:%u: warning: %s\n", tmdk_artifact_name(a), line, col, msg);
	}
}

static void parse_path(const char *path);

static void walk(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), i;
	if (n < 0) {
		fprintf(stderr, "%s: cannot read folder\n", dir);
		failures++;
		return;
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			size_t len = strlen(dir) + strlen(names[i]->d_name) + 2;
			char *child = malloc(len);
			if (child) {
				snprintf(child, len, "%s/%s", dir, names[i]->d_name);
				parse_path(child);
				free(child);
			}
		}
		free(names[i]);
	}
	free(names);
}

static void parse_path(const char *path)
{
	tmdk_artifact *a;
	tmdk_error err;
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		walk(path);
		return;
	}
	if (tmdk_artifact_parse_file(&a, path, &opts, &err) != TMDK_OK) {
		fprintf(stderr, "%s:%u:%u: error: %s\n", err.source, err.line, err.column, err.message);
		failures++;
		return;
	}
	if (tmdk_artifact_kind(a) != TMDK_KIND_UNKNOWN)
		summarize(a);
	tmdk_artifact_free(a);
}

int main(int argc, char **argv)
{
	int i;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dump") == 0) {
			dump = 1;
		} else if (strcmp(argv[i], "--kind") == 0 && i + 1 < argc) {
			if (tmdk_kind_from_name(&opts.kind, argv[++i]) != TMDK_OK) {
				fprintf(stderr, "tmdk-parse: unknown kind '%s'\n", argv[i]);
				return 2;
			}
		} else if (strcmp(argv[i], "--help") == 0 || argv[i][0] == '-') {
			fprintf(stderr, "usage: tmdk-parse [--dump] [--kind KIND] PATH...\n");
			return argv[i][1] == '-' && argv[i][2] == 'h' ? 0 : 2;
		} else {
			parse_path(argv[i]);
		}
	}
	return failures ? 2 : 0;
}
