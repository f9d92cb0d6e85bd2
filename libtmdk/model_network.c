/*
 * libtmdk — the model's NetworkPolicy part ($model.network, facts key
 * "network"). A workload is isolated for ingress (egress) when a
 * NetworkPolicy of its namespace selects its pod labels and has that policy
 * type; a policy that selects other pods does not count. policyTypes
 * defaults as the API server does: Ingress, plus Egress when the policy has
 * egress rules. An object without a namespace lands in "default".
 */
#include "model_k8s.h"
#include "label_selector.h"
#include "array.h"

#include <stdlib.h>
#include <string.h>

typedef struct policy {
	size_t doc;
	const char *name, *ns;
	const tmdk_node *spec, *selector, *at; /* at: podSelector, or spec, or the view */
	int ingress, egress;         /* the policy types */
	const tmdk_node *open_ingress, *open_egress; /* a rule that allows everything, or NULL */
	int deny_ingress, deny_egress; /* selects every pod and allows nothing */
	int selects_all;
	size_t selected;             /* workloads of the set it selects */
	size_t ns_workloads;         /* workloads of the set in its namespace */
	int first;                   /* the first policy of its namespace in set order */
	int ns_deny_ingress, ns_deny_egress; /* some policy of its namespace denies by default */
	int labelled_others;         /* selects no workload, but another object of its namespace has matching labels */
} policy;

typedef struct net_ctx {
	tmdk__model_builder *b;
	policy *pols;                /* set order */
	size_t pol_count, pol_cap;
	size_t *by_ns;               /* policy indices sorted by (ns, set order) */
} net_ctx;

/* ---- policies --------------------------------------------------------- */

static int empty_or_absent(const tmdk_node *n)
{
	if (!n)
		return 1;
	if (n->type == TMDK_NODE_SCALAR)
		return tmdk_node_scalar_type(n) == TMDK_SCALAR_NULL;
	return tmdk_node_size(n) == 0;
}

/* A peer that is every source: 0.0.0.0/0 or ::/0 with no exception, or
 * every namespace (namespaceSelector {}) with every pod. */
static int peer_is_everyone(const tmdk_node *peer)
{
	const tmdk_node *ip = tmdk_node_get(peer, "ipBlock");
	const tmdk_node *nss = tmdk_node_get(peer, "namespaceSelector");

	if (ip) {
		const tmdk_node *cidr = tmdk_node_get(ip, "cidr");

		return (tmdk_node_text_equals(cidr, "0.0.0.0/0") || tmdk_node_text_equals(cidr, "::/0")) &&
		       empty_or_absent(tmdk_node_get(ip, "except"));
	}
	return nss && nss->type == TMDK_NODE_MAP && tmdk__label_selector_is_empty(nss) &&
	       tmdk__label_selector_is_empty(tmdk_node_get(peer, "podSelector"));
}

/* The first rule of `rules` that allows every peer on every port, or NULL. */
static const tmdk_node *open_rule(const tmdk_node *rules, const char *peers_key)
{
	size_t i, j;

	if (!rules || rules->type != TMDK_NODE_SEQUENCE)
		return NULL;
	for (i = 0; i < rules->u.seq.count; i++) {
		const tmdk_node *r = rules->u.seq.items[i], *peers;
		int everyone;

		if (!r || (r->type != TMDK_NODE_MAP && !empty_or_absent(r)))
			continue;
		if (!empty_or_absent(tmdk_node_get(r, "ports")))
			continue;
		peers = tmdk_node_get(r, peers_key);
		everyone = empty_or_absent(peers);
		for (j = 0; !everyone && peers && peers->type == TMDK_NODE_SEQUENCE && j < peers->u.seq.count; j++)
			everyone = peer_is_everyone(peers->u.seq.items[j]);
		if (everyone)
			return r;
	}
	return NULL;
}

