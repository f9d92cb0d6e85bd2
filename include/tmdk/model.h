/*
 * libtmdk — the system model of a set of artifacts: "What are we building?"
 *
 * A tmdk_model is derived once from every artifact of a set (a project, a
 * unit): RBAC grants resolved across Roles, ClusterRoles (aggregation
 * included), bindings, subjects and the workloads that run as them;
 * NetworkPolicy isolation by pod selection; components, exposure, trust zones,
 * data and flows. It is immutable once built, so one model may be shared by
 * scanners on several threads.
 *
 * Patterns read it through two selector roots (patterns/README.md):
 *   $model   the whole model (a map)
 *   $facts   what the model says about the document being scanned (a map,
 *            empty when it says nothing), positioned inside that document so
 *            findings land there.
 *
 * The model points into the artifacts' nodes: free it before them.
 */
#ifndef TMDK_MODEL_H
#define TMDK_MODEL_H

#include "common.h"
#include "errors.h"
#include "artifact.h"

TMDK_BEGIN_DECL

typedef struct tmdk_model tmdk_model;

/**
 * Derive the model of the `count` artifacts of `set` (NULL entries are
 * skipped). The artifacts must outlive the model.
 * @return TMDK_OK, TMDK_ENOMEM or TMDK_EINVAL (err says which).
 */
TMDK_API int tmdk_model_new(tmdk_model **out, const tmdk_artifact *const *set, size_t count, tmdk_error *err);

TMDK_API void tmdk_model_free(tmdk_model *model);

/** The model as a tree ($model): a map. Never NULL for a model. */
TMDK_API const tmdk_node *tmdk_model_root(const tmdk_model *model);

/**
 * What the model says about one document ($facts when it is scanned): a map,
 * empty (never NULL) when the model says nothing about it.
 */
TMDK_API const tmdk_node *tmdk_model_facts(const tmdk_model *model, const tmdk_document *doc);

/**
 * `write` has the shape of report.h's tmdk_write_fn (spelled out here: this
 * header is included by scan.h, which report.h includes).
 * Write the model as one JSON object (its tree as tmdk_model_root gives it;
 * docs/system-model.md documents every key). @return TMDK_OK, TMDK_EINVAL,
 * TMDK_ENOMEM, or TMDK_EIO when `write` returned non-zero.
 */
TMDK_API int tmdk_model_write_json(const tmdk_model *model,
	int (*write)(const char *data, size_t len, void *payload), void *payload, tmdk_error *err);

/**
 * Write the models of several units as the versioned model document of
 * `tmdk-scan --format model`: {format_version, tool: {name, version},
 * units: [{name, kind, model}]}. kinds may be NULL ("set"); a NULL model is
 * written as null (a unit whose model could not be built).
 */
TMDK_API int tmdk_models_write_json(const tmdk_model *const *models, const char *const *names,
	const char *const *kinds, size_t count, const char *tool_name,
	int (*write)(const char *data, size_t len, void *payload), void *payload, tmdk_error *err);

TMDK_END_DECL

#endif
