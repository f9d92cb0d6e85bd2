/*
 * The scanner: per-thread state for matching a shared catalog against
 * artifacts. Findings of one artifact are gathered, suppressions applied,
 * sorted (document, line, column, pattern) and then reported.
 */
#include "scan_int.h"
#include "model_system_int.h"
#include "model_int.h"
#include "array.h"

#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

/* Where $model comes from: the caller's, or derived from the set on first use. */
struct tmdk__eval_model {
	const tmdk_model *given;     /* tmdk_scanner_set_model */
	tmdk_model *own;             /* derived for the current scan call */
	const tmdk_artifact *const *set;
	size_t set_count;
	int tried;                   /* own was attempted in this scan call */
};

/* The `tmdk:ignore-file=` lines of one file of the scanned artifact. */
typedef struct tmdk__file_lines {
	const tmdk_artifact *where;
	unsigned int *lines;
	size_t count;
} tmdk__file_lines;

struct tmdk_scanner {
	tmdk_catalog *catalog;       /* a reference */
	tmdk_scan_options opts;
	unsigned char *enabled;      /* per pattern, from the filters */
	unsigned char *gave_up;      /* per pattern: a regex hit its limit in this scan call */
	size_t *set_visits;          /* per pattern: set documents visited in this scan call */
	tmdk__eval ev;
	struct tmdk__eval_model model;
	tmdk__arena scratch;         /* per scan call */
	tmdk_finding *pending;       /* findings of the artifact being scanned */
	size_t pending_count, pending_cap;
	size_t finding_count, suppressed_count, total;
	size_t *candidates;          /* per document: the patterns the index leaves (pattern_count) */
	const tmdk_pattern *only;    /* example checking: evaluate this pattern alone */
	int naive_set;               /* tests: evaluate $set without caches or plans */
	/* The set of the last scan call (artifact serials; 0 for a NULL slot):
	 * while the next call scans the same set, ev.set and its cache in
	 * `scratch` are kept. set_kept: they are valid. */
	uint64_t *set_serials;
	size_t set_serial_count, set_serial_cap;
	int set_kept;
	/* the artifact being scanned */
	const tmdk_artifact *artifact;
	const tmdk_document *doc;
	tmdk__file_lines *file_lines; /* one per file: the artifact, then its sources */
	size_t file_lines_count;
	tmdk__ignores ignores;       /* its inline suppressions */
	int error;
	int callback_rc;             /* the negative value a callback aborted with, else 0 */
};

int tmdk_scan_options_init(tmdk_scan_options *opts, unsigned int version)
{
	tmdk_scan_options init = TMDK_SCAN_OPTIONS_INIT;
	if (!opts || version != TMDK_SCAN_OPTIONS_VERSION)
		return TMDK_EINVAL;
	*opts = init;
	return TMDK_OK;
}

static int pattern_enabled(const tmdk_scan_options *o, const tmdk_pattern *p)
{
	size_t i;
	if (p->severity < o->min_severity)
		return 0;
	if (o->questions && !(o->questions & (1u << p->question)))
		return 0;
	if (o->risks && !(o->risks & (1ul << p->risk)))
		return 0;
	for (i = 0; i < o->ignore_count; i++)
		if (o->ignore_ids[i] && strcmp(o->ignore_ids[i], p->id) == 0)
			return 0;
	return 1;
}

/* A version 1 structure ends before max_set_visits: copy only what it has. */
static void copy_options(tmdk_scan_options *dst, const tmdk_scan_options *src)
{
	if (src->version == 1)
		memcpy(dst, src, offsetof(tmdk_scan_options, max_set_visits));
	else
		*dst = *src;
	dst->version = TMDK_SCAN_OPTIONS_VERSION;
}

