/*
 * The system model as a Graphviz DOT graph: components coloured by their
 * worst finding, trust zones (namespaces inside the Kubernetes cluster,
 * compose networks and projects) as clusters, the internet, other clients,
 * the host and the control plane as nodes of their own, and the edges of
 * model_drawing.c styled by kind (exposures bold, crossings into the host
 * dashed red, control-plane rights dashed purple, boundary-crossing flows
 * orange). Every text comes from scanned files: it is clipped and escaped.
 */
#include "diagram_int.h"
#include "report_int.h"

#include <string.h>

#define NONE ((size_t)-1)

/* A DOT double-quoted string; '\n' in text becomes a centred line break. */
static void dot_string(tmdk__out *o, const char *s)
{
	tmdk__out_str(o, "\"");
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\') {
			char esc[2] = { '\\', *s };
			tmdk__out_mem(o, esc, 2);
		} else if (*s == '\n') {
			tmdk__out_str(o, "\\n");
		} else {
			tmdk__out_mem(o, s, 1);
		}
	}
	tmdk__out_str(o, "\"");
}

static void node_line(tmdk__out *o, const char *indent, const char *name, const char *label, int severity,
	const char *extra)
{
	tmdk__out_printf(o, "%s%s [label=", indent, name);
	dot_string(o, label);
	tmdk__out_printf(o, ", fillcolor=\"%s\", color=\"%s\"%s];\n", tmdk__diagram_fill(severity),
		tmdk__diagram_stroke(severity), extra ? extra : "");
}

static void component(tmdk__out *o, const tmdk__diagram *d, const tmdk__diagram_style *s, const char *indent, size_t i)
{
	char name[24], label[512];
	snprintf(name, sizeof(name), "c%zu", i);
	tmdk__drawing_label(label, sizeof(label), d, s, i);
	node_line(o, indent, name, label, tmdk__drawing_severity(s, i),
		d->comps[i].internet_exposed ? ", peripheries=2, penwidth=2" : d->comps[i].exposed ? ", penwidth=2" : "");
}

/* A zone: its components (or its one collapsed node) inside a cluster. */
static void cluster(tmdk__out *o, const tmdk__diagram *d, const tmdk__diagram_style *s, int collapsed, size_t z,
	const char *indent)
{
	char title[256], label[512], name[24];
	size_t i;
	if (collapsed) {
		snprintf(name, sizeof(name), "z%zu", z);
		tmdk__drawing_zone_label(label, sizeof(label), d, s, z);
		node_line(o, indent, name, label, tmdk__diagram_zone_severity(d, s, z), ", shape=box3d");
		return;
	}
	tmdk__drawing_cluster_title(title, sizeof(title), d, s, z);
	tmdk__out_printf(o, "%ssubgraph cluster_z%zu {\n%s\tlabel=", indent, z, indent);
	dot_string(o, title);
	tmdk__out_printf(o, "; style=\"rounded,dashed\"; color=\"#64748b\"; fontcolor=\"#334155\";\n");
	for (i = 0; i < d->comp_count; i++)
		if (d->comps[i].zone_index == z)
			component(o, d, s, strlen(indent) > 1 ? "\t\t\t" : "\t\t", i);
	tmdk__out_printf(o, "%s}\n", indent);
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
		tmdk__out_str(o, "\tinternet [label=\"Internet\", shape=ellipse, fillcolor=\"#fee2e2\", color=\"#b91c1c\"];\n");
	if (w->uses_outside)
		tmdk__out_str(o, "\toutside [label=\"Other clients\\n(host, node or LAN)\", shape=ellipse, "
			"fillcolor=\"#fef3c7\", color=\"#d97706\"];\n");
	if (k8s) {
		tmdk__out_str(o, "\tsubgraph cluster_kubernetes {\n\t\tlabel=\"Kubernetes cluster\"; style=\"rounded\"; "
			"color=\"#1d4ed8\"; fontcolor=\"#1d4ed8\";\n");
		if (w->uses_api)
			tmdk__out_str(o, "\t\tapi [label=\"Control plane\\n(API server, etcd)\", shape=component, "
				"fillcolor=\"#ede9fe\", color=\"#7c3aed\"];\n");
		for (i = 0; i < d->zone_count; i++)
			if (is_namespace(&d->zones[i]) && d->zones[i].members)
				cluster(o, d, s, w->collapsed, i, "\t\t");
		tmdk__out_str(o, "\t}\n");
	}
	for (i = 0; i < d->zone_count; i++)
		if ((!k8s || !is_namespace(&d->zones[i])) && d->zones[i].members)
			cluster(o, d, s, w->collapsed, i, "\t");
	for (i = 0; i < d->comp_count; i++) {
		if (d->comps[i].zone_index != NONE)
			continue;
		others++;
		if (!w->collapsed)
			component(o, d, s, "\t", i);
	}
	if (w->collapsed && others) {
		char label[512];
		int worst = -1;
		for (i = 0; i < d->comp_count; i++)
			if (d->comps[i].zone_index == NONE && tmdk__drawing_severity(s, i) > worst)
				worst = tmdk__drawing_severity(s, i);
		tmdk__drawing_zone_label(label, sizeof(label), d, s, NONE);
		node_line(o, "\t", "other", label, worst, ", shape=box3d");
	}
	if (w->uses_host)
		tmdk__out_str(o, "\thost [label=\"Host / node\\n(kernel, container runtime)\", shape=box3d, "
			"fillcolor=\"#fee2e2\", color=\"#7f1d1d\"];\n");
}

