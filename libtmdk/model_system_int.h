/*
 * libtmdk — private to the system part of the model (model_system*.c,
 * model_components.c, model_exposure.c, model_data.c, model_flows.c,
 * model_zones.c): the components found in the set and what the later steps
 * add to them. model_system.c runs the steps in order:
 *
 *   components → images → users → services → exposures → data → zones → flows
 *   → emit ($model keys, facts)
 *
 * Every node goes into the model's arena; a component's nodes are positioned
 * inside the document it comes from (facts rule, model-infra).
 */
#ifndef TMDK_MODEL_SYSTEM_INT_H
#define TMDK_MODEL_SYSTEM_INT_H

#include "model_int.h"

typedef enum tmdk__comp_kind {
	TMDK__COMP_WORKLOAD = 0,
	TMDK__COMP_STATIC_POD = 1,
	TMDK__COMP_COMPOSE = 2
} tmdk__comp_kind;

typedef struct tmdk__comp {
	size_t doc;                  /* index in b->docs */
	tmdk__comp_kind kind;
	const tmdk_node *anchor;     /* where its facts sit: the kind scalar, the service key */
	const char *id;              /* arena */
	const char *name;
	const char *ns;              /* Kubernetes namespace ("" when unset), NULL for compose */
	const char *file;            /* the artifact's name (compose: the project's main file) */
	/* Kubernetes */
	const tmdk_node *view;
	const tmdk_node *pod_spec;
	const tmdk_node *pod_labels;
	/* compose */
	const tmdk_node *service;    /* the service's view map */
	const char *project;         /* project name (top-level `name`, else the folder) */
	size_t compose_index;        /* index of its compose file among the compose files */
	/* computed */
	int privileged;
	int internet_exposed, exposed;
	const char *zone;            /* zone id */
	tmdk_node *node;             /* the COMPONENT map */
	tmdk_node *images;           /* seq of image maps */
	tmdk_node *exposures, *networks, *data; /* seqs of ids */
	tmdk_node *can;              /* CAN (from rbac facts) or NULL */
	int can_read_secrets;
} tmdk__comp;

typedef struct tmdk__sys {
	tmdk__model_builder *b;
	tmdk__comp *comps;
	size_t comp_count, comp_cap;
	size_t *by_ns;               /* Kubernetes components sorted by (namespace, set order) */
	size_t by_ns_count;
	tmdk_node *exposures, *zones, *data, *flows; /* the $model sequences */
	size_t *sa_docs;             /* the ServiceAccount documents, set order */
	size_t sa_count, sa_cap;
	struct tmdk__sys_link {      /* an image of a component built by a Dockerfile of the set */
		size_t comp;
		const char *ref;
		const tmdk_node *stage;  /* the Dockerfile stage that makes the image */
	} *links;
	size_t link_count, link_cap;
	struct tmdk__sys_svc {       /* a Kubernetes Service and the components it selects */
		size_t doc;
		const char *ns, *name, *id;
		const tmdk_node *spec;
		size_t *sel;             /* component indexes, heap */
		size_t sel_count;
	} *svcs;
	size_t svc_count, svc_cap;
	size_t *by_id;               /* component indexes sorted by id (tmdk__sys_find) */
	const char **flow_keys;      /* hash set of "from to kind port" (tmdk__sys_flow dedup) */
	size_t flow_key_count, flow_key_cap;
	int any_internet, any_host, any_control_plane;
} tmdk__sys;

/* ---- helpers (model_system.c) ---- */
/** A string node copying text, at `at`'s position and origin (at may be NULL: 0:0). */
tmdk_node *tmdk__sys_str(tmdk__sys *s, const char *text, const tmdk_node *at);
tmdk_node *tmdk__sys_bool(tmdk__sys *s, int v, const tmdk_node *at);
tmdk_node *tmdk__sys_int(tmdk__sys *s, long long v, const tmdk_node *at);
tmdk_node *tmdk__sys_null(tmdk__sys *s, const tmdk_node *at);
tmdk_node *tmdk__sys_map(tmdk__sys *s, const tmdk_node *at);
tmdk_node *tmdk__sys_seq(tmdk__sys *s, const tmdk_node *at);
/** Put key → value in map; value NULL is ENOMEM. @return TMDK_OK or TMDK_ENOMEM. */
int tmdk__sys_put(tmdk__sys *s, tmdk_node *map, const char *key, tmdk_node *value);
int tmdk__sys_put_str(tmdk__sys *s, tmdk_node *map, const char *key, const char *text, const tmdk_node *at);
/** Push a string to a sequence unless an equal one is there. */
int tmdk__sys_push_unique(tmdk__sys *s, tmdk_node *seq, const char *text, const tmdk_node *at);
/** The text of a scalar (NUL-terminated) or NULL for anything else. */
const char *tmdk__sys_text(const tmdk_node *n);
/** 1 when n is a true bool scalar (true/True/TRUE). */
int tmdk__sys_true(const tmdk_node *n);
/** The Kubernetes components of namespace ns: *first index into s->by_ns, count. */
size_t tmdk__sys_ns_range(const tmdk__sys *s, const char *ns, size_t *first);
/** The Dockerfile stage that builds image `ref` of component `comp`, or NULL. */
const tmdk_node *tmdk__sys_image_stage(const tmdk__sys *s, size_t comp, const char *ref);
/** The component whose id is `id`, or NULL. */
tmdk__comp *tmdk__sys_find(tmdk__sys *s, const char *id);
/** Label selector: matchLabels/matchExpressions (a policy's podSelector), or a
 *  plain map (a Service's selector: `plain`). An empty selector matches all
 *  when !plain, nothing when plain (a Service without selector selects no pod). */
int tmdk__sys_selects(const tmdk_node *selector, const tmdk_node *labels, int plain);
/** Normalize a relative or absolute path lexically ("a/./b/../c" → "a/c"). Arena copy. */
char *tmdk__sys_path_join(tmdk__sys *s, const char *dir, const char *rel);
/** The folder of a path ("" for a bare name). Arena copy. */
char *tmdk__sys_dirname(tmdk__sys *s, const char *path);

/** The Service named so in namespace ns (s->svcs), or NULL. */
const struct tmdk__sys_svc *tmdk__sys_service(const tmdk__sys *s, const char *ns, const char *name);
/** Append a flow {from, to, kind, port (may be NULL), crosses_boundary} (model_flows.c);
 *  the same (from, to, kind, port) twice is one flow. */
int tmdk__sys_flow(tmdk__sys *s, const char *from, const char *to, const char *kind, const tmdk_node *port,
	const tmdk_node *at);

/** model_component_of.c: the id of the component a finding at `at` of the
 *  document (view, its facts) concerns, or NULL (tmdk_finding_component). */
const char *tmdk__model_component_of(const tmdk_node *facts, const tmdk_node *view, const tmdk_node *at);

/* ---- the steps ---- */
int tmdk__sys_components(tmdk__sys *s);   /* model_components.c (+ model_images.c, model_user.c) */
int tmdk__sys_images(tmdk__sys *s);       /* model_images.c: images, Dockerfile links, deployed_as */
int tmdk__sys_users(tmdk__sys *s);        /* model_user.c: runtime user of each component */
int tmdk__sys_services(tmdk__sys *s);     /* model_services.c: Services → selected components */
int tmdk__sys_exposures(tmdk__sys *s);    /* model_exposure.c */
int tmdk__sys_data(tmdk__sys *s);         /* model_data.c */
int tmdk__sys_flows(tmdk__sys *s);        /* model_flows.c */
int tmdk__sys_zones(tmdk__sys *s);        /* model_zones.c */

#endif
