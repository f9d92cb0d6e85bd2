/*
 * Builds the fuzzers' seed corpora from the project's own inputs, framed the
 * way each harness reads them (fuzz_common.h):
 *
 *   make_seeds OUTDIR FILE... [--catalogs CATALOG...]
 *
 * writes OUTDIR/{dockerfile,yaml,detect,scan,catalog,compiled}/seed-NNNNN. Every
 * FILE (fixtures, the demo) is classified by tmdk_detect_kind; catalogs
 * seed the catalog harness, with and without example checking. The examples
 * embedded in the built-in catalog are added as artifacts too.
 */
#include <errno.h>
#include <sys/stat.h>

#include "fuzz_common.h"

#define MAX_SEED_BYTES ((size_t)64 * 1024)

static const char *outdir;
static unsigned int serial;

static void make_dir(const char *path)
{
	if (mkdir(path, 0777) != 0 && errno != EEXIST) {
		perror(path);
		exit(1);
	}
}

/* Write head (hlen bytes) + data as the next seed of a harness. */
static void write_seed(const char *harness, const void *head, size_t hlen, const void *data, size_t len)
{
	char path[4096];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s/seed-%05u", outdir, harness, serial++);
	f = fopen(path, "wb");
	if (!f || fwrite(head, 1, hlen, f) != hlen || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
}

/* fuzz_kinds index of a kind, and the fuzz_names index of a fitting name. */
static unsigned int kind_index(tmdk_kind k)
{
	switch (k) {
	case TMDK_KIND_DOCKERFILE: return 1;
	case TMDK_KIND_COMPOSE: return 2;
	case TMDK_KIND_KUBERNETES: return 3;
	case TMDK_KIND_DAEMON_JSON: return 4;
	case TMDK_KIND_DOCKER_INSPECT: return 5;
	default: return 0;
	}
}

static unsigned int name_index(tmdk_kind k)
{
	switch (k) {
	case TMDK_KIND_DOCKERFILE: return 1;
	case TMDK_KIND_COMPOSE: return 2;
	case TMDK_KIND_KUBERNETES: return 6;
	case TMDK_KIND_DAEMON_JSON: return 4;
	case TMDK_KIND_DOCKER_INSPECT: return 5;
	default: return 7;
	}
}

static void add_artifact(const char *name, tmdk_kind k, const char *data, size_t len)
{
	unsigned char sel, head[256];
	size_t nlen = name ? strlen(name) : 0;

	/* detect: the name's length (0xff: none), the name, the content. */
	if (nlen > 200)
		nlen = 200;
	head[0] = (unsigned char)(name ? nlen : 0xff);
	memcpy(head + 1, name ? name : "", nlen);
	write_seed("detect", head, nlen + 1, data, len);
	/* Forced kind (no name), then detection from a fitting name. */
	sel = fuzz_selector(kind_index(k), 0);
	write_seed("scan", &sel, 1, data, len);
	if (k != TMDK_KIND_DOCKERFILE)
		write_seed("yaml", &sel, 1, data, len);
	sel = fuzz_selector(0, name_index(k));
	write_seed("scan", &sel, 1, data, len);
	if (k == TMDK_KIND_DOCKERFILE)
		write_seed("dockerfile", "", 0, data, len);
	else
		write_seed("yaml", &sel, 1, data, len);
}

/* Start of the line after the one at p (or end). */
static const char *next_line(const char *p, const char *end)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	return nl ? nl + 1 : end;
}

/* Does the line at p start a pattern ("  - id:" at the indentation of the first one)? */
static int starts_pattern(const char *p, const char *end, size_t indent)
{
	size_t i;
	for (i = 0; i < indent; i++)
		if (p + i >= end || p[i] != ' ')
			return 0;
	return (size_t)(end - p) > indent + 5 && memcmp(p + indent, "- id:", 5) == 0;
}

/* Compiled-catalog seeds: the one-pattern catalog compiled and saved, as it
 * is (mode 0) and for resealing (mode 1: the harness fixes size and checksum). */
