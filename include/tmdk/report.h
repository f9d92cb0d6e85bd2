/*
 * libtmdk — threat-model reports: findings rendered as text, JSON, SARIF
 * 2.1.0, Markdown or HTML.
 *
 * A tmdk_report collects what one scan produced: the findings (owned
 * copies), the files scanned with their kind, the inputs that could not be
 * read or parsed, and a few facts (scope, date, duration). Writers render it
 * through a callback or into a string; they know only the findings and the
 * catalog's metadata. Output is deterministic: findings, files and errors are
 * sorted, and nothing time-dependent is printed unless it was set (date,
 * duration). The formats are described in README.md ("JSON output" for the
 * JSON contract).
 *
 *   tmdk_report *r;
 *   tmdk_report_new(&r, &err);
 *   tmdk_scanner_scan(scanner, artifact, tmdk_report_collect, r, &err);
 *   tmdk_report_options o = TMDK_REPORT_OPTIONS_INIT;
 *   o.format = TMDK_REPORT_SARIF;
 *   tmdk_report_write(r, &o, my_write, my_file, &err);
 *   tmdk_report_free(r);
 */
#ifndef TMDK_REPORT_H
#define TMDK_REPORT_H

#include "common.h"
#include "errors.h"
#include "artifact.h"
#include "taxonomy.h"
#include "catalog.h"
#include "scan.h"

TMDK_BEGIN_DECL

typedef struct tmdk_report tmdk_report;

typedef enum tmdk_report_format {
	TMDK_REPORT_TEXT = 0,     /**< for a terminal: grouped by question and risk, then a summary */
	TMDK_REPORT_JSON = 1,     /**< for pipelines (README.md, "JSON output") */
	TMDK_REPORT_SARIF = 2,    /**< SARIF 2.1.0, for code-scanning services */
	TMDK_REPORT_MARKDOWN = 3, /**< a threat-model document (renders on GitHub) */
	TMDK_REPORT_HTML = 4,     /**< one self-contained page with charts */
	TMDK_REPORT_PR_COMMENT = 5 /**< Markdown for a pull-request comment: summary, picture, top risks,
	                                new findings; always under 65,000 characters */
} tmdk_report_format;
#define TMDK_REPORT_FORMAT_COUNT 6
/** The most characters a TMDK_REPORT_PR_COMMENT report has (GitHub takes 65,536 in a comment). */
#define TMDK_REPORT_COMMENT_MAX 65000

/** "text", "json", "sarif", "markdown", "html", "pr-comment"; NULL when out of range. */
TMDK_API const char *tmdk_report_format_name(tmdk_report_format format);
/** Parse a format name (also "md"). @return TMDK_OK or TMDK_EINVAL. */
TMDK_API int tmdk_report_format_from_name(tmdk_report_format *out, const char *name);

/**
 * Receives the rendered report piece by piece. Return 0 to go on; any other
 * value stops the writer, which then returns TMDK_EIO.
 */
typedef int (*tmdk_write_fn)(const char *data, size_t len, void *payload);

/** text: colour severities and headings with ANSI escapes. */
#define TMDK_REPORT_COLOR 0x1u
/** text: also list suppressed findings with their reasons, and findings in the baseline (the other formats always include them). */
#define TMDK_REPORT_SHOW_SUPPRESSED 0x2u
/** text: also list the skipped files with their reasons (the other formats always include them). */
#define TMDK_REPORT_SHOW_SKIPPED 0x4u

#define TMDK_REPORT_OPTIONS_VERSION 1

typedef struct tmdk_report_options {
	unsigned int version;        /**< TMDK_REPORT_OPTIONS_VERSION */
	tmdk_report_format format;
	unsigned int flags;          /**< TMDK_REPORT_* */
	tmdk_severity min_severity;  /**< findings below are left out of the output */
	const char *title;           /**< Markdown/HTML heading; NULL: "Threat model" (+ the scope) */
	const char *tool_name;       /**< JSON `tool.name`, SARIF driver name; NULL: "libtmdk" */
} tmdk_report_options;

#define TMDK_REPORT_OPTIONS_INIT { TMDK_REPORT_OPTIONS_VERSION, TMDK_REPORT_TEXT, 0, TMDK_SEVERITY_INFO, 0, 0 }

TMDK_API int tmdk_report_options_init(tmdk_report_options *opts, unsigned int version);

/** @param out receives an empty report (owned; free with tmdk_report_free). */
TMDK_API int tmdk_report_new(tmdk_report **out, tmdk_error *err) TMDK_WARN_UNUSED;
/** Accepts NULL. */
TMDK_API void tmdk_report_free(tmdk_report *report);

