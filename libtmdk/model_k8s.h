/*
 * libtmdk — private helpers the model's Kubernetes parts share (rbac,
 * network, system): the text of view fields, the namespace an object lands
 * in, a workload's component id and the file a node was written in.
 */
#ifndef TMDK_MODEL_K8S_H
#define TMDK_MODEL_K8S_H

#include "model_int.h"

/** Is docs[i] a Kubernetes object (its view has a `kind`)? */
int tmdk__k8s_is_object(const tmdk__model_doc *d);

/** A NUL-terminated arena copy of a scalar's text; NULL when n is not a
 *  non-null scalar, or out of memory (then *oom is set). */
const char *tmdk__k8s_text(tmdk__arena *arena, const tmdk_node *n, int *oom);

/** The view's `kind` equals `kind`. */
int tmdk__k8s_kind_is(const tmdk_node *view, const char *kind);

/** The namespace the object is applied to: `metadata.namespace`, or
 *  "default" (what `kubectl apply` without -n does). Arena copy; NULL on ENOMEM. */
const char *tmdk__k8s_namespace(tmdk__arena *arena, const tmdk_node *view);

/** A workload's component id, "k8s:<namespace or ->/<Kind>/<name or ->"
 *  (model-schema.md). NULL on ENOMEM. */
const char *tmdk__k8s_component_id(tmdk__arena *arena, const tmdk_node *view);

/** Is the view a workload (the normalizer's `workload: true`)? */
int tmdk__k8s_is_workload(const tmdk_node *view);

/** The file node n was written in (a derived artifact's source, else the artifact). */
const char *tmdk__k8s_file(const tmdk__model_doc *d, const tmdk_node *n);

/* Model nodes positioned at `at` (a node of the document they describe), origin copied. */
tmdk_node *tmdk__k8s_string(tmdk__arena *arena, const char *text, const tmdk_node *at);
tmdk_node *tmdk__k8s_bool(tmdk__arena *arena, int value, const tmdk_node *at);
tmdk_node *tmdk__k8s_int(tmdk__arena *arena, long long value, const tmdk_node *at);
tmdk_node *tmdk__k8s_map(tmdk__arena *arena, const tmdk_node *at);
tmdk_node *tmdk__k8s_seq(tmdk__arena *arena, const tmdk_node *at);

#endif
