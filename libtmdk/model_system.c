/*
 * libtmdk — the system part of the model: "What are we building?".
 * Runs the steps of model_system_int.h in order and holds the helpers they
 * share (node builders positioned at a source node, the namespace index,
 * label selectors, lexical paths).
 */
#include "model_system_int.h"
#include "array.h"

#include <stdlib.h>
#include <string.h>

/* ---- node helpers ---- */

static tmdk_node *at_pos(tmdk_node *n, const tmdk_node *at)
{
	return tmdk__node_from(n, at);
}

#define LINE(at) ((at) ? (at)->line : 0u)
#define COL(at) ((at) ? (at)->column : 0u)

tmdk_node *tmdk__sys_str(tmdk__sys *s, const char *text, const tmdk_node *at)
{
	return at_pos(tmdk__node_string(s->b->arena, text ? text : "", LINE(at), COL(at)), at);
}

tmdk_node *tmdk__sys_bool(tmdk__sys *s, int v, const tmdk_node *at)
{
	return at_pos(tmdk__node_bool(s->b->arena, v, LINE(at), COL(at)), at);
}

tmdk_node *tmdk__sys_int(tmdk__sys *s, long long v, const tmdk_node *at)
{
	return at_pos(tmdk__node_int(s->b->arena, v, LINE(at), COL(at)), at);
}

tmdk_node *tmdk__sys_null(tmdk__sys *s, const tmdk_node *at)
{
	return at_pos(tmdk__node_null(s->b->arena, LINE(at), COL(at)), at);
}

tmdk_node *tmdk__sys_map(tmdk__sys *s, const tmdk_node *at)
{
	return at_pos(tmdk__node_map(s->b->arena, LINE(at), COL(at)), at);
}

tmdk_node *tmdk__sys_seq(tmdk__sys *s, const tmdk_node *at)
{
	return at_pos(tmdk__node_seq(s->b->arena, LINE(at), COL(at)), at);
}

int tmdk__sys_put(tmdk__sys *s, tmdk_node *map, const char *key, tmdk_node *value)
{
	if (!map || !value)
		return TMDK_ENOMEM;
	return tmdk__node_map_put(s->b->arena, map, key, value);
}

int tmdk__sys_put_str(tmdk__sys *s, tmdk_node *map, const char *key, const char *text, const tmdk_node *at)
{
	return tmdk__sys_put(s, map, key, text ? tmdk__sys_str(s, text, at) : tmdk__sys_null(s, at));
}

int tmdk__sys_push_unique(tmdk__sys *s, tmdk_node *seq, const char *text, const tmdk_node *at)
{
	size_t i;
	tmdk_node *n;
	for (i = 0; i < tmdk_node_size(seq); i++)
		if (tmdk_node_text_equals(tmdk_node_at(seq, i), text))
			return TMDK_OK;
	if (!(n = tmdk__sys_str(s, text, at)))
		return TMDK_ENOMEM;
	return tmdk__node_seq_push(s->b->arena, seq, n);
}

const char *tmdk__sys_text(const tmdk_node *n)
{
	if (tmdk_node_get_type(n) != TMDK_NODE_SCALAR || tmdk_node_scalar_type(n) == TMDK_SCALAR_NULL)
		return NULL;
	return tmdk_node_text(n, NULL);
}

int tmdk__sys_true(const tmdk_node *n)
{
	int v = 0;
	return tmdk_node_as_bool(n, &v) == TMDK_OK && v;
}

/* ---- label selectors ---- */

static int in_values(const tmdk_node *values, const char *v)
{
	size_t i;
	for (i = 0; v && i < tmdk_node_size(values); i++)
		if (tmdk_node_text_equals(tmdk_node_at(values, i), v))
			return 1;
	return 0;
}

static int labels_match(const tmdk_node *match, const tmdk_node *labels)
{
	size_t i;
	for (i = 0; i < tmdk_node_size(match); i++) {
		const tmdk_node *k = tmdk_node_key_at(match, i);
		const char *want = tmdk__sys_text(tmdk_node_at(match, i)), *key = tmdk__sys_text(k);
		const char *have = key ? tmdk__sys_text(tmdk_node_get(labels, key)) : NULL;
		if (!want || !have || strcmp(want, have) != 0)
			return 0;
	}
	return 1;
}

static int expression_holds(const tmdk_node *e, const tmdk_node *labels)
{
	const char *key = tmdk__sys_text(tmdk_node_get(e, "key"));
	const char *op = tmdk__sys_text(tmdk_node_get(e, "operator"));
	const tmdk_node *have = key ? tmdk_node_get(labels, key) : NULL;
	const tmdk_node *values = tmdk_node_get(e, "values");
	if (!key || !op)
		return 0;
	if (strcmp(op, "In") == 0)
		return in_values(values, tmdk__sys_text(have));
	if (strcmp(op, "NotIn") == 0)
		return !in_values(values, tmdk__sys_text(have));
	if (strcmp(op, "Exists") == 0)
		return have != NULL;
	if (strcmp(op, "DoesNotExist") == 0)
		return have == NULL;
	return 0;
}

