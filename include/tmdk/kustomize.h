/*
 * libtmdk — kustomize: build a kustomization natively into a derived
 * artifact (see docs/kustomize.md).
 *
 * The built artifact is of kind TMDK_KIND_KUBERNETES; each of its documents is
 * one object of the build, normalized like a parsed manifest. Every node keeps
 * the position of the file that set it (a base manifest, a patch, the
 * kustomization itself for a label, an image rewrite or a generator literal).
 * The files read are the built artifact's sources; the built artifact owns
 * them. tmdk_kustomization_file_role says what each source is, so a caller
 * never scans a patch as a complete object.
 *
 * Unsupported features (remote resources, helmCharts, replacements, vars …)
 * do not fail the build: each is a warning of the built artifact
 * (tmdk_artifact_warning) naming the file, line and column. Missing files,
 * cycles, patches that do not apply and failed JSON 6902 `test` ops are errors.
 */
#ifndef TMDK_KUSTOMIZE_H
#define TMDK_KUSTOMIZE_H

#include "common.h"
#include "errors.h"
#include "artifact.h"

TMDK_BEGIN_DECL

/**
 * Read a file for the build. Set *data_out and *len_out to its bytes (borrowed:
 * they must stay valid until the callback is called again or the build
 * returns) and return TMDK_OK; return TMDK_ENOTFOUND when `path` is not a
 * regular file (missing, or a folder); any other code aborts the build.
 * Paths are joined with '/' and cleaned lexically ("a/../b" is "b").
 */
typedef int (*tmdk_kustomize_read_cb)(const char *path, const char **data_out, size_t *len_out,
	void *payload);

#define TMDK_DEFAULT_KUSTOMIZE_MAX_DEPTH 32u
#define TMDK_DEFAULT_KUSTOMIZE_MAX_FILES 4096u
#define TMDK_DEFAULT_KUSTOMIZE_MAX_RESOURCES 10000u
#define TMDK_DEFAULT_KUSTOMIZE_MAX_BYTES ((size_t)512 * 1024 * 1024)

#define TMDK_KUSTOMIZE_OPTIONS_VERSION 1

/** How to build. Initialize with TMDK_KUSTOMIZE_OPTIONS_INIT; 0 limits mean the default. */
typedef struct tmdk_kustomize_options {
	unsigned int version;          /**< TMDK_KUSTOMIZE_OPTIONS_VERSION */
	unsigned int flags;            /**< reserved, must be 0 */
	unsigned int max_depth;        /**< nested kustomizations (resources, bases, components) */
	unsigned int max_files;        /**< distinct files read */
	unsigned int max_resources;    /**< objects in the build, at every level */
	tmdk_kustomize_read_cb read;   /**< NULL: the file system */
	void *read_payload;
	const tmdk_parse_options *parse; /**< limits for each file read; NULL: defaults */
	size_t max_bytes;              /**< memory of the built objects (patches applied to many targets grow it) */
} tmdk_kustomize_options;

#define TMDK_KUSTOMIZE_OPTIONS_INIT { TMDK_KUSTOMIZE_OPTIONS_VERSION, 0, 0, 0, 0, NULL, NULL, NULL, 0 }

/** Initialize options to defaults. @return TMDK_OK, or TMDK_EINVAL for an unknown version. */
TMDK_API int tmdk_kustomize_options_init(tmdk_kustomize_options *opts, unsigned int version);

/**
 * Build a kustomization. `path` is a folder holding kustomization.yaml,
 * kustomization.yml or Kustomization, or the kustomization file itself.
 * The built artifact's name is the kustomization file's path.
 * @param out receives the built artifact (free with tmdk_artifact_free), NULL on failure
 * @return TMDK_OK, TMDK_ENOTFOUND (no kustomization), TMDK_EIO, TMDK_EPARSE
 *         (a file, or a patch that does not apply), TMDK_ELIMIT, TMDK_ENOMEM, TMDK_EINVAL
 *         (bad options, a cycle, a kustomization of the wrong shape)
 */
TMDK_API int tmdk_kustomization_build(tmdk_artifact **out, const char *path,
	const tmdk_kustomize_options *opts, tmdk_error *err) TMDK_WARN_UNUSED;

/** What a source of a built kustomization is. */
typedef enum tmdk_kustomize_role {
	TMDK_KUSTOMIZE_NONE = 0,          /**< not a built kustomization, or index out of range */
	TMDK_KUSTOMIZE_KUSTOMIZATION = 1, /**< a kustomization.yaml (kind Kustomization or Component) */
	TMDK_KUSTOMIZE_RESOURCE = 2,      /**< a manifest listed in resources/bases */
	TMDK_KUSTOMIZE_PATCH = 3,         /**< a strategic-merge or JSON 6902 patch file: never a complete object */
	TMDK_KUSTOMIZE_GENERATOR = 4      /**< a file read by a config map or secret generator */
} tmdk_kustomize_role;

/** Number of files a built kustomization read (== tmdk_artifact_source_count when origins are built). */
TMDK_API size_t tmdk_kustomization_file_count(const tmdk_artifact *built);
/** The index-th file's path (borrowed), or NULL. */
TMDK_API const char *tmdk_kustomization_file(const tmdk_artifact *built, size_t index);
/** The index-th file's role. */
TMDK_API tmdk_kustomize_role tmdk_kustomization_file_role(const tmdk_artifact *built, size_t index);

TMDK_END_DECL

#endif /* TMDK_KUSTOMIZE_H */