int tmdk_scanner_new(tmdk_scanner **out, const tmdk_catalog *catalog, const tmdk_scan_options *opts, tmdk_error *err)
{
	tmdk_scanner *s;
	size_t i;

	tmdk_error_clear(err);
	if (!out || !catalog)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "invalid argument");
	*out = NULL;
	if (opts && (opts->version < 1 || opts->version > TMDK_SCAN_OPTIONS_VERSION))
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0,
			"unsupported tmdk_scan_options version %u (expected 1 to %u)", opts->version, TMDK_SCAN_OPTIONS_VERSION);
	if (opts && (unsigned)opts->min_severity > TMDK_SEVERITY_CRITICAL)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "unknown severity %d", (int)opts->min_severity);
	s = tmdk__calloc(1, sizeof(*s));
	if (!s)
		return tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	tmdk_scan_options_init(&s->opts, TMDK_SCAN_OPTIONS_VERSION);
	if (opts)
		copy_options(&s->opts, opts);
	if (!s->opts.max_findings)
		s->opts.max_findings = TMDK_DEFAULT_MAX_FINDINGS;
	s->ev.max_set_visits = s->opts.max_set_visits ? s->opts.max_set_visits : TMDK_DEFAULT_MAX_SET_VISITS;
	s->catalog = tmdk_catalog_ref((tmdk_catalog *)catalog);
	tmdk__arena_init(&s->scratch);
	s->enabled = tmdk__calloc(catalog->pattern_count + 1, 1);
	s->gave_up = tmdk__calloc(catalog->pattern_count + 1, 1);
	s->set_visits = tmdk__calloc(catalog->pattern_count + 1, sizeof(*s->set_visits));
	s->candidates = tmdk__calloc(catalog->pattern_count + 1, sizeof(*s->candidates));
	s->ev.rx = tmdk__regex_ctx_new(s->opts.regex_match_limit ? s->opts.regex_match_limit : catalog->match_limit,
		s->opts.regex_depth_limit ? s->opts.regex_depth_limit : catalog->depth_limit);
	if (!s->enabled || !s->gave_up || !s->set_visits || !s->candidates || !s->ev.rx) {
		tmdk_scanner_free(s);
		return tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	}
	for (i = 0; i < catalog->pattern_count; i++)
		s->enabled[i] = (unsigned char)pattern_enabled(&s->opts, catalog->patterns[i]);
	/* ignore_ids were only needed to compute `enabled`: do not keep the caller's pointers. */
	s->opts.ignore_ids = NULL;
	s->opts.ignore_count = 0;
	*out = s;
	return TMDK_OK;
}

static void clear_pending(tmdk_scanner *s)
{
	size_t i;
	for (i = 0; i < s->pending_count; i++)
		tmdk__finding_clear(&s->pending[i]);
	s->pending_count = 0;
}

void tmdk_scanner_free(tmdk_scanner *s)
{
	if (!s)
		return;
	clear_pending(s);
	tmdk_model_free(s->model.own);
	tmdk__free(s->pending);
	tmdk__free(s->enabled);
	tmdk__free(s->gave_up);
	tmdk__free(s->set_visits);
	tmdk__free(s->candidates);
	tmdk__free(s->set_serials);
	tmdk__free((void *)s->ev.stack);
	tmdk__regex_ctx_free(s->ev.rx);
	tmdk__arena_release(&s->scratch);
	tmdk_catalog_free(s->catalog);
	tmdk__free(s);
}

size_t tmdk_scanner_finding_count(const tmdk_scanner *s) { return s ? s->finding_count : 0; }
size_t tmdk_scanner_suppressed_count(const tmdk_scanner *s) { return s ? s->suppressed_count : 0; }

/* ---- building findings ------------------------------------------------------ */

static tmdk_finding *new_pending(tmdk_scanner *s)
{
	if (TMDK__ARRAY_RESERVE(s->pending, s->pending_count, s->pending_cap, 32) != TMDK_OK)
		return NULL;
	memset(&s->pending[s->pending_count], 0, sizeof(s->pending[0]));
	return &s->pending[s->pending_count++];
}

static char *evidence_at(const tmdk_artifact *a, unsigned int line)
{
	size_t len;
	const char *t = tmdk_artifact_line(a, line, &len);
	if (!t)
		return tmdk__strdup("");
	while (len && (*t == ' ' || *t == '\t')) {
		t++;
		len--;
	}
	while (len && (t[len - 1] == ' ' || t[len - 1] == '\t'))
		len--;
	if (len > 240)
		len = 240;
	return tmdk__strndup(t, len);
}

static char *suppression_text(const tmdk__suppression *sup)
{
	const char *reason = sup->reason ? sup->reason : "no reason given";
	size_t n = strlen(sup->source) + strlen(reason) + 32;
	char *t = tmdk__malloc(n);
	if (!t)
		return NULL;
	if (sup->line)
		snprintf(t, n, "%s (line %u): %s", sup->source, sup->line, reason);
	else
		snprintf(t, n, "%s: %s", sup->source, reason);
	return t;
}

