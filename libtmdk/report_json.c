/*
 * The JSON report: DESIGN.md §5's contract (a `findings` array whose items
 * carry pattern_id, title, question, risk, severity, path, line, column,
 * message; an `errors` array) plus what a pipeline needs: the object and
 * evidence of each finding, suppressed findings with their reasons, the
 * patterns' metadata, the files and the statistics. README.md ("JSON
 * output") documents every key; `format_version` changes only when a key is
 * removed or changes meaning.
 */
#include "report_int.h"

#define JSON_FORMAT_VERSION 1

static void finding(tmdk__json *j, const tmdk__view *v, const tmdk_finding *f)
{
	const tmdk_pattern *p = tmdk_finding_pattern(f);
	const tmdk__fingerprint *fp = tmdk__view_print(v, f);
	const tmdk__report_unit *u = tmdk__report_finding_unit(v->report, f);

	tmdk__json_open(j, NULL, '{');
	tmdk__json_string(j, "pattern_id", tmdk_pattern_id(p));
	tmdk__json_string(j, "title", tmdk_pattern_title(p));
	tmdk__json_string(j, "question", tmdk_question_slug(tmdk_pattern_question(p)));
	tmdk__json_string(j, "risk", tmdk_risk_slug(tmdk_pattern_risk(p)));
	tmdk__json_string(j, "severity", tmdk_severity_name(tmdk_pattern_severity(p)));
	tmdk__json_string(j, "path", tmdk_finding_path(f));
	tmdk__json_string(j, "kind", tmdk_kind_name(tmdk_finding_kind(f)));
	tmdk__json_uint(j, "document", (unsigned long)tmdk_finding_document(f));
	tmdk__json_uint(j, "line", tmdk_finding_line(f));
	tmdk__json_uint(j, "column", tmdk_finding_column(f));
	tmdk__json_string(j, "message", tmdk_finding_message(f));
	tmdk__json_string(j, "object", tmdk_finding_object(f));
	tmdk__json_string(j, "evidence", tmdk_finding_evidence(f));
	tmdk__json_string(j, "component", tmdk_finding_component(f));
	tmdk__json_string(j, "fingerprint", fp->text);
	if (u) {
		tmdk__json_open(j, "unit", '{');
		tmdk__json_string(j, "kind", u->kind);
		tmdk__json_string(j, "path", u->path);
		tmdk__json_close(j, '}');
	}
	if (v->report->has_baseline && !tmdk_finding_suppressed(f))
		tmdk__json_string(j, "baseline_state", fp->baseline ? "unchanged" : "new");
	if (tmdk_finding_suppressed(f))
		tmdk__json_string(j, "suppression", tmdk_finding_suppression(f));
	tmdk__json_close(j, '}');
}

static void findings(tmdk__json *j, const tmdk__view *v, const char *key, const tmdk_finding *const *list,
	size_t count)
{
	size_t i;
	tmdk__json_open(j, key, '[');
	for (i = 0; i < count; i++)
		finding(j, v, list[i]);
	tmdk__json_close(j, ']');
}

static void errors(tmdk__json *j, const tmdk__view *v)
{
	size_t i;
	tmdk__json_open(j, "errors", '[');
	for (i = 0; i < v->error_count; i++) {
		const tmdk__report_error *e = v->errors[i];
		tmdk__json_open(j, NULL, '{');
		tmdk__json_string(j, "path", e->path);
		tmdk__json_uint(j, "line", e->line);
		tmdk__json_uint(j, "column", e->column);
		tmdk__json_string(j, "code", e->code ? tmdk_strerror(e->code) : "error");
		tmdk__json_string(j, "message", e->message);
		tmdk__json_close(j, '}');
	}
	tmdk__json_close(j, ']');
}

/* Candidates skipped with a reason: not errors, listed so nothing goes silent. */
static void skipped(tmdk__json *j, const tmdk__view *v)
{
	size_t i;
	tmdk__json_open(j, "skipped", '[');
	for (i = 0; i < v->skip_count; i++) {
		const tmdk__report_error *e = v->skips[i];
		tmdk__json_open(j, NULL, '{');
		tmdk__json_string(j, "path", e->path);
		tmdk__json_string(j, "reason", e->message);
		tmdk__json_uint(j, "line", e->line);
		tmdk__json_uint(j, "column", e->column);
		tmdk__json_close(j, '}');
	}
	tmdk__json_close(j, ']');
}

