/*
 * libtmdk — risk-pattern catalogs: the compiler and the compiled catalog.
 *
 * YARA-style: a tmdk_compiler collects catalog sources (files, folders,
 * buffers, the built-in catalog), validates everything — reporting every
 * problem, not only the first — and compiles them into a tmdk_catalog.
 * A compiler is single-use. A catalog never changes after compilation and may
 * be shared by any number of threads; it is reference-counted, so scanners
 * and findings copied into lists keep it alive after tmdk_catalog_free.
 * The catalog format is documented in patterns/README.md.
 */
#ifndef TMDK_CATALOG_H
#define TMDK_CATALOG_H

#include "common.h"
#include "errors.h"
#include "artifact.h"
#include "taxonomy.h"

TMDK_BEGIN_DECL

typedef struct tmdk_compiler tmdk_compiler;
typedef struct tmdk_catalog tmdk_catalog;
typedef struct tmdk_pattern tmdk_pattern;

typedef enum tmdk_diag_level {
	TMDK_DIAG_ERROR = 0,
	TMDK_DIAG_WARNING = 1
} tmdk_diag_level;

/** One problem found while compiling. Strings are borrowed from the compiler. */
typedef struct tmdk_diagnostic {
	tmdk_diag_level level;
	int code;                /**< TMDK_EPARSE, TMDK_ESCHEMA, TMDK_EREGEX, TMDK_EIO, TMDK_ELIMIT */
	const char *file;
	unsigned int line;       /**< from 1; 0 when not known */
	unsigned int column;
	const char *pattern_id;  /**< the pattern concerned, or NULL */
	const char *message;
} tmdk_diagnostic;

/** Called for each diagnostic as it is found. Return 0 to go on, non-zero to stop collecting. */
typedef int (*tmdk_diagnostic_cb)(const tmdk_diagnostic *diag, void *payload);

/** Also run every pattern's examples and report those that misbehave. */
#define TMDK_COMPILE_CHECK_EXAMPLES 0x1u
/** Treat warnings as errors. */
#define TMDK_COMPILE_STRICT 0x2u
/**
 * Keep the examples of the built-in catalog's patterns (for tools that show
 * them, like `tmdk-scan --explain`). Without it the built-in catalog loads
 * without its examples, which makes loading about twice as fast; examples of
 * catalogs added from files or buffers are always kept.
 */
#define TMDK_COMPILE_KEEP_EXAMPLES 0x4u

#define TMDK_DEFAULT_MAX_CATALOG_BYTES ((size_t)8 * 1024 * 1024)
#define TMDK_DEFAULT_MAX_PATTERNS 10000u
#define TMDK_DEFAULT_REGEX_MATCH_LIMIT 1000000u
#define TMDK_DEFAULT_REGEX_DEPTH_LIMIT 10000u
#define TMDK_DEFAULT_MAX_REGEX_LENGTH ((size_t)4096)

#define TMDK_COMPILE_OPTIONS_VERSION 1

typedef struct tmdk_compile_options {
	unsigned int version;            /**< TMDK_COMPILE_OPTIONS_VERSION */
	unsigned int flags;              /**< TMDK_COMPILE_* */
	tmdk_diagnostic_cb diagnostic_cb; /**< may be NULL; diagnostics are also kept in the compiler */
	void *diagnostic_payload;
	size_t max_catalog_bytes;        /**< largest catalog file (0: default) */
	unsigned int max_patterns;       /**< patterns in all sources together (0: default) */
	unsigned int regex_match_limit;  /**< PCRE2 match limit used by the catalog's regexes (0: default) */
	unsigned int regex_depth_limit;  /**< PCRE2 depth limit (0: default) */
	size_t max_regex_length;         /**< longest regex source (0: default) */
} tmdk_compile_options;

#define TMDK_COMPILE_OPTIONS_INIT { TMDK_COMPILE_OPTIONS_VERSION, 0, 0, 0, 0, 0, 0, 0, 0 }

TMDK_API int tmdk_compile_options_init(tmdk_compile_options *opts, unsigned int version);

/** @param out receives the compiler (owned). opts may be NULL. */
TMDK_API int tmdk_compiler_new(tmdk_compiler **out, const tmdk_compile_options *opts, tmdk_error *err) TMDK_WARN_UNUSED;
/** Add the catalog embedded in the library (patterns/). */
TMDK_API int tmdk_compiler_add_builtin(tmdk_compiler *c, tmdk_error *err);
/**
 * Add a catalog file, or every *.yaml / *.yml file under a folder (sorted,
 * recursive, hidden entries skipped). Problems inside the files become
 * diagnostics; the return value only says whether the source could be read.
 */
TMDK_API int tmdk_compiler_add_path(tmdk_compiler *c, const char *path, tmdk_error *err);
/** Add catalog text from memory; `name` is used in diagnostics. */
TMDK_API int tmdk_compiler_add_buffer(tmdk_compiler *c, const char *name, const void *data, size_t len, tmdk_error *err);
/**
 * Validate everything added and build the catalog. With any error
 * diagnostic (or warning under TMDK_COMPILE_STRICT) nothing is built and
 * TMDK_ESCHEMA is returned; err then describes the first diagnostic.
 */
