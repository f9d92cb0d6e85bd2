/*
 * Kustomize patches on node trees: strategic merge (maps merged, named
 * lists merged by their Kubernetes patchMergeKey, `$patch`, `$retainKeys`,
 * null deletes) and JSON 6902 (RFC 6902 operations, RFC 6901 pointers).
 * Every node put in a target keeps its position and origin: a finding on a
 * patched value points at the patch that set it.
 */
#include "kustomize_int.h"
#include "array.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- node helpers ----------------------------------------------------- */

static int key_is(const tmdk_node *k, const char *s, size_t n)
{
	return k && k->type == TMDK_NODE_SCALAR && k->u.scalar.len == n && memcmp(k->u.scalar.text, s, n) == 0;
}

tmdk_node *tmdk__kz_get(const tmdk_node *map, const char *key)
{
	long i;
	if (!map || map->type != TMDK_NODE_MAP)
		return NULL;
	i = tmdk__node_map_find(map, key, strlen(key));
	return i >= 0 ? map->u.map.values[i] : NULL;
}

const char *tmdk__kz_str(const tmdk_node *map, const char *key)
{
	const tmdk_node *v = tmdk__kz_get(map, key);
	return v && v->type == TMDK_NODE_SCALAR && v->scalar_type != TMDK_SCALAR_NULL ? v->u.scalar.text : NULL;
}

tmdk_node *tmdk__kz_path(const tmdk_node *map, const char *dotted)
{
	const tmdk_node *n = map;
	while (n && *dotted) {
		const char *dot = strchr(dotted, '.');
		size_t len = dot ? (size_t)(dot - dotted) : strlen(dotted);
		long i;
		if (n->type != TMDK_NODE_MAP)
			return NULL;
		i = tmdk__node_map_find(n, dotted, len);
		n = i >= 0 ? n->u.map.values[i] : NULL;
		dotted += len + (dot ? 1 : 0);
	}
	return (tmdk_node *)n;
}

int tmdk__kz_path_blocked(const tmdk_node *map, const char *dotted)
{
	const tmdk_node *n = map;
	for (;;) {
		const char *dot = strchr(dotted, '.');
		size_t len = dot ? (size_t)(dot - dotted) : strlen(dotted);
		long i;
		if (!n || (n->type == TMDK_NODE_SCALAR && n->scalar_type == TMDK_SCALAR_NULL))
			return 0;
		if (n->type != TMDK_NODE_MAP)
			return 1;
		if (!*dotted)
			return 0;
		i = tmdk__node_map_find(n, dotted, len);
		n = i >= 0 ? n->u.map.values[i] : NULL;
		dotted += len + (dot ? 1 : 0);
	}
}

static tmdk_node *from(tmdk_node *n, const tmdk_node *at)
{
	if (n && at)
		n->origin = at->origin;
	return n;
}

tmdk_node *tmdk__kz_path_map(tmdk__arena *a, tmdk_node *map, const char *dotted, const tmdk_node *at)
{
	tmdk_node *n = map;
	char key[128];
	while (n && *dotted) {
		const char *dot = strchr(dotted, '.');
		size_t len = dot ? (size_t)(dot - dotted) : strlen(dotted);
		long i;
		if (n->type != TMDK_NODE_MAP || len >= sizeof(key))
			return NULL;
		i = tmdk__node_map_find(n, dotted, len);
		if (i >= 0 && n->u.map.values[i]->type == TMDK_NODE_MAP) {
			n = n->u.map.values[i];
		} else if (i >= 0 && n->u.map.values[i]->scalar_type != TMDK_SCALAR_NULL) {
			return NULL;
		} else {
			tmdk_node *m = from(tmdk__node_map(a, at->line, at->column), at);
			memcpy(key, dotted, len);
			key[len] = '\0';
			if (!m || tmdk__node_map_put(a, n, key, m) != TMDK_OK)
				return NULL;
			i = tmdk__node_map_find(n, key, len);
			from(n->u.map.keys[i], at);
			n = m;
		}
		dotted += len + (dot ? 1 : 0);
	}
	return n;
}

void tmdk__kz_map_remove(tmdk_node *map, size_t i)
{
	size_t rest = map->u.map.count - i - 1;
	memmove(map->u.map.keys + i, map->u.map.keys + i + 1, rest * sizeof(*map->u.map.keys));
	memmove(map->u.map.values + i, map->u.map.values + i + 1, rest * sizeof(*map->u.map.values));
	map->u.map.count--;
}

