/*
 * libtmdk — flows: what may talk to what.
 *
 *   depends-on, link  compose `depends_on` (list or map) and `links`
 *   env-host          a compose environment value naming another service of
 *                     the same project as a host ("db", "postgres://u@db:5432")
 *   service           a workload's env value naming a Service ("cart:7070",
 *                     "cart.shop.svc.cluster.local") → the workloads it selects
 *   network-policy    a NetworkPolicy ingress rule's `from` podSelector (same
 *                     namespace) → the pods its podSelector selects
 *   ingress, service, network (from "internet")  added by the exposures
 *
 * Membership of one compose network is drawn as a zone, not as n² flows.
 * crosses_boundary: from the internet, or between components that share no
 * zone (another namespace, no common compose network).
 */
#include "model_system_int.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int shares_zone(const tmdk__comp *a, const tmdk__comp *b)
{
	size_t i, j;
	if (a->zone && b->zone && strcmp(a->zone, b->zone) == 0 && a->kind != TMDK__COMP_COMPOSE)
		return 1;
	for (i = 0; i < tmdk_node_size(a->networks); i++)
		for (j = 0; j < tmdk_node_size(b->networks); j++)
			if (strcmp(tmdk_node_text(tmdk_node_at(a->networks, i), NULL),
			    tmdk_node_text(tmdk_node_at(b->networks, j), NULL)) == 0)
				return 1;
	return 0;
}

static uint32_t hash(const char *k)
{
	uint32_t h = 2166136261u;
	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 16777619u;
	return h;
}

/* Add key to the set of flows seen: 1 added, 0 already there, -1 out of memory. */
static int remember(tmdk__sys *s, const char *key)
{
	size_t i;
	if ((s->flow_key_count + 1) * 2 > s->flow_key_cap) {
		size_t cap = s->flow_key_cap ? s->flow_key_cap * 2 : 64, j;
		const char **keys = tmdk__calloc(cap, sizeof(*keys));
		if (!keys)
			return -1;
		for (j = 0; j < s->flow_key_cap; j++)
			if (s->flow_keys[j]) {
				i = hash(s->flow_keys[j]) & (cap - 1);
				while (keys[i])
					i = (i + 1) & (cap - 1);
				keys[i] = s->flow_keys[j];
			}
		tmdk__free(s->flow_keys);
		s->flow_keys = keys;
		s->flow_key_cap = cap;
	}
	for (i = hash(key) & (s->flow_key_cap - 1); s->flow_keys[i]; i = (i + 1) & (s->flow_key_cap - 1))
		if (strcmp(s->flow_keys[i], key) == 0)
			return 0;
	s->flow_keys[i] = key;
	s->flow_key_count++;
	return 1;
}

int tmdk__sys_flow(tmdk__sys *s, const char *from, const char *to, const char *kind, const tmdk_node *port,
	const tmdk_node *at)
{
	const char *p = tmdk__sys_text(port);
	const tmdk__comp *cf = tmdk__sys_find(s, from), *ct = tmdk__sys_find(s, to);
	tmdk_node *f;
	const char *key;
	long long v;
	int rc = TMDK_OK, crosses, seen;
	if (strcmp(from, to) == 0)
		return TMDK_OK;
	if (!(key = tmdk__arena_printf(s->b->arena, "%s %s %s %s", from, to, kind, p ? p : "-")))
		return TMDK_ENOMEM;
	if ((seen = remember(s, key)) <= 0)
		return seen < 0 ? TMDK_ENOMEM : TMDK_OK;
	crosses = !cf || !ct || !shares_zone(cf, ct);
	if (!cf && ct && ct->zone && strcmp(from, ct->zone) == 0)
		crosses = 0;             /* "every pod of its namespace" */
	if (!(f = tmdk__sys_map(s, at)))
		return TMDK_ENOMEM;
	rc |= tmdk__sys_put_str(s, f, "from", from, at);
	rc |= tmdk__sys_put_str(s, f, "to", to, at);
	rc |= tmdk__sys_put_str(s, f, "kind", kind, at);
	if (tmdk_node_scalar_type(port) == TMDK_SCALAR_INT && tmdk_node_as_int(port, &v) == TMDK_OK)
		rc |= tmdk__sys_put(s, f, "port", tmdk__sys_int(s, v, port));
	else
		rc |= tmdk__sys_put_str(s, f, "port", p, at);
	rc |= tmdk__sys_put(s, f, "crosses_boundary", tmdk__sys_bool(s, crosses, at));
	rc |= tmdk__node_seq_push(s->b->arena, s->flows, f);
	return rc ? TMDK_ENOMEM : TMDK_OK;
}

/* ---- compose ---- */

static int host_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '-' || ch == '.';
}

/* `value` names host `name`: the name stands alone between non-host characters. */
static int names_host(const char *value, const char *name)
{
	size_t n = strlen(name);
	const char *p = value;
	if (!n)
		return 0;
	while ((p = strstr(p, name)) != NULL) {
		int before = p == value || !host_char(p[-1]);
		int after = !p[n] || !host_char(p[n]);
		if (before && after)
			return 1;
		p++;
	}
	return 0;
}