/**
 * The catalog the scan used, and the scan options' pattern filters
 * (min_severity, questions, risks, ignore_ids; opts may be NULL): the report
 * then knows which patterns were checked, and says per risk what was checked
 * and found clean (Markdown, HTML) and lists them as SARIF rules. The report
 * takes a reference on the catalog. Without it, only patterns that produced
 * findings are known.
 */
TMDK_API int tmdk_report_set_catalog(tmdk_report *report, const tmdk_catalog *catalog,
	const tmdk_scan_options *opts, tmdk_error *err);
/** What was scanned, as shown in headers ("." or "services/api"); copied. NULL clears. */
TMDK_API int tmdk_report_set_scope(tmdk_report *report, const char *scope);
/** When (free text, e.g. "2024-05-01"); copied. Not printed unless set. */
TMDK_API int tmdk_report_set_date(tmdk_report *report, const char *date);
/** How long the scan took; negative: unknown (not printed, the default). */
TMDK_API void tmdk_report_set_duration(tmdk_report *report, double seconds);

/**
 * An input file and its kind. TMDK_KIND_UNKNOWN records a file that was
 * looked at and skipped (counted, not listed). When no file is added, the
 * files are those the findings name.
 */
TMDK_API int tmdk_report_add_file(tmdk_report *report, const char *path, tmdk_kind kind);
/**
 * An input or catalog that could not be read or parsed. line and column
 * count from 1 (0: not known); code is a tmdk_error_code (0: unspecified).
 */
TMDK_API int tmdk_report_add_error(tmdk_report *report, const char *path, unsigned int line,
	unsigned int column, int code, const char *message);
/**
 * A candidate that was skipped, with the reason (tmdk_candidate_parse_file's
 * err): listed in the JSON `skipped` array and in SARIF notifications,
 * counted in every format's summary, listed in text with
 * TMDK_REPORT_SHOW_SKIPPED. line and column count from 1 (0: not known).
 * Not an error, and not a file added with tmdk_report_add_file (the
 * summary counts it among the skipped files).
 */
TMDK_API int tmdk_report_add_skipped(tmdk_report *report, const char *path, unsigned int line,
	unsigned int column, const char *reason);
/**
 * A deployment unit (include/tmdk/unit.h; `kind` as tmdk_unit_kind_name,
 * or any name such as "files" for inputs named on a command line): findings
 * added after this call belong to it, until the next unit or
 * tmdk_report_end_unit. Units are reported in the order they are begun
 * (JSON `units[]`, each finding's `unit`).
 */
TMDK_API int tmdk_report_begin_unit(tmdk_report *report, const char *kind, const char *path);
/** A member file of the current unit and its role ("scanned", "override", "patch", "config", "template"). */
TMDK_API int tmdk_report_add_unit_member(tmdk_report *report, const char *path, const char *role);
/** A note on the current unit (what could not be rendered, followed or applied): not an error. */
TMDK_API int tmdk_report_add_unit_note(tmdk_report *report, const char *message);
/** Findings added from now on belong to no unit. */
TMDK_API void tmdk_report_end_unit(tmdk_report *report);
/** The number of units begun. */
TMDK_API size_t tmdk_report_unit_count(const tmdk_report *report);

/**
 * The system model of a unit (tmdk_model_root, or any tree shaped like it;
 * see docs/model.md): Markdown, HTML and pull-request reports start with its
 * picture, components coloured by their worst finding, and rank the top
 * risks by the exposure of the component a finding concerns. What the
 * picture needs is copied: the model may be freed after this call. `unit`
 * names it (the unit's path as given to tmdk_report_begin_unit, so findings
 * of that unit are placed on it first); NULL: "".
 * @return TMDK_OK, TMDK_EINVAL (not a map) or TMDK_ENOMEM
 */
TMDK_API int tmdk_report_add_model(tmdk_report *report, const char *unit, const tmdk_node *model);
/** The number of models added. */
TMDK_API size_t tmdk_report_model_count(const tmdk_report *report);

/**
 * What tmdk_report_add_model copies from a model, made apart from any
 * report: making one only reads the model, so the pictures of many units can
 * be made on several threads (each with its model) while one thread fills
 * the report. The model may be freed once the picture is made.
 */
typedef struct tmdk_report_picture tmdk_report_picture;

