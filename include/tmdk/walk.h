/*
 * libtmdk — from a tree to artifacts: which files are candidates, in what
 * order, which paths are excluded, and what a candidate that fails to parse
 * means. tmdk-scan, the Python package and any other program that walks a
 * tree use these, so they agree on which files count.
 *
 *   tmdk_walk_options wo = TMDK_WALK_OPTIONS_INIT;
 *   wo.excludes = globs; wo.exclude_count = n;
 *   tmdk_walk(".", &wo, on_entry, payload, &err);
 *
 *   static int on_entry(const tmdk_walk_entry *e, void *payload) {
 *       tmdk_artifact *a; tmdk_candidate_status st; tmdk_error why;
 *       if (e->status != TMDK_WALK_CANDIDATE) return 0;
 *       if (tmdk_candidate_parse_file(&a, &st, e->path, e->flags, NULL, &why) != TMDK_OK)
 *           ... an error (why) ...
 *       else if (st == TMDK_CANDIDATE_SKIPPED)
 *           ... skipped, why.message says why ...
 *       ...
 *   }
 */
#ifndef TMDK_WALK_H
#define TMDK_WALK_H

#include "common.h"
#include "errors.h"
#include "artifact.h"

TMDK_BEGIN_DECL

/**
 * Match a path against a glob, as .gitignore does (and as `--exclude` does).
 *
 * - Paths are relative and '/'-separated ("deploy/k8s/app.yaml"); a leading
 *   "./" is ignored, on the path and on the glob.
 * - '*' matches any run of bytes and '?' one byte, never a '/'.
 * - '**' as a whole segment matches any number of folders, none included.
 *   (The examples below put a space between '/' and '*', which a C comment
 *   cannot hold; there is none in the globs.) "test/ **" matches everything
 *   under test, "** / fixtures/ **" everything under any folder named
 *   fixtures, "** / *.json" every .json file at any depth.
 * - '[abc]', '[a-z]', '[!abc]' (or '[^abc]') match one byte of (not of) the
 *   class; a '[' without its ']' is literal; '\' makes the next byte literal.
 * - A glob without '/' (or with only a trailing one: "testdata/") matches a
 *   file or folder name at any depth: "*.json", "testdata", "node_modules".
 *   A glob with a '/' elsewhere is anchored at the root of the relative path
 *   ("deploy/ *.yaml" matches "deploy/a.yaml", not "x/deploy/a.yaml"); a
 *   leading '/' anchors too and is otherwise ignored.
 * - A glob that matches a folder matches everything under it: "testdata"
 *   matches "a/testdata/b/c.yaml", "charts/app" matches "charts/app/x.yaml".
 * - Bytes are compared as they are: case-sensitive, no locale, no UTF-8
 *   decoding (a '?' matches one byte of a multi-byte character).
 *
 * @return 1 when the path matches, 0 when not (or when either is NULL or
 * the glob is empty).
 */
TMDK_API int tmdk_glob_match(const char *glob, const char *path);

/* ---- candidates --------------------------------------------------------------- */

/** The file's name marks it as an artifact (Dockerfile, compose.yaml, daemon.json…). */
#define TMDK_CANDIDATE_NAMED 0x1u
/** The file lies in the templates/ folder of a Helm chart (a folder with Chart.yaml). */
#define TMDK_CANDIDATE_HELM_TEMPLATE 0x2u
/** Every YAML or JSON file that cannot be parsed is an error, not skipped. */
#define TMDK_CANDIDATE_UNPARSEABLE_ERROR 0x4u

typedef enum tmdk_candidate_status {
	TMDK_CANDIDATE_ARTIFACT = 0, /**< an artifact: scan it */
	TMDK_CANDIDATE_OTHER = 1,    /**< read and understood, not a container artifact (a tsconfig.json, values.yaml…) */
	TMDK_CANDIDATE_SKIPPED = 2,  /**< not parsed as an artifact, for a reason worth listing (see below) */
	TMDK_CANDIDATE_ERROR = 3     /**< an error: could not be read, or an artifact that does not parse */
} tmdk_candidate_status;

/**
 * Parse a candidate and say what it is. The rule:
 *
 * - A file whose name marks it as an artifact (TMDK_CANDIDATE_NAMED: see
 *   tmdk_detect_kind), or any file when opts->kind is set, is an artifact or
 *   an error: it never is skipped.
 * - Otherwise a file that cannot be parsed is skipped, with the reason in
 *   `err` (code TMDK_EPARSE, line and column where known), unless flags has
 *   TMDK_CANDIDATE_UNPARSEABLE_ERROR. Reasons, in err->message:
 *     "Helm template (not rendered)"                  (TMDK_CANDIDATE_HELM_TEMPLATE: not parsed)
 *     "empty file"                                    (no bytes, or only blanks)
 *     "UTF-16 text (libtmdk reads UTF-8)"             (a UTF-16 or UTF-32 byte-order mark;
 *                                                      also the error of a named artifact)
 *     "binary file (contains NUL bytes)"
 *     "not UTF-8 text (another encoding?): invalid UTF-8 (byte 0xE9)"
 *     "JSON with comments (JSONC), not JSON"          (a .json file with // or block comments, as tsconfig.json)
 *     "YAML indented with tabs, not valid YAML: …"     (the parser's message follows)
 *     "template syntax ({{ }}), not valid YAML until rendered: …"
 *     "not valid YAML: …" / "not valid JSON: …"      (the parser's message)
 *   A UTF-8 byte-order mark and CRLF line ends are read as usual.
 * - Out of memory, unreadable files and limits (tmdk_parse_options) are
 *   errors whatever the name.
 *
 * @param out receives the artifact when *status is TMDK_CANDIDATE_ARTIFACT,
 *        NULL otherwise
 * @param status receives what the file is
 * @param flags TMDK_CANDIDATE_* (those of tmdk_walk_entry, plus the caller's)
 * @param err the reason of a skip or of an error
 * @return TMDK_OK unless *status is TMDK_CANDIDATE_ERROR (then the error
 *         code, also in err)
 */
