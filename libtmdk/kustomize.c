/*
 * Building a kustomization natively (docs/kustomize.md): read the
 * kustomization and what it names through a file provider (the file system
 * or a caller's callback), accumulate resources, bases and components,
 * run the generators and the built-in transformers in kustomize's order,
 * and hand the objects to the Kubernetes normalizer as the documents of a
 * derived artifact whose sources are the files read.
 */
#include "kustomize_int.h"
#include "array.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct kz_file {
	const char *path;        /* the source artifact's name */
	uint32_t origin;
	unsigned char role;      /* tmdk_kustomize_role */
} kz_file;

typedef struct kz_ctx {
	tmdk_artifact *out;
	tmdk__arena *arena;      /* &out->arena */
	tmdk_kustomize_options o;
	tmdk_parse_options popts;
	tmdk_error *err;
	kz_file *files;          /* heap */
	size_t file_count, file_cap;
	const char *stack[64];   /* kustomization files being built */
	size_t depth;
	size_t resources;        /* objects created, at every level */
	size_t nodes;            /* nodes copied */
} kz_ctx;

int tmdk_kustomize_options_init(tmdk_kustomize_options *opts, unsigned int version)
{
	tmdk_kustomize_options init = TMDK_KUSTOMIZE_OPTIONS_INIT;
	if (!opts || version != TMDK_KUSTOMIZE_OPTIONS_VERSION)
		return TMDK_EINVAL;
	*opts = init;
	return TMDK_OK;
}

/* ---- errors and notes ------------------------------------------------ */

static const char *origin_name(kz_ctx *c, const tmdk_node *at)
{
	const tmdk_artifact *src = at ? tmdk__node_source(c->out, at) : NULL;
	return src ? src->name : c->out ? c->out->name : "";
}

static int fail(kz_ctx *c, int code, const tmdk_node *at, const char *fmt, ...) TMDK__PRINTF(4, 5);
static int fail(kz_ctx *c, int code, const tmdk_node *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tmdk__error_setv(c->err, code, origin_name(c, at), at ? at->line : 0, at ? at->column : 0, fmt, ap);
	va_end(ap);
	return code;
}

static int oom(kz_ctx *c)
{
	return tmdk__error_set(c->err, TMDK_ENOMEM, c->out ? c->out->name : "", 0, 0, "out of memory");
}

static int note(kz_ctx *c, const tmdk_node *at, const char *what, const char *detail)
{
	if (tmdk__artifact_warn(c->out, at ? at->line : 0, at ? at->column : 0, "%s:%u:%u: %s%s%s",
		    origin_name(c, at), at ? at->line : 0, at ? at->column : 0, what,
		    detail ? ": " : "", detail ? detail : "") != TMDK_OK)
		return oom(c);
	return TMDK_OK;
}

/* ---- paths -------------------------------------------------------------- */

/* dir joined with rel, cleaned lexically; in the arena. */
static char *path_join(kz_ctx *c, const char *dir, const char *rel)
{
	size_t n = strlen(dir) + strlen(rel) + 2, len = 0, i = 0;
	char *in = tmdk__arena_alloc(c->arena, n), *out = tmdk__arena_alloc(c->arena, n + 1);
	int abs;
	if (!in || !out)
		return NULL;
	if (rel[0] == '/' || !dir[0])
		snprintf(in, n, "%s", rel);
	else
		snprintf(in, n, "%s/%s", dir, rel);
	abs = in[0] == '/';
	if (abs)
		out[len++] = '/';
	while (in[i]) {
		size_t s = i, e;
		while (in[i] && in[i] != '/')
			i++;
		e = i;
		while (in[i] == '/')
			i++;
		if (e == s || (e - s == 1 && in[s] == '.'))
			continue;
		if (e - s == 2 && in[s] == '.' && in[s + 1] == '.') {
			/* pop the last component unless there is none or it is ".." */
			size_t last = len;
			while (last > (size_t)abs && out[last - 1] != '/')
				last--;
			if (len > (size_t)abs && !(len - last == 2 && out[last] == '.' && out[last + 1] == '.')) {
				len = last > (size_t)abs ? last - 1 : last;
				if (len < (size_t)abs)
					len = (size_t)abs;
				continue;
			}
			if (abs)
				continue; /* "/.." is "/" */
		}
		if (len > (size_t)abs)
			out[len++] = '/';
		memcpy(out + len, in + s, e - s);
		len += e - s;
	}
	if (!len)
		out[len++] = '.';
	out[len] = '\0';
	return out;
}

static char *path_dir(kz_ctx *c, const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return tmdk__arena_strdup(c->arena, ".");
	if (slash == path)
		return tmdk__arena_strdup(c->arena, "/");
	return tmdk__arena_strndup(c->arena, path, (size_t)(slash - path));
}