/* src: the file the finding is in (s->artifact, or one of its sources). */
static int fill_common(tmdk_scanner *s, tmdk_finding *f, const tmdk_pattern *p, const tmdk_artifact *src,
	unsigned int line, unsigned int col)
{
	f->pattern = p;
	f->path = tmdk_artifact_name(src);
	f->kind = tmdk_artifact_kind(s->artifact);
	f->document = (size_t)(s->doc - tmdk_artifact_document(s->artifact, 0));
	f->line = line;
	f->column = col;
	f->evidence = evidence_at(src, line);
	f->object = tmdk__describe_object(f->kind, tmdk_document_view(s->doc), s->ev.scopes, s->ev.depth);
	return f->evidence && f->object ? TMDK_OK : TMDK_ENOMEM;
}

/* A suppression without a reason is reported once per place it is written. */
static int report_missing_reason(tmdk_scanner *s, const tmdk__suppression *sup, const tmdk_artifact *src)
{
	const tmdk_pattern *meta = tmdk_catalog_find(s->catalog, TMDK__SUPPRESSION_PATTERN_ID);
	tmdk_finding *f;
	size_t i;
	unsigned int line = sup->line ? sup->line : tmdk_document_line(s->doc);

	if (!meta || !s->enabled[meta->index] || s->only)
		return 0;
	for (i = 0; i < s->pending_count; i++)
		if (s->pending[i].pattern == meta && s->pending[i].line == line &&
		    s->pending[i].path == tmdk_artifact_name(src))
			return 0;
	f = new_pending(s);
	if (!f || fill_common(s, f, meta, src, line, 1) != TMDK_OK)
		return TMDK_ENOMEM;
	f->message = tmdk__strdup(meta->message_text);
	return f->message ? TMDK_OK : TMDK_ENOMEM;
}

/* anchor: where the matched node starts (the finding may be further down
 * inside it), so that a comment above a multi-line instruction applies. */
static int apply_suppression(tmdk_scanner *s, tmdk_finding *f, const tmdk_artifact *src, unsigned int anchor)
{
	const tmdk__file_lines *fl = NULL;
	tmdk__suppression sup;
	size_t i;
	int found;
	if (s->opts.flags & TMDK_SCAN_NO_INLINE_IGNORES)
		return 0;
	for (i = 0; i < s->file_lines_count && !fl; i++)
		if (s->file_lines[i].where == src)
			fl = &s->file_lines[i];
	found = tmdk__find_suppression(s->artifact, src, tmdk_document_view(s->doc), f->pattern->id, f->line, anchor,
		fl ? fl->lines : NULL, fl ? fl->count : 0, &sup);
	if (found <= 0)
		return found; /* 0, or TMDK_ENOMEM */
	tmdk__ignores_mark_used(&s->ignores, f->pattern->id, sup.line, sup.where);
	if (!sup.reason) {
		/* Without a reason nothing is suppressed: the finding stays active and
		 * the suppression is reported. f may move when pending grows: do this last. */
		return report_missing_reason(s, &sup, sup.where ? sup.where : src);
	}
	f->suppressed = 1;
	f->suppression = suppression_text(&sup);
	tmdk__free(sup.reason);
	return f->suppression ? 0 : TMDK_ENOMEM;
}

/* The document holding `line` (annotations know theirs). */
static const tmdk_document *document_at(const tmdk_artifact *a, const tmdk__ignore *e)
{
	size_t d, n = tmdk_artifact_document_count(a), at = 0;
	if (e->document < n)
		return tmdk_artifact_document(a, e->document);
	if (e->where != a) /* a comment in a source of a derived artifact */
		return n ? tmdk_artifact_document(a, 0) : NULL;
	for (d = 0; d < n; d++)
		if (tmdk_document_line(tmdk_artifact_document(a, d)) <= e->line)
			at = d;
	return n ? tmdk_artifact_document(a, at) : NULL;
}