static void add_compiled(const char *text, size_t len)
{
	tmdk_compiler *c = NULL;
	tmdk_catalog *cat = NULL;
	tmdk_error err;
	void *data = NULL;
	size_t dlen = 0;
	unsigned char mode;

	if (tmdk_compiler_new(&c, NULL, &err) == TMDK_OK && tmdk_compiler_add_buffer(c, "seed.yaml", text, len, &err) == TMDK_OK &&
	    tmdk_compiler_compile(&cat, c, &err) == TMDK_OK && tmdk_catalog_save(&data, &dlen, cat, &err) == TMDK_OK &&
	    dlen <= MAX_SEED_BYTES)
		for (mode = 0; mode < 2; mode++)
			write_seed("compiled", &mode, 1, data, dlen);
	tmdk_catalog_save_free(data);
	tmdk_catalog_free(cat);
	tmdk_compiler_free(c);
}

/*
 * Catalog seeds: the header with each pattern alone (a whole catalog file is
 * larger than the fuzzers' -max_len), with and without example checking.
 */
static void add_catalog(const char *data, size_t len)
{
	const char *end = data + len, *p = data, *first = NULL, *q;
	size_t indent = 0, hlen;
	unsigned char flags;
	char *buf;

	for (; p < end; p = next_line(p, end)) {
		for (indent = 0; p + indent < end && p[indent] == ' '; indent++)
			;
		if (starts_pattern(p, end, indent)) {
			first = p;
			break;
		}
	}
	if (!first)
		return;
	hlen = (size_t)(first - data);
	buf = malloc(len + 1);
	if (!buf)
		exit(1);
	memcpy(buf, data, hlen);
	for (p = first; p < end; p = q) {
		for (q = next_line(p, end); q < end && !starts_pattern(q, end, indent); q = next_line(q, end))
			;
		memcpy(buf + hlen, p, (size_t)(q - p));
		for (flags = 0; flags < 2; flags++)
			write_seed("catalog", &flags, 1, buf, hlen + (size_t)(q - p));
		add_compiled(buf, hlen + (size_t)(q - p));
	}
	free(buf);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL, *nbuf;
	size_t cap = 0, n;
	if (!f) {
		perror(path);
		exit(1);
	}
	*len = 0;
	do {
		if (*len == cap) {
			cap = cap ? cap * 2 : 65536;
			nbuf = realloc(buf, cap);
			if (!nbuf)
				exit(1);
			buf = nbuf;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
	} while (n > 0);
	fclose(f);
	return buf;
}

static void add_file(const char *path, int is_catalog)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t len;
	char *data = slurp(path, &len);

	if (is_catalog)
		add_catalog(data, len);
	else if (len <= MAX_SEED_BYTES) /* larger ones are of no use under -max_len */
		add_artifact(base, tmdk_detect_kind(base, data, len), data, len);
	free(data);
}

static void add_builtin_examples(void)
{
	tmdk_compile_options o = TMDK_COMPILE_OPTIONS_INIT;
	tmdk_compiler *c = NULL;
	tmdk_catalog *cat = NULL;
	tmdk_error err;
	size_t i, j;

	o.flags = TMDK_COMPILE_KEEP_EXAMPLES;
	if (tmdk_compiler_new(&c, &o, &err) != TMDK_OK || tmdk_compiler_add_builtin(c, &err) != TMDK_OK ||
	    tmdk_compiler_compile(&cat, c, &err) != TMDK_OK) {
		fprintf(stderr, "make_seeds: built-in catalog: %s:%u:%u: %s\n", err.source, err.line, err.column, err.message);
		exit(1);
	}
	for (i = 0; i < tmdk_catalog_pattern_count(cat); i++) {
		const tmdk_pattern *p = tmdk_catalog_pattern(cat, i);
		for (j = 0; j < tmdk_pattern_example_count(p); j++) {
			const tmdk_example *ex = tmdk_pattern_example(p, j);
			add_artifact(ex->name, ex->kind, ex->content, strlen(ex->content));
		}
	}
	tmdk_catalog_free(cat);
	tmdk_compiler_free(c);
}

int main(int argc, char **argv)
{
	static const char *const harnesses[] = { "dockerfile", "yaml", "detect", "scan", "catalog", "compiled" };
	char path[4096];
	int i, catalogs = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: make_seeds OUTDIR FILE... [--catalogs CATALOG...]\n");
		return 2;
	}
	outdir = argv[1];
	make_dir(outdir);
	for (i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "%s/%s", outdir, harnesses[i]);
		make_dir(path);
	}
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--catalogs") == 0)
			catalogs = 1;
		else
			add_file(argv[i], catalogs);
	}
	add_builtin_examples();
	printf("make_seeds: %u seeds in %s\n", serial, outdir);
	return 0;
}