static const char *path_base(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static int is_remote(const char *s)
{
	return strstr(s, "://") || !strncmp(s, "github.com/", 11) || !strncmp(s, "git@", 4) ||
		!strncmp(s, "git::", 5) || !strncmp(s, "gitlab.com/", 11) || !strncmp(s, "bitbucket.org/", 14);
}

/* ---- reading files ------------------------------------------------------- */

static kz_file *file_find(kz_ctx *c, const char *path)
{
	size_t i;
	for (i = 0; i < c->file_count; i++)
		if (!strcmp(c->files[i].path, path))
			return &c->files[i];
	return NULL;
}

/* Read and register a file as a source of the built artifact. YAML files are
 * loaded (documents with roots); generator inputs are kept as text.
 * @return TMDK_OK, TMDK_ENOTFOUND (err untouched) or an error (err set). */
static int load(kz_ctx *c, const char *path, tmdk_kustomize_role role, const tmdk_node *at, kz_file **out)
{
	const char *data = NULL;
	char *heap = NULL;
	size_t len = 0;
	tmdk_artifact *art = NULL;
	tmdk_error sub;
	kz_file *f = file_find(c, path);
	int rc;

	if (f) {
		*out = f;
		return TMDK_OK;
	}
	if (c->file_count >= c->o.max_files)
		return fail(c, TMDK_ELIMIT, at, "more than %u files in the kustomization (max_files)", c->o.max_files);
	if (c->o.read) {
		rc = c->o.read(path, &data, &len, c->o.read_payload);
		if (rc == TMDK_ENOTFOUND)
			return rc;
		if (rc != TMDK_OK)
			return fail(c, rc, at, "cannot read %s", path);
		if (!data && len)
			return fail(c, TMDK_EINVAL, at, "the read callback gave no data for %s", path);
	} else {
		struct stat st;
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			return TMDK_ENOTFOUND;
		tmdk_error_clear(&sub);
		rc = tmdk__read_file(path, c->popts.max_input_bytes, "max_input_bytes", &heap, &len, &sub);
		if (rc != TMDK_OK) {
			if (c->err)
				*c->err = sub;
			return rc;
		}
		data = heap;
	}
	tmdk_error_clear(&sub);
	if (role == TMDK_KUSTOMIZE_GENERATOR)
		rc = tmdk__artifact_new(&art, path, data ? data : "", len, &c->popts, &sub);
	else
		rc = tmdk__artifact_load_yaml(&art, path, data ? data : "", len, &c->popts, &sub);
	tmdk__text_free(heap);
	if (rc != TMDK_OK) {
		if (c->err)
			*c->err = sub;
		return rc;
	}
	if (TMDK__ARRAY_RESERVE(c->files, c->file_count, c->file_cap, 8) != TMDK_OK) {
		tmdk_artifact_free(art);
		return oom(c);
	}
	f = &c->files[c->file_count];
	if (tmdk__artifact_add_source(c->out, art, &f->origin) != TMDK_OK) {
		tmdk_artifact_free(art);
		return oom(c);
	}
	f->path = art->name;
	f->role = (unsigned char)role;
	c->file_count++;
	*out = f;
	return TMDK_OK;
}

static tmdk_artifact *file_art(kz_ctx *c, const kz_file *f)
{
	return c->out->sources[f->origin - 1];
}

/* The kustomization file of a folder: kustomization.yaml, .yml or Kustomization. */
static int load_kustomization_in(kz_ctx *c, const char *dir, const tmdk_node *at, kz_file **out)
{
	static const char *const names[] = {"kustomization.yaml", "kustomization.yml", "Kustomization"};
	size_t i;
	for (i = 0; i < 3; i++) {
		char *p = path_join(c, dir, names[i]);
		int rc;
		if (!p)
			return oom(c);
		rc = load(c, p, TMDK_KUSTOMIZE_KUSTOMIZATION, at, out);
		if (rc != TMDK_ENOTFOUND)
			return rc;
	}
	return TMDK_ENOTFOUND;
}

/* ---- resources ------------------------------------------------------------ */

static int res_id_equal(const tmdk_node *x, const tmdk_node *y)
{
	const tmdk_node *mx = tmdk__kz_get(x, "metadata"), *my = tmdk__kz_get(y, "metadata");
	const char *kx = tmdk__kz_str(x, "kind"), *ky = tmdk__kz_str(y, "kind");
	const char *nx = tmdk__kz_str(mx, "name"), *ny = tmdk__kz_str(my, "name");
	const char *sx = tmdk__kz_str(mx, "namespace"), *sy = tmdk__kz_str(my, "namespace");
	return kx && ky && nx && ny && !strcmp(kx, ky) && !strcmp(nx, ny) &&
		!strcmp(sx ? sx : "default", sy ? sy : "default");
}

static int resmap_add(kz_ctx *c, tmdk__kz_resmap *rm, tmdk_node *root, int needs_hash)
{
	const tmdk_node *md = tmdk__kz_get(root, "metadata");
	size_t i;
	if (!tmdk__kz_str(root, "kind"))
		return fail(c, TMDK_EPARSE, root, "a resource without `kind`");
	if (!tmdk__kz_str(md, "name") && !tmdk__kz_str(md, "generateName"))
		return fail(c, TMDK_EPARSE, root, "a resource without `metadata.name`");
	for (i = 0; i < rm->count; i++)
		if (res_id_equal(rm->items[i].root, root))
			return fail(c, TMDK_EINVAL, root,
				"%s `%s` is already in the build (from %s:%u): kustomize rejects a duplicate id",
				tmdk__kz_str(root, "kind"), tmdk__kz_str(md, "name"),
				origin_name(c, rm->items[i].root), rm->items[i].root->line);
	if (c->arena->total > c->o.max_bytes)
		return fail(c, TMDK_ELIMIT, root, "the build is over %zu bytes (max_bytes)", c->o.max_bytes);
	if (++c->resources > c->o.max_resources)
		return fail(c, TMDK_ELIMIT, root, "more than %u objects in the build (max_resources)",
			c->o.max_resources);
	if (TMDK__ARRAY_RESERVE(rm->items, rm->count, rm->cap, 16) != TMDK_OK)
		return oom(c);
	rm->items[rm->count].root = root;
	rm->items[rm->count].orig_name = tmdk__kz_str(md, "name");
	rm->items[rm->count].needs_hash = needs_hash;
	rm->count++;
	return TMDK_OK;
}

static int is_null_node(const tmdk_node *n)
{
	return !n || (n->type == TMDK_NODE_SCALAR && n->scalar_type == TMDK_SCALAR_NULL);
}

/* Copy a loaded file's documents (List items expanded) into the resmap. */
static int add_file_resources(kz_ctx *c, const kz_file *f, tmdk__kz_resmap *rm)
{
	const tmdk_artifact *art = file_art(c, f);
	size_t i, j;
	for (i = 0; i < art->doc_count; i++) {
		const tmdk_node *root = art->docs[i].root;
		const tmdk_node *items = tmdk__kz_get(root, "items");
		const char *kind = tmdk__kz_str(root, "kind");
		int rc;
		if (is_null_node(root))
			continue;
		if (root->type != TMDK_NODE_MAP)
			return fail(c, TMDK_EPARSE, root, "a resource document is not a map");
		if (kind && strlen(kind) >= 4 && !strcmp(kind + strlen(kind) - 4, "List") && items &&
		    items->type == TMDK_NODE_SEQUENCE) {
			for (j = 0; j < items->u.seq.count; j++) {
				tmdk_node *copy = tmdk__node_copy(c->out, items->u.seq.items[j], f->origin, &c->nodes);
				if (!copy)
					return oom(c);
				if (copy->type != TMDK_NODE_MAP)
					return fail(c, TMDK_EPARSE, copy, "a List item is not a map");
				rc = resmap_add(c, rm, copy, 0);
				if (rc != TMDK_OK)
					return rc;
			}
			continue;
		}
		{
			tmdk_node *copy = tmdk__node_copy(c->out, root, f->origin, &c->nodes);
			if (!copy)
				return oom(c);
			rc = resmap_add(c, rm, copy, 0);
			if (rc != TMDK_OK)
				return rc;
		}
	}
	return TMDK_OK;
}

static int build_file(kz_ctx *c, const kz_file *kf, tmdk__kz_resmap *rm, int as_component, const tmdk_node *at);

/* One entry of resources/bases. */
static int add_resource(kz_ctx *c, const char *dir, const tmdk_node *entry, tmdk__kz_resmap *rm)
{
	kz_file *f = NULL;
	char *p;
	int rc;

	if (entry->type != TMDK_NODE_SCALAR || !entry->u.scalar.len)
		return fail(c, TMDK_EINVAL, entry, "a resource entry must be a path");
	if (is_remote(entry->u.scalar.text))
		return note(c, entry, "remote resource not fetched", entry->u.scalar.text);
	p = path_join(c, dir, entry->u.scalar.text);
	if (!p)
		return oom(c);
	rc = load(c, p, TMDK_KUSTOMIZE_RESOURCE, entry, &f);
	if (rc == TMDK_OK)
		return add_file_resources(c, f, rm);
	if (rc != TMDK_ENOTFOUND)
		return rc;
	rc = load_kustomization_in(c, p, entry, &f);
	if (rc == TMDK_ENOTFOUND)
		return fail(c, TMDK_ENOTFOUND, entry, "resource `%s` not found (no file, no folder with a kustomization)", p);
	if (rc != TMDK_OK)
		return rc;
	{
		tmdk__kz_resmap sub = {NULL, 0, 0};
		size_t i;
		rc = build_file(c, f, &sub, 0, entry);
		for (i = 0; rc == TMDK_OK && i < sub.count; i++) {
			c->resources--; /* counted once, when first added */
			rc = resmap_add(c, rm, sub.items[i].root, sub.items[i].needs_hash);
			if (rc == TMDK_OK)
				rm->items[rm->count - 1].orig_name = sub.items[i].orig_name;
		}
		tmdk__free(sub.items);
		return rc;
	}
}

/* ---- inline patches ------------------------------------------------------- */

/* A copy of an inline patch's node (parsed from a kustomization's string) with
 * its text in our arena and its position moved to the kustomization. */
static tmdk_node *inline_copy(kz_ctx *c, const tmdk_node *n, uint32_t origin, unsigned int dline,
	unsigned int dcol, int block, unsigned int line, unsigned int col)
{
	tmdk_node *x = tmdk__arena_alloc(c->arena, sizeof(*x));
	size_t i;
	if (!x)
		return NULL;
	tmdk__node_assign(x, n);
	x->origin = origin;
	if (block) {
		x->line = n->line + dline;
		x->column = n->column + dcol;
	} else {
		x->line = line;
		x->column = col;
	}
	if (n->tag && !(x->tag = tmdk__arena_strdup(c->arena, n->tag)))
		return NULL;
	c->nodes++;
	switch (n->type) {
	case TMDK_NODE_SCALAR:
		x->u.scalar.text = tmdk__arena_strndup(c->arena, n->u.scalar.text, n->u.scalar.len);
		return x->u.scalar.text ? x : NULL;
	case TMDK_NODE_SEQUENCE:
		x->u.seq.items = NULL;
		x->u.seq.count = x->u.seq.cap = 0;
		for (i = 0; i < n->u.seq.count; i++) {
			tmdk_node *it = inline_copy(c, n->u.seq.items[i], origin, dline, dcol, block, line, col);
			if (!it || tmdk__node_seq_push(c->arena, x, it) != TMDK_OK)
				return NULL;
		}
		return x;
	case TMDK_NODE_MAP:
		x->u.map.keys = x->u.map.values = NULL;
		x->u.map.count = x->u.map.cap = 0;
		for (i = 0; i < n->u.map.count; i++) {
			tmdk_node *k = inline_copy(c, n->u.map.keys[i], origin, dline, dcol, block, line, col);
			tmdk_node *v = k ? inline_copy(c, n->u.map.values[i], origin, dline, dcol, block, line, col) : NULL;
			if (!v || tmdk__node_map_append(c->arena, x, k, v) != TMDK_OK)
				return NULL;
		}
		return x;
	default:
		return x;
	}
}

typedef struct kz_docs {
	tmdk_node **items;       /* heap */
	size_t count, cap;
} kz_docs;

static int docs_push(kz_ctx *c, kz_docs *d, tmdk_node *n)
{
	if (TMDK__ARRAY_RESERVE(d->items, d->count, d->cap, 4) != TMDK_OK)
		return oom(c);
	d->items[d->count++] = n;
	return TMDK_OK;
}

/* The documents of a patch given inline (a string in the kustomization). */
static int parse_inline(kz_ctx *c, const tmdk_node *s, kz_docs *out)
{
	const tmdk_artifact *src = tmdk__node_source(c->out, s);
	tmdk_artifact *tmp = NULL;
	tmdk_error sub;
	unsigned int dline = 0, dcol = 0;
	int block = 0, rc;
	size_t i;
	const char *line;
	size_t len;

	/* A block scalar (`|`): its text starts on the next line, indented. */
	line = tmdk_artifact_line(src, s->line, &len);
	if (line && s->column >= 1 && s->column - 1 < len && (line[s->column - 1] == '|' || line[s->column - 1] == '>')) {
		unsigned int l = s->line + 1;
		block = 1;
		dline = s->line;
		while ((line = tmdk_artifact_line(src, l, &len)) != NULL) {
			size_t ind = 0;
			while (ind < len && line[ind] == ' ')
				ind++;
			if (ind < len) {
				dcol = (unsigned int)ind;
				break;
			}
			l++;
		}
	}
	tmdk_error_clear(&sub);
	rc = tmdk__artifact_load_yaml(&tmp, src->name, s->u.scalar.text, s->u.scalar.len, &c->popts, &sub);
	if (rc != TMDK_OK) {
		if (rc == TMDK_ENOMEM)
			return oom(c);
		return fail(c, rc, s, "inline patch: %s (line %u of the patch)", sub.message, sub.line);
	}
	for (i = 0; i < tmp->doc_count; i++) {
		tmdk_node *n;
		if (is_null_node(tmp->docs[i].root))
			continue;
		n = inline_copy(c, tmp->docs[i].root, s->origin, dline, dcol, block, s->line, s->column);
		if (!n || docs_push(c, out, n) != TMDK_OK) {
			tmdk_artifact_free(tmp);
			return oom(c);
		}
	}
	tmdk_artifact_free(tmp);
	return TMDK_OK;
}

/* The documents of a patch: a file (path), or inline text. */
static int patch_docs(kz_ctx *c, const char *dir, const tmdk_node *path, const tmdk_node *text, kz_docs *out)
{
	size_t i;
	if (text)
		return text->type == TMDK_NODE_SCALAR ? parse_inline(c, text, out) :
			fail(c, TMDK_EINVAL, text, "an inline patch must be a string");
	if (path && path->type == TMDK_NODE_SCALAR) {
		kz_file *f;
		char *p = path_join(c, dir, path->u.scalar.text);
		int rc;
		if (!p)
			return oom(c);
		rc = load(c, p, TMDK_KUSTOMIZE_PATCH, path, &f);
		if (rc == TMDK_ENOTFOUND)
			return fail(c, rc, path, "patch file `%s` not found", p);
		if (rc != TMDK_OK)
			return rc;
		if (f->role == TMDK_KUSTOMIZE_RESOURCE)
			f->role = TMDK_KUSTOMIZE_PATCH;
		for (i = 0; i < file_art(c, f)->doc_count; i++) {
			const tmdk_node *root = file_art(c, f)->docs[i].root;
			tmdk_node *n;
			if (is_null_node(root))
				continue;
			n = tmdk__node_copy(c->out, root, f->origin, &c->nodes);
			if (!n || docs_push(c, out, n) != TMDK_OK)
				return oom(c);
		}
		return TMDK_OK;
	}
	return fail(c, TMDK_EINVAL, path, "a patch needs `path` or `patch`");
}

/* ---- selecting targets ------------------------------------------------------ */

/* A tiny anchored regular expression match: literals, `.`, `*`, `+`, `?`,
 * and `|` between whole alternatives (kustomize matches names as Go regexps). */
static int rx_here(const char *re, const char *re_end, const char *s)
{
	if (re == re_end)
		return *s == '\0';
	if (re + 1 < re_end && (re[1] == '*' || re[1] == '+' || re[1] == '?')) {
		char op = re[1];
		const char *t = s;
		if (op == '?')
			return ((*s && (re[0] == '.' || re[0] == *s)) && rx_here(re + 2, re_end, s + 1)) ||
				rx_here(re + 2, re_end, s);
		if (op == '+') {
			if (!*t || !(re[0] == '.' || re[0] == *t))
				return 0;
			t++;
		}
		for (;;) {
			if (rx_here(re + 2, re_end, t))
				return 1;
			if (!*t || !(re[0] == '.' || re[0] == *t))
				return 0;
			t++;
		}
	}
	if (re[0] == '\\' && re + 1 < re_end)
		return *s == re[1] && rx_here(re + 2, re_end, s + 1);
	return *s && (re[0] == '.' || re[0] == *s) && rx_here(re + 1, re_end, s + 1);
}

static int rx_match(const char *re, const char *s)
{
	const char *alt;
	if (!s)
		return 0;
	if (*re == '^')
		re++;
	for (;;) {
		const char *end;
		alt = strchr(re, '|');
		end = alt ? alt : re + strlen(re);
		if (end > re && end[-1] == '$')
			end--;
		if (rx_here(re, end, s))
			return 1;
		if (!alt)
			return 0;
		re = alt + 1;
	}
}

/* A label selector of equality terms: "a=b,c!=d,e,!f". */
static int labels_match(const char *sel, const tmdk_node *labels)
{
	char term[256];
	while (*sel) {
		const char *comma = strchr(sel, ',');
		size_t n = comma ? (size_t)(comma - sel) : strlen(sel);
		char *eq, *k, *v = NULL;
		int neg = 0;
		const char *have;
		if (n >= sizeof(term))
			return 0;
		memcpy(term, sel, n);
		term[n] = '\0';
		sel += n + (comma ? 1 : 0);
		k = term;
		while (*k == ' ')
			k++;
		if ((eq = strstr(k, "!=")) != NULL) {
			neg = 1;
			*eq = '\0';
			v = eq + 2;
		} else if ((eq = strchr(k, '=')) != NULL) {
			*eq = '\0';
			v = eq + 1 + (eq[1] == '=');
		} else if (*k == '!') {
			k++;
			if (tmdk__kz_get(labels, k))
				return 0;
			continue;
		}
		for (eq = k + strlen(k); eq > k && eq[-1] == ' '; eq--)
			eq[-1] = '\0';
		while (v && *v == ' ')
			v++;
		have = tmdk__kz_str(labels, k);
		if (!v) {
			if (!tmdk__kz_get(labels, k))
				return 0;
		} else if (neg ? (have && !strcmp(have, v)) : !(have && !strcmp(have, v))) {
			return 0;
		}
	}
	return 1;
}

static int target_matches(const tmdk__kz_res *r, const tmdk_node *t)
{
	const tmdk_node *md = tmdk__kz_get(r->root, "metadata");
	const char *api = tmdk__kz_str(r->root, "apiVersion"), *slash = api ? strchr(api, '/') : NULL;
	const char *s;
	char group[128] = "";
	const char *version = slash ? slash + 1 : api;
	if (slash && (size_t)(slash - api) < sizeof(group)) {
		memcpy(group, api, (size_t)(slash - api));
		group[slash - api] = '\0';
	}
	if ((s = tmdk__kz_str(t, "group")) && !rx_match(s, group))
		return 0;
	if ((s = tmdk__kz_str(t, "version")) && !rx_match(s, version ? version : ""))
		return 0;
	if ((s = tmdk__kz_str(t, "kind")) && !rx_match(s, tmdk__kz_str(r->root, "kind")))
		return 0;
	if ((s = tmdk__kz_str(t, "name")) && !rx_match(s, tmdk__kz_str(md, "name")) && !rx_match(s, r->orig_name))
		return 0;
	if ((s = tmdk__kz_str(t, "namespace")) &&
	    !rx_match(s, tmdk__kz_str(md, "namespace") ? tmdk__kz_str(md, "namespace") : "default"))
		return 0;
	if ((s = tmdk__kz_str(t, "labelSelector")) && !labels_match(s, tmdk__kz_get(md, "labels")))
		return 0;
	if ((s = tmdk__kz_str(t, "annotationSelector")) && !labels_match(s, tmdk__kz_get(md, "annotations")))
		return 0;
	return 1;
}

/* The resources a strategic-merge patch without target names (kind, name, namespace). */
static int patch_names(const tmdk__kz_res *r, const tmdk_node *patch)
{
	const tmdk_node *pm = tmdk__kz_get(patch, "metadata"), *rmd = tmdk__kz_get(r->root, "metadata");
	const char *kind = tmdk__kz_str(patch, "kind"), *name = tmdk__kz_str(pm, "name");
	const char *ns = tmdk__kz_str(pm, "namespace"), *rns = tmdk__kz_str(rmd, "namespace");
	const char *rname = tmdk__kz_str(rmd, "name");
	if (!kind || !name || strcmp(kind, tmdk__kz_str(r->root, "kind") ? tmdk__kz_str(r->root, "kind") : ""))
		return 0;
	if (!(rname && !strcmp(rname, name)) && !(r->orig_name && !strcmp(r->orig_name, name)))
		return 0;
	return !ns || !strcmp(ns, rns ? rns : "default");
}

/* A strategic-merge patch without what identifies its target (apiVersion,
 * kind, metadata.name/namespace): applying it never renames the target. */
static tmdk_node *patch_body(kz_ctx *c, const tmdk_node *patch)
{
	tmdk_node *p = tmdk__arena_alloc(c->arena, sizeof(*p)), *md;
	size_t i;
	if (!p)
		return NULL;
	*p = *patch;
	p->u.map.keys = p->u.map.values = NULL;
	p->u.map.count = p->u.map.cap = 0;
	for (i = 0; i < patch->u.map.count; i++) {
		const tmdk_node *k = patch->u.map.keys[i];
		tmdk_node *v = patch->u.map.values[i];
		if (k->type == TMDK_NODE_SCALAR && (!strcmp(k->u.scalar.text, "apiVersion") || !strcmp(k->u.scalar.text, "kind")))
			continue;
		if (k->type == TMDK_NODE_SCALAR && !strcmp(k->u.scalar.text, "metadata") && v->type == TMDK_NODE_MAP) {
			long j;
			md = tmdk__kz_clone(c->arena, v);
			if (!md)
				return NULL;
			if ((j = tmdk__node_map_find(md, "name", 4)) >= 0)
				tmdk__kz_map_remove(md, (size_t)j);
			if ((j = tmdk__node_map_find(md, "namespace", 9)) >= 0)
				tmdk__kz_map_remove(md, (size_t)j);
			v = md;
		}
		if (tmdk__node_map_append(c->arena, p, (tmdk_node *)k, v) != TMDK_OK)
			return NULL;
	}
	return p;
}

static int remove_res(tmdk__kz_resmap *rm, size_t i)
{
	memmove(rm->items + i, rm->items + i + 1, (rm->count - i - 1) * sizeof(*rm->items));
	rm->count--;
	return TMDK_OK;
}

/* Apply one strategic-merge patch document to resource i. *removed when `$patch: delete`. */
static int smp_one(kz_ctx *c, tmdk__kz_resmap *rm, size_t i, const tmdk_node *patch, int *removed)
{
	const char *d = tmdk__kz_str(patch, "$patch");
	char msg[256];
	const tmdk_node *where = patch;
	tmdk_node *body;
	int rc;
	*removed = 0;
	if (d && !strcmp(d, "delete")) {
		remove_res(rm, i);
		*removed = 1;
		return TMDK_OK;
	}
	body = patch_body(c, patch);
	if (!body)
		return oom(c);
	rc = tmdk__kz_smp(c->arena, &rm->items[i].root, body, msg, sizeof(msg), &where);
	if (rc == TMDK_ENOMEM)
		return oom(c);
	if (rc == TMDK_OK && (rm->items[i].root->type != TMDK_NODE_MAP || !tmdk__kz_str(rm->items[i].root, "kind")))
		return fail(c, TMDK_EPARSE, patch, "strategic-merge patch: the object is no longer a map with a `kind`");
	if (rc != TMDK_OK)
		return fail(c, rc, where, "strategic-merge patch: %s", msg);
	return TMDK_OK;
}

static int json_one(kz_ctx *c, tmdk__kz_resmap *rm, size_t i, const tmdk_node *ops)
{
	char msg[256];
	const tmdk_node *where = ops;
	int rc = tmdk__kz_json6902(c->arena, &rm->items[i].root, ops, msg, sizeof(msg), &where);
	if (rc == TMDK_ENOMEM)
		return oom(c);
	if (rc == TMDK_OK && (rm->items[i].root->type != TMDK_NODE_MAP || !tmdk__kz_str(rm->items[i].root, "kind")))
		return fail(c, TMDK_EPARSE, ops, "JSON 6902 patch: the object is no longer a map with a `kind`");
	if (rc != TMDK_OK)
		return fail(c, rc, where, "JSON 6902 patch on %s `%s`: %s", tmdk__kz_str(rm->items[i].root, "kind"),
			tmdk__kz_str(tmdk__kz_get(rm->items[i].root, "metadata"), "name"), msg);
	return TMDK_OK;
}

/* A patch document (SMP map or JSON 6902 list) on the resources `target`
 * selects, or (no target, SMP) on the one the patch names. */
static int apply_patch_doc(kz_ctx *c, tmdk__kz_resmap *rm, const tmdk_node *doc, const tmdk_node *target,
	int must_match, int force_json)
{
	size_t i = 0, hits = 0;
	int removed, rc;
	if (doc->type == TMDK_NODE_SEQUENCE || force_json) {
		if (!target)
			return fail(c, TMDK_EINVAL, doc, "a JSON 6902 patch needs a `target`");
		for (i = 0; i < rm->count; i++)
			if (target_matches(&rm->items[i], target)) {
				hits++;
				if ((rc = json_one(c, rm, i, doc)) != TMDK_OK)
					return rc;
			}
	} else if (doc->type == TMDK_NODE_MAP) {
		while (i < rm->count) {
			if (target ? target_matches(&rm->items[i], target) : patch_names(&rm->items[i], doc)) {
				hits++;
				if ((rc = smp_one(c, rm, i, doc, &removed)) != TMDK_OK)
					return rc;
				if (removed)
					continue;
			}
			i++;
		}
	} else {
		return fail(c, TMDK_EPARSE, doc, "a patch must be a map (strategic merge) or a list (JSON 6902)");
	}
	if (!hits && must_match)
		return fail(c, TMDK_EPARSE, target ? target : doc, "the patch matches no resource of the build");
	if (c->arena->total > c->o.max_bytes)
		return fail(c, TMDK_ELIMIT, doc, "the build is over %zu bytes (max_bytes)", c->o.max_bytes);
	return TMDK_OK;
}

/* ---- generators ---------------------------------------------------------------- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *base64(kz_ctx *c, const char *s, size_t n)
{
	char *out = tmdk__arena_alloc(c->arena, (n + 2) / 3 * 4 + 1), *o = out;
	size_t i;
	if (!out)
		return NULL;
	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned char)s[i] << 16 | (unsigned char)s[i + 1] << 8 | (unsigned char)s[i + 2];
		*o++ = b64[v >> 18];
		*o++ = b64[(v >> 12) & 63];
		*o++ = b64[(v >> 6) & 63];
		*o++ = b64[v & 63];
	}
	if (i < n) {
		unsigned v = (unsigned char)s[i] << 16 | (i + 1 < n ? (unsigned char)s[i + 1] << 8 : 0);
		*o++ = b64[v >> 18];
		*o++ = b64[(v >> 12) & 63];
		*o++ = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		*o++ = '=';
	}
	*o = '\0';
	return out;
}

typedef struct gen {
	tmdk_node *data;         /* the data map being filled */
	int secret;
} gen;

