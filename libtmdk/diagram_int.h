/*
 * libtmdk — private to the diagram writers: a compact copy of what a
 * picture of the system model needs (components, trust zones, exposures,
 * flows), taken from any tree shaped as docs/model.md describes ($model).
 * Keys that are missing or of the wrong type are tolerated: an item without
 * an id is skipped, a missing flag is false. The copy owns its strings, so a
 * report can keep it after the artifacts (and the model) are freed.
 */
#ifndef TMDK_DIAGRAM_INT_H
#define TMDK_DIAGRAM_INT_H

#include "internal.h"
#include "tmdk/model.h"

typedef struct tmdk__dcomp {
	const char *id, *name, *kind, *workload_kind, *namespace, *file;
	const char *zone;              /* the zone drawn around it, or NULL */
	unsigned int line;
	int exposed, internet_exposed, privileged;
	const char *host;              /* "docker-socket, host-path" or NULL: edges into the host */
	const char *rbac;              /* "read_secrets, exec_pods" or NULL: what its identity can do to the cluster */
	size_t zone_index;             /* into zones, or (size_t)-1 */
	const char **dockerfiles;      /* the Dockerfiles its images are built from */
	size_t dockerfile_count;
} tmdk__dcomp;

typedef struct tmdk__dzone {
	const char *id, *kind, *name;
	size_t members;                /* components drawn inside */
} tmdk__dzone;

typedef struct tmdk__dexposure {
	size_t component;              /* index into comps */
	const char *kind, *port, *host;
	int internet;
} tmdk__dexposure;

typedef struct tmdk__dflow {
	size_t from, to;               /* indexes into comps */
	const char *kind, *port;
	int crosses;
} tmdk__dflow;

typedef struct tmdk__diagram {
	tmdk__arena arena;             /* every string and array below */
	tmdk__dcomp *comps;
	size_t comp_count, comp_cap;
	tmdk__dzone *zones;
	size_t zone_count, zone_cap;
	tmdk__dexposure *exposures;
	size_t exposure_count, exposure_cap;
	tmdk__dflow *flows;
	size_t flow_count, flow_cap;
	int has_kubernetes;            /* a component or zone of a cluster: draw the control plane */
} tmdk__diagram;

/** A copy of the picture's parts of `model` (a $model map; NULL gives an empty diagram). NULL: out of memory. */
tmdk__diagram *tmdk__diagram_new(const tmdk_node *model);
void tmdk__diagram_free(tmdk__diagram *d);
/** The index of the component `id`, or (size_t)-1. */
size_t tmdk__diagram_find(const tmdk__diagram *d, const char *id);

/* The worst severity of each component (-1: no finding), by index into comps; NULL: none known. */
typedef struct tmdk__diagram_style {
	const int *severity;
	unsigned int max_components;   /* beyond: one node per zone */
	unsigned int label_width;      /* characters of a label line */
} tmdk__diagram_style;

struct tmdk__out;
int tmdk__diagram_write_dot(const tmdk__diagram *d, const tmdk__diagram_style *s, struct tmdk__out *o);
int tmdk__diagram_write_mermaid(const tmdk__diagram *d, const tmdk__diagram_style *s, struct tmdk__out *o);
/** The library model_svg.c loads (dlopen) for Graphviz, by soname; tests
 *  name one that is not there before the first picture. NULL in a build
 *  without Graphviz. */
extern const char *tmdk__gvc_library;

/**
 * The DOT of the diagram laid out by Graphviz's library as an SVG element
 * (the XML prologue removed), into *out (heap). TMDK_ENOTFOUND when libtmdk
 * was built without Graphviz.
 */
int tmdk__diagram_svg(char **out, size_t *len, const tmdk__diagram *d, const tmdk__diagram_style *s);

/* Shared by the writers (model_diagram.c). */
/** Whether the diagram is drawn with one node per zone (too many components). */
int tmdk__diagram_collapsed(const tmdk__diagram *d, const tmdk__diagram_style *s);
/** Label text cut to `width` characters (UTF-8 aware) with "…", control characters as spaces; into buf. */
void tmdk__diagram_clip(char *buf, size_t size, const char *text, unsigned int width);
/** Fill / stroke colours of a severity (-1: no finding). */
const char *tmdk__diagram_fill(int severity);
const char *tmdk__diagram_stroke(int severity);
/** The worst severity in a zone (collapsed drawing), -1 when none. */
int tmdk__diagram_zone_severity(const tmdk__diagram *d, const tmdk__diagram_style *s, size_t zone);
/** Whether a zone kind is drawn as a cluster (namespace, compose network or project). */
int tmdk__diagram_zone_is_cluster(const char *kind);

/*
 * The drawing, as the writers render it: nodes are named "c<i>" (component
 * i), "z<i>" (zone i, collapsed), "other" (components in no zone, collapsed),
 * "internet", "outside" (clients that are not the internet), "host" (the
 * node the containers run on) and "api" (the cluster's control plane).
 * Edges of the same ends and kind are merged (their labels "a, +2").
 */
typedef enum tmdk__edge_kind {
	TMDK__EDGE_FLOW = 0,           /* may talk to (inside a boundary) */
	TMDK__EDGE_CROSSING = 1,       /* a flow crossing a trust boundary */
	TMDK__EDGE_INTERNET = 2,       /* exposure to the internet */
	TMDK__EDGE_EXPOSED = 3,        /* exposure to other clients (host port, NodePort…) */
	TMDK__EDGE_HOST = 4,           /* crosses into the host: privileged, host namespaces, hostPath, docker.sock */
	TMDK__EDGE_RBAC = 5            /* rights over the control plane */
} tmdk__edge_kind;

typedef struct tmdk__dedge {
	char from[24], to[24];
	char label[96];
	tmdk__edge_kind kind;
	size_t merged;                 /* other edges merged into this one */
	size_t order;
} tmdk__dedge;

typedef struct tmdk__drawing {
	tmdk__dedge *edges;
	size_t edge_count, edge_cap;
	int collapsed;
	int uses_internet, uses_outside, uses_host, uses_api;
} tmdk__drawing;

/** The edges to draw; TMDK_OK or TMDK_ENOMEM. Free with tmdk__drawing_free. */
int tmdk__drawing_build(tmdk__drawing *out, const tmdk__diagram *d, const tmdk__diagram_style *s);
void tmdk__drawing_free(tmdk__drawing *w);
/** The node name of component i ("c3", or its zone's "z1" / "other" when collapsed), into buf[24]. */
void tmdk__drawing_node(char *buf, const tmdk__diagram *d, int collapsed, size_t comp);
/** The label lines of component i (name; kind; flags), into buf, lines separated by '\n'. */
void tmdk__drawing_label(char *buf, size_t size, const tmdk__diagram *d, const tmdk__diagram_style *s, size_t comp);
/** The label lines of a collapsed zone (NONE: the components in no zone). */
void tmdk__drawing_zone_label(char *buf, size_t size, const tmdk__diagram *d, const tmdk__diagram_style *s, size_t zone);
/** The title of a cluster ("namespace default"). */
void tmdk__drawing_cluster_title(char *buf, size_t size, const tmdk__diagram *d, const tmdk__diagram_style *s, size_t zone);
/** The worst severity of component i (-1: none). */
int tmdk__drawing_severity(const tmdk__diagram_style *s, size_t comp);

#endif