static void files(tmdk__json *j, const tmdk__view *v)
{
	size_t i;
	tmdk__json_open(j, "files", '[');
	for (i = 0; i < v->file_count; i++) {
		tmdk__json_open(j, NULL, '{');
		tmdk__json_string(j, "path", v->files[i]->path);
		tmdk__json_string(j, "kind", tmdk_kind_name(v->files[i]->kind));
		tmdk__json_close(j, '}');
	}
	tmdk__json_close(j, ']');
}

/* The deployment units, in the order scanned (by path), and their notes. */
static void units(tmdk__json *j, const tmdk__view *v)
{
	const tmdk_report *r = v->report;
	size_t i, k;
	tmdk__json_open(j, "units", '[');
	for (i = 0; i < r->unit_count; i++) {
		const tmdk__report_unit *u = &r->units[i];
		tmdk__json_open(j, NULL, '{');
		tmdk__json_string(j, "kind", u->kind);
		tmdk__json_string(j, "path", u->path);
		tmdk__json_open(j, "members", '[');
		for (k = 0; k < u->member_count; k++) {
			tmdk__json_open(j, NULL, '{');
			tmdk__json_string(j, "path", u->members[k]);
			tmdk__json_string(j, "role", u->roles[k]);
			tmdk__json_close(j, '}');
		}
		tmdk__json_close(j, ']');
		tmdk__json_open(j, "notes", '[');
		for (k = 0; k < u->note_count; k++)
			tmdk__json_string(j, NULL, u->notes[k]);
		tmdk__json_close(j, ']');
		tmdk__json_close(j, '}');
	}
	tmdk__json_close(j, ']');
	tmdk__json_open(j, "notes", '[');
	for (i = 0; i < r->unit_count; i++)
		for (k = 0; k < r->units[i].note_count; k++) {
			tmdk__json_open(j, NULL, '{');
			tmdk__json_open(j, "unit", '{');
			tmdk__json_string(j, "kind", r->units[i].kind);
			tmdk__json_string(j, "path", r->units[i].path);
			tmdk__json_close(j, '}');
			tmdk__json_string(j, "message", r->units[i].notes[k]);
			tmdk__json_close(j, '}');
		}
	tmdk__json_close(j, ']');
}

static void references(tmdk__json *j, const tmdk_pattern *p)
{
	size_t i;
	tmdk__json_open(j, "references", '[');
	for (i = 0; i < tmdk_pattern_reference_count(p); i++) {
		const tmdk_reference *r = tmdk_pattern_reference(p, i);
		char label[256];
		tmdk__reference_label(r, label, sizeof(label));
		tmdk__json_open(j, NULL, '{');
		tmdk__json_string(j, "type", r->type);
		tmdk__json_string(j, "id", r->id);
		tmdk__json_string(j, "benchmark", r->benchmark);
		tmdk__json_string(j, "title", r->title);
		tmdk__json_string(j, "url", r->url);
		tmdk__json_string(j, "label", label);
		tmdk__json_close(j, '}');
	}
	tmdk__json_close(j, ']');
}

/* Metadata of the patterns that produced findings (shown or suppressed). */
static void patterns(tmdk__json *j, const tmdk__view *v)
{
	size_t i, s;
	tmdk__json_open(j, "patterns", '[');
	for (i = 0; i < v->pattern_count; i++) {
		const tmdk_pattern *p = v->patterns[i].pattern;
		if (!v->patterns[i].findings && !v->patterns[i].suppressed)
			continue;
		tmdk__json_open(j, NULL, '{');
		tmdk__json_string(j, "id", tmdk_pattern_id(p));
		tmdk__json_string(j, "title", tmdk_pattern_title(p));
		tmdk__json_string(j, "question", tmdk_question_slug(tmdk_pattern_question(p)));
		tmdk__json_string(j, "risk", tmdk_risk_slug(tmdk_pattern_risk(p)));
		tmdk__json_string(j, "severity", tmdk_severity_name(tmdk_pattern_severity(p)));
		tmdk__json_open(j, "stride", '[');
		for (s = 0; s < tmdk_pattern_stride_count(p); s++)
			tmdk__json_string(j, NULL, tmdk_pattern_stride(p, s));
		tmdk__json_close(j, ']');
		tmdk__json_string(j, "description", tmdk_pattern_description(p));
		tmdk__json_string(j, "mitigation", tmdk_pattern_mitigation(p));
		references(j, p);
		tmdk__json_open(j, "catalog", '{');
		tmdk__json_string(j, "name", tmdk_pattern_catalog_name(p));
		tmdk__json_string(j, "version", tmdk_pattern_catalog_version(p));
		tmdk__json_close(j, '}');
		tmdk__json_uint(j, "findings", (unsigned long)v->patterns[i].findings);
		tmdk__json_uint(j, "suppressed", (unsigned long)v->patterns[i].suppressed);
		tmdk__json_close(j, '}');
	}
	tmdk__json_close(j, ']');
}

