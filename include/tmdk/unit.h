/*
 * libtmdk — deployment units: what gets deployed together, decided by the
 * tree alone (DESIGN.md §3.1). Cross-document patterns ($set) see one unit,
 * never another, so the findings of a file do not depend on where a scan
 * starts.
 *
 *   tmdk_units *units;
 *   tmdk_unit_input in[] = { {"app/compose.yaml", TMDK_KIND_COMPOSE}, ... };
 *   const char *roots[] = { "app" };
 *   tmdk_units_decide(&units, roots, 1, in, n, NULL, &err);
 *   for (i = 0; i < tmdk_units_count(units); i++) {
 *       const tmdk_unit *u = tmdk_units_at(units, i);
 *       ... tmdk_unit_get_kind(u), tmdk_unit_path(u), its members and notes ...
 *   }
 *   tmdk_units_free(units);
 *
 * The rules (also in the README, "Deployment units"):
 *
 * - Helm chart: a folder with Chart.yaml. Everything under it belongs to the
 *   outermost chart above it (subcharts in charts/ are rendered with their
 *   parent). Its crds/ files are scanned as plain YAML; its templates/ are
 *   rendered by the caller (helm template) when it can; its other files
 *   (values.yaml…) are not artifacts. Chart.yaml is a CONFIG member.
 * - Kustomization: a folder with kustomization.yaml, kustomization.yml or
 *   Kustomization whose kind is Kustomization (a Component is not a unit:
 *   its files are members of the kustomizations that use it). Members:
 *   its `resources` (and deprecated `bases`, and `crds`), followed into
 *   folders holding a kustomization and `components`, even outside the
 *   scanned paths; its patches (`patches[].path`, `patchesStrategicMerge`,
 *   `patchesJson6902[].path`) are PATCH members, never scanned alone.
 *   Remote resources are notes. tmdk_kustomization_build builds it.
 * - A file is claimed by a kustomization (or Component) in its own folder
 *   or a folder above it that names it as a resource or patch: it is then
 *   scanned only within the units that use it, never in a folder unit. A
 *   kustomization does not claim the files it reaches with `..`: those stay
 *   in their own units too (a base file is scanned in its base and in every
 *   overlay that uses it).
 * - Compose project: in each folder the first of compose.yaml, compose.yml,
 *   docker-compose.yaml, docker-compose.yml is the main file, and its
 *   default override (compose.override.yaml/.yml for compose.*,
 *   docker-compose.override.yml/.yaml for docker-compose.*, as docker
 *   compose pairs them) and the files matching opts->compose_overrides are
 *   its OVERRIDE members (tmdk_compose_project_load merges them, with the
 *   files `extends` and `include` name). Every
 *   other compose file (docker-compose.prod.yml, or one detected by
 *   content) is its own project. An override without a main file is a
 *   project with no scanned member and a note: an override alone is never a
 *   complete project.
 * - Folder: the Kubernetes manifests of one folder, not in a chart, not
 *   kustomization files and not claimed by a kustomization, form one unit.
 * - File: every Dockerfile, daemon.json and docker inspect file is its own
 *   unit.
 *
 * Only units rooted inside the roots are returned (a unit's root: its
 * folder; a compose project's or a file unit's root: its file's folder for
 * the inclusion test). Folders above the roots are read (up to the
 * nearest folder holding .git, or the file-system root) for Chart.yaml and
 * kustomization files, so a unit gets the same members whether the scan
 * starts at its folder or above.
 */
#ifndef TMDK_UNIT_H
#define TMDK_UNIT_H

#include "common.h"
#include "errors.h"
#include "artifact.h"

TMDK_BEGIN_DECL

typedef enum tmdk_unit_kind {
	TMDK_UNIT_FILE = 0,            /**< one Dockerfile, daemon.json or docker inspect file */
	TMDK_UNIT_FOLDER = 1,          /**< the Kubernetes manifests of one folder */
	TMDK_UNIT_COMPOSE_PROJECT = 2, /**< a compose file with its overrides */
	TMDK_UNIT_KUSTOMIZATION = 3,   /**< a kustomization and what it uses */
	TMDK_UNIT_HELM_CHART = 4,      /**< a folder with Chart.yaml */
	TMDK_UNIT_KIND_COUNT
} tmdk_unit_kind;

typedef enum tmdk_unit_role {
	TMDK_UNIT_MEMBER_SCANNED = 0,  /**< a document source of the unit: scanned within it */
	TMDK_UNIT_MEMBER_OVERRIDE = 1, /**< a compose override: merged into the project, never scanned alone */
	TMDK_UNIT_MEMBER_PATCH = 2,    /**< a kustomize patch: applied, never scanned alone */
	TMDK_UNIT_MEMBER_CONFIG = 3,   /**< kustomization.yaml, Chart.yaml: describes the unit */
	TMDK_UNIT_MEMBER_ROLE_COUNT
} tmdk_unit_role;

