/*
 * Shared by the libFuzzer harnesses (tests/fuzz/fuzz_*.c) and the seed
 * generator (make_seeds.c): how the first input byte selects an artifact
 * kind and a file name, and a bounded walk over everything a parse produced.
 *
 * Harnesses must never report anything but a crash: they abort() when the
 * library breaks one of its promises (an unexpected error code, an error
 * record that does not match the return value, out of memory on a small
 * input), so libFuzzer keeps the input.
 */
#ifndef TMDK_FUZZ_COMMON_H
#define TMDK_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tmdk.h>

#include "libtmdk/scan_int.h" /* tmdk__scanner_set_naive, for the differential checks */

/*
 * The selector byte: bits 0-2 pick the kind passed in the options, bits 4-7
 * the name given with the buffer. Names cover every branch of kind
 * detection: none (content decides), exact names, prefixes and suffixes,
 * YAML/JSON extensions, no extension (quiet sniffing) and a foreign type.
 */
static const tmdk_kind fuzz_kinds[8] = {
	TMDK_KIND_AUTO, TMDK_KIND_DOCKERFILE, TMDK_KIND_COMPOSE, TMDK_KIND_KUBERNETES,
	TMDK_KIND_DAEMON_JSON, TMDK_KIND_DOCKER_INSPECT, TMDK_KIND_AUTO, TMDK_KIND_AUTO
};

#define FUZZ_NAME_COUNT 16
static const char *const fuzz_names[FUZZ_NAME_COUNT] = {
	NULL, "Dockerfile", "compose.yaml", "docker-compose.yml",
	"daemon.json", "inspect.json", "deploy.yaml", "manifest.json",
	"README", "notes.txt", "src/Containerfile", "web.Dockerfile",
	"Dockerfile.prod", "image.png", "k8s/list.yml", "docker-compose.override.yaml"
};

static inline tmdk_kind fuzz_kind_of(unsigned char selector)
{
	return fuzz_kinds[selector & 7];
}

static inline const char *fuzz_name_of(unsigned char selector)
{
	return fuzz_names[(selector >> 4) & 15];
}

/* The selector byte for fuzz_kinds[kind_index] and fuzz_names[name_index]. */
static inline unsigned char fuzz_selector(unsigned int kind_index, unsigned int name_index)
{
	return (unsigned char)(((name_index & 15) << 4) | (kind_index & 7));
}

/* Stop the run: libFuzzer saves the input that led here. */
#define FUZZ_ASSERT(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "fuzz: %s:%d: assertion failed: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		abort(); \
	} \
} while (0)

/* A failed call must have filled the error record consistently. */
static inline void fuzz_check_error(int rc, const tmdk_error *err)
{
	FUZZ_ASSERT(err->code == rc, "rc %d but err.code %d (%s)", rc, err->code, err->message);
	FUZZ_ASSERT(memchr(err->message, '\0', sizeof(err->message)) != NULL, "message not terminated");
	FUZZ_ASSERT(memchr(err->source, '\0', sizeof(err->source)) != NULL, "source not terminated");
	FUZZ_ASSERT(err->message[0] != '\0', "empty message for rc %d", rc);
	FUZZ_ASSERT(rc != TMDK_ENOMEM, "out of memory on a fuzz-sized input: %s", err->message);
}

/* Visit nodes depth-first, touching every accessor; aliases make the model a
 * DAG, so a budget keeps a billion-laughs document from taking forever. */
static inline void fuzz_walk(const tmdk_node *n, size_t *budget, unsigned int depth)
{
	size_t i, len = 0, count;
	long long ll;
	double d;
	int b;

	if (!n || *budget == 0 || depth > 10000)
		return;
	--*budget;
	(void)tmdk_node_line(n);
	(void)tmdk_node_column(n);
	(void)tmdk_node_tag(n);
	switch (tmdk_node_get_type(n)) {
	case TMDK_NODE_SCALAR: {
		const char *t = tmdk_node_text(n, &len);
		FUZZ_ASSERT(t != NULL && t[len] == '\0', "scalar text not terminated");
		(void)tmdk_node_scalar_type(n);
		(void)tmdk_node_as_int(n, &ll);
		(void)tmdk_node_as_double(n, &d);
		(void)tmdk_node_as_bool(n, &b);
		break;
	}
	case TMDK_NODE_SEQUENCE:
		count = tmdk_node_size(n);
		for (i = 0; i < count; i++)
			fuzz_walk(tmdk_node_at(n, i), budget, depth + 1);
		(void)tmdk_node_path(n, "[-1]");
		break;
	case TMDK_NODE_MAP:
		count = tmdk_node_size(n);
		for (i = 0; i < count; i++) {
			const tmdk_node *k = tmdk_node_key_at(n, i);
			const char *kt = tmdk_node_text(k, &len);
			FUZZ_ASSERT(k != NULL, "map key %zu missing", i);
			if (kt)
				FUZZ_ASSERT(tmdk_node_getn(n, kt, len) != NULL, "key %zu not found again", i);
			fuzz_walk(k, budget, depth + 1);
			fuzz_walk(tmdk_node_at(n, i), budget, depth + 1);
		}
		break;
	default:
		FUZZ_ASSERT(0, "node of unknown type %d", (int)tmdk_node_get_type(n));
	}
}

