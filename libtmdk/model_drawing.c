/*
 * What the diagram writers draw, independent of the syntax they draw it in:
 * the edges (exposures from the internet or other clients, crossings into
 * the host, rights over the control plane, flows between components), merged
 * when they share ends and kind so a model of 60 components stays readable,
 * and the label of each node. Large models (more components than
 * max_components) are drawn with one node per trust zone.
 */
#include "diagram_int.h"
#include "array.h"

#include <stdlib.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#define NONE ((size_t)-1)
/* More flows than this: only boundary-crossing flows keep their labels. */
#define LABELLED_FLOWS 40

int tmdk__drawing_severity(const tmdk__diagram_style *s, size_t comp)
{
	return s && s->severity ? s->severity[comp] : -1;
}

void tmdk__drawing_node(char *buf, const tmdk__diagram *d, int collapsed, size_t comp)
{
	if (!collapsed)
		snprintf(buf, 24, "c%zu", comp);
	else if (d->comps[comp].zone_index != NONE)
		snprintf(buf, 24, "z%zu", d->comps[comp].zone_index);
	else
		snprintf(buf, 24, "other");
}

static unsigned int width_of(const tmdk__diagram_style *s)
{
	return s && s->label_width ? s->label_width : 28;
}

void tmdk__drawing_label(char *buf, size_t size, const tmdk__diagram *d, const tmdk__diagram_style *s, size_t comp)
{
	const tmdk__dcomp *c = &d->comps[comp];
	char name[160], kind[160];
	const char *flag = c->internet_exposed ? "\ninternet-exposed" : c->exposed ? "\nexposed" : "";
	tmdk__diagram_clip(name, sizeof(name), c->name ? c->name : c->id, width_of(s));
	tmdk__diagram_clip(kind, sizeof(kind), c->workload_kind ? c->workload_kind : c->kind ? c->kind : "component",
		width_of(s));
	snprintf(buf, size, "%s\n%s%s", name, kind, flag);
}

static const char *severity_word(int s)
{
	static const char *const names[TMDK_SEVERITY_COUNT] = { "info", "low", "medium", "high", "critical" };
	return s >= 0 && s < TMDK_SEVERITY_COUNT ? names[s] : "none";
}

void tmdk__drawing_cluster_title(char *buf, size_t size, const tmdk__diagram *d, const tmdk__diagram_style *s, size_t zone)
{
	const tmdk__dzone *z = &d->zones[zone];
	char name[160];
	tmdk__diagram_clip(name, sizeof(name), z->name ? z->name : z->id, width_of(s) + 12);
	snprintf(buf, size, "%s %s", z->kind ? z->kind : "zone", name);
}

void tmdk__drawing_zone_label(char *buf, size_t size, const tmdk__diagram *d, const tmdk__diagram_style *s, size_t zone)
{
	size_t i, n = 0, exposed = 0;
	int worst = -1;
	char title[200];
	for (i = 0; i < d->comp_count; i++) {
		if (d->comps[i].zone_index != zone)
			continue;
		n++;
		exposed += d->comps[i].exposed != 0;
		if (tmdk__drawing_severity(s, i) > worst)
			worst = tmdk__drawing_severity(s, i);
	}
	if (zone == NONE)
		snprintf(title, sizeof(title), "other components");
	else
		tmdk__drawing_cluster_title(title, sizeof(title), d, s, zone);
	snprintf(buf, size, "%s\n%zu component%s, %zu exposed\nworst finding: %s", title, n, n == 1 ? "" : "s", exposed,
		severity_word(worst));
}

static int add_edge(tmdk__drawing *w, const char *from, const char *to, tmdk__edge_kind kind, const char *label)
{
	tmdk__dedge *e;
	if (strcmp(from, to) == 0)
		return TMDK_OK;
	if (TMDK__ARRAY_RESERVE(w->edges, w->edge_count, w->edge_cap, 32) != TMDK_OK)
		return TMDK_ENOMEM;
	e = &w->edges[w->edge_count];
	memset(e, 0, sizeof(*e));
	snprintf(e->from, sizeof(e->from), "%s", from);
	snprintf(e->to, sizeof(e->to), "%s", to);
	tmdk__diagram_clip(e->label, sizeof(e->label), label ? label : "", 30);
	e->kind = kind;
	e->order = w->edge_count++;
	return TMDK_OK;
}

static int by_ends(const void *pa, const void *pb)
{
	const tmdk__dedge *a = pa, *b = pb;
	int c = strcmp(a->from, b->from);
	if (!c)
		c = strcmp(a->to, b->to);
	if (!c && a->kind != b->kind)
		c = a->kind < b->kind ? -1 : 1;
	if (!c && a->order != b->order)
		c = a->order < b->order ? -1 : 1;
	return c;
}