/* The components of compose file `ci`'s project: [first, end) in s->comps (added together). */
static size_t project_end(const tmdk__sys *s, size_t first)
{
	size_t e = first;
	while (e < s->comp_count && s->comps[e].kind == TMDK__COMP_COMPOSE &&
	    s->comps[e].compose_index == s->comps[first].compose_index)
		e++;
	return e;
}

static tmdk__comp *project_service(tmdk__sys *s, size_t first, size_t end, const char *name)
{
	size_t i;
	for (i = first; name && i < end; i++)
		if (strcmp(s->comps[i].name, name) == 0)
			return &s->comps[i];
	return NULL;
}

static int compose_flows(tmdk__sys *s, size_t first, size_t end)
{
	size_t i, j, k;
	for (i = first; i < end; i++) {
		tmdk__comp *c = &s->comps[i];
		const tmdk_node *spec = tmdk_node_get(c->service, "spec");
		const tmdk_node *deps = tmdk_node_get(spec, "depends_on"), *links = tmdk_node_get(spec, "links");
		const tmdk_node *env = tmdk_node_get(c->service, "environment");
		for (j = 0; j < tmdk_node_size(deps); j++) {
			const tmdk_node *d = tmdk_node_get_type(deps) == TMDK_NODE_MAP ? tmdk_node_key_at(deps, j) : tmdk_node_at(deps, j);
			tmdk__comp *to = project_service(s, first, end, tmdk__sys_text(d));
			if (to && tmdk__sys_flow(s, c->id, to->id, "depends-on", NULL, d) != TMDK_OK)
				return TMDK_ENOMEM;
		}
		for (j = 0; j < tmdk_node_size(links); j++) {
			const char *l = tmdk__sys_text(tmdk_node_at(links, j));
			char name[256];
			tmdk__comp *to;
			if (!l)
				continue;
			snprintf(name, sizeof(name), "%.*s", (int)strcspn(l, ":"), l);
			if ((to = project_service(s, first, end, name)) &&
			    tmdk__sys_flow(s, c->id, to->id, "link", NULL, tmdk_node_at(links, j)) != TMDK_OK)
				return TMDK_ENOMEM;
		}
		for (j = 0; j < tmdk_node_size(env); j++) {
			const tmdk_node *v = tmdk_node_get(tmdk_node_at(env, j), "value");
			const char *text = tmdk__sys_text(v);
			for (k = first; text && k < end; k++)
				if (k != i && names_host(text, s->comps[k].name) &&
				    tmdk__sys_flow(s, c->id, s->comps[k].id, "env-host", NULL, v) != TMDK_OK)
					return TMDK_ENOMEM;
		}
	}
	return TMDK_OK;
}

/* ---- Kubernetes ---- */

/* Each host-like word of an env value ("cart:7070", "http://cart.shop.svc:80/x")
 * that names a Service: flows to the workloads it selects. */
static int env_services(tmdk__sys *s, tmdk__comp *c, const tmdk_node *v)
{
	const char *text = tmdk__sys_text(v), *p;
	if (!text)
		return TMDK_OK;
	for (p = text; *p;) {
		char word[256], *dot;
		const char *ns = c->ns;
		const struct tmdk__sys_svc *svc;
		size_t n = 0, k;
		while (*p && !host_char(*p))
			p++;
		while (p[n] && host_char(p[n]))
			n++;
		if (!n)
			break;
		snprintf(word, sizeof(word), "%.*s", (int)n, p);
		p += n;
		if ((dot = strchr(word, '.')) != NULL) {
			/* name.namespace[.svc[.cluster.local]] */
			char *dot2 = strchr(dot + 1, '.');
			if (dot2 && strncmp(dot2 + 1, "svc", 3) != 0)
				continue;
			if (dot2)
				*dot2 = '\0';
			*dot = '\0';
			ns = dot + 1;
		}
		if (!(svc = tmdk__sys_service(s, ns, word)))
			continue;
		for (k = 0; k < svc->sel_count; k++)
			if (tmdk__sys_flow(s, c->id, s->comps[svc->sel[k]].id, "service",
			    tmdk_node_path(tmdk_node_at(tmdk_node_get(svc->spec, "ports"), 0), "port"), v) != TMDK_OK)
				return TMDK_ENOMEM;
	}
	return TMDK_OK;
}

static int workload_flows(tmdk__sys *s, tmdk__comp *c)
{
	const tmdk_node *ctrs = tmdk_node_get(c->view, "containers");
	size_t i, j;
	if (!s->svc_count)
		return TMDK_OK;
	for (i = 0; i < tmdk_node_size(ctrs); i++) {
		const tmdk_node *env = tmdk_node_path(tmdk_node_at(ctrs, i), "spec.env");
		for (j = 0; j < tmdk_node_size(env); j++)
			if (env_services(s, c, tmdk_node_get(tmdk_node_at(env, j), "value")) != TMDK_OK)
				return TMDK_ENOMEM;
	}
	return TMDK_OK;
}

