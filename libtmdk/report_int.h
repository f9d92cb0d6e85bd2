/*
 * libtmdk — private parts of the report writers: the report object, the
 * sorted "view" every writer renders from, and the buffered output with its
 * escaping helpers (report_out.c).
 */
#ifndef TMDK_REPORT_INT_H
#define TMDK_REPORT_INT_H

#include "internal.h"
#include "tmdk/report.h"

#include <stdio.h>

/* ---- buffered output with escaping (report_out.c) ---------------------- */

typedef struct tmdk__out {
	tmdk_write_fn write;
	void *payload;
	int failed;              /* the callback returned non-zero (or nomem): write nothing more */
	int nomem;               /* an allocation failed while formatting */
	size_t len;
	char buf[8192];
} tmdk__out;

void tmdk__out_init(tmdk__out *o, tmdk_write_fn write, void *payload);
/** Flush the buffer; TMDK_OK, or TMDK_EIO when the callback failed (now or before). */
int tmdk__out_flush(tmdk__out *o);
void tmdk__out_mem(tmdk__out *o, const char *s, size_t n);
void tmdk__out_str(tmdk__out *o, const char *s);
void tmdk__out_printf(tmdk__out *o, const char *fmt, ...) TMDK__PRINTF(2, 3);
/** Length of s without trailing blanks and newlines (catalog text often ends in one). */
size_t tmdk__trimmed_len(const char *s);
/** s without its trailing blanks and newlines, unescaped. */
void tmdk__out_trimmed(tmdk__out *o, const char *s);
/** `n` times the character c. */
void tmdk__out_repeat(tmdk__out *o, char c, size_t n);

/**
 * Decode one UTF-8 character of s[0..len): its code point in *cp and the
 * bytes used (at least 1). Malformed, overlong or surrogate sequences
 * decode one byte as U+FFFD.
 */
size_t tmdk__utf8_decode(const char *s, size_t len, uint32_t *cp);
/** Write the code point as UTF-8. */
void tmdk__out_codepoint(tmdk__out *o, uint32_t cp);

/** A JSON string with its quotes; invalid UTF-8 becomes U+FFFD. NULL writes null. */
void tmdk__out_json_string(tmdk__out *o, const char *s);
/** HTML text or attribute value: & < > " ' escaped, control characters and invalid UTF-8 as U+FFFD. */
void tmdk__out_html(tmdk__out *o, const char *s);
/** Markdown inline text: punctuation that could start markup escaped, newlines as spaces. */
void tmdk__out_markdown(tmdk__out *o, const char *s);
/** A Markdown code span (backticks chosen so the text cannot close it); never inside a table. */
void tmdk__out_markdown_code(tmdk__out *o, const char *s);
/**
 * Prose that may hold `code spans` (messages, catalog text): the spans are
 * kept as code (Markdown) or <code> (HTML), everything else is escaped.
 */
void tmdk__out_markdown_prose(tmdk__out *o, const char *s);
void tmdk__out_html_prose(tmdk__out *o, const char *s);
/** Terminal text: control characters shown as \xNN, invalid UTF-8 as U+FFFD. */
void tmdk__out_terminal(tmdk__out *o, const char *s);
/** A URI reference for a path: unreserved characters kept, others %XX; absolute paths as file:// URIs. */
void tmdk__out_uri(tmdk__out *o, const char *path);

 /** 1 for an http:// or https:// URL: the only links the writers make. */
int tmdk__is_web_url(const char *url);
/** A URL for a link target: characters that could end the link or attribute %-encoded. */
void tmdk__out_url(tmdk__out *o, const char *url);

/** A growable NUL-terminated string; tmdk__sink_write is a tmdk_write_fn appending to it. */
typedef struct tmdk__sink {
	char *data;
	size_t len, cap;
} tmdk__sink;
int tmdk__sink_write(const char *data, size_t len, void *payload);

/* ---- a JSON emitter with indentation (report_out.c), for JSON and SARIF ---- */

#define TMDK__JSON_MAX_DEPTH 32

typedef struct tmdk__json {
	tmdk__out *o;
	int depth;
	unsigned char has_items[TMDK__JSON_MAX_DEPTH];
} tmdk__json;