/* data[key] = value (text[0..n)), both at `at`. */
static int gen_put(kz_ctx *c, gen *g, const char *key, size_t klen, const char *val, size_t vlen,
	const tmdk_node *at, unsigned int line, unsigned int col)
{
	tmdk_node *k, *v;
	char *text = g->secret ? base64(c, val, vlen) : tmdk__arena_strndup(c->arena, val, vlen);
	long i;
	if (!text)
		return oom(c);
	k = tmdk__node_scalar(c->arena, key, klen, TMDK_SCALAR_STRING, line, col);
	v = tmdk__node_scalar(c->arena, text, strlen(text), TMDK_SCALAR_STRING, line, col);
	if (!k || !v)
		return oom(c);
	k->origin = v->origin = at->origin;
	if ((i = tmdk__node_map_find(g->data, key, klen)) >= 0)
		return fail(c, TMDK_EINVAL, at, "generator key `%.*s` given twice", (int)klen, key);
	return tmdk__node_map_append(c->arena, g->data, k, v) == TMDK_OK ? TMDK_OK : oom(c);
}

static int gen_literals(kz_ctx *c, gen *g, const tmdk_node *list)
{
	size_t i;
	for (i = 0; list && list->type == TMDK_NODE_SEQUENCE && i < list->u.seq.count; i++) {
		const tmdk_node *l = list->u.seq.items[i];
		const char *s, *eq;
		size_t vlen;
		int rc;
		if (l->type != TMDK_NODE_SCALAR || !(eq = memchr(l->u.scalar.text, '=', l->u.scalar.len)) ||
		    eq == l->u.scalar.text)
			return fail(c, TMDK_EINVAL, l, "a generator literal must be `key=value`");
		s = eq + 1;
		vlen = l->u.scalar.len - (size_t)(s - l->u.scalar.text);
		if (vlen >= 2 && (s[0] == '"' || s[0] == '\'') && s[vlen - 1] == s[0]) {
			s++;
			vlen -= 2;
		}
		rc = gen_put(c, g, l->u.scalar.text, (size_t)(eq - l->u.scalar.text), s, vlen, l, l->line, l->column);
		if (rc != TMDK_OK)
			return rc;
	}
	return TMDK_OK;
}