/* A meta finding about the suppression e, with its message. */
static int meta_finding(tmdk_scanner *s, const char *meta_id, const tmdk__ignore *e, const char *message)
{
	const tmdk_pattern *meta = tmdk_catalog_find(s->catalog, meta_id);
	tmdk_finding *f;
	int rc;
	if (!meta || !s->enabled[meta->index] || !(s->doc = document_at(s->artifact, e)))
		return 0;
	s->ev.depth = 0;
	s->ev.scopes[0].node = tmdk_document_view(s->doc);
	f = new_pending(s);
	if (!f)
		return TMDK_ENOMEM;
	if ((rc = fill_common(s, f, meta, e->where ? e->where : s->artifact, e->line, e->column ? e->column : 1)) != 0)
		return rc;
	f->message = tmdk__strdup(message);
	return f->message ? 0 : TMDK_ENOMEM;
}

/* After the artifact's documents: suppressions of unknown ids, and (when asked) those that suppressed nothing. */
static int check_ignores(tmdk_scanner *s)
{
	size_t i;
	int rc;
	for (i = 0; i < s->ignores.count; i++) {
		const tmdk__ignore *e = &s->ignores.items[i];
		const tmdk_pattern *p = tmdk_catalog_find(s->catalog, e->id);
		char message[400];
		if (!p) {
			const char *near = tmdk_catalog_suggest(s->catalog, e->id);
			snprintf(message, sizeof(message), "suppression of an unknown pattern `%.100s`%s%.100s%s", e->id,
				near ? " (did you mean `" : "", near ? near : "", near ? "`?)" : "");
			if ((rc = meta_finding(s, TMDK__UNKNOWN_IGNORE_PATTERN_ID, e, message)) != 0)
				return rc;
			continue;
		}
		if (e->used || !(s->opts.flags & TMDK_SCAN_REPORT_UNUSED_IGNORES) || !s->enabled[p->index] ||
		    s->gave_up[p->index] || !strncmp(p->id, "TMDK-META-", 10))
			continue;
		snprintf(message, sizeof(message), "suppression of `%.100s` suppresses nothing here: remove it", e->id);
		if ((rc = meta_finding(s, TMDK__UNUSED_IGNORE_PATTERN_ID, e, message)) != 0)
			return rc;
	}
	return 0;
}

/* The component the finding concerns (tmdk_finding_component): asks the
 * model, built once per scan call when no pattern has asked for it yet. */
static int set_component(tmdk_scanner *s, tmdk_finding *f, const tmdk_node *at)
{
	const tmdk_node *facts = tmdk__eval_facts(&s->ev);
	const char *id = tmdk__model_component_of(facts, tmdk_document_view(s->doc), at);
	if (s->ev.nomem)
		return TMDK_ENOMEM;
	if (id && !(f->component = tmdk__strdup(id)))
		return TMDK_ENOMEM;
	return TMDK_OK;
}

static int emit(tmdk_scanner *s, const tmdk_pattern *p, const tmdk__witness *w)
{
	const tmdk_node *at = w->node ? w->node : s->ev.scopes[s->ev.depth].node;
	unsigned int line = tmdk_node_line(at), col = tmdk_node_column(at), anchor;
	const tmdk_artifact *src;
	tmdk_finding *f;

	if (s->total >= s->opts.max_findings) {
		s->error = TMDK_ELIMIT;
		return TMDK_ELIMIT;
	}
	if (!line) {
		at = tmdk_document_root(s->doc);
		line = tmdk_document_line(s->doc);
		col = 1;
	}
	/* The file that set the value (a source of a derived artifact). */
	src = tmdk__node_source(s->artifact, at);
	anchor = line;
	/* A match inside a text of several lines: the line it is on (where its
	 * first visible character is: a regex may start at a line break). */
	if (w->node && w->has_match) {
		size_t len, at_off = w->match_start;
		const char *text = tmdk_node_text(w->node, &len);
		while (text && at_off < w->match_end && at_off < len && tmdk__is_blank(text[at_off]))
			at_off++;
		(void)tmdk__artifact_locate(s->artifact, w->node, at_off, &line, &col);
	}
	f = new_pending(s);
	if (!f)
		return TMDK_ENOMEM;
	s->total++;
	if (fill_common(s, f, p, src, line, col) != TMDK_OK || set_component(s, f, at) != TMDK_OK)
		return TMDK_ENOMEM;
	f->message = tmdk__template_render(&s->ev, &p->message, w);
	if (!f->message)
		return TMDK_ENOMEM;
	return apply_suppression(s, f, src, anchor);
}

/* ---- matching ------------------------------------------------------------------- */