static int collect_policy(net_ctx *c, size_t i)
{
	tmdk__model_builder *b = c->b;
	const tmdk_node *view = b->docs[i].view;
	const tmdk_node *spec = tmdk_node_get(tmdk_document_root(b->docs[i].doc), "spec");
	const tmdk_node *types, *in, *eg;
	policy *p;
	int oom = 0;

	if (!spec || spec->type != TMDK_NODE_MAP)
		return TMDK_OK;
	if (TMDK__ARRAY_RESERVE(c->pols, c->pol_count, c->pol_cap, 8) != TMDK_OK)
		return TMDK_ENOMEM;
	p = &c->pols[c->pol_count];
	memset(p, 0, sizeof(*p));
	p->doc = i;
	p->spec = spec;
	p->name = tmdk__k8s_text(b->arena, tmdk_node_get(view, "name"), &oom);
	p->ns = tmdk__k8s_namespace(b->arena, view);
	if (oom || !p->ns)
		return TMDK_ENOMEM;
	if (!p->name)
		p->name = "";
	p->selector = tmdk_node_get(spec, "podSelector");
	p->at = p->selector ? p->selector : spec;
	/* an absent podSelector decodes as the empty selector: every pod */
	p->selects_all = tmdk__label_selector_is_empty(p->selector);
	types = tmdk_node_get(spec, "policyTypes");
	in = tmdk_node_get(spec, "ingress");
	eg = tmdk_node_get(spec, "egress");
	if (types && types->type == TMDK_NODE_SEQUENCE && types->u.seq.count) {
		size_t k;

		for (k = 0; k < types->u.seq.count; k++) {
			p->ingress |= tmdk_node_text_equals(types->u.seq.items[k], "Ingress");
			p->egress |= tmdk_node_text_equals(types->u.seq.items[k], "Egress");
		}
	} else {
		p->ingress = 1;
		p->egress = eg && eg->type == TMDK_NODE_SEQUENCE && eg->u.seq.count > 0;
	}
	p->open_ingress = p->ingress ? open_rule(in, "from") : NULL;
	p->open_egress = p->egress ? open_rule(eg, "to") : NULL;
	p->deny_ingress = p->selects_all && p->ingress && empty_or_absent(in);
	p->deny_egress = p->selects_all && p->egress && empty_or_absent(eg);
	c->pol_count++;
	return TMDK_OK;
}

/* Policies are sorted as pointers (qsort has no context argument, and
 * models may be built on several threads at once); ties keep set order. */
static int cmp_pol_ptr(const void *pa, const void *pb)
{
	const policy *a = *(const policy *const *)pa, *b = *(const policy *const *)pb;
	int c = strcmp(a->ns, b->ns);

	return c ? c : (a < b ? -1 : a > b);
}