/** The picture of `model`, into *out. @return TMDK_OK, TMDK_EINVAL (not a map) or TMDK_ENOMEM */
TMDK_API int tmdk_report_picture_new(tmdk_report_picture **out, const tmdk_node *model);
TMDK_API void tmdk_report_picture_free(tmdk_report_picture *picture);
/**
 * tmdk_report_add_model with a picture made ahead: on TMDK_OK the report
 * owns it and *picture is set to NULL; on failure it is still the caller's.
 * @return TMDK_OK, TMDK_EINVAL or TMDK_ENOMEM
 */
TMDK_API int tmdk_report_add_picture(tmdk_report *report, const char *unit, tmdk_report_picture **picture);

/** Add a copy of a finding (suppressed ones included: they are reported as such). */
TMDK_API int tmdk_report_add_finding(tmdk_report *report, const tmdk_finding *finding);
/**
 * Add a copy of a finding, suppressed by the caller's own policy (a
 * configuration file's per-path ignores): `suppression` says where and why,
 * as tmdk_finding_suppression does for inline ones.
 */
TMDK_API int tmdk_report_add_suppressed(tmdk_report *report, const tmdk_finding *finding, const char *suppression);
/** Add copies of every finding of a list. */
TMDK_API int tmdk_report_add_findings(tmdk_report *report, const tmdk_findings *list);
/**
 * Move every finding of a list into the report (suppressed ones stay so),
 * leaving the list empty: tmdk_report_add_findings without copying, for
 * lists filled on other threads while one thread fills the report.
 * @return TMDK_OK, TMDK_EINVAL or TMDK_ENOMEM (the list is then unchanged)
 */
TMDK_API int tmdk_report_take_findings(tmdk_report *report, tmdk_findings *list);
/** A tmdk_finding_cb that adds to the tmdk_report given as payload. */
TMDK_API int tmdk_report_collect(const tmdk_finding *finding, void *payload);

/** Findings not suppressed and not in the baseline whose severity is at least `min`. */
TMDK_API size_t tmdk_report_finding_count(const tmdk_report *report, tmdk_severity min);
/**
 * Baselines. Every finding has a fingerprint: 16 hex digits hashing its
 * pattern id, path, object and evidence (not its line), then ":N" telling
 * identical findings apart in location order — the JSON report's
 * `fingerprint` and SARIF's partialFingerprints["tmdkFindingHash/v1"].
 * Findings whose fingerprint is in the report's baseline are "unchanged":
 * still reported (JSON `baseline_state`, SARIF `baselineState`, listed apart
 * in text) but not counted by tmdk_report_finding_count.
 */
/** Add one fingerprint to the baseline. */
TMDK_API int tmdk_report_add_baseline(tmdk_report *report, const char *fingerprint);
/**
 * Add the findings of an earlier report to the baseline: a tmdk JSON report
 * (`findings` and `suppressed`, their `fingerprint`, or for reports without
 * one the fingerprint computed from pattern_id, path, object and evidence) or
 * a SARIF log (results' partialFingerprints["tmdkFindingHash/v1"], or
 * computed from ruleId, the first location's uri and snippet text and
 * properties.object). @return TMDK_OK, TMDK_EPARSE (with line and column), TMDK_ELIMIT or TMDK_ENOMEM
 */
TMDK_API int tmdk_report_load_baseline(tmdk_report *report, const char *name, const void *data, size_t len,
	tmdk_error *err);
/** Findings not suppressed that the baseline covers. */
TMDK_API size_t tmdk_report_baseline_count(const tmdk_report *report);
TMDK_API size_t tmdk_report_suppressed_count(const tmdk_report *report);
TMDK_API size_t tmdk_report_error_count(const tmdk_report *report);
/** Files added with tmdk_report_add_skipped. */
TMDK_API size_t tmdk_report_skipped_count(const tmdk_report *report);

/**
 * Render the report through `write`. opts may be NULL (text, defaults).
 * @return TMDK_OK, TMDK_EINVAL (bad options), TMDK_ENOMEM, or TMDK_EIO when
 *         `write` returned non-zero
 */
TMDK_API int tmdk_report_write(const tmdk_report *report, const tmdk_report_options *opts,
	tmdk_write_fn write, void *payload, tmdk_error *err);
/**
 * Render the report into a NUL-terminated string.
 * @param out receives the string (free with tmdk_report_string_free)
 * @param len_out receives its length (may be NULL)
 */
TMDK_API int tmdk_report_render(char **out, size_t *len_out, const tmdk_report *report,
	const tmdk_report_options *opts, tmdk_error *err) TMDK_WARN_UNUSED;
/** Free a string from tmdk_report_render. Accepts NULL. */
TMDK_API void tmdk_report_string_free(char *string);

TMDK_END_DECL

#endif /* TMDK_REPORT_H */