static int run_match(tmdk_scanner *s, const tmdk_pattern *p, const tmdk__match *m)
{
	tmdk__eval *ev = &s->ev;
	tmdk__witness w;
	size_t first, i, count;
	int rc = 0;

	if (!m->for_each) {
		memset(&w, 0, sizeof(w));
		if (!m->where || tmdk__cond_eval(ev, m->where, &w)) {
			if (!m->where)
				w.node = ev->scopes[ev->depth].node;
			rc = emit(s, p, &w);
		}
		return ev->nomem ? TMDK_ENOMEM : rc;
	}
	if (ev->depth + 1 > TMDK__MAX_SCOPES || tmdk__select(ev, m->for_each, &first) != 0)
		return ev->nomem ? TMDK_ENOMEM : TMDK_OK;
	count = ev->top - first;
	for (i = 0; i < count && rc == 0; i++) {
		const tmdk_node *element = ev->stack[first + i];
		if (m->for_each->root == TMDK__ROOT_SET && !tmdk__set_charge(ev, 1))
			break;
		ev->depth++;
		ev->scopes[ev->depth].node = element;
		memset(&w, 0, sizeof(w));
		if (!m->where || tmdk__cond_eval(ev, m->where, &w)) {
			if (m->then) {
				rc = run_match(s, p, m->then);
			} else {
				if (!m->where || !w.node)
					w.node = element;
				rc = emit(s, p, &w);
			}
		}
		ev->depth--;
	}
	ev->top = first;
	return ev->nomem ? TMDK_ENOMEM : rc;
}

/* Evaluate one pattern on the current document. A pattern that hits a
 * limit (a regex's match/depth limit, or max_set_visits) gives no findings
 * here, since its answer is incomplete, and is dropped for the rest of the
 * scan call: hostile input cannot multiply that cost by its number of
 * scalars and documents. The call then reports TMDK_ELIMIT. */
static int run_pattern(tmdk_scanner *s, const tmdk_pattern *p)
{
	size_t before = s->pending_count, total = s->total, i;
	int rc;

	s->ev.limit_hit = 0;
	s->ev.set_limit_hit = 0;
	s->ev.set_visits = s->set_visits[p->index];
	rc = run_match(s, p, p->match);
	if (rc != TMDK_OK)
		return rc;
	s->set_visits[p->index] = s->ev.set_visits;
	if (!s->ev.limit_hit)
		return 0;
	for (i = before; i < s->pending_count; i++)
		tmdk__finding_clear(&s->pending[i]);
	s->total = total;
	s->pending_count = before;
	s->gave_up[p->index] = 1;
	if (!s->ev.limit_pattern) {
		s->ev.limit_pattern = p;
		s->ev.limit_was_set = s->ev.set_limit_hit;
	}
	return 0;
}

static int scan_document(tmdk_scanner *s, const tmdk_document *doc)
{
	tmdk_kind kind = tmdk_artifact_kind(s->artifact);
	const tmdk_catalog *cat = s->catalog;
	const size_t *run;
	size_t i, count;
	int rc;

	s->doc = doc;
	s->ev.facts = NULL;
	tmdk__regex_ctx_forget(s->ev.rx); /* the last document's scalars may be gone */
	s->ev.raw = tmdk_document_root(doc);
	s->ev.depth = 0;
	s->ev.scopes[0].node = tmdk_document_view(doc);
	/* Only the patterns this document can match (catalog_index.c), in catalog order. */
	if (s->only) {
		run = cat->by_kind[kind];
		count = cat->by_kind_count[kind];
	} else {
		run = tmdk__catalog_candidates(cat, kind, s->ev.scopes[0].node, s->candidates, cat->pattern_count + 1,
			&count);
	}
	for (i = 0; i < count; i++) {
		const tmdk_pattern *p = cat->patterns[run[i]];
		if (s->only ? p != s->only : !s->enabled[p->index])
			continue;
		if (s->gave_up[p->index])
			continue;
		rc = run_pattern(s, p);
		if (rc != TMDK_OK)
			return rc;
	}
	return TMDK_OK;
}

static int compare_pending(const void *a, const void *b)
{
	return tmdk__finding_compare(a, b);
}

