/*
 * libtmdk — scanning artifacts with a compiled catalog, and findings.
 *
 * A tmdk_scanner holds the mutable state of one worker (regex match data,
 * scratch space): create one per thread, all sharing one catalog. Findings
 * are reported through a callback (borrowed, valid only during the call) or
 * collected into a tmdk_findings list (owned copies).
 */
#ifndef TMDK_SCAN_H
#define TMDK_SCAN_H

#include "common.h"
#include "errors.h"
#include "artifact.h"
#include "catalog.h"
#include "model.h"

TMDK_BEGIN_DECL

typedef struct tmdk_scanner tmdk_scanner;
typedef struct tmdk_finding tmdk_finding;
typedef struct tmdk_findings tmdk_findings;

/** Returned by a finding callback to stop the scan early (not an error). */
#define TMDK_STOP 1

/**
 * Called once per finding, suppressed ones included (check
 * tmdk_finding_suppressed). Return 0 to go on, TMDK_STOP to stop, or a
 * negative value to abort: the scan then returns that value.
 */
typedef int (*tmdk_finding_cb)(const tmdk_finding *finding, void *payload);

/** Ignore `# tmdk:ignore…` comments and `tmdk.io/ignore` annotations. */
#define TMDK_SCAN_NO_INLINE_IGNORES 0x1u
/** Do not report suppressed findings to the callback (they are still counted). */
#define TMDK_SCAN_SKIP_SUPPRESSED 0x2u
/**
 * Report inline suppressions that suppress nothing (TMDK-META-003): a
 * `tmdk:ignore` comment or annotation naming a pattern that ran on the
 * file (passed the filters, applies to the kind) without a finding there.
 * A flag, so every version of tmdk_scan_options has it.
 */
#define TMDK_SCAN_REPORT_UNUSED_IGNORES 0x4u

#define TMDK_DEFAULT_MAX_FINDINGS ((size_t)100000)
/** Default budget of cross-document work: see tmdk_scan_options.max_set_visits. */
#define TMDK_DEFAULT_MAX_SET_VISITS ((size_t)2000000)

/**
 * Version 2 added max_set_visits. Structures of version 1 (without it) are
 * still accepted by tmdk_scanner_new and tmdk_report_set_catalog.
 */
#define TMDK_SCAN_OPTIONS_VERSION 2

typedef struct tmdk_scan_options {
	unsigned int version;        /**< TMDK_SCAN_OPTIONS_VERSION */
	unsigned int flags;          /**< TMDK_SCAN_* */
	tmdk_severity min_severity;  /**< patterns below are not evaluated */
	unsigned int questions;      /**< bit (1 << tmdk_question) per question to keep; 0: all */
	unsigned long risks;         /**< bit (1 << tmdk_risk) per risk to keep; 0: all */
	const char *const *ignore_ids; /**< pattern ids never evaluated */
	size_t ignore_count;
	size_t max_findings;         /**< per scan call (0: default); beyond it TMDK_ELIMIT */
	unsigned int regex_match_limit; /**< override the catalog's PCRE2 match limit (0: keep) */
	unsigned int regex_depth_limit; /**< override the catalog's PCRE2 depth limit (0: keep) */
	/**
	 * Cross-document patterns (those looking at `$set`) visit other
	 * documents of the set: at most this many visits per pattern and scan
	 * call (0: default). Past it the pattern is dropped for the rest of the
	 * call, its findings in the document being scanned are discarded, and
	 * the call returns TMDK_ELIMIT naming the pattern.
	 */
	size_t max_set_visits;
} tmdk_scan_options;

#define TMDK_SCAN_OPTIONS_INIT { TMDK_SCAN_OPTIONS_VERSION, 0, TMDK_SEVERITY_INFO, 0, 0, 0, 0, 0, 0, 0, 0 }

TMDK_API int tmdk_scan_options_init(tmdk_scan_options *opts, unsigned int version);

/** A scanner takes a reference on the catalog. opts may be NULL; it is copied (ignore_ids too). */
TMDK_API int tmdk_scanner_new(tmdk_scanner **out, const tmdk_catalog *catalog,
	const tmdk_scan_options *opts, tmdk_error *err) TMDK_WARN_UNUSED;
TMDK_API void tmdk_scanner_free(tmdk_scanner *scanner);

/** Scan one artifact (cross-document patterns see its documents only). */
TMDK_API int tmdk_scanner_scan(tmdk_scanner *scanner, const tmdk_artifact *artifact,
	tmdk_finding_cb cb, void *payload, tmdk_error *err);
/**
 * Scan several artifacts as one set: cross-document patterns (a role and
 * its binding, a namespace and its NetworkPolicy) see every document of the
 * set. Findings come in artifact order, then document, then line.
 */
