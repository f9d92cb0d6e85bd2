/*
 * Compose projects: the main file, its default override and the named
 * overrides, each with `extends` and `include` resolved, merged into one
 * derived artifact as `docker compose` does (the Compose Specification's
 * merge rules, docs/compose-projects.md). Every file read becomes a source
 * of the derived artifact; the merged tree is made of copies of their nodes
 * (tmdk__node_copy), so each value keeps the file and position that set it.
 * The merged raw document is then normalized like a parsed compose file.
 */
#include "internal.h"
#include "normalize.h"
#include "array.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PATH_KEYS 8

/* One file of the project, parsed once. */
typedef struct pfile {
	char *path;                 /* as opened (heap) */
	char *real;                 /* realpath, the identity (heap) */
	const tmdk_artifact *art;   /* a source of the project (owned by it) */
	uint32_t origin;
} pfile;

/* An `extends` or `include` being resolved: cycles are refused. */
typedef struct frame {
	const pfile *file;
	const char *service;        /* NULL for an include */
} frame;

typedef struct loader {
	tmdk_artifact *out;         /* the derived project */
	tmdk_parse_options parse;
	unsigned int max_depth, max_files;
	size_t max_nodes, nodes;
	pfile *files;
	size_t file_count, file_cap;
	frame stack[64];
	unsigned int depth;
	tmdk_error *err;
} loader;

/* ---- errors --------------------------------------------------------------- */

static int fail_at(loader *l, int code, const pfile *f, const tmdk_node *at, const char *fmt, ...)
	TMDK__PRINTF(5, 6);

static int fail_at(loader *l, int code, const pfile *f, const tmdk_node *at, const char *fmt, ...)
{
	/* a copy names its file; a node of f itself (origin 0) is in f */
	const tmdk_artifact *src = at && at->origin ? tmdk__node_source(l->out, at) : f ? f->art : l->out;
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = tmdk__error_setv(l->err, code, src ? tmdk_artifact_name(src) : NULL, at ? at->line : 0,
		at ? at->column : 0, fmt, ap);
	va_end(ap);
	return rc;
}

static int nomem(loader *l)
{
	return tmdk__error_set(l->err, TMDK_ENOMEM, tmdk_artifact_name(l->out), 0, 0, "out of memory");
}

static int charge(loader *l, size_t n, const tmdk_node *at)
{
	l->nodes += n;
	if (l->nodes > l->max_nodes)
		return fail_at(l, TMDK_ELIMIT, NULL, at, "the merged project has more than %zu nodes (max_nodes)",
			l->max_nodes);
	return TMDK_OK;
}

/* ---- names ------------------------------------------------------------------ */

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

int tmdk_compose_is_override_name(const char *name)
{
	static const char *const names[] = { "compose.override.yaml", "compose.override.yml",
		"docker-compose.override.yml", "docker-compose.override.yaml", NULL };
	const char *b;
	size_t i;
	if (!name)
		return 0;
	b = base_name(name);
	for (i = 0; names[i]; i++)
		if (strcmp(b, names[i]) == 0)
			return 1;
	return 0;
}

const char *tmdk_compose_default_override(const char *main_name, unsigned int which, char *buf, size_t size)
{
	static const struct { const char *main, *over[2]; } table[] = {
		{ "compose.yaml", { "compose.override.yaml", "compose.override.yml" } },
		{ "compose.yml", { "compose.override.yml", "compose.override.yaml" } },
		{ "docker-compose.yml", { "docker-compose.override.yml", "docker-compose.override.yaml" } },
		{ "docker-compose.yaml", { "docker-compose.override.yaml", "docker-compose.override.yml" } },
	};
	const char *b;
	size_t i, dir;
	int n;
	if (!main_name || !buf || which > 1)
		return NULL;
	b = base_name(main_name);
	dir = (size_t)(b - main_name);
	for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (strcmp(b, table[i].main) != 0)
			continue;
		n = snprintf(buf, size, "%.*s%s", (int)dir, main_name, table[i].over[which]);
		return n >= 0 && (size_t)n < size ? buf : NULL;
	}
	return NULL;
}

int tmdk_compose_options_init(tmdk_compose_options *opts, unsigned int version)
{
	tmdk_compose_options init = TMDK_COMPOSE_OPTIONS_INIT;
	if (!opts || version != TMDK_COMPOSE_OPTIONS_VERSION)
		return TMDK_EINVAL;
	*opts = init;
	return TMDK_OK;
}

/* ---- files ---------------------------------------------------------------- */

/* `rel` taken from the folder of `from` (a file path); heap. */
static char *resolve_path(const char *from, const char *rel, size_t rel_len)
{
	const char *b = from ? base_name(from) : NULL;
	size_t dir = b ? (size_t)(b - from) : 0;
	char *p;
	if (rel_len && rel[0] == '/')
		dir = 0;
	p = tmdk__malloc(dir + rel_len + 1);
	if (!p)
		return NULL;
	memcpy(p, from, dir);
	memcpy(p + dir, rel, rel_len);
	p[dir + rel_len] = '\0';
	return p;
}

/* Parse `path` (once) as compose and make it a source. `ref` is the node
 * that named it (for errors), NULL for the main file. */