static void per_severity(tmdk__json *j, const char *key, const size_t *counts)
{
	int s;
	tmdk__json_open(j, key, '{');
	for (s = TMDK_SEVERITY_CRITICAL; s >= TMDK_SEVERITY_INFO; s--)
		tmdk__json_uint(j, tmdk_severity_name((tmdk_severity)s), (unsigned long)counts[s]);
	tmdk__json_close(j, '}');
}

static size_t note_count(const tmdk_report *r)
{
	size_t i, n = 0;
	for (i = 0; i < r->unit_count; i++)
		n += r->units[i].note_count;
	return n;
}

static void stats(tmdk__json *j, const tmdk__view *v)
{
	long ms = v->report->duration_ms;
	int q, r;

	tmdk__json_open(j, "stats", '{');
	tmdk__json_uint(j, "files_scanned", (unsigned long)v->file_count);
	tmdk__json_uint(j, "files_skipped", (unsigned long)v->skipped_count);
	tmdk__json_uint(j, "findings", (unsigned long)v->shown_count);
	tmdk__json_uint(j, "suppressed", (unsigned long)v->suppressed_count);
	if (v->report->has_baseline) {
		tmdk__json_uint(j, "new", (unsigned long)(v->shown_count - v->baseline_count));
		tmdk__json_uint(j, "baseline", (unsigned long)v->baseline_count);
	}
	tmdk__json_uint(j, "errors", (unsigned long)v->error_count);
	tmdk__json_uint(j, "skipped", (unsigned long)v->skip_count);
	tmdk__json_uint(j, "units", (unsigned long)v->report->unit_count);
	tmdk__json_uint(j, "notes", (unsigned long)note_count(v->report));
	tmdk__json_uint(j, "patterns_checked", (unsigned long)v->checked_count);
	if (ms >= 0)
		tmdk__json_uint(j, "duration_ms", (unsigned long)ms);
	else
		tmdk__json_raw(j, "duration_ms", "null");
	per_severity(j, "by_severity", v->by_severity);
	tmdk__json_open(j, "by_question", '{');
	for (q = 0; q < TMDK_QUESTION_COUNT; q++)
		tmdk__json_uint(j, tmdk_question_slug((tmdk_question)q), (unsigned long)tmdk__count_total(v->by_question[q]));
	tmdk__json_close(j, '}');
	tmdk__json_open(j, "by_risk", '{');
	for (r = 0; r < TMDK_RISK_COUNT; r++)
		tmdk__json_uint(j, tmdk_risk_slug((tmdk_risk)r), (unsigned long)tmdk__count_total(v->by_risk[r]));
	tmdk__json_close(j, '}');
	tmdk__json_close(j, '}');
}

int tmdk__write_json(const tmdk__view *v, tmdk__out *o)
{
	tmdk__json j;

	tmdk__json_init(&j, o);
	tmdk__json_open(&j, NULL, '{');
	tmdk__json_uint(&j, "format_version", JSON_FORMAT_VERSION);
	tmdk__json_open(&j, "tool", '{');
	tmdk__json_string(&j, "name", v->tool_name);
	tmdk__json_string(&j, "version", tmdk_version(NULL, NULL, NULL));
	tmdk__json_close(&j, '}');
	tmdk__json_string(&j, "scope", v->report->scope);
	tmdk__json_string(&j, "date", v->report->date);
	findings(&j, v, "findings", v->shown, v->shown_count);
	findings(&j, v, "suppressed", v->suppressed, v->suppressed_count);
	errors(&j, v);
	skipped(&j, v);
	files(&j, v);
	units(&j, v);
	patterns(&j, v);
	stats(&j, v);
	tmdk__json_close(&j, '}');
	return 0;
}