/* Sort, drop exact duplicates (shared nodes reached twice), report. */
static int deliver(tmdk_scanner *s, tmdk_finding_cb cb, void *payload)
{
	size_t i;
	int rc = 0;
	if (s->pending_count > 1)
		qsort(s->pending, s->pending_count, sizeof(*s->pending), compare_pending);
	for (i = 0; i < s->pending_count && rc == 0; i++) {
		const tmdk_finding *f = &s->pending[i];
		if (i > 0 && tmdk__finding_compare(&s->pending[i - 1], f) == 0)
			continue;
		if (f->suppressed)
			s->suppressed_count++;
		else
			s->finding_count++;
		if (!cb || (f->suppressed && (s->opts.flags & TMDK_SCAN_SKIP_SUPPRESSED)))
			continue;
		rc = cb(f, payload);
		if (rc < 0)
			s->callback_rc = rc;
	}
	clear_pending(s);
	return rc;
}

static void free_file_lines(tmdk_scanner *s)
{
	size_t i;
	for (i = 0; i < s->file_lines_count; i++)
		tmdk__free(s->file_lines[i].lines);
	tmdk__free(s->file_lines);
	s->file_lines = NULL;
	s->file_lines_count = 0;
}

/* The ignore-file lines of a and of each of its sources. */
static int collect_file_lines(tmdk_scanner *s, const tmdk_artifact *a)
{
	size_t i, n = 1 + tmdk_artifact_source_count(a);
	s->file_lines = tmdk__calloc(n, sizeof(*s->file_lines));
	if (!s->file_lines)
		return TMDK_ENOMEM;
	for (i = 0; i < n; i++) {
		tmdk__file_lines *fl = &s->file_lines[i];
		fl->where = i ? tmdk_artifact_source(a, i - 1) : a;
		s->file_lines_count = i + 1;
		if (tmdk__file_suppression_lines(fl->where, &fl->lines, &fl->count) != TMDK_OK)
			return TMDK_ENOMEM;
	}
	return TMDK_OK;
}

static int scan_artifact(tmdk_scanner *s, const tmdk_artifact *a, tmdk_finding_cb cb, void *payload)
{
	size_t d;
	int rc = 0;

	s->artifact = a;
	if (collect_file_lines(s, a) != TMDK_OK) {
		free_file_lines(s);
		return TMDK_ENOMEM;
	}
	if (!s->only && !(s->opts.flags & TMDK_SCAN_NO_INLINE_IGNORES) && tmdk__collect_ignores(a, &s->ignores) != TMDK_OK) {
		free_file_lines(s);
		return TMDK_ENOMEM;
	}
	for (d = 0; d < tmdk_artifact_document_count(a) && rc == 0; d++)
		rc = scan_document(s, tmdk_artifact_document(a, d));
	if (rc == 0)
		rc = check_ignores(s);
	tmdk__ignores_free(&s->ignores);
	free_file_lines(s);
	if (rc != 0 && s->error == TMDK_ELIMIT && !s->ev.nomem) {
		/* max_findings: what was found up to the limit is still reported. */
		deliver(s, cb, payload);
		return rc;
	}
	if (rc != 0) {
		clear_pending(s);
		return rc;
	}
	return deliver(s, cb, payload);
}

/* Is `as` the set the last call scanned (same artifacts, same order)? */
static int same_set(const tmdk_scanner *s, const tmdk_artifact *const *as, size_t n)
{
	size_t i;
	if (!s->set_kept || n != s->set_serial_count)
		return 0;
	for (i = 0; i < n; i++)
		if ((as[i] ? as[i]->serial : 0) != s->set_serials[i])
			return 0;
	return 1;
}

static int remember_set(tmdk_scanner *s, const tmdk_artifact *const *as, size_t n)
{
	size_t i;
	s->set_serial_count = 0;
	if (TMDK__ARRAY_RESERVE_N(s->set_serials, 0, s->set_serial_cap, n, 16) != TMDK_OK)
		return TMDK_ENOMEM;
	for (i = 0; i < n; i++)
		s->set_serials[i] = as[i] ? as[i]->serial : 0;
	s->set_serial_count = n;
	return TMDK_OK;
}

/* $set: every document view of the scanned set, as one sequence, and the
 * cache of the work done over it. A scan call over the set the previous
 * call scanned keeps both (tmdk-scan scans a set range by range: the
 * cross-document work was redone for every range); set_cache.c charges
 * the budget as if it had been recomputed. */