/** A candidate file of the tree and its kind (TMDK_KIND_UNKNOWN for other YAML/JSON). */
typedef struct tmdk_unit_input {
	const char *path;              /**< as walked: the root joined with the relative path */
	tmdk_kind kind;
} tmdk_unit_input;

/**
 * Version 2 added lookup and lookup_payload. Structures of version 1
 * (without them) are still accepted by tmdk_units_options_init and
 * tmdk_units_decide, which then ask the file system.
 */
#define TMDK_UNITS_OPTIONS_VERSION 2

/**
 * What a caller that listed folders (tmdk_walk) knows of their entries,
 * so deciding does not ask the file system again: tmdk_units_decide asks
 * whether `name` (one file name, no '/') is in `folder` (a folder path
 * as the units spell it: lexically normal, "." for the current folder)
 * before it stats `folder/name`.
 *
 * @param want 0: a regular file, 1: a folder, -1: anything; after
 *        following symbolic links, as stat(2) says
 * @return 1: it is there and is what `want` asks; 0: it is not (absent, or
 *         of another type); -1 (any negative value): not known, the
 *         library stats the path. Any answer but -1 must be what stat would
 *         say: a wrong 0 changes which units are decided.
 *
 * Called on the thread of tmdk_units_decide, during the call only.
 */
typedef int (*tmdk_units_lookup_cb)(const char *folder, const char *name, int want, void *payload);

/** Initialize with TMDK_UNITS_OPTIONS_INIT. */
typedef struct tmdk_units_options {
	unsigned int version;                /**< TMDK_UNITS_OPTIONS_VERSION */
	const char *const *compose_overrides; /**< file-name globs: overrides of their folder's main compose file */
	size_t compose_override_count;
	/* version 2 */
	tmdk_units_lookup_cb lookup;         /**< what the caller knows of folders' entries, or NULL: stat all */
	void *lookup_payload;                /**< passed to lookup */
} tmdk_units_options;

#define TMDK_UNITS_OPTIONS_INIT { TMDK_UNITS_OPTIONS_VERSION, 0, 0, 0, 0 }

typedef struct tmdk_units tmdk_units;
typedef struct tmdk_unit tmdk_unit;

/**
 * Fill a structure of that version (1 or 2) with the defaults: a caller
 * built against version 1 passes a shorter structure, of which only the
 * version 1 fields are written. @return TMDK_OK, or TMDK_EINVAL for an
 * unknown version.
 */
TMDK_API int tmdk_units_options_init(tmdk_units_options *opts, unsigned int version);

/**
 * Decide the units of the candidate files found under `roots` (folders or
 * files, as walked). Files are read: kustomization files (and what they
 * name), and folders above the roots for Chart.yaml and kustomizations.
 * A kustomization file that cannot be parsed is a note of its unit.
 *
 * @return TMDK_OK, TMDK_EINVAL, TMDK_ENOMEM (also in err)
 */
TMDK_API int tmdk_units_decide(tmdk_units **out, const char *const *roots, size_t root_count,
	const tmdk_unit_input *files, size_t file_count, const tmdk_units_options *opts, tmdk_error *err)
	TMDK_WARN_UNUSED;
TMDK_API void tmdk_units_free(tmdk_units *units);

/** Units, sorted by path, then kind. */
TMDK_API size_t tmdk_units_count(const tmdk_units *units);
TMDK_API const tmdk_unit *tmdk_units_at(const tmdk_units *units, size_t index);

TMDK_API tmdk_unit_kind tmdk_unit_get_kind(const tmdk_unit *unit);
/** "file", "folder", "compose-project", "kustomization", "helm-chart"; NULL when out of range. */
TMDK_API const char *tmdk_unit_kind_name(tmdk_unit_kind kind);
/**
 * The unit's path: the folder of a kustomization, chart or folder unit
 * ("." for the current folder), the main file of a compose project, the
 * file of a file unit.
 */
TMDK_API const char *tmdk_unit_path(const tmdk_unit *unit);

/** Members in the order the unit uses them (a file at most once). */
TMDK_API size_t tmdk_unit_member_count(const tmdk_unit *unit);
/**
 * A member's path, lexically normal and relative like the roots ("../base/a.yaml"
 * stays as joined), and its role. @return NULL when out of range.
 */
TMDK_API const char *tmdk_unit_member(const tmdk_unit *unit, size_t index, tmdk_unit_role *role_out);

/**
 * The index in tmdk_units_decide's `files` of a member, or (size_t)-1 for
 * a file found by following a reference (not among the files given: the
 * caller parses it itself). A member among the files has the path given
 * there.
 */
TMDK_API size_t tmdk_unit_member_input(const tmdk_unit *unit, size_t index);

/** Notes: what the unit could not follow or apply, not errors. */
TMDK_API size_t tmdk_unit_note_count(const tmdk_unit *unit);
TMDK_API const char *tmdk_unit_note(const tmdk_unit *unit, size_t index);

/** "scanned", "override", "patch", "config"; NULL when out of range. */
TMDK_API const char *tmdk_unit_role_name(tmdk_unit_role role);

TMDK_END_DECL

#endif /* TMDK_UNIT_H */
