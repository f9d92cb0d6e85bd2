/*
 * libtmdk — the system model of a set of artifacts: "What are we building?"
 *
 * A tmdk_model is derived once from every artifact of a set (a project, a
 * unit): RBAC grants resolved across Roles, ClusterRoles (aggregation
 * included), bindings, subjects and the workloads that run as them;
 * NetworkPolicy isolation by pod selection; components, exposure, trust zones,
 * data and flows. It is immutable once built, so one model may be shared by
 * scanners on several threads; building only reads the artifacts, so models
 * of different or overlapping sets may be built on several threads at once
 * (tmdk-scan builds its units' models on its workers).
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

/* ---- pictures of a model ------------------------------------------------ */

typedef enum tmdk_diagram_format {
	TMDK_DIAGRAM_DOT = 0,      /**< Graphviz DOT text */
	TMDK_DIAGRAM_MERMAID = 1,  /**< a Mermaid flowchart (GitHub renders it in a ```mermaid block) */
	TMDK_DIAGRAM_SVG = 2       /**< an <svg> element laid out by Graphviz (only when built with it) */
} tmdk_diagram_format;

#define TMDK_DIAGRAM_OPTIONS_VERSION 1

typedef struct tmdk_diagram_options {
	unsigned int version;          /**< TMDK_DIAGRAM_OPTIONS_VERSION */
	tmdk_diagram_format format;
	unsigned int max_components;   /**< more components: one node per trust zone (0: 80) */
	unsigned int label_width;      /**< characters of a label line before "…" (0: 28) */
	/** Colours: the worst finding of each component, by component id (severities: a tmdk_severity, or -1). */
	const char *const *component_ids;
	const int *severities;
	size_t severity_count;
} tmdk_diagram_options;

#define TMDK_DIAGRAM_OPTIONS_INIT { TMDK_DIAGRAM_OPTIONS_VERSION, TMDK_DIAGRAM_DOT, 0, 0, 0, 0, 0 }

TMDK_API int tmdk_diagram_options_init(tmdk_diagram_options *opts, unsigned int version);

/** Receives a diagram piece by piece (the same signature as tmdk_write_fn): 0 to go on. */
typedef int (*tmdk_diagram_write_fn)(const char *data, size_t len, void *payload);

/**
 * Draw a model tree (tmdk_model_root, or any map shaped like it as
 * docs/model.md describes: missing keys are tolerated, an empty map draws
 * an empty picture): components coloured by their worst finding, trust
 * zones as clusters, exposure, host-crossing and control-plane edges marked.
 * More than max_components components are drawn as one node per zone.
 * @return TMDK_OK, TMDK_EINVAL, TMDK_ENOMEM, TMDK_EIO (write failed) or
 *         TMDK_ENOTFOUND (SVG asked of a library built without Graphviz)
 */
TMDK_API int tmdk_model_write_diagram(const tmdk_node *model, const tmdk_diagram_options *opts,
	tmdk_diagram_write_fn write, void *payload, tmdk_error *err);
/** The same into a NUL-terminated string (free with tmdk_model_diagram_free); len_out may be NULL. */
TMDK_API int tmdk_model_diagram(char **out, size_t *len_out, const tmdk_node *model,
	const tmdk_diagram_options *opts, tmdk_error *err) TMDK_WARN_UNUSED;
TMDK_API void tmdk_model_diagram_free(char *diagram);
/** 1 when libtmdk was built with Graphviz's library and can load it (TMDK_DIAGRAM_SVG works),
 *  else 0. The library is loaded (dlopen) by this call or the first SVG drawn, not at start. */
TMDK_API int tmdk_model_diagram_has_svg(void);

TMDK_END_DECL

#endif
