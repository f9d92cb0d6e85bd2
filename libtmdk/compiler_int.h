/* libtmdk — the compiler's private state, shared by its source files. */
#ifndef TMDK_COMPILER_INT_H
#define TMDK_COMPILER_INT_H

#include "catalog_int.h"

typedef struct tmdk__source {
	tmdk_artifact *artifact;   /* the catalog file, parsed as YAML */
} tmdk__source;

struct tmdk_compiler {
	tmdk_compile_options opts;
	tmdk__arena arena;         /* diagnostic strings, paths */
	tmdk__source *sources;
	size_t source_count, source_cap;
	tmdk_diagnostic *diags;
	size_t diag_count, diag_cap, error_count;
	int compiled, nomem, callback_stopped;
	/* tmdk_compiler_add_builtin calls served by the precompiled built-in
	 * catalog (decoded by tmdk_compiler_compile, before the sources). */
	unsigned int builtin_compiled;
};

/* The catalog files embedded in the library (generated from patterns/). */
typedef struct tmdk__embedded {
	const char *name;
	const char *text;
	size_t len;
} tmdk__embedded;
extern const tmdk__embedded tmdk__builtin_catalog[];
extern const size_t tmdk__builtin_catalog_count;

void tmdk__compiler_diag(tmdk_compiler *c, tmdk_diag_level level, int code, const char *file,
	unsigned int line, unsigned int column, const char *pattern_id, const char *fmt, ...) TMDK__PRINTF(8, 9);

/* catalog_schema.c: validate and compile one catalog file into cat. */
void tmdk__compile_source(tmdk_compiler *c, tmdk_catalog *cat, const tmdk__source *src);
/* catalog.c */
int tmdk__catalog_new(tmdk_catalog **out, unsigned int match_limit, unsigned int depth_limit);
int tmdk__catalog_append(tmdk_catalog *cat, tmdk_pattern *p);
int tmdk__catalog_add_meta_patterns(tmdk_catalog *cat);
/* catalog_examples.c: run every pattern's examples; misbehaviour becomes diagnostics. */
void tmdk__check_examples(tmdk_compiler *c, const tmdk_catalog *cat);

#endif