TMDK_API int tmdk_candidate_parse_file(tmdk_artifact **out, tmdk_candidate_status *status, const char *path,
	unsigned int flags, const tmdk_parse_options *opts, tmdk_error *err);
/** The same for bytes; `name` (may be NULL) is used for detection and as the path. */
TMDK_API int tmdk_candidate_parse_buffer(tmdk_artifact **out, tmdk_candidate_status *status, const char *name,
	const void *data, size_t len, unsigned int flags, const tmdk_parse_options *opts, tmdk_error *err);
/** "artifact", "other", "skipped", "error"; NULL when out of range. */
TMDK_API const char *tmdk_candidate_status_name(tmdk_candidate_status status);

/* ---- walking a tree -------------------------------------------------------------- */

/** Do not follow symbolic links (they are ignored, with a reason). */
#define TMDK_WALK_NO_FOLLOW_LINKS 0x1u
/** Enter hidden folders, node_modules and vendor too. */
#define TMDK_WALK_ALL_FOLDERS 0x2u

#define TMDK_WALK_OPTIONS_VERSION 1

/** How to walk. Initialize with TMDK_WALK_OPTIONS_INIT. */
typedef struct tmdk_walk_options {
	unsigned int version;              /**< TMDK_WALK_OPTIONS_VERSION */
	unsigned int flags;                /**< TMDK_WALK_* */
	const char *const *excludes;       /**< globs (tmdk_glob_match) of paths never read */
	size_t exclude_count;
} tmdk_walk_options;

#define TMDK_WALK_OPTIONS_INIT { TMDK_WALK_OPTIONS_VERSION, 0, 0, 0 }

/** Initialize options to defaults. @return TMDK_OK, or TMDK_EINVAL for an unknown version. */
TMDK_API int tmdk_walk_options_init(tmdk_walk_options *opts, unsigned int version);

typedef enum tmdk_walk_status {
	TMDK_WALK_CANDIDATE = 0, /**< a file to parse (tmdk_candidate_parse_file with the entry's flags) */
	TMDK_WALK_OTHER = 1,     /**< a file whose name rules it out (source code, images…): not read */
	TMDK_WALK_SKIPPED = 2,   /**< a candidate skipped without parsing (reason: a Helm template): list it */
	TMDK_WALK_IGNORED = 3,   /**< left out and not read: excluded, a default folder, a link to nothing, not a regular file */
	TMDK_WALK_ERROR = 4      /**< a folder or file that could not be read (reason, error_code) */
} tmdk_walk_status;

/** One entry of a walk; valid during the callback only. */
typedef struct tmdk_walk_entry {
	const char *path;          /**< as opened: the root joined with the relative path ("." is dropped) */
	const char *relative;      /**< relative to the root, '/'-separated: what globs match */
	tmdk_walk_status status;
	unsigned int flags;        /**< TMDK_CANDIDATE_NAMED, TMDK_CANDIDATE_HELM_TEMPLATE */
	int is_folder;             /**< the entry is a folder (IGNORED, ERROR) */
	const char *reason;        /**< why, for every status but CANDIDATE ("" then) */
	int error_code;            /**< TMDK_WALK_ERROR: a tmdk_error_code */
} tmdk_walk_entry;

/** Called for each entry; return 0 to go on, anything else stops the walk (tmdk_walk returns it). */
typedef int (*tmdk_walk_cb)(const tmdk_walk_entry *entry, void *payload);

/**
 * Walk a folder (or take one file) and report every entry, depth first,
 * the entries of each folder in byte order (strcmp: never the locale).
 *
 * - Folders named .git, node_modules, vendor or starting with '.' are not
 *   entered (unless TMDK_WALK_ALL_FOLDERS); files starting with '.' are
 *   (".travis.yml" is a candidate).
 * - Candidates are files whose name marks an artifact, YAML and JSON files
 *   (.yaml, .yml, .json), and files of at most 1 MiB without an extension
 *   or ending in .txt (sniffed for Dockerfile syntax).
 * - An excluded path (a glob of opts->excludes matching the path relative to
 *   the root, or the path as shown) is never opened: a folder is not
 *   entered, a file not read; it is a TMDK_WALK_IGNORED entry with the
 *   reason "excluded (GLOB)".
 * - Files in a templates/ folder under a folder with a Chart.yaml are Helm
 *   templates: TMDK_WALK_SKIPPED, reason "Helm template (not rendered)".
 * - Symbolic links are followed, a folder is entered at most once (by device
 *   and inode) so link loops end; links to nothing are ignored.
 * - An unreadable folder or file is a TMDK_WALK_ERROR entry, and the walk
 *   goes on.
 * - A root that is a file is one TMDK_WALK_CANDIDATE, whatever its name.
 *
 * @return TMDK_OK, the callback's non-zero value, TMDK_EINVAL, TMDK_ENOMEM,
 *         or TMDK_EIO when the root cannot be read (also in err)
 */
TMDK_API int tmdk_walk(const char *root, const tmdk_walk_options *opts, tmdk_walk_cb cb, void *payload,
	tmdk_error *err);

TMDK_END_DECL

#endif /* TMDK_WALK_H */