/* Read back everything a parsed artifact offers. */
static inline void fuzz_check_artifact(const tmdk_artifact *a)
{
	size_t i, n, len, budget = 200000;
	unsigned int line, column;

	FUZZ_ASSERT(tmdk_kind_name(tmdk_artifact_kind(a)) != NULL, "kind has no name");
	FUZZ_ASSERT(tmdk_artifact_name(a) != NULL, "no name");
	n = tmdk_artifact_line_count(a);
	for (i = 1; i <= n + 1 && i < 100000; i++) {
		const char *t = tmdk_artifact_line(a, (unsigned int)i, &len);
		if (i <= n)
			FUZZ_ASSERT(t != NULL, "line %zu of %zu missing", i, n);
		(void)tmdk_artifact_line_comment(a, (unsigned int)i);
	}
	for (i = 0; i < tmdk_artifact_warning_count(a); i++)
		FUZZ_ASSERT(tmdk_artifact_warning(a, i, &line, &column) != NULL, "warning %zu has no message", i);
	for (i = 0; i < tmdk_artifact_document_count(a); i++) {
		const tmdk_document *doc = tmdk_artifact_document(a, i);
		FUZZ_ASSERT(doc != NULL, "document %zu missing", i);
		(void)tmdk_document_index(doc);
		(void)tmdk_document_item_index(doc);
		(void)tmdk_document_line(doc);
		fuzz_walk(tmdk_document_root(doc), &budget, 0);
		fuzz_walk(tmdk_document_view(doc), &budget, 0);
	}
	FUZZ_ASSERT(tmdk_artifact_document(a, tmdk_artifact_document_count(a)) == NULL, "document past the end");
}

/* Parse, check the result or the error, and return the artifact (or NULL). */
static inline tmdk_artifact *fuzz_parse(const char *name, const unsigned char *data, size_t size, tmdk_kind kind)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	tmdk_artifact *a = NULL;
	tmdk_error err;
	int rc;

	o.kind = kind;
	rc = tmdk_artifact_parse_buffer(&a, name, data, size, &o, &err);
	if (rc != TMDK_OK) {
		FUZZ_ASSERT(a == NULL, "artifact returned with rc %d", rc);
		fuzz_check_error(rc, &err);
		FUZZ_ASSERT(rc == TMDK_EPARSE || rc == TMDK_ELIMIT, "unexpected code %d: %s", rc, err.message);
		return NULL;
	}
	FUZZ_ASSERT(a != NULL, "no artifact with TMDK_OK");
	if (kind != TMDK_KIND_AUTO)
		FUZZ_ASSERT(tmdk_artifact_kind(a) == kind, "forced kind %d became %d", (int)kind, (int)tmdk_artifact_kind(a));
	fuzz_check_artifact(a);
	return a;
}

/* ---- differential: planned vs naive cross-document evaluation ---------------- */

typedef struct fuzz_print {
	char *text;
	size_t len, cap;
} fuzz_print;

static inline int fuzz_print_finding(const tmdk_finding *f, void *payload)
{
	fuzz_print *fp = payload;
	char line[2048];
	int n = snprintf(line, sizeof(line), "%s|%s|%zu|%u|%u|%d|%s\n", tmdk_pattern_id(tmdk_finding_pattern(f)),
		tmdk_finding_path(f), tmdk_finding_document(f), tmdk_finding_line(f), tmdk_finding_column(f),
		tmdk_finding_suppressed(f), tmdk_finding_message(f));
	size_t add = n < 0 ? 0 : (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1;
	if (fp->len + add + 1 > fp->cap) {
		fp->cap = (fp->len + add + 1) * 2;
		fp->text = realloc(fp->text, fp->cap);
		FUZZ_ASSERT(fp->text != NULL, "out of memory");
	}
	memcpy(fp->text + fp->len, line, add);
	fp->len += add;
	fp->text[fp->len] = '\0';
	return 0;
}

/* Scan the set with the cross-document caches and plans (or without them,
 * `naive`); the findings as text, NULL when the scan stopped at a limit. */
static inline char *fuzz_scan_print(const tmdk_catalog *cat, const tmdk_artifact *const *set, size_t n, int naive)
{
	fuzz_print fp = { NULL, 0, 0 };
	tmdk_scanner *s = NULL;
	tmdk_error err;
	int rc;

	FUZZ_ASSERT(tmdk_scanner_new(&s, cat, NULL, &err) == TMDK_OK, "scanner_new: %s", err.message);
	tmdk__scanner_set_naive(s, naive);
	rc = tmdk_scanner_scan_set(s, set, n, fuzz_print_finding, &fp, &err);
	tmdk_scanner_free(s);
	if (rc != TMDK_OK) {
		fuzz_check_error(rc, &err);
		free(fp.text);
		return NULL;
	}
	return fp.text ? fp.text : calloc(1, 1);
}

/* The plans only skip work: with and without them the findings are the same. */
static inline void fuzz_same_as_naive(const tmdk_catalog *cat, const tmdk_artifact *const *set, size_t n)
{
	char *planned = fuzz_scan_print(cat, set, n, 0), *naive;
	if (!planned)
		return;
	naive = fuzz_scan_print(cat, set, n, 1);
	if (naive)
		FUZZ_ASSERT(strcmp(planned, naive) == 0, "planned and naive findings differ:\n--- planned\n%s--- naive\n%s",
			planned, naive);
	free(planned);
	free(naive);
}

#endif