void tmdk__json_init(tmdk__json *j, tmdk__out *o);
/* Start a member (comma, indentation, key): the caller writes the value. */
void tmdk__json_member(tmdk__json *j, const char *key);
/* `key` is the member name inside an object, NULL inside an array. */
void tmdk__json_open(tmdk__json *j, const char *key, char bracket);
void tmdk__json_close(tmdk__json *j, char bracket);
void tmdk__json_string(tmdk__json *j, const char *key, const char *value);
void tmdk__json_uint(tmdk__json *j, const char *key, unsigned long value);
void tmdk__json_bool(tmdk__json *j, const char *key, int value);
/* A number or literal written as given ("8.0", "null"). */
void tmdk__json_raw(tmdk__json *j, const char *key, const char *literal);

/* ---- the report (report.c) ------------------------------------------------ */

typedef struct tmdk__report_file {
	char *path;
	tmdk_kind kind;
} tmdk__report_file;

typedef struct tmdk__report_error {
	char *path;
	unsigned int line, column;
	int code;
	char *message;
} tmdk__report_error;

typedef struct tmdk__report_unit {
	char *kind, *path;
	char **members, **roles;
	size_t member_count, member_cap, role_cap;
	char **notes;
	size_t note_count, note_cap;
} tmdk__report_unit;

/* A model's picture kept by the report (report_models.c): one per unit. */
struct tmdk__diagram;
typedef struct tmdk__report_model {
	char *unit;                      /* the unit's path or name */
	struct tmdk__diagram *diagram;   /* owned copy (diagram_int.h) */
} tmdk__report_model;

struct tmdk_report {
	tmdk_findings *findings;
	tmdk__report_file *files;
	size_t file_count, file_cap;
	tmdk__report_error *errors;
	size_t error_count, error_cap;
	tmdk__report_error *skips;       /* candidates skipped with a reason (report_skipped.c) */
	size_t skip_count, skip_cap;
	tmdk_catalog *catalog;           /* a reference, or NULL */
	unsigned char *enabled;          /* per catalog pattern: passed the scan filters */
	char *scope, *date;
	long duration_ms;                /* -1: unknown */
	char **baseline;                 /* fingerprints of an earlier report (baseline.c) */
	size_t baseline_count, baseline_cap;
	int baseline_sorted;
	int has_baseline;                /* a baseline was given: findings are "new" or "unchanged" */
	tmdk__report_unit *units;        /* in the order begun (unit.c: report units) */
	size_t unit_count, unit_cap;
	size_t current_unit;             /* 1 + index, 0: none */
	tmdk__report_model *models;      /* in the order added */
	size_t model_count, model_cap;
};

/** The unit of a finding of the report, or NULL. */
const tmdk__report_unit *tmdk__report_finding_unit(const tmdk_report *r, const tmdk_finding *f);
void tmdk__report_free_units(tmdk_report *r);

/* ---- the orders of the findings (report_order.c) -------------------------- */

/* Per finding of r->findings (same index), sorted once with integer keys. */
typedef struct tmdk__finding_order {
	size_t *located;                 /* finding indexes by tmdk__finding_compare, unit, index */
	size_t *same;                    /* per finding: the rank of its tmdk__finding_compare-equal class */
	size_t *id_rank;                 /* per finding: the rank of its pattern id (strcmp order) */
} tmdk__finding_order;

/** Fill *ord for the findings of r; TMDK_OK, or TMDK_ENOMEM (*ord then empty). */
int tmdk__finding_order_build(tmdk__finding_order *ord, const tmdk_report *r);
void tmdk__finding_order_free(tmdk__finding_order *ord);
/* An integer key and what it sorts (a position). */
typedef struct tmdk__keyed {
	uint64_t key;
	size_t pos;
} tmdk__keyed;
/** Sort a[0..n) by key, stably (a merge sort; tmp: room for n). */
void tmdk__sort_keyed(tmdk__keyed *a, tmdk__keyed *tmp, size_t n);
/** Sort list[0..n) by keys[0..n) (keys[k] is list[k]'s), stably; TMDK_OK or TMDK_ENOMEM (list unchanged). */
int tmdk__sort_by_keys(const tmdk_finding **list, const uint64_t *keys, size_t n);