static int build_set(tmdk_scanner *s, const tmdk_artifact *const *as, size_t n)
{
	size_t i, d;
	tmdk_node *set;
	s->ev.set_call++;
	if (!s->naive_set && same_set(s, as, n))
		return 0;
	s->set_kept = 0;
	tmdk__arena_release(&s->scratch);
	set = tmdk__node_seq(&s->scratch, 0, 0);
	if (!set)
		return TMDK_ENOMEM;
	for (i = 0; i < n; i++)
		for (d = 0; d < tmdk_artifact_document_count(as[i]); d++) {
			const tmdk_node *v = tmdk_document_view(tmdk_artifact_document(as[i], d));
			if (v && tmdk__node_seq_push(&s->scratch, set, (tmdk_node *)v) != TMDK_OK)
				return TMDK_ENOMEM;
		}
	s->ev.set = set;
	if (s->naive_set) {
		s->ev.set_cache = NULL;
		return 0;
	}
	if (tmdk__set_cache_init(&s->ev, &s->scratch, s->catalog) != 0 || remember_set(s, as, n) != TMDK_OK)
		return TMDK_ENOMEM;
	s->set_kept = 1;
	return 0;
}

/* A new scan call: a derived model of the previous call no longer applies. */
static void reset_model(tmdk_scanner *s, const tmdk_artifact *const *set, size_t n)
{
	tmdk_model_free(s->model.own);
	s->model.own = NULL;
	s->model.tried = 0;
	s->model.set = set;
	s->model.set_count = n;
	s->ev.model = s->model.given;
	s->ev.model_source = &s->model;
	s->ev.facts = NULL;
}

void tmdk_scanner_set_model(tmdk_scanner *s, const tmdk_model *model)
{
	if (s)
		s->model.given = model;
}

const tmdk_model *tmdk__eval_model(tmdk__eval *ev)
{
	struct tmdk__eval_model *src = ev->model_source;
	if (ev->model || !src)
		return ev->model;
	if (!src->tried) {
		src->tried = 1;
		if (tmdk_model_new(&src->own, src->set, src->set_count, NULL) != TMDK_OK)
			ev->nomem = 1; /* building a model fails only when memory runs out */
		ev->model = src->own;
	}
	return ev->model;
}

const tmdk_node *tmdk__eval_facts(tmdk__eval *ev)
{
	if (!ev->facts) {
		const tmdk_model *m = tmdk__eval_model(ev);
		ev->facts = m ? tmdk__model_facts_of_view(m, ev->scopes[0].node) : NULL;
	}
	return ev->facts;
}

void tmdk__scanner_set_naive(tmdk_scanner *s, int naive)
{
	s->naive_set = naive;
}

static int finish_scan(tmdk_scanner *s, int rc, tmdk_error *err)
{
	if (s->callback_rc < 0)
		return tmdk__error_set(err, s->callback_rc, tmdk_artifact_name(s->artifact), 0, 0,
			"scan aborted by the callback (%d)", s->callback_rc);
	if (s->ev.nomem || rc == TMDK_ENOMEM)
		return tmdk__error_set(err, TMDK_ENOMEM, s->artifact ? tmdk_artifact_name(s->artifact) : NULL, 0, 0,
			"out of memory");
	if (s->error == TMDK_ELIMIT)
		return tmdk__error_set(err, TMDK_ELIMIT, tmdk_artifact_name(s->artifact), 0, 0,
			"more than %zu findings (max_findings)", s->opts.max_findings);
	if (rc < 0)
		return tmdk__error_set(err, rc, s->artifact ? tmdk_artifact_name(s->artifact) : NULL, 0, 0, "%s",
			tmdk_strerror(rc));
	if (s->ev.limit_pattern && s->ev.limit_was_set)
		return tmdk__error_set(err, TMDK_ELIMIT, tmdk_artifact_name(s->artifact), 0, 0,
			"pattern %s visited more than %zu documents of the scanned set (max_set_visits); the pattern "
			"was not evaluated further in this scan", s->ev.limit_pattern->id, s->ev.max_set_visits);
	if (s->ev.limit_pattern)
		return tmdk__error_set(err, TMDK_ELIMIT, tmdk_artifact_name(s->artifact), 0, 0,
			"a regular expression of pattern %s hit the PCRE2 match/depth limit; the pattern was not "
			"evaluated further in this scan (regex_match_limit, regex_depth_limit)", s->ev.limit_pattern->id);
	return TMDK_OK;
}