static int gen_files(kz_ctx *c, const char *dir, gen *g, const tmdk_node *list)
{
	size_t i;
	for (i = 0; list && list->type == TMDK_NODE_SEQUENCE && i < list->u.seq.count; i++) {
		const tmdk_node *e = list->u.seq.items[i];
		const char *spec, *eq, *key, *rel;
		size_t klen;
		kz_file *f;
		char *p;
		tmdk_node at;
		int rc;
		if (e->type != TMDK_NODE_SCALAR)
			return fail(c, TMDK_EINVAL, e, "a generator file must be a path or `key=path`");
		spec = e->u.scalar.text;
		eq = strchr(spec, '=');
		rel = eq ? eq + 1 : spec;
		p = path_join(c, dir, rel);
		if (!p)
			return oom(c);
		key = eq ? spec : path_base(p);
		klen = eq ? (size_t)(eq - spec) : strlen(key);
		rc = load(c, p, TMDK_KUSTOMIZE_GENERATOR, e, &f);
		if (rc == TMDK_ENOTFOUND)
			return fail(c, rc, e, "generator file `%s` not found", p);
		if (rc != TMDK_OK)
			return rc;
		at = *e;
		at.origin = f->origin;
		rc = gen_put(c, g, key, klen, file_art(c, f)->text, file_art(c, f)->text_len, &at, 1, 1);
		if (rc != TMDK_OK)
			return rc;
	}
	return TMDK_OK;
}