/* The pods of a namespace a NetworkPolicy's podSelector picks: the same for
 * every peer of every ingress rule, so asked once per policy, not once per
 * peer pod (that was n x n label matches for a namespace of n workloads). */
typedef struct policy_targets {
	const tmdk_node *sel;        /* the policy's podSelector */
	size_t first, n;             /* the namespace's range of s->by_ns */
	unsigned char *picked;       /* picked[k - first]; NULL until first needed */
} policy_targets;

static const unsigned char *targets_picked(tmdk__sys *s, policy_targets *t)
{
	size_t k;
	if (t->picked)
		return t->picked;
	if (!(t->picked = tmdk__arena_alloc_raw(s->b->arena, t->n ? t->n : 1, 1)))
		return NULL;
	for (k = 0; k < t->n; k++)
		t->picked[k] = tmdk__sys_selects(t->sel, s->comps[s->by_ns[t->first + k]].pod_labels, 0) != 0;
	return t->picked;
}

static int policy_rule(tmdk__sys *s, const char *ns, policy_targets *t, const tmdk_node *rule)
{
	const tmdk_node *from = tmdk_node_get(rule, "from");
	const tmdk_node *port = tmdk_node_path(tmdk_node_at(tmdk_node_get(rule, "ports"), 0), "port");
	const unsigned char *picked;
	size_t first = t->first, n = t->n, i, j, k;
	for (i = 0; i < tmdk_node_size(from); i++) {
		const tmdk_node *peer = tmdk_node_at(from, i), *ps = tmdk_node_get(peer, "podSelector");
		if (!ps || tmdk_node_get(peer, "namespaceSelector"))
			continue;            /* ipBlock, other namespaces: outside what the set shows */
		if (!(picked = targets_picked(s, t)))
			return TMDK_ENOMEM;
		if (tmdk_node_size(ps) == 0) {
			/* Every pod of the namespace: one flow from the namespace, not n × m. */
			const char *zone = tmdk__arena_printf(s->b->arena, "namespace:%s", ns[0] ? ns : "-");
			if (!zone)
				return TMDK_ENOMEM;
			for (k = first; k < first + n; k++)
				if (picked[k - first] &&
				    tmdk__sys_flow(s, zone, s->comps[s->by_ns[k]].id, "network-policy", port, peer) != TMDK_OK)
					return TMDK_ENOMEM;
			continue;
		}
		for (j = first; j < first + n; j++) {
			tmdk__comp *src = &s->comps[s->by_ns[j]];
			if (!tmdk__sys_selects(ps, src->pod_labels, 0))
				continue;
			for (k = first; k < first + n; k++) {
				tmdk__comp *dst = &s->comps[s->by_ns[k]];
				if (picked[k - first] &&
				    tmdk__sys_flow(s, src->id, dst->id, "network-policy", port, peer) != TMDK_OK)
					return TMDK_ENOMEM;
			}
		}
	}
	return TMDK_OK;
}

static int policy_flows(tmdk__sys *s, size_t d)
{
	const tmdk_node *v = s->b->docs[d].view, *spec = tmdk_node_get(tmdk_document_root(s->b->docs[d].doc), "spec");
	const tmdk_node *sel = tmdk_node_get(spec, "podSelector"), *rules = tmdk_node_get(spec, "ingress");
	const char *ns = tmdk__sys_text(tmdk_node_get(v, "namespace"));
	policy_targets t;
	size_t i;
	if (tmdk_node_get_type(sel) != TMDK_NODE_MAP)
		return TMDK_OK;
	if (!ns)
		ns = "";
	t.sel = sel;
	t.n = tmdk__sys_ns_range(s, ns, &t.first);
	t.picked = NULL;
	for (i = 0; i < tmdk_node_size(rules); i++)
		if (policy_rule(s, ns, &t, tmdk_node_at(rules, i)) != TMDK_OK)
			return TMDK_ENOMEM;
	return TMDK_OK;
}

int tmdk__sys_flows(tmdk__sys *s)
{
	size_t i, d;
	for (i = 0; i < s->comp_count;) {
		if (s->comps[i].kind == TMDK__COMP_COMPOSE) {
			size_t end = project_end(s, i);
			if (compose_flows(s, i, end) != TMDK_OK)
				return TMDK_ENOMEM;
			i = end;
		} else {
			if (workload_flows(s, &s->comps[i]) != TMDK_OK)
				return TMDK_ENOMEM;
			i++;
		}
	}
	for (d = 0; d < s->b->doc_count; d++)
		if (tmdk_artifact_kind(s->b->docs[d].artifact) == TMDK_KIND_KUBERNETES &&
		    tmdk_node_text_equals(tmdk_node_get(s->b->docs[d].view, "kind"), "NetworkPolicy") &&
		    policy_flows(s, d) != TMDK_OK)
			return TMDK_ENOMEM;
	return TMDK_OK;
}