TMDK_API int tmdk_compiler_compile(tmdk_catalog **out, tmdk_compiler *c, tmdk_error *err) TMDK_WARN_UNUSED;
TMDK_API size_t tmdk_compiler_diagnostic_count(const tmdk_compiler *c);
TMDK_API const tmdk_diagnostic *tmdk_compiler_diagnostic(const tmdk_compiler *c, size_t index);
TMDK_API size_t tmdk_compiler_error_count(const tmdk_compiler *c);
TMDK_API void tmdk_compiler_free(tmdk_compiler *c);

/** Compile the built-in catalog alone. */
TMDK_API int tmdk_catalog_load_builtin(tmdk_catalog **out, tmdk_error *err) TMDK_WARN_UNUSED;

/** Drop the caller's reference. Accepts NULL. */
TMDK_API void tmdk_catalog_free(tmdk_catalog *catalog);
/** Take another reference (for bindings and long-lived holders). */
TMDK_API tmdk_catalog *tmdk_catalog_ref(tmdk_catalog *catalog);
TMDK_API size_t tmdk_catalog_pattern_count(const tmdk_catalog *catalog);
/** Patterns in a stable order (by id). Borrowed: valid while the catalog lives. */
TMDK_API const tmdk_pattern *tmdk_catalog_pattern(const tmdk_catalog *catalog, size_t index);
TMDK_API const tmdk_pattern *tmdk_catalog_find(const tmdk_catalog *catalog, const char *id);
/**
 * The id of the loaded pattern nearest to `id` (edit distance, case
 * ignored) when it is close enough to be a typo of it, else NULL: for
 * "did you mean …?" messages.
 */
TMDK_API const char *tmdk_catalog_suggest(const tmdk_catalog *catalog, const char *id);

/** A reference: a CIS benchmark item or a link. */
typedef struct tmdk_reference {
	const char *type;        /**< "cis-docker", "cis-kubernetes", "url", "owasp", "doc" */
	const char *id;          /**< the item number ("5.2.1"), or NULL */
	const char *benchmark;   /**< "CIS Kubernetes Benchmark v1.10.0", or NULL */
	const char *url;         /**< NULL when none */
	const char *title;       /**< NULL when none */
} tmdk_reference;

/** An example embedded in a pattern. */
/** Another artifact of an example's set (context the pattern reads through
 *  $set, $model or $facts; its own findings are not counted). */
typedef struct tmdk_example_file {
	tmdk_kind kind;
	const char *name;        /**< file name (paths link a compose build to its Dockerfile) */
	const char *content;
} tmdk_example_file;

typedef struct tmdk_example {
	tmdk_kind kind;
	int positive;            /**< 1: the pattern must fire; 0: it must not */
	unsigned int line;       /**< expected finding line for a positive example (0: any) */
	const char *name;        /**< file name used for the example, or NULL */
	const char *content;
	const char *description; /**< why this example exists, or NULL */
	const tmdk_example_file *with_files; /**< the other artifacts scanned with it as one set, or NULL */
	size_t with_count;
} tmdk_example;

TMDK_API const char *tmdk_pattern_id(const tmdk_pattern *p);
TMDK_API const char *tmdk_pattern_title(const tmdk_pattern *p);
TMDK_API tmdk_question tmdk_pattern_question(const tmdk_pattern *p);
TMDK_API tmdk_risk tmdk_pattern_risk(const tmdk_pattern *p);
TMDK_API tmdk_severity tmdk_pattern_severity(const tmdk_pattern *p);
TMDK_API const char *tmdk_pattern_description(const tmdk_pattern *p);
TMDK_API const char *tmdk_pattern_mitigation(const tmdk_pattern *p);
TMDK_API const char *tmdk_pattern_message(const tmdk_pattern *p);
TMDK_API size_t tmdk_pattern_stride_count(const tmdk_pattern *p);
TMDK_API const char *tmdk_pattern_stride(const tmdk_pattern *p, size_t index);
TMDK_API size_t tmdk_pattern_reference_count(const tmdk_pattern *p);
TMDK_API const tmdk_reference *tmdk_pattern_reference(const tmdk_pattern *p, size_t index);
/** 1 if the pattern applies to artifacts of this kind. */
TMDK_API int tmdk_pattern_applies_to(const tmdk_pattern *p, tmdk_kind kind);
TMDK_API size_t tmdk_pattern_example_count(const tmdk_pattern *p);
TMDK_API const tmdk_example *tmdk_pattern_example(const tmdk_pattern *p, size_t index);
/** Where the pattern was defined. */
TMDK_API const char *tmdk_pattern_file(const tmdk_pattern *p);
TMDK_API unsigned int tmdk_pattern_line(const tmdk_pattern *p);
/** The name and version of the catalog file that defined the pattern. */
TMDK_API const char *tmdk_pattern_catalog_name(const tmdk_pattern *p);
TMDK_API const char *tmdk_pattern_catalog_version(const tmdk_pattern *p);

TMDK_END_DECL

#endif /* TMDK_CATALOG_H */