static int gen_env(kz_ctx *c, const char *dir, gen *g, const tmdk_node *e)
{
	const tmdk_artifact *art;
	kz_file *f;
	char *p;
	size_t l;
	int rc;
	if (e->type != TMDK_NODE_SCALAR)
		return fail(c, TMDK_EINVAL, e, "an env file entry must be a path");
	p = path_join(c, dir, e->u.scalar.text);
	if (!p)
		return oom(c);
	rc = load(c, p, TMDK_KUSTOMIZE_GENERATOR, e, &f);
	if (rc == TMDK_ENOTFOUND)
		return fail(c, rc, e, "env file `%s` not found", p);
	if (rc != TMDK_OK)
		return rc;
	art = file_art(c, f);
	for (l = 1; l <= art->line_count; l++) {
		size_t len, k = 0;
		const char *s = tmdk_artifact_line(art, (unsigned int)l, &len), *eq;
		tmdk_node at;
		while (k < len && (s[k] == ' ' || s[k] == '\t'))
			k++;
		while (len > k && (s[len - 1] == '\r' || s[len - 1] == ' '))
			len--;
		if (k == len || s[k] == '#')
			continue;
		at = *e;
		at.origin = f->origin;
		at.line = (unsigned int)l;
		at.column = (unsigned int)k + 1;
		eq = memchr(s + k, '=', len - k);
		if (!eq) {
			rc = note(c, &at, "env file line without `=` (kustomize reads the variable from its environment): skipped", NULL);
			if (rc != TMDK_OK)
				return rc;
			continue;
		}
		rc = gen_put(c, g, s + k, (size_t)(eq - s - k), eq + 1, (size_t)(s + len - eq - 1), &at,
			(unsigned int)l, (unsigned int)(eq - s) + 2);
		if (rc != TMDK_OK)
			return rc;
	}
	return TMDK_OK;
}

static int flag(const tmdk_node *map, const char *key)
{
	const tmdk_node *v = tmdk__kz_get(map, key);
	return v && v->type == TMDK_NODE_SCALAR && v->scalar_type == TMDK_SCALAR_BOOL && !strcmp(v->u.scalar.text, "true");
}

/* map[key] = value, a new key taking the value's position and origin. */
static int put(kz_ctx *c, tmdk_node *map, const char *key, tmdk_node *value)
{
	long i = tmdk__node_map_find(map, key, strlen(key));
	tmdk_node *k;
	if (i >= 0) {
		map->u.map.values[i] = value;
		return TMDK_OK;
	}
	k = tmdk__kz_string_at(c->arena, key, value);
	return k ? tmdk__node_map_append(c->arena, map, k, value) : TMDK_ENOMEM;
}

static tmdk_node *str_node(kz_ctx *c, const char *text, const tmdk_node *at)
{
	return tmdk__kz_string_at(c->arena, text, at);
}

