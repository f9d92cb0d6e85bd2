/*
 * libFuzzer harness: the native kustomize build, from memory. The input is
 * a set of files separated by lines "@@ PATH" (the first file, before any
 * such line, is k/kustomization.yaml), served by an in-memory read callback
 * to tmdk_kustomization_build. Errors are expected; a crash, a leak, an error
 * record that does not match the code, or a built node whose origin does not
 * resolve to one of the built artifact's sources is not.
 */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

#define MAX_FILES 16

typedef struct mem_file {
	char path[64];
	const char *text;
	size_t len;
} mem_file;

typedef struct mem_fs {
	mem_file files[MAX_FILES];
	size_t count;
} mem_fs;

static int mem_read(const char *path, const char **data, size_t *len, void *payload)
{
	const mem_fs *fs = payload;
	size_t i;
	for (i = 0; i < fs->count; i++)
		if (!strcmp(fs->files[i].path, path)) {
			*data = fs->files[i].text;
			*len = fs->files[i].len;
			return TMDK_OK;
		}
	return TMDK_ENOTFOUND;
}

/* Every node of a built document comes from the built artifact or one of its sources. */
static void check_origins(const tmdk_artifact *a, const tmdk_node *n, unsigned int depth)
{
	const tmdk_artifact *src = tmdk_artifact_node_source(a, n);
	size_t i, ok = src == a;
	for (i = 0; !ok && i < tmdk_artifact_source_count(a); i++)
		ok = tmdk_artifact_source(a, i) == src;
	if (!ok)
		abort();
	if (depth > 300)
		return;
	for (i = 0; i < tmdk_node_size(n); i++) {
		if (tmdk_node_get_type(n) == TMDK_NODE_MAP)
			check_origins(a, tmdk_node_key_at(n, i), depth + 1);
		check_origins(a, tmdk_node_at(n, i), depth + 1);
	}
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	tmdk_kustomize_options o = TMDK_KUSTOMIZE_OPTIONS_INIT;
	tmdk_parse_options po = TMDK_PARSE_OPTIONS_INIT;
	tmdk_artifact *a = NULL;
	tmdk_error err;
	static mem_fs fs;
	size_t i;
	int rc;

	fs.count = 1;
	strcpy(fs.files[0].path, "k/kustomization.yaml");
	fs.files[0].text = p;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line = nl ? nl + 1 : end;
		if ((size_t)(end - line) >= 3 && !memcmp(line, "@@ ", 3) && fs.count < MAX_FILES) {
			const char *name = line + 3, *name_end = memchr(name, '\n', (size_t)(end - name));
			size_t n;
			fs.files[fs.count - 1].len = (size_t)(line - fs.files[fs.count - 1].text);
			if (!name_end)
				name_end = end;
			n = (size_t)(name_end - name) < sizeof(fs.files[0].path) - 1 ? (size_t)(name_end - name) :
				sizeof(fs.files[0].path) - 1;
			memcpy(fs.files[fs.count].path, name, n);
			fs.files[fs.count].path[n] = '\0';
			fs.files[fs.count].text = name_end < end ? name_end + 1 : end;
			fs.count++;
			p = fs.files[fs.count - 1].text;
			continue;
		}
		p = line;
	}
	fs.files[fs.count - 1].len = (size_t)(end - fs.files[fs.count - 1].text);

	o.read = mem_read;
	o.read_payload = &fs;
	o.max_depth = 8;
	o.max_files = 32;
	o.max_resources = 256;
	o.max_bytes = (size_t)64 << 20;
	po.max_depth = 64;
	po.max_alias_nodes = 10000;
	o.parse = &po;
	rc = tmdk_kustomization_build(&a, "k", &o, &err);
	if (rc != TMDK_OK) {
		if (a || err.code != rc || !err.message[0] || rc == TMDK_ENOMEM) {
			fprintf(stderr, "build: code %d, error record %d: %s:%u:%u: %s\n", rc, err.code, err.source,
				err.line, err.column, err.message);
			abort();
		}
		return 0;
	}
	if (tmdk_artifact_kind(a) != TMDK_KIND_KUBERNETES ||
	    tmdk_kustomization_file_count(a) != tmdk_artifact_source_count(a))
		abort();
	for (i = 0; i < tmdk_artifact_source_count(a); i++)
		if (!tmdk_kustomization_file(a, i) || tmdk_kustomization_file_role(a, i) == TMDK_KUSTOMIZE_NONE)
			abort();
	for (i = 0; i < tmdk_artifact_document_count(a); i++) {
		const tmdk_document *d = tmdk_artifact_document(a, i);
		check_origins(a, tmdk_document_root(d), 0);
		if (!tmdk_document_view(d))
			abort();
	}
	for (i = 0; i < tmdk_artifact_warning_count(a); i++)
		if (!tmdk_artifact_warning(a, i, NULL, NULL))
			abort();
	tmdk_artifact_free(a);
	return 0;
}