/* ---- fingerprints and baselines (baseline.c) ------------------------------ */

typedef struct tmdk__fingerprint {
	char text[40];                   /* "0123456789abcdef:1" */
	int baseline;                    /* active and in the baseline */
} tmdk__fingerprint;

void tmdk__fingerprint_format(char *buf, size_t size, uint64_t hash, unsigned int occurrence);
/** Per finding of r->findings (same index), or NULL when out of memory. Heap.
 *  `ord`: the findings' order when the caller has it, NULL to compute it here. */
tmdk__fingerprint *tmdk__report_fingerprints(const tmdk_report *r, const tmdk__finding_order *ord);
int tmdk__report_in_baseline(const tmdk_report *r, const char *fingerprint);
void tmdk__report_baseline_free(tmdk_report *r);

/* ---- what the writers render (report.c) ---------------------------------- */

/* A pattern the report knows: checked by the scan, or named by a finding. */
typedef struct tmdk__view_pattern {
	const tmdk_pattern *pattern;
	int checked;                     /* 1: the scan evaluated it */
	size_t findings, suppressed;     /* shown findings and suppressed ones */
} tmdk__view_pattern;

typedef struct tmdk__view {
	const tmdk_report *report;
	const tmdk_report_options *opts;
	const char *tool_name;
	const char *title;               /* heading for Markdown/HTML */
	/* shown findings: not suppressed, at or above min_severity */
	const tmdk_finding **shown;      /* by path, line, column, id */
	const tmdk_finding **grouped;    /* by question, risk, then as `shown` */
	size_t shown_count;
	const tmdk_finding **suppressed; /* at or above min_severity, by path … */
	size_t suppressed_count;
	const tmdk__report_file **files; /* scanned files (kind known), by path */
	size_t file_count, skipped_count;
	size_t kind_count[TMDK_KIND_COUNT];
	const tmdk__report_error **errors; /* by path, line, column */
	size_t error_count;
	const tmdk__report_error **skips;  /* skipped with a reason (message), by path */
	size_t skip_count;
	tmdk__view_pattern *patterns;    /* by id */
	size_t pattern_count, checked_count;
	size_t by_severity[TMDK_SEVERITY_COUNT];
	size_t by_question[TMDK_QUESTION_COUNT][TMDK_SEVERITY_COUNT];
	size_t by_risk[TMDK_RISK_COUNT][TMDK_SEVERITY_COUNT];
	size_t checked_per_risk[TMDK_RISK_COUNT];
	tmdk__report_file *derived;      /* files named by findings, when none were added */
	tmdk__fingerprint *prints;       /* per finding of the report (tmdk__view_print) */
	tmdk__finding_order order;       /* of every finding of the report */
	size_t baseline_count;           /* shown findings in the baseline ("unchanged") */
	/* the system model (report_models.c) */
	/* NULL but for the formats that draw the models (report.c, draws_models) */
	const tmdk_finding **ranked;     /* shown, by question, risk, severity (worst first), pattern id, location */
	struct tmdk__view_place *places; /* per finding of the report: the component it concerns */
	int **comp_severity;             /* per model, per component: worst shown finding (-1: none) */
} tmdk__view;

/* The component a finding concerns: model index and component index, (size_t)-1 when none. */
typedef struct tmdk__view_place {
	size_t model, comp;
} tmdk__view_place;

/** The fingerprint of a finding of the report. */
const tmdk__fingerprint *tmdk__view_print(const tmdk__view *v, const tmdk_finding *f);
/** A pattern's place in the grouped orders: by question, then risk. */
static inline uint64_t tmdk__pattern_group(const tmdk_pattern *p)
{
	return (uint64_t)tmdk_pattern_question(p) * TMDK_RISK_COUNT + (uint64_t)tmdk_pattern_risk(p);
}
/** into[0..shown_count): v->shown sorted stably by key(v, finding) (report_order.c).
 *  @return TMDK_OK, or TMDK_ENOMEM (into then in shown's order). */
int tmdk__view_order_shown(const tmdk__view *v, const tmdk_finding **into,
	uint64_t (*key)(const tmdk__view *v, const tmdk_finding *f));