static int generate(kz_ctx *c, const char *dir, const tmdk_node *entry, const tmdk_node *gopts, int secret,
	tmdk__kz_resmap *rm)
{
	const tmdk_node *name = tmdk__kz_get(entry, "name"), *opts = tmdk__kz_get(entry, "options");
	const char *behavior = tmdk__kz_str(entry, "behavior"), *ns = tmdk__kz_str(entry, "namespace");
	const tmdk_node *envs = tmdk__kz_get(entry, "envs"), *env = tmdk__kz_get(entry, "env");
	tmdk_node *root, *md;
	gen g;
	size_t i;
	int rc, hash;

	if (entry->type != TMDK_NODE_MAP || !name || name->type != TMDK_NODE_SCALAR)
		return fail(c, TMDK_EINVAL, entry, "a generator needs a `name`");
	g.secret = secret;
	g.data = tmdk__node_map(c->arena, entry->line, entry->column);
	root = tmdk__node_map(c->arena, entry->line, entry->column);
	md = tmdk__node_map(c->arena, name->line, name->column);
	if (!g.data || !root || !md)
		return oom(c);
	g.data->origin = root->origin = md->origin = entry->origin;
	if ((rc = gen_literals(c, &g, tmdk__kz_get(entry, "literals"))) != TMDK_OK ||
	    (rc = gen_files(c, dir, &g, tmdk__kz_get(entry, "files"))) != TMDK_OK)
		return rc;
	for (i = 0; envs && envs->type == TMDK_NODE_SEQUENCE && i < envs->u.seq.count; i++)
		if ((rc = gen_env(c, dir, &g, envs->u.seq.items[i])) != TMDK_OK)
			return rc;
	if (env && (rc = gen_env(c, dir, &g, env)) != TMDK_OK)
		return rc;
	if (behavior && strcmp(behavior, "create")) {
		/* merge into or replace the data of a ConfigMap/Secret from a base */
		for (i = 0; i < rm->count; i++) {
			tmdk_node *r = rm->items[i].root, *data;
			if (strcmp(tmdk__kz_str(r, "kind"), secret ? "Secret" : "ConfigMap") ||
			    !rm->items[i].orig_name || strcmp(rm->items[i].orig_name, name->u.scalar.text))
				continue;
			data = tmdk__kz_get(r, "data");
			if (!strcmp(behavior, "merge") && data && data->type == TMDK_NODE_MAP) {
				size_t k;
				for (k = 0; k < g.data->u.map.count; k++)
					if (put(c, data, g.data->u.map.keys[k]->u.scalar.text,
						    g.data->u.map.values[k]) != TMDK_OK)
						return oom(c);
			} else if (put(c, r, "data", g.data) != TMDK_OK) {
				return oom(c);
			}
			return TMDK_OK;
		}
		return fail(c, TMDK_EINVAL, tmdk__kz_get(entry, "behavior"),
			"behavior `%s`: no %s `%s` from a base", behavior, secret ? "Secret" : "ConfigMap", name->u.scalar.text);
	}
	{
		tmdk_node *api = str_node(c, "v1", name), *kind = str_node(c, secret ? "Secret" : "ConfigMap", name);
		if (!api || !kind || put(c, root, "apiVersion", api) != TMDK_OK ||
		    put(c, root, "kind", kind) != TMDK_OK ||
		    put(c, root, "metadata", md) != TMDK_OK ||
		    put(c, md, "name", (tmdk_node *)name) != TMDK_OK)
			return oom(c);
		if (ns && put(c, md, "namespace", tmdk__kz_get(entry, "namespace")) != TMDK_OK)
			return oom(c);
	}
	{
		const tmdk_node *sets[2] = {gopts, opts};
		size_t s;
		for (s = 0; s < 2; s++) {
			const tmdk_node *labels = tmdk__kz_get(sets[s], "labels"), *ann = tmdk__kz_get(sets[s], "annotations");
			size_t k;
			tmdk_node *m;
			if (labels && labels->type == TMDK_NODE_MAP) {
				if (!(m = tmdk__kz_path_map(c->arena, md, "labels", labels)))
					return oom(c);
				for (k = 0; k < labels->u.map.count; k++)
					if (put(c, m, labels->u.map.keys[k]->u.scalar.text, labels->u.map.values[k]) != TMDK_OK)
						return oom(c);
			}
			if (ann && ann->type == TMDK_NODE_MAP) {
				if (!(m = tmdk__kz_path_map(c->arena, md, "annotations", ann)))
					return oom(c);
				for (k = 0; k < ann->u.map.count; k++)
					if (put(c, m, ann->u.map.keys[k]->u.scalar.text, ann->u.map.values[k]) != TMDK_OK)
						return oom(c);
			}
		}
	}
	if (secret) {
		const tmdk_node *type = tmdk__kz_get(entry, "type");
		tmdk_node *t = type ? (tmdk_node *)type : str_node(c, "Opaque", name);
		if (!t || put(c, root, "type", t) != TMDK_OK)
			return oom(c);
	}
	if (g.data->u.map.count && put(c, root, "data", g.data) != TMDK_OK)
		return oom(c);
	if (flag(opts, "immutable") || flag(gopts, "immutable")) {
		tmdk_node *t = tmdk__node_bool(c->arena, 1, entry->line, entry->column);
		if (t)
			t->origin = entry->origin;
		if (!t || put(c, root, "immutable", t) != TMDK_OK)
			return oom(c);
	}
	hash = !(flag(opts, "disableNameSuffixHash") || flag(gopts, "disableNameSuffixHash"));
	return resmap_add(c, rm, root, hash);
}

/* ---- one kustomization --------------------------------------------------------- */

static const char *const supported_keys[] = {
	"apiVersion", "kind", "metadata", "resources", "bases", "components", "namespace", "namePrefix",
	"nameSuffix", "commonLabels", "labels", "commonAnnotations", "images", "replicas",
	"patchesStrategicMerge", "patches", "patchesJson6902", "configMapGenerator", "secretGenerator",
	"generatorOptions", NULL
};

static int key_known(const tmdk_node *k)
{
	size_t i;
	for (i = 0; supported_keys[i]; i++)
		if (k->type == TMDK_NODE_SCALAR && !strcmp(k->u.scalar.text, supported_keys[i]))
			return 1;
	return 0;
}

static const tmdk_node *seq_of(kz_ctx *c, const tmdk_node *kz, const char *key, int *rc)
{
	const tmdk_node *v = tmdk__kz_get(kz, key);
	*rc = TMDK_OK;
	if (is_null_node(v))
		return NULL;
	if (v->type != TMDK_NODE_SEQUENCE) {
		*rc = fail(c, TMDK_EINVAL, v, "`%s` must be a list", key);
		return NULL;
	}
	return v;
}

static int run_patches(kz_ctx *c, const char *dir, const tmdk_node *kz, tmdk__kz_resmap *rm)
{
	const tmdk_node *list;
	size_t i, j;
	int rc;

	/* patchesStrategicMerge: paths or inline documents, each names its target */
	list = seq_of(c, kz, "patchesStrategicMerge", &rc);
	for (i = 0; rc == TMDK_OK && list && i < list->u.seq.count; i++) {
		const tmdk_node *e = list->u.seq.items[i];
		kz_docs d = {NULL, 0, 0};
		int inl = e->type == TMDK_NODE_SCALAR && memchr(e->u.scalar.text, '\n', e->u.scalar.len);
		rc = patch_docs(c, dir, inl ? NULL : e, inl ? e : NULL, &d);
		for (j = 0; rc == TMDK_OK && j < d.count; j++)
			rc = apply_patch_doc(c, rm, d.items[j], NULL, 1, 0);
		tmdk__free(d.items);
	}
	/* patches: path or inline, SMP or JSON 6902, optional target */
	list = rc == TMDK_OK ? seq_of(c, kz, "patches", &rc) : NULL;
	for (i = 0; rc == TMDK_OK && list && i < list->u.seq.count; i++) {
		const tmdk_node *e = list->u.seq.items[i], *target = tmdk__kz_get(e, "target");
		kz_docs d = {NULL, 0, 0};
		if (e->type != TMDK_NODE_MAP) {
			rc = fail(c, TMDK_EINVAL, e, "a `patches` entry must be a map with `path` or `patch`");
			break;
		}
		if (tmdk__kz_get(e, "options"))
			rc = note(c, tmdk__kz_get(e, "options"), "patch options (allowNameChange, allowKindChange) ignored", NULL);
		if (rc == TMDK_OK)
			rc = patch_docs(c, dir, tmdk__kz_get(e, "path"), tmdk__kz_get(e, "patch"), &d);
		for (j = 0; rc == TMDK_OK && j < d.count; j++)
			rc = apply_patch_doc(c, rm, d.items[j], is_null_node(target) ? NULL : target,
				is_null_node(target), 0);
		tmdk__free(d.items);
	}
	return rc;
}

