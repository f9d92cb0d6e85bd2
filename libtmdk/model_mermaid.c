/*
 * The system model as a Mermaid flowchart (GitHub renders it in Markdown):
 * the same drawing as the DOT writer (model_drawing.c), trust zones as
 * subgraphs, components coloured by their worst finding with classDef, and
 * edges styled by kind with linkStyle. Labels are clipped and every
 * character that Mermaid or Markdown could read as markup is written as an
 * entity code, so scanned text cannot end a label, a link or the fence.
 */
#include "diagram_int.h"
#include "report_int.h"

#include <string.h>

#define NONE ((size_t)-1)

/* A quoted Mermaid label: '\n' becomes <br/>, markup characters entity codes. */
static void label(tmdk__out *o, const char *s)
{
	tmdk__out_str(o, "\"");
	for (; s && *s; s++) {
		switch (*s) {
		case '"': tmdk__out_str(o, "#quot;"); break;
		case '#': tmdk__out_str(o, "#35;"); break;
		case '&': tmdk__out_str(o, "#amp;"); break;
		case '<': tmdk__out_str(o, "#lt;"); break;
		case '>': tmdk__out_str(o, "#gt;"); break;
		case '`': tmdk__out_str(o, "#96;"); break;
		case '|': tmdk__out_str(o, "#124;"); break;
		case '\n': tmdk__out_str(o, "<br/>"); break;
		default: tmdk__out_mem(o, s, 1);
		}
	}
	tmdk__out_str(o, "\"");
}

static void node(tmdk__out *o, const char *indent, const char *name, const char *open, const char *text,
	const char *close)
{
	tmdk__out_printf(o, "%s%s%s", indent, name, open);
	label(o, text);
	tmdk__out_printf(o, "%s\n", close);
}

static void component(tmdk__out *o, const tmdk__diagram *d, const tmdk__diagram_style *s, const char *indent, size_t i)
{
	char name[24], text[512];
	snprintf(name, sizeof(name), "c%zu", i);
	tmdk__drawing_label(text, sizeof(text), d, s, i);
	node(o, indent, name, "[", text, "]");
}

static void zone(tmdk__out *o, const tmdk__diagram *d, const tmdk__diagram_style *s, int collapsed, size_t z,
	const char *indent)
{
	char title[256], text[512], name[24];
	size_t i;
	snprintf(name, sizeof(name), "z%zu", z);
	if (collapsed) {
		tmdk__drawing_zone_label(text, sizeof(text), d, s, z);
		node(o, indent, name, "[[", text, "]]");
		return;
	}
	tmdk__drawing_cluster_title(title, sizeof(title), d, s, z);
	tmdk__out_printf(o, "%ssubgraph %s[", indent, name);
	label(o, title);
	tmdk__out_str(o, "]\n");
	for (i = 0; i < d->comp_count; i++)
		if (d->comps[i].zone_index == z)
			component(o, d, s, strlen(indent) > 2 ? "      " : "    ", i);
	tmdk__out_printf(o, "%send\n", indent);
}

static int is_namespace(const tmdk__dzone *z)
{
	return z->kind && strcmp(z->kind, "namespace") == 0;
}

static void nodes(tmdk__out *o, const tmdk__diagram *d, const tmdk__diagram_style *s, const tmdk__drawing *w)
{
	size_t i, others = 0;
	int k8s = d->has_kubernetes || w->uses_api;
	if (w->uses_internet)
		tmdk__out_str(o, "  internet((\"Internet\"))\n");
	if (w->uses_outside)
		tmdk__out_str(o, "  outside((\"Other clients<br/>(host, node or LAN)\"))\n");
	if (k8s) {
		tmdk__out_str(o, "  subgraph kubernetes[\"Kubernetes cluster\"]\n");
		if (w->uses_api)
			tmdk__out_str(o, "    api[[\"Control plane<br/>(API server, etcd)\"]]\n");
		for (i = 0; i < d->zone_count; i++)
			if (is_namespace(&d->zones[i]) && d->zones[i].members)
				zone(o, d, s, w->collapsed, i, "    ");
		tmdk__out_str(o, "  end\n");
	}
	for (i = 0; i < d->zone_count; i++)
		if ((!k8s || !is_namespace(&d->zones[i])) && d->zones[i].members)
			zone(o, d, s, w->collapsed, i, "  ");
	for (i = 0; i < d->comp_count; i++) {
		if (d->comps[i].zone_index != NONE)
			continue;
		others++;
		if (!w->collapsed)
			component(o, d, s, "  ", i);
	}
	if (w->collapsed && others) {
		char text[512];
		tmdk__drawing_zone_label(text, sizeof(text), d, s, NONE);
		node(o, "  ", "other", "[[", text, "]]");
	}
	if (w->uses_host)
		tmdk__out_str(o, "  host{{\"Host / node<br/>(kernel, container runtime)\"}}\n");
	if (!d->comp_count)
		tmdk__out_str(o, "  empty[\"No component found\"]\n");
}