int tmdk__sys_selects(const tmdk_node *selector, const tmdk_node *labels, int plain)
{
	const tmdk_node *ml, *me;
	size_t i;
	if (tmdk_node_get_type(selector) != TMDK_NODE_MAP)
		return 0;
	if (plain)
		return tmdk_node_size(selector) > 0 && labels_match(selector, labels);
	ml = tmdk_node_get(selector, "matchLabels");
	me = tmdk_node_get(selector, "matchExpressions");
	if (ml && !labels_match(ml, labels))
		return 0;
	for (i = 0; i < tmdk_node_size(me); i++)
		if (!expression_holds(tmdk_node_at(me, i), labels))
			return 0;
	return 1;
}

/* ---- paths ---- */

char *tmdk__sys_dirname(tmdk__sys *s, const char *path)
{
	const char *slash = strrchr(path, '/');
	return tmdk__arena_strndup(s->b->arena, path, slash ? (size_t)(slash - path) : 0);
}

/* Join dir and rel, then drop "." segments and fold "x/.." pairs (a leading
 * ".." that cannot fold stays). */
char *tmdk__sys_path_join(tmdk__sys *s, const char *dir, const char *rel)
{
	char *joined, *out, *seg, *save = NULL;
	size_t len;
	const char *parts[256];
	size_t n = 0, i;
	int absolute;
	if (rel[0] == '/' || !dir || !dir[0])
		joined = tmdk__arena_printf(s->b->arena, "%s", rel);
	else
		joined = tmdk__arena_printf(s->b->arena, "%s/%s", dir, rel);
	if (!joined)
		return NULL;
	absolute = joined[0] == '/';
	for (seg = strtok_r(joined, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
		if (strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0 && n > 0 && strcmp(parts[n - 1], "..") != 0) {
			n--;
			continue;
		}
		if (n < sizeof(parts) / sizeof(parts[0]))
			parts[n++] = seg;
	}
	for (len = 1, i = 0; i < n; i++)
		len += strlen(parts[i]) + 1;
	if (!(out = tmdk__arena_alloc(s->b->arena, len + 1)))
		return NULL;
	out[0] = '\0';
	if (absolute)
		strcat(out, "/");
	for (i = 0; i < n; i++) {
		if (i)
			strcat(out, "/");
		strcat(out, parts[i]);
	}
	if (!out[0])
		strcat(out, ".");
	return out;
}

/* ---- lookups ---- */

/* Kubernetes components sorted by namespace, set order kept inside one
 * (qsort would need a file-level context pointer: models may be built on
 * several threads at once). Binary insertion: fine for the few thousand
 * workloads a repository holds. */
static int build_ns_index(tmdk__sys *s)
{
	size_t i, n = 0;
	if (!(s->by_ns = tmdk__calloc(s->comp_count + 1, sizeof(*s->by_ns))))
		return TMDK_ENOMEM;
	for (i = 0; i < s->comp_count; i++) {
		size_t lo = 0, hi = n;
		if (!s->comps[i].ns)
			continue;
		while (lo < hi) {       /* first position whose namespace sorts after ours */
			size_t mid = (lo + hi) / 2;
			if (strcmp(s->comps[s->by_ns[mid]].ns, s->comps[i].ns) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		memmove(s->by_ns + lo + 1, s->by_ns + lo, (n - lo) * sizeof(*s->by_ns));
		s->by_ns[lo] = i;
		n++;
	}
	s->by_ns_count = n;
	return TMDK_OK;
}

size_t tmdk__sys_ns_range(const tmdk__sys *s, const char *ns, size_t *first)
{
	size_t lo = 0, hi = s->by_ns_count, start;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(s->comps[s->by_ns[mid]].ns, ns) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	start = lo;
	while (lo < s->by_ns_count && strcmp(s->comps[s->by_ns[lo]].ns, ns) == 0)
		lo++;
	*first = start;
	return lo - start;
}

const tmdk_node *tmdk__sys_image_stage(const tmdk__sys *s, size_t comp, const char *ref)
{
	size_t i;
	for (i = 0; i < s->link_count; i++)
		if (s->links[i].comp == comp && strcmp(s->links[i].ref, ref) == 0)
			return s->links[i].stage;
	return NULL;
}

tmdk__comp *tmdk__sys_find(tmdk__sys *s, const char *id)
{
	size_t lo = 0, hi = s->comp_count;
	if (!s->by_id)
		return NULL;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(s->comps[s->by_id[mid]].id, id);
		if (c == 0)
			return &s->comps[s->by_id[mid]];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Components by id, for tmdk__sys_find (binary insertion, as build_ns_index). */
static int build_id_index(tmdk__sys *s)
{
	size_t i, n = 0;
	if (!(s->by_id = tmdk__calloc(s->comp_count + 1, sizeof(*s->by_id))))
		return TMDK_ENOMEM;
	for (i = 0; i < s->comp_count; i++, n++) {
		size_t lo = 0, hi = n;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (strcmp(s->comps[s->by_id[mid]].id, s->comps[i].id) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		memmove(s->by_id + lo + 1, s->by_id + lo, (n - lo) * sizeof(*s->by_id));
		s->by_id[lo] = i;
	}
	return TMDK_OK;
}

/* ---- emitting ---- */

static int finish_component(tmdk__sys *s, tmdk__comp *c)
{
	const tmdk_node *at = c->anchor;
	int rc = TMDK_OK;
	rc |= tmdk__sys_put(s, c->node, "exposures", c->exposures);
	rc |= tmdk__sys_put_str(s, c->node, "zone", c->zone, at);
	rc |= tmdk__sys_put(s, c->node, "networks", c->networks);
	rc |= tmdk__sys_put(s, c->node, "data", c->data);
	rc |= tmdk__sys_put(s, c->node, "internet_exposed", tmdk__sys_bool(s, c->internet_exposed, at));
	rc |= tmdk__sys_put(s, c->node, "exposed", tmdk__sys_bool(s, c->exposed || c->internet_exposed, at));
	return rc ? TMDK_ENOMEM : TMDK_OK;
}

static int emit(tmdk__sys *s)
{
	tmdk__model_builder *b = s->b;
	tmdk_node *components = tmdk__sys_seq(s, NULL);
	size_t i;
	if (!components)
		return TMDK_ENOMEM;
	for (i = 0; i < s->comp_count; i++) {
		tmdk__comp *c = &s->comps[i];
		tmdk_node *facts, *list;
		if (finish_component(s, c) != TMDK_OK ||
		    tmdk__node_seq_push(b->arena, components, c->node) != TMDK_OK)
			return TMDK_ENOMEM;
		if (!(facts = tmdk__model_facts(b, c->doc, c->anchor)))
			return TMDK_ENOMEM;
		list = (tmdk_node *)tmdk_node_get(facts, "components");
		if (!list && tmdk__sys_put(s, facts, "components", list = tmdk__sys_seq(s, c->anchor)) != TMDK_OK)
			return TMDK_ENOMEM;
		if (tmdk__node_seq_push(b->arena, list, c->node) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	if (tmdk__sys_put(s, b->root, "components", components) != TMDK_OK ||
	    tmdk__sys_put(s, b->root, "exposures", s->exposures) != TMDK_OK ||
	    tmdk__sys_put(s, b->root, "zones", s->zones) != TMDK_OK ||
	    tmdk__sys_put(s, b->root, "data", s->data) != TMDK_OK ||
	    tmdk__sys_put(s, b->root, "flows", s->flows) != TMDK_OK)
		return TMDK_ENOMEM;
	return TMDK_OK;
}

int tmdk__model_build_system(tmdk__model_builder *b)
{
	tmdk__sys s;
	int rc;
	memset(&s, 0, sizeof(s));
	s.b = b;
	s.exposures = tmdk__sys_seq(&s, NULL);
	s.zones = tmdk__sys_seq(&s, NULL);
	s.data = tmdk__sys_seq(&s, NULL);
	s.flows = tmdk__sys_seq(&s, NULL);
	if (!s.exposures || !s.zones || !s.data || !s.flows)
		rc = TMDK_ENOMEM;
	else if ((rc = tmdk__sys_components(&s)) == TMDK_OK && (rc = build_ns_index(&s)) == TMDK_OK &&
	    (rc = build_id_index(&s)) == TMDK_OK &&
	    (rc = tmdk__sys_images(&s)) == TMDK_OK && (rc = tmdk__sys_users(&s)) == TMDK_OK &&
	    (rc = tmdk__sys_services(&s)) == TMDK_OK && (rc = tmdk__sys_exposures(&s)) == TMDK_OK &&
	    (rc = tmdk__sys_data(&s)) == TMDK_OK && (rc = tmdk__sys_zones(&s)) == TMDK_OK &&
	    (rc = tmdk__sys_flows(&s)) == TMDK_OK)
		rc = emit(&s);
	tmdk__free(s.comps);
	tmdk__free(s.sa_docs);
	tmdk__free(s.by_id);
	tmdk__free(s.flow_keys);
	tmdk__free(s.links);
	for (size_t i = 0; i < s.svc_count; i++)
		tmdk__free(s.svcs[i].sel);
	tmdk__free(s.svcs);
	tmdk__free(s.by_ns);
	if (rc == TMDK_ENOMEM)
		tmdk__error_set(b->err, TMDK_ENOMEM, NULL, 0, 0, "out of memory building the system model");
	return rc;
}
