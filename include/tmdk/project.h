/*
 * libtmdk — compose projects: a compose file with the overrides, `extends`
 * and `include` that `docker compose` applies, merged into one derived
 * artifact (see artifact.h) whose nodes keep the file and position that set
 * them. See docs/compose-projects.md for the files that form a project and
 * the merge rules.
 */
#ifndef TMDK_PROJECT_H
#define TMDK_PROJECT_H

#include "artifact.h"

TMDK_BEGIN_DECL

#define TMDK_COMPOSE_OPTIONS_VERSION 1

/** Defaults for 0 fields of tmdk_compose_options. */
#define TMDK_DEFAULT_MAX_INCLUDE_DEPTH 16u
#define TMDK_DEFAULT_MAX_PROJECT_FILES 256u
#define TMDK_DEFAULT_MAX_PROJECT_NODES ((size_t)1000000)

/** Do not apply the default override file (compose.override.yaml …). */
#define TMDK_COMPOSE_NO_DEFAULT_OVERRIDE 0x1u

/** How to load a compose project. Initialize with TMDK_COMPOSE_OPTIONS_INIT. */
typedef struct tmdk_compose_options {
	unsigned int version;              /**< TMDK_COMPOSE_OPTIONS_VERSION */
	unsigned int flags;                /**< TMDK_COMPOSE_* */
	/** More override files, applied in order after the default override;
	 *  a relative path is taken from the main file's folder. */
	const char *const *override_files;
	size_t override_count;
	const tmdk_parse_options *parse;   /**< limits for each file read (NULL: defaults) */
	unsigned int max_include_depth;    /**< nested `include` and `extends` (0: default) */
	unsigned int max_files;            /**< files read for one project (0: default) */
	size_t max_nodes;                  /**< nodes of the merged project (0: default) */
} tmdk_compose_options;

#define TMDK_COMPOSE_OPTIONS_INIT { TMDK_COMPOSE_OPTIONS_VERSION, 0, NULL, 0, NULL, 0, 0, 0 }

/** Initialize options to defaults. @return TMDK_OK, or TMDK_EINVAL for an unknown version. */
TMDK_API int tmdk_compose_options_init(tmdk_compose_options *opts, unsigned int version);

/**
 * Load the compose project whose main file is `path`: the file, the default
 * override beside it (`compose.override.yaml`/`.yml` for `compose.yaml`/`.yml`,
 * `docker-compose.override.yml`/`.yaml` for `docker-compose.yml`/`.yaml`),
 * then opts->override_files, each with its `extends` and `include` resolved,
 * merged as the Compose Specification says. The result is a derived
 * compose artifact named `path` with one document; its sources are every
 * file read. Findings on it name the file that set the value.
 * @param out receives the project (owned; tmdk_artifact_free), NULL on failure
 * @return TMDK_OK; TMDK_EIO (a file not readable, the referring file and
 *  line in err), TMDK_EPARSE (a file, or an override that cannot apply, an
 *  `extends`/`include` cycle), TMDK_ENOTFOUND (an extended service),
 *  TMDK_ELIMIT, TMDK_ENOMEM, TMDK_EINVAL
 */
TMDK_API int tmdk_compose_project_load(tmdk_artifact **out, const char *path,
	const tmdk_compose_options *opts, tmdk_error *err) TMDK_WARN_UNUSED;

/**
 * 1 when the file name (a path; its last component counts) is a compose
 * override applied by default (`compose.override.yaml`, `.yml`,
 * `docker-compose.override.yml`, `.yaml`): part of a project, never one on
 * its own. 0 otherwise.
 */
TMDK_API int tmdk_compose_is_override_name(const char *name);

/**
 * The default override file name for a main compose file name (its last
 * component), or NULL when it has none: "compose.yaml" gives
 * "compose.override.yaml" (then ".yml"), … Writes the candidate of index
 * `which` (0 or 1) into buf. @return buf, or NULL.
 */
TMDK_API const char *tmdk_compose_default_override(const char *main_name, unsigned int which, char *buf,
	size_t size);

TMDK_END_DECL

#endif /* TMDK_PROJECT_H */