static const char *const arrows[] = { "-->", "==>", "==>", "==>", "-.->", "-.->" };
static const char *const link_styles[] = {
	"stroke:#6b7280",
	"stroke:#ea580c,stroke-width:2px",
	"stroke:#b91c1c,stroke-width:3px",
	"stroke:#d97706,stroke-width:2px",
	"stroke:#b91c1c,stroke-width:2px",
	"stroke:#7c3aed"
};

static void edges(tmdk__out *o, const tmdk__drawing *w)
{
	size_t i;
	int k;
	for (i = 0; i < w->edge_count; i++) {
		const tmdk__dedge *e = &w->edges[i];
		tmdk__out_printf(o, "  %s %s", e->from, arrows[e->kind]);
		if (*e->label) {
			tmdk__out_str(o, "|");
			label(o, e->label);
			tmdk__out_str(o, "|");
		}
		tmdk__out_printf(o, " %s\n", e->to);
	}
	for (k = TMDK__EDGE_FLOW; k <= TMDK__EDGE_RBAC; k++) {
		int first = 1;
		for (i = 0; i < w->edge_count; i++) {
			if (w->edges[i].kind != (tmdk__edge_kind)k)
				continue;
			tmdk__out_printf(o, "%s%zu", first ? "  linkStyle " : ",", i);
			first = 0;
		}
		if (!first)
			tmdk__out_printf(o, " %s\n", link_styles[k]);
	}
}

/* classDef per severity, then `class` lines naming the nodes of each. */
static void classes(tmdk__out *o, const tmdk__diagram *d, const tmdk__diagram_style *s, const tmdk__drawing *w)
{
	int sev;
	size_t i;
	for (sev = -1; sev < TMDK_SEVERITY_COUNT; sev++)
		tmdk__out_printf(o, "  classDef sev%d fill:%s,stroke:%s,stroke-width:2px,color:#111827\n", sev + 1,
			tmdk__diagram_fill(sev), tmdk__diagram_stroke(sev));
	for (sev = -1; sev < TMDK_SEVERITY_COUNT; sev++) {
		int first = 1;
		if (!w->collapsed) {
			for (i = 0; i < d->comp_count; i++) {
				if (tmdk__drawing_severity(s, i) != sev)
					continue;
				tmdk__out_printf(o, "%sc%zu", first ? "  class " : ",", i);
				first = 0;
			}
		} else {
			for (i = 0; i < d->zone_count; i++) {
				if (!d->zones[i].members || tmdk__diagram_zone_severity(d, s, i) != sev)
					continue;
				tmdk__out_printf(o, "%sz%zu", first ? "  class " : ",", i);
				first = 0;
			}
		}
		if (!first)
			tmdk__out_printf(o, " sev%d\n", sev + 1);
	}
	if (w->uses_internet)
		tmdk__out_str(o, "  style internet fill:#fee2e2,stroke:#b91c1c\n");
	if (w->uses_host)
		tmdk__out_str(o, "  style host fill:#fee2e2,stroke:#7f1d1d\n");
	if (w->uses_api)
		tmdk__out_str(o, "  style api fill:#ede9fe,stroke:#7c3aed\n");
}

int tmdk__diagram_write_mermaid(const tmdk__diagram *d, const tmdk__diagram_style *s, tmdk__out *o)
{
	tmdk__drawing w;
	if (tmdk__drawing_build(&w, d, s) != TMDK_OK)
		return TMDK_ENOMEM;
	tmdk__out_str(o, "flowchart LR\n");
	nodes(o, d, s, &w);
	edges(o, &w);
	classes(o, d, s, &w);
	tmdk__drawing_free(&w);
	return TMDK_OK;
}