int tmdk_scanner_scan_range(tmdk_scanner *s, const tmdk_artifact *const *set, size_t set_count,
	size_t first, size_t count, tmdk_finding_cb cb, void *payload, tmdk_error *err)
{
	size_t i;
	int rc = 0;

	tmdk_error_clear(err);
	if (!s || (!set && set_count))
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "invalid argument");
	if (first > set_count || count > set_count - first)
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0,
			"range %zu+%zu is outside the set of %zu artifacts", first, count, set_count);
	s->finding_count = s->suppressed_count = s->total = 0;
	s->error = 0;
	s->callback_rc = 0;
	s->ev.nomem = 0;
	s->ev.limit_pattern = NULL;
	s->ev.limit_was_set = 0;
	memset(s->gave_up, 0, s->catalog->pattern_count + 1);
	memset(s->set_visits, 0, (s->catalog->pattern_count + 1) * sizeof(*s->set_visits));
	s->ev.top = 0;
	s->artifact = NULL;
	if (build_set(s, set, set_count) != 0)
		return tmdk__error_set(err, TMDK_ENOMEM, NULL, 0, 0, "out of memory");
	reset_model(s, set, set_count);
	for (i = first; i < first + count && rc == 0; i++) {
		if (!set[i])
			continue;
		rc = scan_artifact(s, set[i], cb, payload);
	}
	if (rc == TMDK_STOP)
		rc = 0;
	return finish_scan(s, rc, err);
}

int tmdk_scanner_scan_set(tmdk_scanner *s, const tmdk_artifact *const *artifacts, size_t count,
	tmdk_finding_cb cb, void *payload, tmdk_error *err)
{
	return tmdk_scanner_scan_range(s, artifacts, count, 0, count, cb, payload, err);
}

int tmdk_scanner_scan(tmdk_scanner *s, const tmdk_artifact *a, tmdk_finding_cb cb, void *payload, tmdk_error *err)
{
	if (!a) {
		tmdk_error_clear(err);
		return tmdk__error_set(err, TMDK_EINVAL, NULL, 0, 0, "invalid argument");
	}
	return tmdk_scanner_scan_set(s, &a, 1, cb, payload, err);
}

int tmdk_catalog_scan(const tmdk_catalog *catalog, const tmdk_artifact *a, const tmdk_scan_options *opts,
	tmdk_finding_cb cb, void *payload, tmdk_error *err)
{
	tmdk_scanner *s;
	int rc = tmdk_scanner_new(&s, catalog, opts, err);
	if (rc != TMDK_OK)
		return rc;
	rc = tmdk_scanner_scan(s, a, cb, payload, err);
	tmdk_scanner_free(s);
	return rc;
}

/* ---- example checking support ------------------------------------------------ */

int tmdk__scan_pattern(const tmdk_catalog *catalog, const tmdk_pattern *p, const tmdk_artifact *a,
	tmdk_finding_cb cb, void *payload, tmdk_error *err)
{
	tmdk_scanner *s;
	tmdk_scan_options o = TMDK_SCAN_OPTIONS_INIT;
	int rc;
	o.flags = TMDK_SCAN_NO_INLINE_IGNORES;
	rc = tmdk_scanner_new(&s, catalog, &o, err);
	if (rc != TMDK_OK)
		return rc;
	s->only = p;
	rc = tmdk_scanner_scan(s, a, cb, payload, err);
	tmdk_scanner_free(s);
	return rc;
}

int tmdk__scan_pattern_set(const tmdk_catalog *catalog, const tmdk_pattern *p, const tmdk_artifact *const *set,
	size_t count, tmdk_finding_cb cb, void *payload, tmdk_error *err)
{
	tmdk_scanner *s;
	tmdk_scan_options o = TMDK_SCAN_OPTIONS_INIT;
	int rc;
	if (count == 1)
		return tmdk__scan_pattern(catalog, p, set[0], cb, payload, err);
	o.flags = TMDK_SCAN_NO_INLINE_IGNORES;
	rc = tmdk_scanner_new(&s, catalog, &o, err);
	if (rc != TMDK_OK)
		return rc;
	s->only = p;
	rc = tmdk_scanner_scan_set(s, set, count, cb, payload, err);
	tmdk_scanner_free(s);
	return rc;
}