static int run_json6902(kz_ctx *c, const char *dir, const tmdk_node *kz, tmdk__kz_resmap *rm)
{
	int rc;
	const tmdk_node *list = seq_of(c, kz, "patchesJson6902", &rc);
	size_t i, j;
	for (i = 0; rc == TMDK_OK && list && i < list->u.seq.count; i++) {
		const tmdk_node *e = list->u.seq.items[i], *target = tmdk__kz_get(e, "target");
		kz_docs d = {NULL, 0, 0};
		if (!target || target->type != TMDK_NODE_MAP) {
			rc = fail(c, TMDK_EINVAL, e, "a patchesJson6902 entry needs a `target`");
			break;
		}
		rc = patch_docs(c, dir, tmdk__kz_get(e, "path"), tmdk__kz_get(e, "patch"), &d);
		for (j = 0; rc == TMDK_OK && j < d.count; j++)
			rc = apply_patch_doc(c, rm, d.items[j], target, 1, 1);
		tmdk__free(d.items);
	}
	return rc;
}

static int run_transformers(kz_ctx *c, const char *dir, const tmdk_node *kz, tmdk__kz_resmap *rm)
{
	const tmdk_node *v, *list;
	size_t i;
	int rc = run_patches(c, dir, kz, rm);

	if (rc == TMDK_OK && (v = tmdk__kz_get(kz, "namespace")) != NULL && v->type == TMDK_NODE_SCALAR &&
	    v->u.scalar.len && tmdk__kz_set_namespace(c->arena, rm, v) != TMDK_OK)
		return oom(c);
	if (rc == TMDK_OK && tmdk__kz_name_affix(c->arena, rm, tmdk__kz_get(kz, "namePrefix"),
			tmdk__kz_get(kz, "nameSuffix")) != TMDK_OK)
		return oom(c);
	if (rc == TMDK_OK && tmdk__kz_labels(c->arena, rm, tmdk__kz_get(kz, "commonLabels"), 1, 1) != TMDK_OK)
		return oom(c);
	list = rc == TMDK_OK ? seq_of(c, kz, "labels", &rc) : NULL;
	for (i = 0; rc == TMDK_OK && list && i < list->u.seq.count; i++) {
		const tmdk_node *e = list->u.seq.items[i];
		if (tmdk__kz_labels(c->arena, rm, tmdk__kz_get(e, "pairs"), flag(e, "includeSelectors"),
			    flag(e, "includeTemplates")) != TMDK_OK)
			return oom(c);
	}
	if (rc == TMDK_OK && tmdk__kz_annotations(c->arena, rm, tmdk__kz_get(kz, "commonAnnotations")) != TMDK_OK)
		return oom(c);
	if (rc == TMDK_OK)
		rc = run_json6902(c, dir, kz, rm);
	list = rc == TMDK_OK ? seq_of(c, kz, "replicas", &rc) : NULL;
	for (i = 0; rc == TMDK_OK && list && i < list->u.seq.count; i++)
		if (tmdk__kz_replicas(c->arena, rm, list->u.seq.items[i]) != TMDK_OK)
			return oom(c);
	list = rc == TMDK_OK ? seq_of(c, kz, "images", &rc) : NULL;
	for (i = 0; rc == TMDK_OK && list && i < list->u.seq.count; i++)
		if (tmdk__kz_image(c->arena, rm, list->u.seq.items[i]) != TMDK_OK)
			return oom(c);
	return rc;
}

static int accumulate(kz_ctx *c, const tmdk_node *kz, const char *dir, tmdk__kz_resmap *rm)
{
	static const char *const res_keys[] = {"resources", "bases"};
	const tmdk_node *list;
	size_t i, k;
	int rc = TMDK_OK;

	for (i = 0; i < kz->u.map.count && rc == TMDK_OK; i++)
		if (!key_known(kz->u.map.keys[i]))
			rc = note(c, kz->u.map.keys[i], "kustomization field not supported, ignored",
				kz->u.map.keys[i]->type == TMDK_NODE_SCALAR ? kz->u.map.keys[i]->u.scalar.text : NULL);
	for (k = 0; k < 2 && rc == TMDK_OK; k++) {
		list = seq_of(c, kz, res_keys[k], &rc);
		for (i = 0; rc == TMDK_OK && list && i < list->u.seq.count; i++)
			rc = add_resource(c, dir, list->u.seq.items[i], rm);
	}
	list = rc == TMDK_OK ? seq_of(c, kz, "components", &rc) : NULL;
	for (i = 0; rc == TMDK_OK && list && i < list->u.seq.count; i++) {
		const tmdk_node *e = list->u.seq.items[i];
		kz_file *f;
		char *p;
		if (e->type != TMDK_NODE_SCALAR) {
			rc = fail(c, TMDK_EINVAL, e, "a component entry must be a path");
			break;
		}
		if (is_remote(e->u.scalar.text)) {
			rc = note(c, e, "remote component not fetched", e->u.scalar.text);
			continue;
		}
		if (!(p = path_join(c, dir, e->u.scalar.text)))
			return oom(c);
		rc = load_kustomization_in(c, p, e, &f);
		if (rc == TMDK_ENOTFOUND)
			rc = fail(c, rc, e, "component `%s` not found (no folder with a kustomization)", p);
		if (rc == TMDK_OK)
			rc = build_file(c, f, rm, 1, e);
	}
	{
		const tmdk_node *gopts = tmdk__kz_get(kz, "generatorOptions");
		list = rc == TMDK_OK ? seq_of(c, kz, "configMapGenerator", &rc) : NULL;
		for (i = 0; rc == TMDK_OK && list && i < list->u.seq.count; i++)
			rc = generate(c, dir, list->u.seq.items[i], gopts, 0, rm);
		list = rc == TMDK_OK ? seq_of(c, kz, "secretGenerator", &rc) : NULL;
		for (i = 0; rc == TMDK_OK && list && i < list->u.seq.count; i++)
			rc = generate(c, dir, list->u.seq.items[i], gopts, 1, rm);
	}
	return rc == TMDK_OK ? run_transformers(c, dir, kz, rm) : rc;
}

/* Build kustomization file kf into rm: a fresh resmap for a Kustomization,
 * the including one's for a Component. */
static int build_file(kz_ctx *c, const kz_file *kf, tmdk__kz_resmap *rm, int as_component, const tmdk_node *at)
{
	const tmdk_artifact *art = file_art(c, kf);
	const tmdk_node *root = NULL;
	tmdk_node *kz;
	const char *kind;
	char *dir;
	size_t i;
	int rc;

	for (i = 0; i < c->depth; i++)
		if (!strcmp(c->stack[i], kf->path))
			return fail(c, TMDK_EINVAL, at, "kustomization cycle: %s includes itself", kf->path);
	if (c->depth >= c->o.max_depth || c->depth >= sizeof(c->stack) / sizeof(c->stack[0]))
		return fail(c, TMDK_ELIMIT, at, "kustomizations nested more than %u deep (max_depth)", c->o.max_depth);
	for (i = 0; i < art->doc_count && !root; i++)
		if (!is_null_node(art->docs[i].root))
			root = art->docs[i].root;
	if (!root) {
		/* an empty kustomization builds nothing */
		return TMDK_OK;
	}
	if (root->type != TMDK_NODE_MAP)
		return fail(c, TMDK_EINVAL, root, "a kustomization must be a map");
	kz = tmdk__node_copy(c->out, root, kf->origin, &c->nodes);
	if (!kz)
		return oom(c);
	kind = tmdk__kz_str(kz, "kind");
	if (as_component && !(kind && !strcmp(kind, "Component")))
		return fail(c, TMDK_EINVAL, at, "`%s` is listed in components but is not a kind: Component", kf->path);
	if (!as_component && kind && !strcmp(kind, "Component"))
		return fail(c, TMDK_EINVAL, at, "`%s` is a Component: list it in `components`, not `resources`", kf->path);
	if (kind && strcmp(kind, "Component") && strcmp(kind, "Kustomization"))
		return fail(c, TMDK_EINVAL, tmdk__kz_get(kz, "kind"), "not a kustomization (kind `%s`)", kind);
	if (!(dir = path_dir(c, kf->path)))
		return oom(c);
	c->stack[c->depth++] = kf->path;
	rc = accumulate(c, kz, dir, rm);
	c->depth--;
	return rc;
}

/* ---- the build ----------------------------------------------------------------- */