/* The first policy (in by_ns) of namespace ns. */
static size_t first_of_ns(const net_ctx *c, const char *ns)
{
	size_t lo = 0, hi = c->pol_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(c->pols[c->by_ns[mid]].ns, ns) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Per namespace: its first policy in set order, and whether one denies by default. */
static void namespace_summaries(net_ctx *c)
{
	size_t i = 0, j, k;

	while (i < c->pol_count) {
		int deny_in = 0, deny_eg = 0;

		for (j = i; j < c->pol_count && strcmp(c->pols[c->by_ns[j]].ns, c->pols[c->by_ns[i]].ns) == 0; j++) {
			deny_in |= c->pols[c->by_ns[j]].deny_ingress;
			deny_eg |= c->pols[c->by_ns[j]].deny_egress;
		}
		c->pols[c->by_ns[i]].first = 1; /* by_ns keeps set order within a namespace */
		for (k = i; k < j; k++) {
			c->pols[c->by_ns[k]].ns_deny_ingress = deny_in;
			c->pols[c->by_ns[k]].ns_deny_egress = deny_eg;
		}
		i = j;
	}
}

/* A policy that selects no workload of the set may still protect pods made
 * elsewhere: an operator's custom resource (Prometheus, Alertmanager) or a
 * Service carrying the same labels says those pods exist. Only policies that
 * select nothing are checked, against every object of the set. */
static int labelled_others(net_ctx *c)
{
	tmdk__model_builder *b = c->b;
	size_t k, i;

	for (k = 0; k < c->pol_count; k++) {
		policy *p = &c->pols[k];

		if (p->selected)
			continue;
		for (i = 0; i < b->doc_count && !p->labelled_others; i++) {
			const tmdk_node *view = b->docs[i].view, *labels;
			const char *ns;

			if (!tmdk__k8s_is_object(&b->docs[i]) || tmdk__k8s_is_workload(view) ||
			    tmdk__k8s_kind_is(view, "NetworkPolicy") || !(labels = tmdk_node_get(view, "labels")) ||
			    tmdk_node_size(labels) == 0)
				continue;
			if (!(ns = tmdk__k8s_namespace(b->arena, view)))
				return TMDK_ENOMEM;
			if (strcmp(ns, p->ns) == 0 && !tmdk__label_selector_is_empty(p->selector) &&
			    tmdk__label_selector_matches(p->selector, labels))
				p->labelled_others = 1;
		}
	}
	return TMDK_OK;
}

/* ---- output ----------------------------------------------------------- */

static int put(tmdk__arena *a, tmdk_node *map, const char *key, tmdk_node *value)
{
	return value ? tmdk__node_map_put(a, map, key, value) : TMDK_ENOMEM;
}

static int push(tmdk__arena *a, tmdk_node *seq, tmdk_node *item)
{
	return item ? tmdk__node_seq_push(a, seq, item) : TMDK_ENOMEM;
}

static tmdk_node *types_seq(tmdk__arena *a, const policy *p)
{
	tmdk_node *s = tmdk__k8s_seq(a, p->at);

	if (s && p->ingress && push(a, s, tmdk__k8s_string(a, "Ingress", p->at)) != TMDK_OK)
		return NULL;
	if (s && p->egress && push(a, s, tmdk__k8s_string(a, "Egress", p->at)) != TMDK_OK)
		return NULL;
	return s;
}

/* The policy's own facts and its $model entry (selects filled later). */
static int write_policy(net_ctx *c, const policy *p, tmdk_node *facts_map, tmdk_node *entry)
{
	tmdk__arena *a = c->b->arena;
	const tmdk_node *view = c->b->docs[p->doc].view;
	tmdk_node *maps[2];
	int k;

	maps[0] = facts_map;
	maps[1] = entry;
	for (k = 0; k < 2; k++) {
		tmdk_node *m = maps[k];

		if ((k == 1 && (put(a, m, "name", tmdk__k8s_string(a, p->name, view)) != TMDK_OK ||
				put(a, m, "namespace", tmdk__k8s_string(a, p->ns, view)) != TMDK_OK ||
				put(a, m, "file", tmdk__k8s_string(a, tmdk__k8s_file(&c->b->docs[p->doc], view), view)) != TMDK_OK ||
				put(a, m, "line", tmdk__k8s_int(a, view->line, view)) != TMDK_OK)) ||
		    put(a, m, "types", types_seq(a, p)) != TMDK_OK ||
		    put(a, m, "selects_all", tmdk__k8s_bool(a, p->selects_all, p->at)) != TMDK_OK ||
		    put(a, m, "allows_all_ingress", tmdk__k8s_bool(a, p->open_ingress != NULL,
				p->open_ingress ? p->open_ingress : p->spec)) != TMDK_OK ||
		    put(a, m, "allows_all_egress", tmdk__k8s_bool(a, p->open_egress != NULL,
				p->open_egress ? p->open_egress : p->spec)) != TMDK_OK ||
		    put(a, m, "default_deny_ingress", tmdk__k8s_bool(a, p->deny_ingress, p->at)) != TMDK_OK ||
		    put(a, m, "default_deny_egress", tmdk__k8s_bool(a, p->deny_egress, p->at)) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	return TMDK_OK;
}

/* Where a workload's network facts point: its pod labels, else its pod template or the object. */
static const tmdk_node *workload_at(const tmdk_node *view)
{
	const tmdk_node *meta = tmdk_node_get(view, "pod_metadata"), *labels = tmdk_node_get(meta, "labels");

	if (labels)
		return labels;
	if (meta)
		return meta;
	return tmdk_node_get(view, "pod_spec") ? tmdk_node_get(view, "pod_spec") : view;
}

static int write_workload(net_ctx *c, size_t i, tmdk_node *workloads, tmdk_node **selects)
{
	tmdk__model_builder *b = c->b;
	tmdk__arena *a = b->arena;
	const tmdk_node *view = b->docs[i].view, *at = workload_at(view);
	const tmdk_node *labels = tmdk_node_get(tmdk_node_get(view, "pod_metadata"), "labels");
	const char *ns = tmdk__k8s_namespace(a, view), *id = tmdk__k8s_component_id(a, view);
	tmdk_node *facts, *nf = tmdk__k8s_map(a, at), *names = tmdk__k8s_seq(a, at), *entry = tmdk__k8s_map(a, at);
	int in = 0, eg = 0, ns_in = 0, ns_eg = 0, deny_in = 0, deny_eg = 0;
	long ns_count = 0;
	size_t k;

	if (!ns || !id || !nf || !names || !entry)
		return TMDK_ENOMEM;
	for (k = first_of_ns(c, ns); k < c->pol_count && strcmp(c->pols[c->by_ns[k]].ns, ns) == 0; k++) {
		policy *p = &c->pols[c->by_ns[k]];

		ns_count++;
		ns_in |= p->ingress;
		ns_eg |= p->egress;
		deny_in |= p->deny_ingress;
		deny_eg |= p->deny_egress;
		p->ns_workloads++;
		if (!tmdk__label_selector_matches(p->selector, labels))
			continue;
		in |= p->ingress;
		eg |= p->egress;
		p->selected++;
		if (push(a, names, tmdk__k8s_string(a, p->name, at)) != TMDK_OK ||
		    push(a, selects[c->by_ns[k]], tmdk__k8s_string(a, id, c->pols[c->by_ns[k]].at)) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	if (!(facts = tmdk__model_facts(b, i, view)) ||
	    put(a, nf, "ingress_isolated", tmdk__k8s_bool(a, in, at)) != TMDK_OK ||
	    put(a, nf, "egress_isolated", tmdk__k8s_bool(a, eg, at)) != TMDK_OK ||
	    put(a, nf, "policies", names) != TMDK_OK ||
	    put(a, nf, "namespace", tmdk__k8s_string(a, ns, at)) != TMDK_OK ||
	    put(a, nf, "namespace_policies", tmdk__k8s_int(a, ns_count, at)) != TMDK_OK ||
	    put(a, nf, "namespace_has_ingress_policies", tmdk__k8s_bool(a, ns_in, at)) != TMDK_OK ||
	    put(a, nf, "namespace_has_egress_policies", tmdk__k8s_bool(a, ns_eg, at)) != TMDK_OK ||
	    put(a, nf, "namespace_default_deny_ingress", tmdk__k8s_bool(a, deny_in, at)) != TMDK_OK ||
	    put(a, nf, "namespace_default_deny_egress", tmdk__k8s_bool(a, deny_eg, at)) != TMDK_OK ||
	    put(a, facts, "network", nf) != TMDK_OK)
		return TMDK_ENOMEM;
	if (put(a, entry, "component", tmdk__k8s_string(a, id, at)) != TMDK_OK ||
	    put(a, entry, "ingress_isolated", tmdk__k8s_bool(a, in, at)) != TMDK_OK ||
	    put(a, entry, "egress_isolated", tmdk__k8s_bool(a, eg, at)) != TMDK_OK ||
	    put(a, entry, "policies", names) != TMDK_OK)
		return TMDK_ENOMEM;
	return push(a, workloads, entry);
}

/* ---- namespaces --------------------------------------------------------- */

typedef struct ns_entry {
	const char *name;
	size_t order;                /* first appearance in the set, for a stable sort */
	long doc;                    /* its Namespace document, or -1 */
} ns_entry;

static int cmp_ns(const void *pa, const void *pb)
{
	const ns_entry *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	return c ? c : (a->order < b->order ? -1 : a->order > b->order);
}

/* Every namespace named in the set (Namespace objects, workloads, policies), sorted, unique. */
static int collect_namespaces(net_ctx *c, ns_entry **out, size_t *count)
{
	tmdk__model_builder *b = c->b;
	size_t i, n = 0, cap = 0, u;

	*out = NULL;
	*count = 0;
	for (i = 0; i < b->doc_count; i++) {
		const tmdk_node *view = b->docs[i].view;
		int is_ns, oom = 0;
		ns_entry e;

		if (!tmdk__k8s_is_object(&b->docs[i]))
			continue;
		is_ns = tmdk__k8s_kind_is(view, "Namespace");
		if (!is_ns && !tmdk__k8s_is_workload(view) && !tmdk__k8s_kind_is(view, "NetworkPolicy"))
			continue;
		e.name = is_ns ? tmdk__k8s_text(b->arena, tmdk_node_get(view, "name"), &oom) :
			tmdk__k8s_namespace(b->arena, view);
		if (oom || (!is_ns && !e.name))
			return TMDK_ENOMEM;
		if (!e.name)
			continue;
		e.order = i;
		e.doc = is_ns ? (long)i : -1;
		if (TMDK__ARRAY_RESERVE(*out, n, cap, 8) != TMDK_OK)
			return TMDK_ENOMEM;
		(*out)[n++] = e;
	}
	if (n > 1)
		qsort(*out, n, sizeof(**out), cmp_ns);
	/* unique by name; keep the Namespace document when there is one */
	for (i = 0, u = 0; i < n; i++) {
		if (u && strcmp((*out)[u - 1].name, (*out)[i].name) == 0) {
			if ((*out)[u - 1].doc < 0)
				(*out)[u - 1].doc = (*out)[i].doc;
			continue;
		}
		(*out)[u++] = (*out)[i];
	}
	*count = u;
	return TMDK_OK;
}

static int write_namespaces(net_ctx *c, tmdk_node *namespaces)
{
	tmdk__arena *a = c->b->arena;
	ns_entry *all = NULL;
	size_t n = 0, i, k;
	int rc = collect_namespaces(c, &all, &n);

	for (i = 0; rc == TMDK_OK && i < n; i++) {
		const tmdk_node *at = all[i].doc >= 0 ? c->b->docs[all[i].doc].view : c->b->root;
		tmdk_node *entry = tmdk__k8s_map(a, at), *facts;
		int deny_in = 0, deny_eg = 0;
		long count = 0;

		for (k = first_of_ns(c, all[i].name); k < c->pol_count && strcmp(c->pols[c->by_ns[k]].ns, all[i].name) == 0; k++) {
			deny_in |= c->pols[c->by_ns[k]].deny_ingress;
			deny_eg |= c->pols[c->by_ns[k]].deny_egress;
			count++;
		}
		if (!entry || put(a, entry, "name", tmdk__k8s_string(a, all[i].name, at)) != TMDK_OK ||
		    put(a, entry, "default_deny_ingress", tmdk__k8s_bool(a, deny_in, at)) != TMDK_OK ||
		    put(a, entry, "default_deny_egress", tmdk__k8s_bool(a, deny_eg, at)) != TMDK_OK ||
		    put(a, entry, "policies", tmdk__k8s_int(a, count, at)) != TMDK_OK || push(a, namespaces, entry) != TMDK_OK) {
			rc = TMDK_ENOMEM;
			break;
		}
		/* a Namespace document's facts: the same entry */
		if (all[i].doc >= 0 && (!(facts = tmdk__model_facts(c->b, (size_t)all[i].doc, at)) ||
				put(a, facts, "network", entry) != TMDK_OK))
			rc = TMDK_ENOMEM;
	}
	tmdk__free(all);
	return rc;
}

/* ---- the part ----------------------------------------------------------- */

static int build(net_ctx *c)
{
	tmdk__model_builder *b = c->b;
	tmdk__arena *a = b->arena;
	tmdk_node *net = tmdk__k8s_map(a, b->root), *pols = tmdk__k8s_seq(a, b->root);
	tmdk_node *workloads = tmdk__k8s_seq(a, b->root), *namespaces = tmdk__k8s_seq(a, b->root);
	tmdk_node **selects, **facts_maps;
	size_t i;
	int rc = TMDK_OK;

	if (!net || !pols || !workloads || !namespaces)
		return TMDK_ENOMEM;
	for (i = 0; i < b->doc_count; i++)
		if (tmdk__k8s_is_object(&b->docs[i]) && tmdk__k8s_kind_is(b->docs[i].view, "NetworkPolicy") &&
		    collect_policy(c, i) != TMDK_OK)
			return TMDK_ENOMEM;
	if (!(c->by_ns = tmdk__calloc(c->pol_count + 1, sizeof(size_t))) ||
	    !(selects = tmdk__calloc(c->pol_count + 1, sizeof(*selects))))
		return TMDK_ENOMEM;
	if (!(facts_maps = tmdk__calloc(c->pol_count + 1, sizeof(*facts_maps)))) {
		tmdk__free(selects);
		return TMDK_ENOMEM;
	}
	for (i = 0; i < c->pol_count; i++) {
		c->by_ns[i] = i;
		if (!(selects[i] = tmdk__k8s_seq(a, c->pols[i].at)) || !(facts_maps[i] = tmdk__k8s_map(a, c->pols[i].at)))
			rc = TMDK_ENOMEM;
	}
	if (rc == TMDK_OK && c->pol_count > 1) {
		const policy **by_ns = tmdk__calloc(c->pol_count, sizeof(*by_ns));
		if (!by_ns)
			rc = TMDK_ENOMEM;
		for (i = 0; by_ns && i < c->pol_count; i++)
			by_ns[i] = &c->pols[i];
		if (by_ns)
			qsort((void *)by_ns, c->pol_count, sizeof(*by_ns), cmp_pol_ptr);
		for (i = 0; by_ns && i < c->pol_count; i++)
			c->by_ns[i] = (size_t)(by_ns[i] - c->pols);
		tmdk__free((void *)by_ns);
	}
	namespace_summaries(c);
	for (i = 0; rc == TMDK_OK && i < b->doc_count; i++)
		if (tmdk__k8s_is_object(&b->docs[i]) && tmdk__k8s_is_workload(b->docs[i].view))
			rc = write_workload(c, i, workloads, selects);
	if (rc == TMDK_OK)
		rc = labelled_others(c);
	for (i = 0; rc == TMDK_OK && i < c->pol_count; i++) {
		const policy *p = &c->pols[i];
		tmdk_node *entry = tmdk__k8s_map(a, b->docs[p->doc].view), *facts;

		if (!entry || write_policy(c, p, facts_maps[i], entry) != TMDK_OK ||
		    put(a, facts_maps[i], "selects", selects[i]) != TMDK_OK ||
		    put(a, facts_maps[i], "selects_nothing", tmdk__k8s_bool(a, p->selected == 0, p->at)) != TMDK_OK ||
		    put(a, facts_maps[i], "labelled_objects", tmdk__k8s_bool(a, p->labelled_others, p->at)) != TMDK_OK ||
		    put(a, facts_maps[i], "namespace", tmdk__k8s_string(a, p->ns, p->at)) != TMDK_OK ||
		    put(a, facts_maps[i], "namespace_workloads", tmdk__k8s_int(a, (long long)p->ns_workloads, p->at)) != TMDK_OK ||
		    put(a, facts_maps[i], "first_in_namespace", tmdk__k8s_bool(a, p->first, p->at)) != TMDK_OK ||
		    put(a, facts_maps[i], "namespace_default_deny_ingress", tmdk__k8s_bool(a, p->ns_deny_ingress, p->at)) != TMDK_OK ||
		    put(a, facts_maps[i], "namespace_default_deny_egress", tmdk__k8s_bool(a, p->ns_deny_egress, p->at)) != TMDK_OK ||
		    !(facts = tmdk__model_facts(b, p->doc, b->docs[p->doc].view)) ||
		    put(a, facts, "network", facts_maps[i]) != TMDK_OK || push(a, pols, entry) != TMDK_OK)
			rc = TMDK_ENOMEM;
	}
	tmdk__free(selects);
	tmdk__free(facts_maps);
	if (rc == TMDK_OK)
		rc = write_namespaces(c, namespaces);
	if (rc != TMDK_OK || put(a, net, "policies", pols) != TMDK_OK || put(a, net, "workloads", workloads) != TMDK_OK ||
	    put(a, net, "namespaces", namespaces) != TMDK_OK)
		return TMDK_ENOMEM;
	return tmdk__node_map_put(a, b->root, "network", net);
}

int tmdk__model_build_network(tmdk__model_builder *b)
{
	net_ctx c;
	int rc;

	memset(&c, 0, sizeof(c));
	c.b = b;
	rc = build(&c);
	tmdk__free(c.pols);
	tmdk__free(c.by_ns);
	if (rc != TMDK_OK)
		return tmdk__error_set(b->err, TMDK_ENOMEM, NULL, 0, 0, "out of memory building the network model");
	return TMDK_OK;
}