/** The index of a pattern in view->patterns, or (size_t)-1. */
size_t tmdk__view_pattern_index(const tmdk__view *v, const tmdk_pattern *p);
/** Total of a per-severity count array. */
size_t tmdk__count_total(const size_t *per_severity);
/** "CIS Kubernetes Benchmark v1.10.0 5.2.2" and the like, into buf. */
void tmdk__reference_label(const tmdk_reference *ref, char *buf, size_t size);
/** Upper-case severity name ("HIGH"). */
const char *tmdk__severity_upper(tmdk_severity s);

/** qsort order of tmdk__report_error pointers: path, line, column, message. */
int tmdk__compare_report_errors(const void *pa, const void *pb);

/* report_models.c */
void tmdk__report_free_models(tmdk_report *r);
/** Fill v->ranked, v->places and v->comp_severity; 0, or TMDK_ENOMEM. */
int tmdk__view_models(tmdk__view *v);
void tmdk__view_models_free(tmdk__view *v);
/** Where a finding of the report sits in the models. */
const tmdk__view_place *tmdk__view_place_of(const tmdk__view *v, const tmdk_finding *f);
/** Whether a finding concerns an exposed component: 2 to the internet, 1 otherwise, 0 not or unknown. */
int tmdk__view_exposure(const tmdk__view *v, const tmdk_finding *f);
/** The name of the component a finding concerns, or NULL. */
const char *tmdk__view_component_name(const tmdk__view *v, const tmdk_finding *f);

/* report_risks.c: the sections Markdown and HTML share in content */
/**
 * The top risks: shown critical and high findings (medium when none), exposed components first, one per
 * pattern; at most `max` into out, with places[i] the components (or files) the pattern hits. *total: all patterns.
 */
size_t tmdk__view_top_risks(const tmdk__view *v, const tmdk_finding **out, size_t *places, size_t max, size_t *total);
/** The number of findings of the same pattern starting at ranked[i]. */
size_t tmdk__view_pattern_run(const tmdk__view *v, size_t i);
/** Diagram of model m as Mermaid (fenced by the caller) / SVG (heap, TMDK_ENOTFOUND without Graphviz). */
int tmdk__view_mermaid(const tmdk__view *v, size_t m, tmdk__out *o);
int tmdk__view_svg(const tmdk__view *v, size_t m, char **svg, size_t *len);
/** The order to show models in: units outside test, fixture and archive folders first, then the worst
 *  finding first, then more components; into order[model_count] (heap). */
size_t *tmdk__view_model_order(const tmdk__view *v);
/** Components and exposed components of model m. */
void tmdk__view_model_counts(const tmdk__view *v, size_t m, size_t *components, size_t *exposed, size_t *internet);

/* report_markdown.c: pieces the pull-request comment reuses */
void tmdk__md_pattern_group(const tmdk__view *v, tmdk__out *o, const tmdk_finding *const *list, size_t n, size_t max);
/** "## Top risks" with at most `max` (≤ 25) entries; returns the entries written. */
size_t tmdk__md_top_risks(const tmdk__view *v, tmdk__out *o, size_t max);
/** "## System model" with at most `max_models` pictures, worst first; returns the pictures drawn. */
size_t tmdk__md_picture(const tmdk__view *v, tmdk__out *o, size_t max_models);

/* report_skipped.c */
void tmdk__report_free_skips(tmdk_report *r);
/** Fill v->skips (sorted); 0, or TMDK_ENOMEM. */
int tmdk__view_skips(tmdk__view *v);

/* ---- the writers, one file each: 0, or TMDK_ENOMEM ---------------------- */
int tmdk__write_text(const tmdk__view *v, tmdk__out *o);
int tmdk__write_json(const tmdk__view *v, tmdk__out *o);
int tmdk__write_sarif(const tmdk__view *v, tmdk__out *o);
int tmdk__write_markdown(const tmdk__view *v, tmdk__out *o);
int tmdk__write_html(const tmdk__view *v, tmdk__out *o);
int tmdk__write_comment(const tmdk__view *v, tmdk__out *o);

#endif /* TMDK_REPORT_INT_H */