void tmdk__kz_seq_remove(tmdk_node *seq, size_t i)
{
	memmove(seq->u.seq.items + i, seq->u.seq.items + i + 1, (seq->u.seq.count - i - 1) * sizeof(*seq->u.seq.items));
	seq->u.seq.count--;
}

int tmdk__kz_seq_insert(tmdk__arena *a, tmdk_node *seq, size_t i, tmdk_node *item)
{
	if (tmdk__node_seq_push(a, seq, item) != TMDK_OK)
		return TMDK_ENOMEM;
	memmove(seq->u.seq.items + i + 1, seq->u.seq.items + i, (seq->u.seq.count - 1 - i) * sizeof(*seq->u.seq.items));
	seq->u.seq.items[i] = item;
	return TMDK_OK;
}

tmdk_node *tmdk__kz_clone(tmdk__arena *a, const tmdk_node *n)
{
	tmdk_node *c;
	size_t i;
	if (!n)
		return NULL;
	c = tmdk__arena_alloc(a, sizeof(*c));
	if (!c)
		return NULL;
	tmdk__node_assign(c, n);
	if (n->type == TMDK_NODE_SEQUENCE) {
		c->u.seq.items = NULL;
		c->u.seq.count = c->u.seq.cap = 0;
		for (i = 0; i < n->u.seq.count; i++) {
			tmdk_node *item = tmdk__kz_clone(a, n->u.seq.items[i]);
			if (!item || tmdk__node_seq_push(a, c, item) != TMDK_OK)
				return NULL;
		}
	} else if (n->type == TMDK_NODE_MAP) {
		c->u.map.keys = c->u.map.values = NULL;
		c->u.map.count = c->u.map.cap = 0;
		for (i = 0; i < n->u.map.count; i++) {
			tmdk_node *k = tmdk__kz_clone(a, n->u.map.keys[i]);
			tmdk_node *v = k ? tmdk__kz_clone(a, n->u.map.values[i]) : NULL;
			if (!v || tmdk__node_map_append(a, c, k, v) != TMDK_OK)
				return NULL;
		}
	}
	return c;
}

int tmdk__kz_equal(const tmdk_node *x, const tmdk_node *y)
{
	size_t i;
	if (!x || !y || x->type != y->type)
		return 0;
	switch (x->type) {
	case TMDK_NODE_SCALAR:
		return x->u.scalar.len == y->u.scalar.len &&
			memcmp(x->u.scalar.text, y->u.scalar.text, x->u.scalar.len) == 0;
	case TMDK_NODE_SEQUENCE:
		if (x->u.seq.count != y->u.seq.count)
			return 0;
		for (i = 0; i < x->u.seq.count; i++)
			if (!tmdk__kz_equal(x->u.seq.items[i], y->u.seq.items[i]))
				return 0;
		return 1;
	case TMDK_NODE_MAP:
		if (x->u.map.count != y->u.map.count)
			return 0;
		for (i = 0; i < x->u.map.count; i++) {
			const tmdk_node *k = x->u.map.keys[i];
			long j = k->type == TMDK_NODE_SCALAR ? tmdk__node_map_find(y, k->u.scalar.text, k->u.scalar.len) : -1;
			if (j < 0 || !tmdk__kz_equal(x->u.map.values[i], y->u.map.values[j]))
				return 0;
		}
		return 1;
	default:
		return 1;
	}
}

tmdk_node *tmdk__kz_string_at(tmdk__arena *a, const char *text, const tmdk_node *at)
{
	return from(tmdk__node_string(a, text, at ? at->line : 0, at ? at->column : 0), at);
}

/* ---- strategic merge --------------------------------------------------- */

static int is_null(const tmdk_node *n)
{
	return !n || (n->type == TMDK_NODE_SCALAR && n->scalar_type == TMDK_SCALAR_NULL);
}

static int is_directive_key(const tmdk_node *k)
{
	return k->type == TMDK_NODE_SCALAR && k->u.scalar.len > 0 && k->u.scalar.text[0] == '$';
}

/* The patchMergeKey of a list field (Kubernetes core/apps types), or NULL:
 * the list is replaced. */