/* Legacy output order of kustomize (and kubectl kustomize). */
static int kind_rank(const char *kind)
{
	static const char *const first[] = {
		"Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount",
		"PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap",
		"Secret", "Endpoints", "Service", "LimitRange", "PriorityClass", "PersistentVolume",
		"PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget", NULL
	};
	size_t i;
	if (!kind)
		return 100;
	for (i = 0; first[i]; i++)
		if (!strcmp(kind, first[i]))
			return (int)i;
	if (!strcmp(kind, "MutatingWebhookConfiguration"))
		return 1000;
	if (!strcmp(kind, "ValidatingWebhookConfiguration"))
		return 1001;
	return 100;
}

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* Kustomize's Gvk string: group_version_kind, "~G"/"~V" when empty. */
static int cmp_gvk(const tmdk_node *a, const tmdk_node *b)
{
	const char *aa = tmdk__kz_str(a, "apiVersion"), *ab = tmdk__kz_str(b, "apiVersion");
	const char *sa = aa ? strchr(aa, '/') : NULL, *sb = ab ? strchr(ab, '/') : NULL;
	char ga[300], gb[300];
	snprintf(ga, sizeof(ga), "%.*s_%s_%s", sa ? (int)(sa - aa) : 2, sa ? aa : "~G",
		sa ? sa + 1 : aa && *aa ? aa : "~V", tmdk__kz_str(a, "kind") ? tmdk__kz_str(a, "kind") : "~K");
	snprintf(gb, sizeof(gb), "%.*s_%s_%s", sb ? (int)(sb - ab) : 2, sb ? ab : "~G",
		sb ? sb + 1 : ab && *ab ? ab : "~V", tmdk__kz_str(b, "kind") ? tmdk__kz_str(b, "kind") : "~K");
	return strcmp(ga, gb);
}

static int cmp_res(const void *x, const void *y)
{
	const tmdk__kz_res *a = x, *b = y;
	const tmdk_node *ma = tmdk__kz_get(a->root, "metadata"), *mb = tmdk__kz_get(b->root, "metadata");
	int ra = kind_rank(tmdk__kz_str(a->root, "kind")), rb = kind_rank(tmdk__kz_str(b->root, "kind")), c;
	if (ra != rb)
		return ra < rb ? -1 : 1;
	if ((c = cmp_gvk(a->root, b->root)) != 0)
		return c;
	if ((c = cmp_str(tmdk__kz_str(ma, "namespace"), tmdk__kz_str(mb, "namespace"))) != 0)
		return c;
	return cmp_str(tmdk__kz_str(ma, "name"), tmdk__kz_str(mb, "name"));
}

static int find_root(kz_ctx *c, const char *path, kz_file **kf)
{
	const char *base = path_base(path);
	char *p = path_join(c, "", path);
	int rc;
	if (!p)
		return oom(c);
	if (!strcmp(base, "kustomization.yaml") || !strcmp(base, "kustomization.yml") || !strcmp(base, "Kustomization")) {
		rc = load(c, p, TMDK_KUSTOMIZE_KUSTOMIZATION, NULL, kf);
		if (rc != TMDK_ENOTFOUND)
			return rc;
	}
	rc = load_kustomization_in(c, p, NULL, kf);
	if (rc == TMDK_ENOTFOUND)
		return tmdk__error_set(c->err, rc, path, 0, 0,
			"no kustomization.yaml, kustomization.yml or Kustomization here");
	return rc;
}

static int build(kz_ctx *c, const char *path)
{
	tmdk__kz_resmap rm = {NULL, 0, 0};
	kz_file *kf = NULL;
	size_t i;
	int rc = find_root(c, path, &kf);

	if (rc == TMDK_OK) {
		/* the built artifact is named after the kustomization file */
		c->out->name = kf->path;
		rc = build_file(c, kf, &rm, 0, NULL);
	}
	if (rc == TMDK_OK && (tmdk__kz_hash_names(c->arena, &rm) != TMDK_OK ||
			      tmdk__kz_fix_references(c->arena, &rm) != TMDK_OK))
		rc = oom(c);
	if (rc == TMDK_OK && rm.count)
		qsort(rm.items, rm.count, sizeof(*rm.items), cmp_res);
	for (i = 0; rc == TMDK_OK && i < rm.count; i++) {
		tmdk_document *d = tmdk__artifact_add_document(c->out);
		if (!d) {
			rc = oom(c);
			break;
		}
		d->index = i;
		d->root = rm.items[i].root;
		d->line = rm.items[i].root->line;
	}
	tmdk__free(rm.items);
	if (rc == TMDK_OK) {
		c->out->source_roles = tmdk__arena_alloc(c->arena, c->out->source_count + 1);
		if (!c->out->source_roles)
			return oom(c);
		for (i = 0; i < c->file_count; i++)
			c->out->source_roles[c->files[i].origin - 1] = c->files[i].role;
		rc = tmdk__artifact_finish_derived(c->out, c->err);
	}
	return rc;
}

int tmdk_kustomization_build(tmdk_artifact **out, const char *path, const tmdk_kustomize_options *opts,
	tmdk_error *err)
{
	kz_ctx c;
	int rc;

	tmdk_error_clear(err);
	if (out)
		*out = NULL;
	if (!out || !path)
		return tmdk__error_set(err, TMDK_EINVAL, path, 0, 0, "invalid argument");
	if (opts && (opts->version != TMDK_KUSTOMIZE_OPTIONS_VERSION || opts->flags))
		return tmdk__error_set(err, TMDK_EINVAL, path, 0, 0,
			"unsupported tmdk_kustomize_options version %u (expected %u) or flags", opts->version,
			TMDK_KUSTOMIZE_OPTIONS_VERSION);
	if (opts && opts->parse && opts->parse->version != TMDK_PARSE_OPTIONS_VERSION)
		return tmdk__error_set(err, TMDK_EINVAL, path, 0, 0, "unsupported tmdk_parse_options version %u",
			opts->parse->version);
	memset(&c, 0, sizeof(c));
	if (opts)
		c.o = *opts;
	else
		tmdk_kustomize_options_init(&c.o, TMDK_KUSTOMIZE_OPTIONS_VERSION);
	if (!c.o.max_depth)
		c.o.max_depth = TMDK_DEFAULT_KUSTOMIZE_MAX_DEPTH;
	if (!c.o.max_files)
		c.o.max_files = TMDK_DEFAULT_KUSTOMIZE_MAX_FILES;
	if (!c.o.max_resources)
		c.o.max_resources = TMDK_DEFAULT_KUSTOMIZE_MAX_RESOURCES;
	if (!c.o.max_bytes)
		c.o.max_bytes = TMDK_DEFAULT_KUSTOMIZE_MAX_BYTES;
	if (c.o.parse)
		c.popts = *c.o.parse;
	else
		tmdk_parse_options_init(&c.popts, TMDK_PARSE_OPTIONS_VERSION);
	c.popts.kind = TMDK_KIND_AUTO;
	tmdk__parse_options_fill(&c.popts);
	c.err = err;
	rc = tmdk__artifact_new_derived(&c.out, path, TMDK_KIND_KUBERNETES, &c.popts, err);
	if (rc != TMDK_OK)
		return rc;
	c.arena = &c.out->arena;
	rc = build(&c, path);
	tmdk__free(c.files);
	if (rc != TMDK_OK) {
		tmdk_artifact_free(c.out);
		return rc;
	}
	tmdk__arena_trim(&c.out->arena);
	*out = c.out;
	return TMDK_OK;
}

/* ---- the files of a build ------------------------------------------------------ */

size_t tmdk_kustomization_file_count(const tmdk_artifact *a)
{
	return a && a->source_roles ? a->source_count : 0;
}

const char *tmdk_kustomization_file(const tmdk_artifact *a, size_t index)
{
	return a && a->source_roles && index < a->source_count ? a->sources[index]->name : NULL;
}

tmdk_kustomize_role tmdk_kustomization_file_role(const tmdk_artifact *a, size_t index)
{
	return a && a->source_roles && index < a->source_count ? (tmdk_kustomize_role)a->source_roles[index] :
		TMDK_KUSTOMIZE_NONE;
}