TMDK_API int tmdk_scanner_scan_set(tmdk_scanner *scanner, const tmdk_artifact *const *artifacts,
	size_t count, tmdk_finding_cb cb, void *payload, tmdk_error *err);

/**
 * Scan artifacts set[first] to set[first + count - 1] as part of the whole
 * set: cross-document patterns see every document of set[0 .. set_count-1],
 * findings are reported for the range only. This lets threads share one set,
 * each scanning its own ranges with its own scanner; together the ranges
 * give exactly the findings of one tmdk_scanner_scan_set call.
 */
TMDK_API int tmdk_scanner_scan_range(tmdk_scanner *scanner, const tmdk_artifact *const *set, size_t set_count,
	size_t first, size_t count, tmdk_finding_cb cb, void *payload, tmdk_error *err);

/**
 * Use `model` ($model and $facts in patterns) for the following scan calls,
 * instead of deriving one per call from the set. It must have been built
 * (tmdk_model_new) from the same set that is passed to those calls, and it
 * must outlive them; one model may be shared by scanners of several threads.
 * NULL goes back to deriving the model per call, when a pattern reads it.
 */
TMDK_API void tmdk_scanner_set_model(tmdk_scanner *scanner, const tmdk_model *model);

/** Statistics of the scanner's last scan call. */
TMDK_API size_t tmdk_scanner_finding_count(const tmdk_scanner *scanner);
TMDK_API size_t tmdk_scanner_suppressed_count(const tmdk_scanner *scanner);

/** One-shot: a scanner for a single call. */
TMDK_API int tmdk_catalog_scan(const tmdk_catalog *catalog, const tmdk_artifact *artifact,
	const tmdk_scan_options *opts, tmdk_finding_cb cb, void *payload, tmdk_error *err);

/* ---- a finding ---------------------------------------------------------- */
TMDK_API const tmdk_pattern *tmdk_finding_pattern(const tmdk_finding *f);
/** The artifact's name (path). */
TMDK_API const char *tmdk_finding_path(const tmdk_finding *f);
TMDK_API tmdk_kind tmdk_finding_kind(const tmdk_finding *f);
TMDK_API size_t tmdk_finding_document(const tmdk_finding *f);
TMDK_API unsigned int tmdk_finding_line(const tmdk_finding *f);
TMDK_API unsigned int tmdk_finding_column(const tmdk_finding *f);
/** What the finding concerns: "Deployment default/web, container web", "stage 1 (node:latest)", "service agent". */
TMDK_API const char *tmdk_finding_object(const tmdk_finding *f);
/** The source line at the finding, trimmed. */
TMDK_API const char *tmdk_finding_evidence(const tmdk_finding *f);
TMDK_API const char *tmdk_finding_message(const tmdk_finding *f);
TMDK_API int tmdk_finding_suppressed(const tmdk_finding *f);
/** Why it was suppressed ("inline: reason" …), or NULL. */
TMDK_API const char *tmdk_finding_suppression(const tmdk_finding *f);
/**
 * The system model's id of the component the finding concerns
 * (docs/system-model.md): "k8s:shop/Deployment/web" for a finding in a
 * workload's document, "compose:compose.yaml#db" for one inside a compose
 * service; NULL when it concerns no component (a Dockerfile, a Role, a
 * top-level compose key) or the scan had no model.
 */
TMDK_API const char *tmdk_finding_component(const tmdk_finding *f);

/* ---- a list of findings ------------------------------------------------ */
TMDK_API int tmdk_findings_new(tmdk_findings **out) TMDK_WARN_UNUSED;
TMDK_API void tmdk_findings_free(tmdk_findings *list);
/** Append a copy (which keeps the pattern's catalog alive). */
TMDK_API int tmdk_findings_append(tmdk_findings *list, const tmdk_finding *f);
/**
 * Append a copy suppressed by the caller's own policy (a configuration
 * file's per-path ignores): `suppression` says where and why, as
 * tmdk_finding_suppression does for inline ones.
 * @return TMDK_OK, TMDK_EINVAL or TMDK_ENOMEM
 */
TMDK_API int tmdk_findings_append_suppressed(tmdk_findings *list, const tmdk_finding *f, const char *suppression);
/** A tmdk_finding_cb that appends to the tmdk_findings given as payload. */
TMDK_API int tmdk_findings_collect(const tmdk_finding *f, void *payload);
TMDK_API size_t tmdk_findings_count(const tmdk_findings *list);
TMDK_API const tmdk_finding *tmdk_findings_at(const tmdk_findings *list, size_t index);
/** Sort by path, line, column, pattern id (deterministic output). */
TMDK_API void tmdk_findings_sort(tmdk_findings *list);

TMDK_END_DECL

#endif /* TMDK_SCAN_H */