static const char *merge_key(const tmdk_node *field, const tmdk_node *list)
{
	static const struct { const char *field, *key; } keys[] = {
		{"containers", "name"}, {"initContainers", "name"}, {"ephemeralContainers", "name"},
		{"env", "name"}, {"volumes", "name"}, {"volumeMounts", "mountPath"},
		{"volumeDevices", "devicePath"}, {"imagePullSecrets", "name"}, {"hostAliases", "ip"},
		{"topologySpreadConstraints", "topologyKey"}, {"resourceClaims", "name"},
		{"conditions", "type"}, {"readinessGates", "conditionType"},
	};
	size_t i;
	if (key_is(field, "ports", 5)) {
		/* containerPort in a container, port in a Service */
		for (i = 0; list && list->type == TMDK_NODE_SEQUENCE && i < list->u.seq.count; i++)
			if (tmdk__kz_get(list->u.seq.items[i], "containerPort"))
				return "containerPort";
		return "port";
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (key_is(field, keys[i].field, strlen(keys[i].field)))
			return keys[i].key;
	return NULL;
}

/* A copy of a patch value without its directives (`$patch`, `$retainKeys`…)
 * and without null map entries. */
static tmdk_node *strip(tmdk__arena *a, const tmdk_node *n)
{
	tmdk_node *c;
	size_t i;
	if (n->type == TMDK_NODE_MAP) {
		c = tmdk__arena_alloc(a, sizeof(*c));
		if (!c)
			return NULL;
		tmdk__node_assign(c, n);
		c->u.map.keys = c->u.map.values = NULL;
		c->u.map.count = c->u.map.cap = 0;
		for (i = 0; i < n->u.map.count; i++) {
			tmdk_node *v;
			if (is_directive_key(n->u.map.keys[i]) || is_null(n->u.map.values[i]))
				continue;
			v = strip(a, n->u.map.values[i]);
			if (!v || tmdk__node_map_append(a, c, n->u.map.keys[i], v) != TMDK_OK)
				return NULL;
		}
		return c;
	}
	if (n->type == TMDK_NODE_SEQUENCE) {
		c = tmdk__arena_alloc(a, sizeof(*c));
		if (!c)
			return NULL;
		tmdk__node_assign(c, n);
		c->u.seq.items = NULL;
		c->u.seq.count = c->u.seq.cap = 0;
		for (i = 0; i < n->u.seq.count; i++) {
			const tmdk_node *item = n->u.seq.items[i];
			const char *d = tmdk__kz_str(item, "$patch");
			tmdk_node *v;
			if (d && (!strcmp(d, "delete") || !strcmp(d, "replace")) && item->u.map.count == 1)
				continue;
			v = strip(a, item);
			if (!v || tmdk__node_seq_push(a, c, v) != TMDK_OK)
				return NULL;
		}
		return c;
	}
	return (tmdk_node *)n;
}

typedef struct smp_ctx {
	tmdk__arena *a;
	char *msg;
	size_t msg_size;
	const tmdk_node **where;
	unsigned int depth;
} smp_ctx;

static int smp_fail(smp_ctx *c, const tmdk_node *at, const char *what)
{
	snprintf(c->msg, c->msg_size, "%s", what);
	*c->where = at;
	return TMDK_EPARSE;
}

static int merge_map(smp_ctx *c, tmdk_node **target, const tmdk_node *patch);

/* A list merged by key, as kustomize orders it: the patch's items first (in
 * the patch's order, merged into the target's item of the same key), then
 * the target's items the patch did not name, in their order. */
static int merge_list(smp_ctx *c, tmdk_node *dst, const tmdk_node *patch, const char *key)
{
	tmdk_node **old = dst->u.seq.items;
	size_t n = dst->u.seq.count, i, j;
	unsigned char *used = n ? tmdk__arena_alloc(c->a, n) : NULL;
	int rc;

	if (n && !used)
		return TMDK_ENOMEM;
	dst->u.seq.items = NULL;
	dst->u.seq.count = dst->u.seq.cap = 0;
	for (i = 0; i < patch->u.seq.count; i++) {
		const tmdk_node *item = patch->u.seq.items[i];
		const tmdk_node *kv = tmdk__kz_get(item, key);
		const char *d = tmdk__kz_str(item, "$patch");
		tmdk_node *merged = NULL;
		if (item->type != TMDK_NODE_MAP)
			return smp_fail(c, item, "an item of a list merged by key is not a map");
		if (!kv) {
			if (d && !strcmp(d, "replace"))
				continue; /* handled by the caller */
			return smp_fail(c, item, "an item of a list merged by key lacks its merge key");
		}
		for (j = 0; j < n && !merged; j++)
			if (!used[j] && tmdk__kz_equal(tmdk__kz_get(old[j], key), kv)) {
				used[j] = 1;
				merged = old[j];
			}
		if (d && !strcmp(d, "delete"))
			continue;
		if (merged) {
			rc = merge_map(c, &merged, item);
			if (rc != TMDK_OK)
				return rc;
		} else if (!(merged = strip(c->a, item))) {
			return TMDK_ENOMEM;
		}
		if (tmdk__node_seq_push(c->a, dst, merged) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	for (j = 0; j < n; j++)
		if (!used[j] && tmdk__node_seq_push(c->a, dst, old[j]) != TMDK_OK)
			return TMDK_ENOMEM;
	return TMDK_OK;
}

static int list_replaces(const tmdk_node *patch)
{
	size_t i;
	for (i = 0; i < patch->u.seq.count; i++) {
		const char *d = tmdk__kz_str(patch->u.seq.items[i], "$patch");
		if (d && !strcmp(d, "replace"))
			return 1;
	}
	return 0;
}

static int retain_keys(tmdk_node *dst, const tmdk_node *keys)
{
	size_t i = 0;
	if (keys->type != TMDK_NODE_SEQUENCE)
		return TMDK_OK;
	while (i < dst->u.map.count) {
		size_t j;
		int keep = 0;
		for (j = 0; j < keys->u.seq.count && !keep; j++)
			keep = tmdk__kz_equal(dst->u.map.keys[i], keys->u.seq.items[j]);
		if (keep)
			i++;
		else
			tmdk__kz_map_remove(dst, i);
	}
	return TMDK_OK;
}

static int merge_map(smp_ctx *c, tmdk_node **target, const tmdk_node *patch)
{
	tmdk_node *dst = *target;
	const char *d = tmdk__kz_str(patch, "$patch");
	const tmdk_node *retain = tmdk__kz_get(patch, "$retainKeys");
	size_t i;
	int rc;

	if (++c->depth > 512)
		return smp_fail(c, patch, "patch nested too deeply");
	if (d && !strcmp(d, "replace")) {
		tmdk_node *v = strip(c->a, patch);
		if (!v)
			return TMDK_ENOMEM;
		*target = v;
		c->depth--;
		return TMDK_OK;
	}
	if (d && strcmp(d, "merge") && strcmp(d, "delete"))
		return smp_fail(c, tmdk__kz_get(patch, "$patch"), "unknown $patch directive");
	if (!dst || dst->type != TMDK_NODE_MAP) {
		tmdk_node *v = strip(c->a, patch);
		if (!v)
			return TMDK_ENOMEM;
		*target = v;
		c->depth--;
		return TMDK_OK;
	}
	for (i = 0; i < patch->u.map.count; i++) {
		const tmdk_node *k = patch->u.map.keys[i], *v = patch->u.map.values[i];
		long at;
		if (is_directive_key(k))
			continue;
		if (k->type != TMDK_NODE_SCALAR)
			return smp_fail(c, k, "a patch key is not a scalar");
		at = tmdk__node_map_find(dst, k->u.scalar.text, k->u.scalar.len);
		if (is_null(v)) {
			if (at >= 0)
				tmdk__kz_map_remove(dst, (size_t)at);
			continue;
		}
		if (at < 0) {
			tmdk_node *sv = strip(c->a, v);
			if (!sv || tmdk__node_map_append(c->a, dst, (tmdk_node *)k, sv) != TMDK_OK)
				return TMDK_ENOMEM;
			continue;
		}
		if (v->type == TMDK_NODE_MAP) {
			const char *vd = tmdk__kz_str(v, "$patch");
			if (vd && !strcmp(vd, "delete")) {
				tmdk__kz_map_remove(dst, (size_t)at);
				continue;
			}
			rc = merge_map(c, &dst->u.map.values[at], v);
			if (rc != TMDK_OK)
				return rc;
			continue;
		}
		if (v->type == TMDK_NODE_SEQUENCE && dst->u.map.values[at]->type == TMDK_NODE_SEQUENCE &&
		    !list_replaces(v)) {
			const char *mk = merge_key(k, dst->u.map.values[at]);
			if (!mk)
				mk = merge_key(k, v);
			if (mk && strcmp(mk, "port") == 0 && !tmdk__kz_get(v->u.seq.count ? v->u.seq.items[0] : NULL, "port"))
				mk = NULL;
			if (mk) {
				rc = merge_list(c, dst->u.map.values[at], v, mk);
				if (rc != TMDK_OK)
					return rc;
				continue;
			}
		}
		{
			tmdk_node *sv = strip(c->a, v);
			if (!sv)
				return TMDK_ENOMEM;
			dst->u.map.values[at] = sv;
		}
	}
	if (retain)
		retain_keys(dst, retain);
	c->depth--;
	return TMDK_OK;
}

int tmdk__kz_smp(tmdk__arena *a, tmdk_node **target, const tmdk_node *patch, char *msg, size_t msg_size,
	const tmdk_node **where)
{
	smp_ctx c = {a, msg, msg_size, where, 0};
	if (!patch || patch->type != TMDK_NODE_MAP)
		return smp_fail(&c, patch, "a strategic-merge patch must be a map");
	return merge_map(&c, target, patch);
}

/* ---- JSON 6902 --------------------------------------------------------- */

#define PTR_MAX 64

typedef struct ptr {
	char *tok[PTR_MAX];
	size_t n;
	char buf[1024];
} ptr;

/* Split an RFC 6901 pointer into unescaped tokens. 0 when malformed. */
static int ptr_parse(ptr *p, const char *s)
{
	size_t used = 0;
	p->n = 0;
	if (!*s)
		return 1;
	if (*s != '/')
		return 0;
	while (*s == '/') {
		s++;
		if (p->n == PTR_MAX)
			return 0;
		p->tok[p->n++] = p->buf + used;
		while (*s && *s != '/') {
			char ch = *s++;
			if (ch == '~') {
				if (*s == '0')
					ch = '~';
				else if (*s == '1')
					ch = '/';
				else
					return 0;
				s++;
			}
			if (used + 2 >= sizeof(p->buf))
				return 0;
			p->buf[used++] = ch;
		}
		p->buf[used++] = '\0';
	}
	return 1;
}

/* An array index token: 1 and *out set, 0 when not a number. */
static int ptr_index(const char *t, size_t *out)
{
	char *end;
	unsigned long v;
	if (!*t || (t[0] == '0' && t[1]) || t[0] < '0' || t[0] > '9')
		return 0;
	v = strtoul(t, &end, 10);
	if (*end)
		return 0;
	*out = v;
	return 1;
}

/* The node at tokens [0, n) from root (root itself when n is 0), or NULL. */
static tmdk_node **ptr_walk(tmdk_node **root, const ptr *p, size_t n)
{
	tmdk_node **at = root;
	size_t i, idx;
	for (i = 0; i < n; i++) {
		tmdk_node *cur = *at;
		if (cur->type == TMDK_NODE_MAP) {
			long k = tmdk__node_map_find(cur, p->tok[i], strlen(p->tok[i]));
			if (k < 0)
				return NULL;
			at = &cur->u.map.values[k];
		} else if (cur->type == TMDK_NODE_SEQUENCE) {
			if (!ptr_index(p->tok[i], &idx) || idx >= cur->u.seq.count)
				return NULL;
			at = &cur->u.seq.items[idx];
		} else {
			return NULL;
		}
	}
	return at;
}

typedef struct op_ctx {
	tmdk__arena *a;
	char *msg;
	size_t msg_size;
	const tmdk_node **where;
	const tmdk_node *op;
} op_ctx;

static int op_fail(op_ctx *c, const char *fmt, const char *arg)
{
	snprintf(c->msg, c->msg_size, fmt, arg);
	*c->where = c->op;
	return TMDK_EPARSE;
}

/* Add value at p (RFC 6902 "add"). */
static int op_add(op_ctx *c, tmdk_node **root, const ptr *p, const char *path, tmdk_node *value)
{
	tmdk_node **parent;
	const char *last;
	size_t idx;
	if (p->n == 0) {
		*root = value;
		return TMDK_OK;
	}
	parent = ptr_walk(root, p, p->n - 1);
	last = p->tok[p->n - 1];
	if (!parent)
		return op_fail(c, "no such path: %s", path);
	if ((*parent)->type == TMDK_NODE_MAP) {
		long k = tmdk__node_map_find(*parent, last, strlen(last));
		if (k >= 0) {
			(*parent)->u.map.values[k] = value;
			return TMDK_OK;
		}
		{
			tmdk_node *key = from(tmdk__node_string(c->a, last, value->line, value->column), value);
			if (!key || tmdk__node_map_append(c->a, *parent, key, value) != TMDK_OK)
				return TMDK_ENOMEM;
		}
		return TMDK_OK;
	}
	if ((*parent)->type == TMDK_NODE_SEQUENCE) {
		if (!strcmp(last, "-"))
			idx = (*parent)->u.seq.count;
		else if (!ptr_index(last, &idx) || idx > (*parent)->u.seq.count)
			return op_fail(c, "index out of range: %s", path);
		return tmdk__kz_seq_insert(c->a, *parent, idx, value) != TMDK_OK ? TMDK_ENOMEM : TMDK_OK;
	}
	return op_fail(c, "parent is not a map or a list: %s", path);
}

/* Remove the node at p; *removed receives it. */
static int op_remove(op_ctx *c, tmdk_node **root, const ptr *p, const char *path, tmdk_node **removed)
{
	tmdk_node **parent;
	const char *last;
	size_t idx;
	if (p->n == 0)
		return op_fail(c, "cannot remove the whole object: %s", path);
	parent = ptr_walk(root, p, p->n - 1);
	last = p->tok[p->n - 1];
	if (parent && (*parent)->type == TMDK_NODE_MAP) {
		long k = tmdk__node_map_find(*parent, last, strlen(last));
		if (k >= 0) {
			if (removed)
				*removed = (*parent)->u.map.values[k];
			tmdk__kz_map_remove(*parent, (size_t)k);
			return TMDK_OK;
		}
	} else if (parent && (*parent)->type == TMDK_NODE_SEQUENCE && ptr_index(last, &idx) &&
		   idx < (*parent)->u.seq.count) {
		if (removed)
			*removed = (*parent)->u.seq.items[idx];
		tmdk__kz_seq_remove(*parent, idx);
		return TMDK_OK;
	}
	return op_fail(c, "no such path: %s", path);
}

static int apply_op(op_ctx *c, tmdk_node **root, const tmdk_node *op)
{
	const char *name = tmdk__kz_str(op, "op"), *path = tmdk__kz_str(op, "path"), *fromp;
	const tmdk_node *value = tmdk__kz_get(op, "value");
	ptr p, f;
	tmdk_node **at, *moved = NULL, *v;
	int rc;

	c->op = op;
	if (op->type != TMDK_NODE_MAP || !name || !path)
		return op_fail(c, "%s", "a JSON 6902 operation needs `op` and `path`");
	if (!ptr_parse(&p, path))
		return op_fail(c, "malformed JSON pointer: %s", path);
	if (!strcmp(name, "add") || !strcmp(name, "replace") || !strcmp(name, "test")) {
		if (!value)
			return op_fail(c, "operation `%s` needs a `value`", name);
		if (!strcmp(name, "test")) {
			at = ptr_walk(root, &p, p.n);
			if (!at || !tmdk__kz_equal(*at, value))
				return op_fail(c, "test failed: %s", path);
			return TMDK_OK;
		}
		v = tmdk__kz_clone(c->a, value);
		if (!v)
			return TMDK_ENOMEM;
		if (!strcmp(name, "replace")) {
			at = ptr_walk(root, &p, p.n);
			if (!at)
				return op_fail(c, "no such path: %s", path);
			*at = v;
			return TMDK_OK;
		}
		return op_add(c, root, &p, path, v);
	}
	if (!strcmp(name, "remove"))
		return op_remove(c, root, &p, path, NULL);
	if (!strcmp(name, "move") || !strcmp(name, "copy")) {
		fromp = tmdk__kz_str(op, "from");
		if (!fromp || !ptr_parse(&f, fromp))
			return op_fail(c, "operation `%s` needs a valid `from`", name);
		if (!strcmp(name, "copy")) {
			at = ptr_walk(root, &f, f.n);
			if (!at)
				return op_fail(c, "no such path: %s", fromp);
			moved = tmdk__kz_clone(c->a, *at);
			if (!moved)
				return TMDK_ENOMEM;
		} else {
			rc = op_remove(c, root, &f, fromp, &moved);
			if (rc != TMDK_OK)
				return rc;
		}
		return op_add(c, root, &p, path, moved);
	}
	return op_fail(c, "unknown JSON 6902 operation `%s`", name);
}

int tmdk__kz_json6902(tmdk__arena *a, tmdk_node **target, const tmdk_node *ops, char *msg, size_t msg_size,
	const tmdk_node **where)
{
	op_ctx c = {a, msg, msg_size, where, ops};
	size_t i;
	if (!ops || ops->type != TMDK_NODE_SEQUENCE)
		return op_fail(&c, "%s", "a JSON 6902 patch must be a list of operations");
	for (i = 0; i < ops->u.seq.count; i++) {
		int rc = apply_op(&c, target, ops->u.seq.items[i]);
		if (rc != TMDK_OK)
			return rc;
	}
	return TMDK_OK;
}