static int by_order(const void *pa, const void *pb)
{
	const tmdk__dedge *a = pa, *b = pb;
	return a->order < b->order ? -1 : a->order > b->order;
}

/* One edge per (from, to, kind): the first label, "+N" for the others (distinct ones only). */
static void merge(tmdk__drawing *w)
{
	size_t i, n = 0;
	if (!w->edge_count)
		return;
	qsort(w->edges, w->edge_count, sizeof(*w->edges), by_ends);
	for (i = 0; i < w->edge_count; i++) {
		tmdk__dedge *prev = n ? &w->edges[n - 1] : NULL, *e = &w->edges[i];
		if (prev && strcmp(prev->from, e->from) == 0 && strcmp(prev->to, e->to) == 0 && prev->kind == e->kind) {
			if (strcmp(prev->label, e->label) != 0 && *e->label)
				prev->merged++;
			continue;
		}
		w->edges[n++] = *e;
	}
	w->edge_count = n;
	qsort(w->edges, w->edge_count, sizeof(*w->edges), by_order);
	for (i = 0; i < w->edge_count; i++) {
		tmdk__dedge *e = &w->edges[i];
		if (e->merged) {
			size_t len = strlen(e->label);
			snprintf(e->label + len, sizeof(e->label) - len, "%s+%zu", len ? ", " : "", e->merged);
		}
	}
}

static int exposures(tmdk__drawing *w, const tmdk__diagram *d)
{
	size_t i;
	for (i = 0; i < d->exposure_count; i++) {
		const tmdk__dexposure *x = &d->exposures[i];
		char node[24], label[160];
		tmdk__drawing_node(node, d, w->collapsed, x->component);
		snprintf(label, sizeof(label), "%s%s%s", x->kind ? x->kind : "exposed", x->port ? " :" : "",
			x->port ? x->port : "");
		if (add_edge(w, x->internet ? "internet" : "outside", node, x->internet ? TMDK__EDGE_INTERNET
			: TMDK__EDGE_EXPOSED, label) != TMDK_OK)
			return TMDK_ENOMEM;
		if (x->internet)
			w->uses_internet = 1;
		else
			w->uses_outside = 1;
	}
	return TMDK_OK;
}

static int crossings(tmdk__drawing *w, const tmdk__diagram *d)
{
	size_t i;
	for (i = 0; i < d->comp_count; i++) {
		const tmdk__dcomp *c = &d->comps[i];
		char node[24], label[160];
		tmdk__drawing_node(node, d, w->collapsed, i);
		if (c->host) {
			if (add_edge(w, node, "host", TMDK__EDGE_HOST, c->host) != TMDK_OK)
				return TMDK_ENOMEM;
			w->uses_host = 1;
		}
		if (c->rbac) {
			snprintf(label, sizeof(label), "RBAC: %s", c->rbac);
			if (add_edge(w, node, "api", TMDK__EDGE_RBAC, label) != TMDK_OK)
				return TMDK_ENOMEM;
			w->uses_api = 1;
		}
	}
	return TMDK_OK;
}

static int flows(tmdk__drawing *w, const tmdk__diagram *d)
{
	size_t i;
	int labelled = d->flow_count <= LABELLED_FLOWS;
	for (i = 0; i < d->flow_count; i++) {
		const tmdk__dflow *f = &d->flows[i];
		char from[24], to[24], label[160];
		tmdk__drawing_node(from, d, w->collapsed, f->from);
		tmdk__drawing_node(to, d, w->collapsed, f->to);
		label[0] = '\0';
		if (labelled || f->crosses)
			snprintf(label, sizeof(label), "%s%s%s", f->kind ? f->kind : "", f->port ? " :" : "", f->port ? f->port : "");
		if (add_edge(w, from, to, f->crosses ? TMDK__EDGE_CROSSING : TMDK__EDGE_FLOW, label) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	return TMDK_OK;
}

int tmdk__drawing_build(tmdk__drawing *w, const tmdk__diagram *d, const tmdk__diagram_style *s)
{
	memset(w, 0, sizeof(*w));
	w->collapsed = tmdk__diagram_collapsed(d, s);
	if (exposures(w, d) != TMDK_OK || crossings(w, d) != TMDK_OK || flows(w, d) != TMDK_OK) {
		tmdk__drawing_free(w);
		return TMDK_ENOMEM;
	}
	merge(w);
	return TMDK_OK;
}

void tmdk__drawing_free(tmdk__drawing *w)
{
	tmdk__free(w->edges);
	memset(w, 0, sizeof(*w));
}
