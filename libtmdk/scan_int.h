/* libtmdk — private parts of scanning: findings, suppressions, objects. */
#ifndef TMDK_SCAN_INT_H
#define TMDK_SCAN_INT_H

#include "catalog_int.h"

struct tmdk_finding {
	const tmdk_pattern *pattern;
	const char *path;            /* borrowed from the artifact, or owned in lists */
	tmdk_kind kind;
	size_t document;
	unsigned int line, column;
	char *object, *evidence, *message, *suppression;  /* heap */
	char *component;             /* heap: the model's id of the component it concerns, or NULL */
	int suppressed;
	int owned;                   /* list copy: path is heap, a catalog reference is held */
	size_t unit;                 /* in a report: 1 + the index of its unit, 0: none */
	uint64_t print_hash;         /* list copies: tmdk__fingerprint_hash of it, made when copied
	                              * (on the scanning threads, not the one writing the report) */
};

/* finding.c */
void tmdk__finding_clear(tmdk_finding *f);
/** Move every finding of `from` to the end of `to`, each given `unit`; TMDK_OK, or TMDK_ENOMEM (both unchanged). */
int tmdk__findings_move(tmdk_findings *to, tmdk_findings *from, size_t unit);
/* baseline.c: the hash of a finding's fingerprint (pattern id, path, object, evidence). */
uint64_t tmdk__fingerprint_hash(const char *pattern_id, const char *path, const char *object, const char *evidence);
int tmdk__finding_compare(const tmdk_finding *a, const tmdk_finding *b);

/* object.c: what a finding concerns, from the scopes of the match. */
char *tmdk__describe_object(tmdk_kind kind, const tmdk_node *view, const tmdk__scope *scopes, int depth);

/* suppress.c */
typedef struct tmdk__suppression {
	int found;                   /* the finding is suppressed */
	char *reason;                /* heap; NULL when none was given */
	unsigned int line;           /* where the suppression is written (0: annotation) */
	const char *source;          /* "comment", "file comment", "annotation" */
	const tmdk_artifact *where;  /* the artifact it is written in */
} tmdk__suppression;

/** Is pattern `id` suppressed for a finding at `line` of `text` (the file the
 *  finding is in: a itself, or for a derived artifact one of its sources) of
 *  document `view` in `a`, in a node starting at line `anchor`? `file_lines`
 *  are text's ignore-file lines. 1 yes (out filled; out->reason is heap), 0
 *  no, TMDK_ENOMEM. */
int tmdk__find_suppression(const tmdk_artifact *a, const tmdk_artifact *text, const tmdk_node *view, const char *id,
	unsigned int line, unsigned int anchor, const unsigned int *file_lines, size_t file_line_count,
	tmdk__suppression *out);
/** Lines holding a `tmdk:ignore-file=` comment (heap array). @return TMDK_OK or TMDK_ENOMEM. */
int tmdk__file_suppression_lines(const tmdk_artifact *a, unsigned int **out, size_t *count);

/* Every inline suppression of an artifact, one entry per id named. */
typedef struct tmdk__ignore {
	char *id;                    /* heap */
	unsigned int line, column;   /* where the id is written */
	int has_reason;
	int used;                    /* it suppressed a finding (or was reported without a reason) */
	size_t document;             /* annotation: its document; comments: (size_t)-1 */
	const tmdk_artifact *where;  /* the artifact it is written in (a source, for a derived one) */
} tmdk__ignore;

typedef struct tmdk__ignores {
	tmdk__ignore *items;
	size_t count, cap;
} tmdk__ignores;

/** Collect the comment directives and ignore annotations of a (and the
 *  comments of its sources, for a derived artifact). @return TMDK_OK or TMDK_ENOMEM. */
int tmdk__collect_ignores(const tmdk_artifact *a, tmdk__ignores *out);
void tmdk__ignores_free(tmdk__ignores *list);
/** Mark the entries naming `id` on `line` of `where` as used. */
void tmdk__ignores_mark_used(tmdk__ignores *list, const char *id, unsigned int line, const tmdk_artifact *where);

/* scanner.c: scan with one pattern only (example checking); inline ignores off. */
int tmdk__scan_pattern(const tmdk_catalog *catalog, const tmdk_pattern *p, const tmdk_artifact *a,
	tmdk_finding_cb cb, void *payload, tmdk_error *err);
/* scanner.c: the same over a set (an example with `with` files). */
int tmdk__scan_pattern_set(const tmdk_catalog *catalog, const tmdk_pattern *p, const tmdk_artifact *const *set,
	size_t count, tmdk_finding_cb cb, void *payload, tmdk_error *err);

/* scanner.c: for tests, evaluate cross-document patterns the naive way
 * (every element of every $set selection visited, no caches): the results
 * must be identical, only slower. */
void tmdk__scanner_set_naive(tmdk_scanner *s, int naive);

#endif