static int load_file(loader *l, const char *path, const pfile *from, const tmdk_node *ref, const pfile **out)
{
	char real[PATH_MAX];
	tmdk_artifact *a = NULL;
	tmdk_error perr;
	pfile *f;
	size_t i;
	int rc;

	if (!realpath(path, real)) {
		if (!ref)
			return tmdk__error_set(l->err, TMDK_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
		return fail_at(l, TMDK_EIO, from, ref, "cannot open %s: %s", path, strerror(errno));
	}
	for (i = 0; i < l->file_count; i++)
		if (strcmp(l->files[i].real, real) == 0) {
			*out = &l->files[i];
			return TMDK_OK;
		}
	if (l->file_count >= l->max_files)
		return fail_at(l, TMDK_ELIMIT, from, ref, "the project reads more than %u files (max_files)", l->max_files);
	rc = tmdk_artifact_parse_file(&a, path, &l->parse, &perr);
	if (rc != TMDK_OK) {
		/* the file's own error, with its position */
		if (l->err)
			*l->err = perr;
		return rc;
	}
	if (TMDK__ARRAY_RESERVE(l->files, l->file_count, l->file_cap, 4) != TMDK_OK) {
		tmdk_artifact_free(a);
		return nomem(l);
	}
	f = &l->files[l->file_count];
	memset(f, 0, sizeof(*f));
	if (tmdk__artifact_add_source(l->out, a, &f->origin) != TMDK_OK) {
		tmdk_artifact_free(a);
		return nomem(l);
	}
	f->art = a;
	f->path = tmdk__strdup(path);
	f->real = tmdk__strdup(real);
	l->file_count++;
	if (!f->path || !f->real)
		return nomem(l);
	*out = f;
	return TMDK_OK;
}

static const tmdk_node *file_root(const pfile *f)
{
	const tmdk_document *d = tmdk_artifact_document(f->art, 0);
	const tmdk_node *r = d ? tmdk_document_root(d) : NULL;
	return r && r->type == TMDK_NODE_MAP ? r : NULL;
}

/* ---- small node helpers ---------------------------------------------------- */

static int has_tag(const tmdk_node *n, const char *tag)
{
	return n && n->tag && strcmp(n->tag, tag) == 0;
}

static int is_null(const tmdk_node *n)
{
	return !n || (n->type == TMDK_NODE_SCALAR && n->scalar_type == TMDK_SCALAR_NULL);
}

static void map_remove(tmdk_node *map, size_t i)
{
	size_t n = map->u.map.count - i - 1;
	memmove(&map->u.map.keys[i], &map->u.map.keys[i + 1], n * sizeof(tmdk_node *));
	memmove(&map->u.map.values[i], &map->u.map.values[i + 1], n * sizeof(tmdk_node *));
	map->u.map.count--;
}

static long find_key(const tmdk_node *map, const tmdk_node *key)
{
	return key && key->type == TMDK_NODE_SCALAR ? tmdk__node_map_find(map, key->u.scalar.text, key->u.scalar.len) : -1;
}

/* A new scalar at `at` (its origin too). */
static tmdk_node *scalar_at(loader *l, const char *text, size_t len, tmdk_scalar_type type, const tmdk_node *at)
{
	tmdk_node *n = tmdk__node_scalar(&l->out->arena, text, len, type, at->line, at->column);
	return tmdk__node_from(n, at);
}

static tmdk_node *map_at(loader *l, const tmdk_node *at)
{
	return tmdk__node_from(tmdk__node_map(&l->out->arena, at->line, at->column), at);
}

static tmdk_node *seq_at(loader *l, const tmdk_node *at)
{
	return tmdk__node_from(tmdk__node_seq(&l->out->arena, at->line, at->column), at);
}

/* Tags !reset and !override are read by the merge and not kept. */
static void strip_merge_tags(tmdk_node *n)
{
	if (has_tag(n, "!reset") || has_tag(n, "!override"))
		n->tag = NULL;
}

/* ---- the merge rules -------------------------------------------------------- */

typedef struct mpath {
	const tmdk_node *keys[MAX_PATH_KEYS];
	size_t depth;
} mpath;

/* Does the path match the pattern ("services.*.environment")? */
static int path_is(const mpath *p, const char *pattern)
{
	size_t i = 0;
	const char *s = pattern;
	while (*s) {
		const char *e = strchr(s, '.');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (i >= p->depth)
			return 0;
		if (!(n == 1 && *s == '*')) {
			const tmdk_node *k = p->keys[i];
			if (!k || k->type != TMDK_NODE_SCALAR || k->u.scalar.len != n || memcmp(k->u.scalar.text, s, n) != 0)
				return 0;
		}
		i++;
		s += n;
		if (*s == '.')
			s++;
	}
	return i == p->depth;
}

static int path_in(const mpath *p, const char *const *patterns)
{
	for (; *patterns; patterns++)
		if (path_is(p, *patterns))
			return 1;
	return 0;
}

/* Replaced by the override, never merged. */
static const char *const replaced[] = { "services.*.command", "services.*.entrypoint",
	"services.*.healthcheck.test", NULL };
/* Lists of KEY=value (or maps): merged as maps. */
static const char *const as_maps[] = { "services.*.environment", "services.*.labels", "services.*.annotations",
	"services.*.sysctls", "services.*.build.args", "services.*.build.labels", "services.*.deploy.labels",
	"services.*.extra_hosts", "services.*.build.extra_hosts", "networks.*.labels", "volumes.*.labels",
	"secrets.*.labels", "configs.*.labels", NULL };
/* Lists of names (or maps of name: options): merged as maps by name. */
static const char *const names_to_maps[] = { "services.*.depends_on", "services.*.networks", NULL };
/* Sequences of scalars: appended without repeating an item. */
static const char *const unique_items[] = { "services.*.expose", "services.*.dns", "services.*.dns_search",
	"services.*.dns_opt", "services.*.env_file", "services.*.tmpfs", "services.*.cap_add", "services.*.cap_drop",
	"services.*.security_opt", "services.*.profiles", "services.*.links", "services.*.external_links",
	"services.*.group_add", "services.*.devices", "services.*.volumes_from", "services.*.build.cache_from",
	NULL };
/* Sequences whose items are unique by a key. */
static const char *const keyed[] = { "services.*.ports", "services.*.volumes", "services.*.secrets",
	"services.*.configs", NULL };

/* Split "KEY=value" (or "host:ip" for extra_hosts) into a key and value node. */
static int split_entry(loader *l, const tmdk_node *item, int hosts, tmdk_node **k, tmdk_node **v)
{
	const char *t = item->u.scalar.text, *sep;
	size_t len = item->u.scalar.len;
	sep = memchr(t, '=', len);
	if (!sep && hosts)
		sep = memchr(t, ':', len);
	*k = scalar_at(l, t, sep ? (size_t)(sep - t) : len, TMDK_SCALAR_STRING, item);
	if (sep)
		*v = scalar_at(l, sep + 1, len - (size_t)(sep - t) - 1, TMDK_SCALAR_STRING, item);
	else
		*v = tmdk__node_from(tmdk__node_null(&l->out->arena, item->line, item->column), item);
	return *k && *v ? charge(l, 2, item) : nomem(l);
}

/* environment/labels/…: a list of KEY=value as a map (in place: *n replaced). */
static int to_map(loader *l, tmdk_node **n, int hosts, int names)
{
	tmdk_node *seq = *n, *map;
	size_t i;
	if (!seq || seq->type != TMDK_NODE_SEQUENCE)
		return TMDK_OK;
	if (!(map = map_at(l, seq)))
		return nomem(l);
	for (i = 0; i < seq->u.seq.count; i++) {
		tmdk_node *it = seq->u.seq.items[i], *k, *v;
		long at;
		int rc;
		if (it->type != TMDK_NODE_SCALAR)
			return fail_at(l, TMDK_EPARSE, NULL, it, "expected a string here");
		if (names) {
			k = it;
			v = tmdk__node_from(tmdk__node_null(&l->out->arena, it->line, it->column), it);
			if (!v)
				return nomem(l);
		} else if ((rc = split_entry(l, it, hosts, &k, &v)) != TMDK_OK) {
			return rc;
		}
		if ((at = find_key(map, k)) >= 0) {
			map->u.map.keys[at] = k;
			map->u.map.values[at] = v;
		} else if (tmdk__node_map_append(&l->out->arena, map, k, v) != TMDK_OK) {
			return nomem(l);
		}
	}
	*n = map;
	return TMDK_OK;
}

/* A string or a list of strings, as a list (env_file, dns …). */
static int to_seq(loader *l, tmdk_node **n)
{
	tmdk_node *s;
	if (!*n || (*n)->type == TMDK_NODE_SEQUENCE || (*n)->type == TMDK_NODE_MAP)
		return TMDK_OK;
	if (!(s = seq_at(l, *n)) || tmdk__node_seq_push(&l->out->arena, s, *n) != TMDK_OK)
		return nomem(l);
	*n = s;
	return TMDK_OK;
}

/* The text of map's scalar `key` into *text and *len, when there is one. */
static void scalar_field(const tmdk_node *map, const char *key, const char **text, size_t *len)
{
	const tmdk_node *x = tmdk__get(map, key);
	if (x && x->type == TMDK_NODE_SCALAR) {
		*text = x->u.scalar.text;
		*len = x->u.scalar.len;
	}
}

/* The identity of an item of a keyed sequence, into buf. @return TMDK_OK or TMDK_ENOMEM. */
static int item_key(const mpath *p, loader *l, tmdk_node *it, char *buf, size_t size)
{
	const char *field = p->keys[2]->u.scalar.text;
	snprintf(buf, size, "?%p", (void *)it); /* unknown shapes are never equal */
	if (!strcmp(field, "ports")) {
		const char *ip = "", *pub = "", *target = "", *proto = "tcp";
		size_t il = 0, pl = 0, tl = 0, prl = 3;
		if (it->type == TMDK_NODE_SCALAR) {
			const char *t = it->u.scalar.text, *end = t + it->u.scalar.len, *slash = memchr(t, '/', it->u.scalar.len);
			const char *c;
			if (slash) {
				proto = slash + 1;
				prl = (size_t)(end - proto);
				end = slash;
			}
			for (c = end; c > t && c[-1] != ':'; c--)
				;
			target = c;
			tl = (size_t)(end - c);
			if (c > t) {
				const char *pe = c - 1, *ps;
				for (ps = pe; ps > t && ps[-1] != ':'; ps--)
					;
				pub = ps;
				pl = (size_t)(pe - ps);
				if (ps > t) {
					ip = t;
					il = (size_t)(ps - 1 - t);
					if (il >= 2 && ip[0] == '[' && ip[il - 1] == ']') {
						ip++;
						il -= 2;
					}
				}
			}
		} else if (it->type == TMDK_NODE_MAP) {
			scalar_field(it, "host_ip", &ip, &il);
			scalar_field(it, "published", &pub, &pl);
			scalar_field(it, "target", &target, &tl);
			scalar_field(it, "protocol", &proto, &prl);
		} else {
			return TMDK_OK;
		}
		snprintf(buf, size, "%.*s|%.*s|%.*s|%.*s", (int)il, ip, (int)pl, pub, (int)tl, target, (int)prl, proto);
		return TMDK_OK;
	}
	if (!strcmp(field, "volumes")) {
		const tmdk_node *t = NULL;
		if (it->type == TMDK_NODE_SCALAR) {
			tmdk_node *v = tmdk__volume_from_short(&l->out->arena, it);
			if (!v)
				return nomem(l);
			t = tmdk__get(v, "target");
		} else if (it->type == TMDK_NODE_MAP) {
			t = tmdk__get(it, "target");
		}
		if (t && t->type == TMDK_NODE_SCALAR)
			snprintf(buf, size, "%.*s", (int)t->u.scalar.len, t->u.scalar.text);
		return TMDK_OK;
	}
	/* secrets, configs: the target, which defaults to the source's name */
	if (it->type == TMDK_NODE_SCALAR) {
		snprintf(buf, size, "%.*s", (int)it->u.scalar.len, it->u.scalar.text);
	} else if (it->type == TMDK_NODE_MAP) {
		const tmdk_node *t = tmdk__get(it, "target"), *s = tmdk__get(it, "source");
		if (!is_null(t) && t->type == TMDK_NODE_SCALAR)
			snprintf(buf, size, "%.*s", (int)t->u.scalar.len, t->u.scalar.text);
		else if (s && s->type == TMDK_NODE_SCALAR)
			snprintf(buf, size, "%.*s", (int)s->u.scalar.len, s->u.scalar.text);
	}
	return TMDK_OK;
}

static int merge(loader *l, tmdk_node **slot, tmdk_node *o, mpath *p);

/* Items of o appended to *slot, an item with the key of an earlier one replacing it. */
#define KEY_MAX 256

static int merge_keyed(loader *l, tmdk_node *base, tmdk_node *o, mpath *p)
{
	size_t i, j, n = base->u.seq.count + o->u.seq.count;
	char (*keys)[KEY_MAX];
	if (n > SIZE_MAX / KEY_MAX || !(keys = tmdk__malloc(n ? n * KEY_MAX : 1)))
		return nomem(l);
	for (j = 0; j < base->u.seq.count; j++)
		if (item_key(p, l, base->u.seq.items[j], keys[j], KEY_MAX) != TMDK_OK) {
			tmdk__free(keys);
			return TMDK_ENOMEM;
		}
	for (i = 0; i < o->u.seq.count; i++) {
		tmdk_node *it = o->u.seq.items[i];
		size_t count = base->u.seq.count;
		int done = 0;
		if (item_key(p, l, it, keys[count], KEY_MAX) != TMDK_OK) {
			tmdk__free(keys);
			return TMDK_ENOMEM;
		}
		for (j = 0; j < count && !done; j++) {
			if (strcmp(keys[j], keys[count]) == 0) {
				base->u.seq.items[j] = it;
				done = 1;
			}
		}
		if (!done && tmdk__node_seq_push(&l->out->arena, base, it) != TMDK_OK) {
			tmdk__free(keys);
			return nomem(l);
		}
	}
	tmdk__free(keys);
	return TMDK_OK;
}

static int same_scalar(const tmdk_node *a, const tmdk_node *b)
{
	return a->type == TMDK_NODE_SCALAR && b->type == TMDK_NODE_SCALAR && a->u.scalar.len == b->u.scalar.len &&
		memcmp(a->u.scalar.text, b->u.scalar.text, a->u.scalar.len) == 0;
}

static int merge_unique(loader *l, tmdk_node *base, tmdk_node *o)
{
	size_t i, j;
	for (i = 0; i < o->u.seq.count; i++) {
		int dup = 0;
		for (j = 0; j < base->u.seq.count && !dup; j++)
			dup = same_scalar(base->u.seq.items[j], o->u.seq.items[i]);
		if (!dup && tmdk__node_seq_push(&l->out->arena, base, o->u.seq.items[i]) != TMDK_OK)
			return nomem(l);
	}
	return TMDK_OK;
}

static const char *type_name(const tmdk_node *n)
{
	return n->type == TMDK_NODE_MAP ? "a mapping" : n->type == TMDK_NODE_SEQUENCE ? "a sequence" : "a scalar";
}

static void path_text(const mpath *p, char *buf, size_t size)
{
	size_t i, at = 0;
	buf[0] = '\0';
	for (i = 0; i < p->depth && at + 1 < size; i++) {
		const tmdk_node *k = p->keys[i];
		int n = snprintf(buf + at, size - at, "%s%.*s", i ? "." : "", k && k->type == TMDK_NODE_SCALAR ?
			(int)(k->u.scalar.len > 60 ? 60 : k->u.scalar.len) : 1, k && k->type == TMDK_NODE_SCALAR ? k->u.scalar.text : "?");
		if (n < 0)
			break;
		at += (size_t)n;
	}
}

/* Merge the entries of map o into map base (both in the project's arena). */
static int merge_map(loader *l, tmdk_node *base, tmdk_node *o, mpath *p)
{
	size_t i;
	int rc;
	for (i = 0; i < o->u.map.count; i++) {
		tmdk_node *k = o->u.map.keys[i], *v = o->u.map.values[i];
		long at = find_key(base, k);
		int ext = k->type == TMDK_NODE_SCALAR && k->u.scalar.len >= 2 && !memcmp(k->u.scalar.text, "x-", 2);
		if (has_tag(v, "!reset")) {
			if (at >= 0)
				map_remove(base, (size_t)at);
			continue;
		}
		if (at < 0) {
			strip_merge_tags(v);
			if (tmdk__node_map_append(&l->out->arena, base, k, v) != TMDK_OK)
				return nomem(l);
			continue;
		}
		if (ext || has_tag(v, "!override")) {
			strip_merge_tags(v);
			base->u.map.keys[at] = k;
			base->u.map.values[at] = v;
			continue;
		}
		if (p->depth >= MAX_PATH_KEYS) {
			base->u.map.values[at] = v;
			continue;
		}
		p->keys[p->depth++] = k;
		rc = merge(l, &base->u.map.values[at], v, p);
		p->depth--;
		if (rc != TMDK_OK)
			return rc;
	}
	return TMDK_OK;
}

/* Merge o (the override's value) into *slot (the value so far) at path p. */
static int merge(loader *l, tmdk_node **slot, tmdk_node *o, mpath *p)
{
	tmdk_node *base = *slot;
	char where[200];
	int rc;

	if (!base || is_null(base) || path_in(p, replaced)) {
		*slot = o;
		return TMDK_OK;
	}
	if (is_null(o))
		return TMDK_OK; /* `key:` with nothing keeps the value */
	if (path_in(p, as_maps) || path_in(p, names_to_maps)) {
		int hosts = path_is(p, "services.*.extra_hosts") || path_is(p, "services.*.build.extra_hosts");
		int names = path_in(p, names_to_maps);
		if ((rc = to_map(l, slot, hosts, names)) != TMDK_OK || (rc = to_map(l, &o, hosts, names)) != TMDK_OK)
			return rc;
		base = *slot;
	} else if (path_in(p, unique_items)) {
		if ((rc = to_seq(l, slot)) != TMDK_OK || (rc = to_seq(l, &o)) != TMDK_OK)
			return rc;
		base = *slot;
		if (base->type == TMDK_NODE_SEQUENCE && o->type == TMDK_NODE_SEQUENCE)
			return merge_unique(l, base, o);
	} else if (path_is(p, "services.*.build")) {
		/* `build: ./dir` is `build: {context: ./dir}` */
		tmdk_node **sides[2] = { slot, &o };
		size_t s;
		for (s = 0; s < 2; s++) {
			tmdk_node *n = *sides[s], *m, *k;
			if (n->type != TMDK_NODE_SCALAR)
				continue;
			if (!(m = map_at(l, n)) || !(k = scalar_at(l, "context", 7, TMDK_SCALAR_STRING, n)) ||
			    tmdk__node_map_append(&l->out->arena, m, k, n) != TMDK_OK)
				return nomem(l);
			*sides[s] = m;
		}
		base = *slot;
	} else if (path_is(p, "services.*.logging") && base->type == TMDK_NODE_MAP && o->type == TMDK_NODE_MAP) {
		const tmdk_node *d1 = tmdk__get(base, "driver"), *d2 = tmdk__get(o, "driver");
		if (d1 && d2 && !same_scalar(d1, d2)) {
			*slot = o; /* another driver: its options do not mix */
			return TMDK_OK;
		}
	} else if (path_is(p, "services.*.ulimits.*") && (base->type != TMDK_NODE_MAP || o->type != TMDK_NODE_MAP)) {
		*slot = o;
		return TMDK_OK;
	}
	if (base->type == TMDK_NODE_MAP && o->type == TMDK_NODE_MAP)
		return merge_map(l, base, o, p);
	if (base->type == TMDK_NODE_SEQUENCE && o->type == TMDK_NODE_SEQUENCE) {
		if (path_in(p, keyed))
			return merge_keyed(l, base, o, p);
		for (size_t i = 0; i < o->u.seq.count; i++)
			if (tmdk__node_seq_push(&l->out->arena, base, o->u.seq.items[i]) != TMDK_OK)
				return nomem(l);
		return TMDK_OK;
	}
	if (base->type == TMDK_NODE_SCALAR && o->type == TMDK_NODE_SCALAR) {
		*slot = o;
		return TMDK_OK;
	}
	path_text(p, where, sizeof(where));
	return fail_at(l, TMDK_EPARSE, NULL, o, "cannot override %s (%s) with %s", where, type_name(base), type_name(o));
}

/* Merge the whole model o into base (two roots). */
static int merge_root(loader *l, tmdk_node *base, tmdk_node *o)
{
	mpath p;
	memset(&p, 0, sizeof(p));
	return merge_map(l, base, o, &p);
}

/* ---- extends ------------------------------------------------------------------ */

static int load_model(loader *l, const pfile *f, tmdk_node **out);

/* Is (f, service) being resolved already? */
static int on_stack(const loader *l, const pfile *f, const char *service)
{
	unsigned int i;
	for (i = 0; i < l->depth; i++)
		if (l->stack[i].file == f && ((!service && !l->stack[i].service) ||
		    (service && l->stack[i].service && !strcmp(service, l->stack[i].service))))
			return 1;
	return 0;
}

static int push(loader *l, const pfile *f, const char *service, const tmdk_node *at)
{
	if (on_stack(l, f, service) && service)
		return fail_at(l, TMDK_EPARSE, NULL, at, "extends cycle: service `%s` of %s is already being extended",
			service, f->path);
	if (on_stack(l, f, service))
		return fail_at(l, TMDK_EPARSE, NULL, at, "include cycle: %s is already being included", f->path);
	if (l->depth >= l->max_depth || l->depth >= sizeof(l->stack) / sizeof(l->stack[0]))
		return fail_at(l, TMDK_ELIMIT, NULL, at, "%s nested more than %u deep (max_include_depth)",
			service ? "extends" : "include", l->max_depth);
	l->stack[l->depth].file = f;
	l->stack[l->depth].service = service;
	l->depth++;
	return TMDK_OK;
}

/* The service `name` of file f with its `extends` resolved: a copy in the project. */
static int resolve_service(loader *l, const pfile *f, const char *name, const tmdk_node *ref, tmdk_node **out)
{
	const tmdk_node *root = file_root(f), *services = root ? tmdk__get(root, "services") : NULL;
	const tmdk_node *raw = tmdk__get(services, name), *ext;
	const pfile *bf = f;
	tmdk_node *copy, *basecopy = NULL;
	size_t n = 0;
	int rc;

	if (!raw)
		return fail_at(l, TMDK_ENOTFOUND, f, ref, "extends: no service `%s` in %s", name, f->path);
	if ((rc = push(l, f, name, ref ? ref : raw)) != TMDK_OK)
		return rc;
	ext = raw->type == TMDK_NODE_MAP ? tmdk__get(raw, "extends") : NULL;
	copy = tmdk__node_copy(l->out, raw, f->origin, &n);
	if (!copy)
		return nomem(l);
	if ((rc = charge(l, n, raw)) != TMDK_OK)
		return rc;
	if (ext) {
		const tmdk_node *svc = ext, *file = NULL;
		char sname[256];
		long at;
		if (ext->type == TMDK_NODE_MAP) {
			svc = tmdk__get(ext, "service");
			file = tmdk__get(ext, "file");
		}
		if (!tmdk__is_text(svc) || (file && !tmdk__is_text(file)))
			return fail_at(l, TMDK_EPARSE, f, ext, "extends: expected a service name, or {service, file}");
		if (file) {
			const tmdk_node *fref = tmdk__node_copy(l->out, file, f->origin, NULL);
			char *path = fref ? resolve_path(f->path, file->u.scalar.text, file->u.scalar.len) : NULL;
			if (!path)
				return nomem(l);
			rc = load_file(l, path, f, fref, &bf);
			tmdk__free(path);
			if (rc != TMDK_OK)
				return rc;
		}
		snprintf(sname, sizeof(sname), "%.*s", (int)(svc->u.scalar.len > 255 ? 255 : svc->u.scalar.len),
			svc->u.scalar.text);
		if ((rc = resolve_service(l, bf, sname, tmdk__get(copy, "extends"), &basecopy)) != TMDK_OK)
			return rc;
		/* the extending service over its base, `extends` itself left out */
		at = tmdk__node_map_find(copy, "extends", 7);
		if (at >= 0)
			map_remove(copy, (size_t)at);
		if (basecopy->type != TMDK_NODE_MAP) {
			basecopy = map_at(l, copy);
			if (!basecopy)
				return nomem(l);
		}
		{
			mpath p;
			memset(&p, 0, sizeof(p));
			/* services.<name>: the service rules apply */
			p.keys[0] = scalar_at(l, "services", 8, TMDK_SCALAR_STRING, copy);
			p.keys[1] = copy;
			p.depth = 2;
			if (!p.keys[0])
				return nomem(l);
			rc = merge_map(l, basecopy, copy, &p);
			if (rc != TMDK_OK)
				return rc;
		}
		/* the service keeps the extending file's position */
		basecopy->line = copy->line;
		basecopy->column = copy->column;
		basecopy->origin = copy->origin;
		copy = basecopy;
	}
	l->depth--;
	*out = copy;
	return TMDK_OK;
}

/* ---- include ---------------------------------------------------------------- */

static const char *const sections[] = { "services", "networks", "volumes", "secrets", "configs", NULL };

/* Add the resources of an included model to model; a name both define is an error. */
static int import(loader *l, tmdk_node *model, tmdk_node *inc, const tmdk_node *ref)
{
	size_t s, i;
	for (s = 0; sections[s]; s++) {
		tmdk_node *from = tmdk__get(inc, sections[s]), *to = tmdk__get(model, sections[s]);
		if (!tmdk__is_map(from))
			continue;
		if (!to) {
			if (tmdk__node_map_put(&l->out->arena, model, sections[s], from) != TMDK_OK)
				return nomem(l);
			continue;
		}
		if (!tmdk__is_map(to))
			return fail_at(l, TMDK_EPARSE, NULL, to, "%s: expected a mapping", sections[s]);
		for (i = 0; i < from->u.map.count; i++) {
			tmdk_node *k = from->u.map.keys[i];
			long at = find_key(to, k);
			if (at >= 0)
				return fail_at(l, TMDK_EPARSE, NULL, to->u.map.keys[at],
					"%.*s `%.*s` is also defined by the included file %s", (int)strlen(sections[s]) - 1,
					sections[s], (int)(k->u.scalar.len > 100 ? 100 : k->u.scalar.len), k->u.scalar.text,
					tmdk_artifact_name(tmdk__node_source(l->out, k)));
			if (tmdk__node_map_append(&l->out->arena, to, k, from->u.map.values[i]) != TMDK_OK)
				return nomem(l);
		}
	}
	(void)ref;
	return TMDK_OK;
}

/* One path of an include entry, loaded as a model (its files merged in order). */
static int include_one(loader *l, const pfile *f, const tmdk_node *entry, tmdk_node *model)
{
	const tmdk_node *paths = entry;
	tmdk_node *inc = NULL;
	size_t i, count;
	int rc;

	if (entry->type == TMDK_NODE_MAP)
		paths = tmdk__get(entry, "path");
	if (!paths || (paths->type != TMDK_NODE_SCALAR && paths->type != TMDK_NODE_SEQUENCE))
		return fail_at(l, TMDK_EPARSE, f, tmdk__node_copy(l->out, entry, f->origin, NULL),
			"include: expected a path, a list of paths or {path: …}");
	count = paths->type == TMDK_NODE_SEQUENCE ? paths->u.seq.count : 1;
	for (i = 0; i < count; i++) {
		const tmdk_node *pn = paths->type == TMDK_NODE_SEQUENCE ? paths->u.seq.items[i] : paths;
		const tmdk_node *ref = tmdk__node_copy(l->out, pn, f->origin, NULL);
		const pfile *inf;
		tmdk_node *m;
		char *path;
		if (!ref)
			return nomem(l);
		if (!tmdk__is_text(pn))
			return fail_at(l, TMDK_EPARSE, f, ref, "include: expected a path");
		if (!(path = resolve_path(f->path, pn->u.scalar.text, pn->u.scalar.len)))
			return nomem(l);
		rc = load_file(l, path, f, ref, &inf);
		tmdk__free(path);
		if (rc != TMDK_OK)
			return rc;
		if ((rc = push(l, inf, NULL, ref)) != TMDK_OK)
			return rc;
		rc = load_model(l, inf, &m);
		l->depth--;
		if (rc != TMDK_OK)
			return rc;
		if (!inc)
			inc = m;
		else if ((rc = merge_root(l, inc, m)) != TMDK_OK)
			return rc;
	}
	return inc ? import(l, model, inc, entry) : TMDK_OK;
}

/* ---- one file's model ------------------------------------------------------- */

/* The model of file f: a copy of its root with `extends` and `include` resolved. */
static int load_model(loader *l, const pfile *f, tmdk_node **out)
{
	const tmdk_node *root = file_root(f), *services, *include;
	const tmdk_document *d = tmdk_artifact_document(f->art, 0);
	tmdk_node *model;
	size_t i, n = 0;
	int rc;

	if (!root) {
		const tmdk_node *r = d ? tmdk_document_root(d) : NULL;
		if (r && !is_null(r))
			return fail_at(l, TMDK_EPARSE, f, tmdk__node_copy(l->out, r, f->origin, NULL),
				"a compose file is a mapping");
		/* an empty file: an empty model */
		model = tmdk__node_map(&l->out->arena, 1, 1);
		if (!model)
			return nomem(l);
		model->origin = f->origin;
		*out = model;
		return TMDK_OK;
	}
	if (!(model = tmdk__node_map(&l->out->arena, root->line, root->column)))
		return nomem(l);
	model->origin = f->origin;
	services = tmdk__get(root, "services");
	include = tmdk__get(root, "include");
	for (i = 0; i < root->u.map.count; i++) {
		const tmdk_node *k = root->u.map.keys[i], *v = root->u.map.values[i];
		tmdk_node *ck, *cv;
		if (v == include)
			continue;
		n = 0;
		ck = tmdk__node_copy(l->out, k, f->origin, &n);
		if (!ck)
			return nomem(l);
		if (v == services && tmdk__is_map(services)) {
			size_t s;
			cv = tmdk__node_map(&l->out->arena, v->line, v->column);
			if (!cv)
				return nomem(l);
			cv->origin = f->origin;
			cv->tag = v->tag;
			for (s = 0; s < services->u.map.count; s++) {
				const tmdk_node *sk = services->u.map.keys[s];
				tmdk_node *csk = tmdk__node_copy(l->out, sk, f->origin, &n), *svc;
				char name[256];
				if (!csk)
					return nomem(l);
				if (!tmdk__is_text(sk))
					return fail_at(l, TMDK_EPARSE, f, csk, "a service name is a string");
				snprintf(name, sizeof(name), "%.*s", (int)(sk->u.scalar.len > 255 ? 255 : sk->u.scalar.len),
					sk->u.scalar.text);
				if ((rc = resolve_service(l, f, name, NULL, &svc)) != TMDK_OK)
					return rc;
				if (tmdk__node_map_append(&l->out->arena, cv, csk, svc) != TMDK_OK)
					return nomem(l);
			}
		} else if (!(cv = tmdk__node_copy(l->out, v, f->origin, &n))) {
			return nomem(l);
		}
		if ((rc = charge(l, n, k)) != TMDK_OK)
			return rc;
		if (tmdk__node_map_append(&l->out->arena, model, ck, cv) != TMDK_OK)
			return nomem(l);
	}
	if (include) {
		if (include->type != TMDK_NODE_SEQUENCE)
			return fail_at(l, TMDK_EPARSE, f, tmdk__node_copy(l->out, include, f->origin, NULL),
				"include: expected a list");
		for (i = 0; i < include->u.seq.count; i++)
			if ((rc = include_one(l, f, include->u.seq.items[i], model)) != TMDK_OK)
				return rc;
	}
	*out = model;
	return TMDK_OK;
}

/* ---- the project ---------------------------------------------------------------- */

static int apply_override(loader *l, tmdk_node *model, const char *path, const tmdk_node *ref)
{
	const pfile *f;
	tmdk_node *m;
	int rc = load_file(l, path, NULL, ref, &f);
	if (rc != TMDK_OK)
		return rc;
	if ((rc = push(l, f, NULL, NULL)) != TMDK_OK || (rc = load_model(l, f, &m)) != TMDK_OK)
		return rc;
	l->depth--;
	return merge_root(l, model, m);
}

static int load_project(loader *l, const char *path, const tmdk_compose_options *o)
{
	const pfile *main;
	tmdk_document *doc;
	tmdk_node *model;
	char buf[4096];
	size_t i;
	int rc;

	if ((rc = load_file(l, path, NULL, NULL, &main)) != TMDK_OK)
		return rc;
	if ((rc = push(l, main, NULL, NULL)) != TMDK_OK || (rc = load_model(l, main, &model)) != TMDK_OK)
		return rc;
	l->depth--;
	if (!(o->flags & TMDK_COMPOSE_NO_DEFAULT_OVERRIDE)) {
		unsigned int which;
		for (which = 0; which < 2; which++) {
			const char *over = tmdk_compose_default_override(path, which, buf, sizeof(buf));
			FILE *probe = over ? fopen(over, "r") : NULL;
			if (!probe)
				continue;
			fclose(probe);
			if ((rc = apply_override(l, model, over, NULL)) != TMDK_OK)
				return rc;
			break; /* docker compose reads one of the two */
		}
	}
	for (i = 0; i < o->override_count; i++) {
		const char *name = o->override_files[i];
		char *full;
		if (!name)
			return tmdk__error_set(l->err, TMDK_EINVAL, path, 0, 0, "override file %zu is NULL", i);
		if (!(full = resolve_path(path, name, strlen(name))))
			return nomem(l);
		rc = apply_override(l, model, full, NULL);
		tmdk__free(full);
		if (rc != TMDK_OK)
			return rc;
	}
	if (!(doc = tmdk__artifact_add_document(l->out)))
		return nomem(l);
	doc->root = model;
	doc->line = model->line;
	return tmdk__artifact_finish_derived(l->out, l->err);
}

int tmdk_compose_project_load(tmdk_artifact **out, const char *path, const tmdk_compose_options *opts,
	tmdk_error *err)
{
	tmdk_compose_options o = TMDK_COMPOSE_OPTIONS_INIT;
	loader l;
	size_t i;
	int rc;

	tmdk_error_clear(err);
	if (out)
		*out = NULL;
	if (!out || !path)
		return tmdk__error_set(err, TMDK_EINVAL, path, 0, 0, "invalid argument");
	if (opts && opts->version != TMDK_COMPOSE_OPTIONS_VERSION)
		return tmdk__error_set(err, TMDK_EINVAL, path, 0, 0,
			"unsupported tmdk_compose_options version %u (expected %u)", opts->version, TMDK_COMPOSE_OPTIONS_VERSION);
	if (opts)
		o = *opts;
	if (o.override_count && !o.override_files)
		return tmdk__error_set(err, TMDK_EINVAL, path, 0, 0, "override_count without override_files");
	memset(&l, 0, sizeof(l));
	if (o.parse && o.parse->version != TMDK_PARSE_OPTIONS_VERSION)
		return tmdk__error_set(err, TMDK_EINVAL, path, 0, 0, "unsupported tmdk_parse_options version %u",
			o.parse->version);
	if (o.parse)
		l.parse = *o.parse;
	else
		tmdk_parse_options_init(&l.parse, TMDK_PARSE_OPTIONS_VERSION);
	l.parse.kind = TMDK_KIND_COMPOSE;
	tmdk__parse_options_fill(&l.parse);
	l.max_depth = o.max_include_depth ? o.max_include_depth : TMDK_DEFAULT_MAX_INCLUDE_DEPTH;
	l.max_files = o.max_files ? o.max_files : TMDK_DEFAULT_MAX_PROJECT_FILES;
	l.max_nodes = o.max_nodes ? o.max_nodes : TMDK_DEFAULT_MAX_PROJECT_NODES;
	l.err = err;
	rc = tmdk__artifact_new_derived(&l.out, path, TMDK_KIND_COMPOSE, &l.parse, err);
	if (rc != TMDK_OK)
		return rc;
	rc = load_project(&l, path, &o);
	for (i = 0; i < l.file_count; i++) {
		tmdk__free(l.files[i].path);
		tmdk__free(l.files[i].real);
	}
	tmdk__free(l.files);
	if (rc != TMDK_OK) {
		tmdk_artifact_free(l.out);
		return rc;
	}
	tmdk__arena_trim(&l.out->arena);
	*out = l.out;
	return TMDK_OK;
}
