/*
 * The public corpus (../shared/corpus, $TMDK_CORPUS): every Kubernetes
 * manifest and every compose file parses and is detected by content alone
 * (corpus names are "<owner>__<repo>__<path>", so no compose file is named
 * compose.yaml and DataDog's fixtures are named positive1.yaml …). Every
 * document gets a view. Prints the counts for the record.
 */
#include "helpers.h"

#include <dirent.h>

/*
 * Files of a folder that are genuinely not of its kind, with the reason.
 * None so far: all 387 manifests and all 102 compose files qualify (the one
 * version 1 compose file, jessfraz openvpn, is detected by the legacy rule).
 */
typedef struct exception {
	const char *file;
	const char *reason;
} exception;

static const exception exceptions[] = {
	{ NULL, NULL }
};

static const char *exception_reason(const char *file)
{
	size_t i;
	for (i = 0; exceptions[i].file; i++)
		if (strcmp(exceptions[i].file, file) == 0)
			return exceptions[i].reason;
	return NULL;
}

static int compare_names(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Sorted regular-file names of a folder (malloc'd, NULL-terminated). */
static char **list_files(const char *dir, size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;

	*count = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n + 1 >= cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
			cr_assert_not_null(names);
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	if (names) {
		qsort(names, n, sizeof(*names), compare_names);
		names[n] = NULL;
	}
	*count = n;
	return names;
}

static void free_files(char **names)
{
	size_t i;
	for (i = 0; names && names[i]; i++)
		free(names[i]);
	free(names);
}

typedef struct tally {
	size_t files, ok, skipped, documents, workloads, containers, services;
} tally;

/* Facts of one artifact, and a check that every document has a view. */
static int count_facts(const tmdk_artifact *a, const char *file, tally *t)
{
	size_t i, n = tmdk_artifact_document_count(a);
	for (i = 0; i < n; i++) {
		const tmdk_node *v = view_of(a, i);
		int workload = 0;
		if (tmdk_node_get_type(v) != TMDK_NODE_MAP) {
			cr_log_error("%s: document %zu has no view", file, i);
			return 0;
		}
		if (tmdk_node_as_bool(tmdk_node_get(v, "workload"), &workload) == TMDK_OK && workload) {
			t->workloads++;
			t->containers += tmdk_node_size(tmdk_node_get(v, "containers"));
		}
		t->services += tmdk_node_size(tmdk_node_get(v, "services"));
	}
	t->documents += n;
	return n > 0;
}

/* Parse every file of corpus/<folder> by content and expect `kind`. */
static tally check_folder(const char *folder, tmdk_kind kind)
{
	char dir[4096], path[8192];
	const char *corpus = corpus_dir();
	size_t count, i;
	char **files;
	tally t;

	memset(&t, 0, sizeof(t));
	if (!corpus)
		cr_skip_test("corpus not found: set TMDK_CORPUS to ../shared/corpus");
	snprintf(dir, sizeof(dir), "%s/%s", corpus, folder);
	files = list_files(dir, &count);
	if (!files)
		cr_skip_test("corpus folder not found: %s", dir);
	for (i = 0; i < count; i++) {
		tmdk_artifact *a = NULL;
		tmdk_error err;
		size_t len = 0;
		char *data;
		int rc;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (exception_reason(files[i])) {
			t.skipped++;
			continue;
		}
		t.files++;
		data = read_file(path, &len);
		cr_assert_not_null(data, "cannot read %s", path);
		rc = tmdk_artifact_parse_buffer(&a, path, data, len, NULL, &err);
		free(data);
		if (rc != TMDK_OK) {
			cr_expect_fail("%s:%u:%u: %s", err.source, err.line, err.column, err.message);
			continue;
		}
		if (tmdk_artifact_kind(a) != kind)
			cr_expect_fail("%s: detected as %s, expected %s", files[i],
				tmdk_kind_name(tmdk_artifact_kind(a)), tmdk_kind_name(kind));
		else if (count_facts(a, files[i], &t))
			t.ok++;
		else
			cr_expect_fail("%s: no documents", files[i]);
		tmdk_artifact_free(a);
	}
	free_files(files);
	return t;
}

static void report(const char *what, const tally *t, const char *facts)
{
	fprintf(stderr, "corpus: %zu/%zu %s files parse and are detected (%zu listed as exceptions); %s\n",
		t->ok, t->files, what, t->skipped, facts);
}

Test(corpus, kubernetes_files_parse_and_are_detected, .timeout = 120)
{
	char facts[256];
	tally t = check_folder("kubernetes", TMDK_KIND_KUBERNETES);

	snprintf(facts, sizeof(facts), "%zu documents, %zu workloads, %zu containers",
		t.documents, t.workloads, t.containers);
	report("Kubernetes", &t, facts);
	cr_expect_gt(t.files, 0);
	cr_expect_eq(t.ok, t.files);
}

Test(corpus, compose_files_parse_and_are_detected, .timeout = 120)
{
	char facts[256];
	tally t = check_folder("compose", TMDK_KIND_COMPOSE);

	snprintf(facts, sizeof(facts), "%zu services", t.services);
	report("compose", &t, facts);
	cr_expect_gt(t.files, 0);
	cr_expect_eq(t.ok, t.files);
}

/* A few facts the normalizers must find in known corpus files. */
Test(corpus, known_facts)
{
	const char *corpus = corpus_dir();
	char path[4096];
	tmdk_artifact *a = NULL;
	tmdk_error err;
	const tmdk_node *v;

	if (!corpus)
		cr_skip_test("corpus not found: set TMDK_CORPUS to ../shared/corpus");

	/* a ConfigMapList: one document per ConfigMap */
	snprintf(path, sizeof(path), "%s/kubernetes/%s", corpus,
		"prometheus-operator__kube-prometheus__manifests__grafana-dashboardDefinitions.yaml");
	cr_assert_eq(tmdk_artifact_parse_file(&a, path, NULL, &err), TMDK_OK, "%s", err.message);
	cr_expect_gt(tmdk_artifact_document_count(a), 10);
	cr_expect_eq(tmdk_document_item_index(tmdk_artifact_document(a, 1)), 1);
	cr_expect(tmdk_node_text_equals(tmdk_node_get(view_of(a, 0), "kind"), "ConfigMap"));
	tmdk_artifact_free(a);

	/* the version 1 compose file */
	snprintf(path, sizeof(path), "%s/compose/%s", corpus, "jessfraz__dockerfiles__openvpn__docker-compose.yml");
	cr_assert_eq(tmdk_artifact_parse_file(&a, path, NULL, &err), TMDK_OK, "%s", err.message);
	v = view_of(a, 0);
	cr_expect(tmdk_node_text_equals(tmdk_node_get(v, "legacy"), "true"));
	cr_expect(tmdk_node_text_equals(tmdk_node_path(v, "services[0].volumes[0].type"), "bind"));
	cr_expect(tmdk_node_text_equals(tmdk_node_path(v, "services[0].volumes[0].source"), "."));
	tmdk_artifact_free(a);

	/* a DataDog fixture, detected by content: the docker socket mounted */
	snprintf(path, sizeof(path), "%s/compose/%s", corpus,
		"DataDog__datadog-iac-scanner__assets__queries__dockerCompose__docker_socket_mounted_in_container__test__positive1.yaml");
	cr_assert_eq(tmdk_artifact_parse_file(&a, path, NULL, &err), TMDK_OK, "%s", err.message);
	cr_expect_eq(tmdk_artifact_kind(a), TMDK_KIND_COMPOSE);
	v = tmdk_node_path(view_of(a, 0), "services[0].volumes");
	cr_expect_gt(tmdk_node_size(v), 0);
	tmdk_artifact_free(a);
}