static const char *const edge_styles[] = {
	"color=\"#6b7280\"",
	"color=\"#ea580c\", style=bold",
	"color=\"#b91c1c\", style=bold, penwidth=2.5",
	"color=\"#d97706\", style=bold, penwidth=1.8",
	"color=\"#b91c1c\", style=dashed, penwidth=2",
	"color=\"#7c3aed\", style=dashed"
};

static void edges(tmdk__out *o, const tmdk__drawing *w)
{
	size_t i;
	for (i = 0; i < w->edge_count; i++) {
		const tmdk__dedge *e = &w->edges[i];
		tmdk__out_printf(o, "\t%s -> %s [%s", e->from, e->to, edge_styles[e->kind]);
		if (*e->label) {
			tmdk__out_str(o, ", label=");
			dot_string(o, e->label);
		}
		tmdk__out_str(o, "];\n");
	}
}

int tmdk__diagram_write_dot(const tmdk__diagram *d, const tmdk__diagram_style *s, tmdk__out *o)
{
	tmdk__drawing w;
	if (tmdk__drawing_build(&w, d, s) != TMDK_OK)
		return TMDK_ENOMEM;
	tmdk__out_str(o, "digraph model {\n"
		"\t/* Fill: worst finding (red critical, orange high, amber medium, blue low, grey info, green none).\n"
		"\t   Bold red: exposed to the internet; bold amber: to other clients; dashed red: crosses into the host;\n"
		"\t   dashed purple: rights over the control plane; orange: a flow across a trust boundary. */\n"
		"\tgraph [rankdir=LR, fontname=\"Helvetica\", fontsize=11, nodesep=0.3, ranksep=0.7, newrank=true];\n"
		"\tnode [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", fontsize=10, margin=\"0.12,0.06\"];\n"
		"\tedge [fontname=\"Helvetica\", fontsize=9, arrowsize=0.7];\n");
	/* Many components: merge parallel edges so the picture stays readable. */
	if (d->comp_count > 15)
		tmdk__out_str(o, "\tgraph [concentrate=true];\n");
	if (!d->comp_count)
		tmdk__out_str(o, "\tempty [label=\"No component found\", shape=plaintext, style=\"\"];\n");
	nodes(o, d, s, &w);
	edges(o, &w);
	tmdk__out_str(o, "}\n");
	tmdk__drawing_free(&w);
	return TMDK_OK;
}
