/*
 * The text report, for a terminal: findings grouped by the four questions,
 * then by risk, each as `path:line:col  SEVERITY  ID  message` with its
 * evidence line; then errors and a summary. Scanned text is shown with
 * control characters escaped, so a hostile file cannot drive the terminal.
 */
#include "report_int.h"

#include <string.h>

#define BOLD "\033[1m"
#define DIM "\033[2m"
#define RESET "\033[0m"

typedef struct {
	const tmdk__view *v;
	tmdk__out *o;
	int color;
} text_ctx;

static const char *severity_color(tmdk_severity s)
{
	static const char *const colors[TMDK_SEVERITY_COUNT] = {
		"\033[2m", "\033[36m", "\033[33m", "\033[1;31m", "\033[1;35m"
	};
	return colors[s];
}

static void style(text_ctx *t, const char *code)
{
	if (t->color)
		tmdk__out_str(t->o, code);
}

static void severity_label(text_ctx *t, tmdk_severity s)
{
	const char *name = tmdk__severity_upper(s);
	style(t, severity_color(s));
	tmdk__out_str(t->o, name);
	style(t, RESET);
	tmdk__out_repeat(t->o, ' ', 8 - strlen(name));
}

/* The units of f and of the `more` findings after it that are the same
 * finding in other units (a base file built by several kustomizations): one
 * entry, its units listed, so a reviewer reads each place once. */
static void unit_line(text_ctx *t, const tmdk_finding *const *same, size_t count)
{
	size_t i, listed = 0;
	for (i = 0; i < count; i++) {
		const tmdk__report_unit *u = tmdk__report_finding_unit(t->v->report, same[i]);
		if (!u || strcmp(u->kind, "file") == 0 || strcmp(u->kind, "files") == 0)
			continue;
		style(t, DIM);
		tmdk__out_str(t->o, listed ? ", " : (count > 1 ? "      units: " : "      unit: "));
		tmdk__out_terminal(t->o, u->kind);
		tmdk__out_str(t->o, " ");
		tmdk__out_terminal(t->o, u->path);
		style(t, RESET);
		listed++;
	}
	if (listed)
		tmdk__out_str(t->o, "\n");
}

static void finding_entry(text_ctx *t, const tmdk_finding *const *same, size_t count)
{
	const tmdk_finding *f = same[0];
	const tmdk_pattern *p = tmdk_finding_pattern(f);
	const char *evidence = tmdk_finding_evidence(f);

	tmdk__out_str(t->o, "    ");
	tmdk__out_terminal(t->o, tmdk_finding_path(f));
	tmdk__out_printf(t->o, ":%u:%u  ", tmdk_finding_line(f), tmdk_finding_column(f));
	severity_label(t, tmdk_pattern_severity(p));
	tmdk__out_str(t->o, "  ");
	tmdk__out_terminal(t->o, tmdk_pattern_id(p));
	tmdk__out_str(t->o, "  ");
	tmdk__out_terminal(t->o, tmdk_finding_message(f));
	tmdk__out_str(t->o, "\n");
	if (evidence && *evidence) {
		style(t, DIM);
		tmdk__out_printf(t->o, "      %5u | ", tmdk_finding_line(f));
		tmdk__out_terminal(t->o, evidence);
		style(t, RESET);
		tmdk__out_str(t->o, "\n");
	}
	unit_line(t, same, count);
	if (tmdk_finding_suppressed(f)) {
		tmdk__out_str(t->o, "      suppressed: ");
		tmdk__out_terminal(t->o, tmdk_finding_suppression(f));
		tmdk__out_str(t->o, "\n");
	}
}

static void finding_line(text_ctx *t, const tmdk_finding *f)
{
	finding_entry(t, &f, 1);
}

/* The same finding in another unit: same place, pattern and message. */
static int same_finding(const tmdk_finding *a, const tmdk_finding *b)
{
	return tmdk_finding_line(a) == tmdk_finding_line(b) && tmdk_finding_column(a) == tmdk_finding_column(b) &&
	       tmdk_finding_pattern(a) == tmdk_finding_pattern(b) && !strcmp(tmdk_finding_path(a), tmdk_finding_path(b)) &&
	       !strcmp(tmdk_finding_message(a), tmdk_finding_message(b));
}

static int in_baseline(const tmdk__view *v, const tmdk_finding *f)
{
	return tmdk__view_print(v, f)->baseline;
}

/* New findings of the risk starting at grouped[i] (baseline findings are listed apart). */
static size_t risk_count(const tmdk__view *v, size_t i)
{
	tmdk_risk r = tmdk_pattern_risk(tmdk_finding_pattern(v->grouped[i]));
	size_t n = 0;
	for (; i < v->shown_count && tmdk_pattern_risk(tmdk_finding_pattern(v->grouped[i])) == r; i++)
		n += (size_t)!in_baseline(v, v->grouped[i]);
	return n;
}

static void findings_by_question(text_ctx *t)
{
	const tmdk__view *v = t->v;
	int question = -1, risk = -1;
	size_t i, same, listed = 0;

	for (i = 0; i < v->shown_count; i++) {
		const tmdk_pattern *p = tmdk_finding_pattern(v->grouped[i]);
		if (in_baseline(v, v->grouped[i]))
			continue;
		if ((int)tmdk_pattern_question(p) != question) {
			question = (int)tmdk_pattern_question(p);
			risk = -1;
			style(t, BOLD);
			tmdk__out_printf(t->o, "%s%s\n", listed ? "\n" : "", tmdk_question_title((tmdk_question)question));
			style(t, RESET);
		}
		if ((int)tmdk_pattern_risk(p) != risk) {
			risk = (int)tmdk_pattern_risk(p);
			tmdk__out_printf(t->o, "  %s [%s, %zu]\n", tmdk_risk_title((tmdk_risk)risk),
				tmdk_risk_slug((tmdk_risk)risk), v->baseline_count ? risk_count(v, i)
				: tmdk__count_total(v->by_risk[risk]));
		}
		for (same = 1; i + same < v->shown_count && !in_baseline(v, v->grouped[i + same]) &&
		     same_finding(v->grouped[i], v->grouped[i + same]); same++)
			;
		finding_entry(t, v->grouped + i, same);
		i += same - 1;
		listed++;
	}
}

/* Findings the baseline covers: counted always, listed with TMDK_REPORT_SHOW_SUPPRESSED. */
static void baseline_section(text_ctx *t)
{
	const tmdk__view *v = t->v;
	size_t i;
	if (!v->baseline_count || !(v->opts->flags & TMDK_REPORT_SHOW_SUPPRESSED))
		return;
	style(t, BOLD);
	tmdk__out_str(t->o, "\nIn the baseline (unchanged)\n");
	style(t, RESET);
	for (i = 0; i < v->shown_count; i++)
		if (in_baseline(v, v->shown[i]))
			finding_line(t, v->shown[i]);
}

static void suppressed_section(text_ctx *t)
{
	size_t i;
	if (!t->v->suppressed_count || !(t->v->opts->flags & TMDK_REPORT_SHOW_SUPPRESSED))
		return;
	style(t, BOLD);
	tmdk__out_str(t->o, "\nSuppressed\n");
	style(t, RESET);
	for (i = 0; i < t->v->suppressed_count; i++)
		finding_line(t, t->v->suppressed[i]);
}

static void errors_section(text_ctx *t)
{
	size_t i;
	if (!t->v->error_count)
		return;
	style(t, BOLD);
	tmdk__out_str(t->o, "\nErrors\n");
	style(t, RESET);
	for (i = 0; i < t->v->error_count; i++) {
		const tmdk__report_error *e = t->v->errors[i];
		tmdk__out_str(t->o, "  ");
		tmdk__out_terminal(t->o, e->path);
		if (e->line)
			tmdk__out_printf(t->o, ":%u:%u", e->line, e->column);
		tmdk__out_str(t->o, ": ");
		style(t, "\033[1;31m");
		tmdk__out_str(t->o, "error");
		style(t, RESET);
		tmdk__out_str(t->o, ": ");
		tmdk__out_terminal(t->o, e->message);
		tmdk__out_str(t->o, "\n");
	}
}

static void skipped_section(text_ctx *t)
{
	size_t i;
	if (!t->v->skip_count || !(t->v->opts->flags & TMDK_REPORT_SHOW_SKIPPED))
		return;
	style(t, BOLD);
	tmdk__out_str(t->o, "\nSkipped\n");
	style(t, RESET);
	for (i = 0; i < t->v->skip_count; i++) {
		const tmdk__report_error *e = t->v->skips[i];
		tmdk__out_str(t->o, "  ");
		tmdk__out_terminal(t->o, e->path);
		if (e->line)
			tmdk__out_printf(t->o, ":%u:%u", e->line, e->column);
		tmdk__out_str(t->o, ": skipped: ");
		tmdk__out_terminal(t->o, e->message);
		tmdk__out_str(t->o, "\n");
	}
}

/* Notes of the units: always shown (a chart not rendered is worth knowing), never errors. */
static void notes_section(text_ctx *t)
{
	const tmdk_report *r = t->v->report;
	size_t i, k, n = 0;
	for (i = 0; i < r->unit_count; i++)
		n += r->units[i].note_count;
	if (!n)
		return;
	style(t, BOLD);
	tmdk__out_str(t->o, "\nNotes\n");
	style(t, RESET);
	for (i = 0; i < r->unit_count; i++)
		for (k = 0; k < r->units[i].note_count; k++) {
			tmdk__out_str(t->o, "  ");
			tmdk__out_terminal(t->o, r->units[i].kind);
			tmdk__out_str(t->o, " ");
			tmdk__out_terminal(t->o, r->units[i].path);
			tmdk__out_str(t->o, ": ");
			tmdk__out_terminal(t->o, r->units[i].notes[k]);
			tmdk__out_str(t->o, "\n");
		}
}

static void count_row(text_ctx *t, const char *label, const size_t *counts)
{
	int s;
	tmdk__out_printf(t->o, "  %-24s", label);
	for (s = TMDK_SEVERITY_CRITICAL; s >= TMDK_SEVERITY_INFO; s--)
		tmdk__out_printf(t->o, " %8zu", counts[s]);
	tmdk__out_printf(t->o, " %8zu\n", tmdk__count_total(counts));
}

static const char *plural(size_t n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

static void summary(text_ctx *t)
{
	const tmdk__view *v = t->v;
	long ms = v->report->duration_ms;
	int q, s;

	style(t, BOLD);
	tmdk__out_str(t->o, "\nSummary\n");
	style(t, RESET);
	tmdk__out_printf(t->o, "  %-24s", "question");
	for (s = TMDK_SEVERITY_CRITICAL; s >= TMDK_SEVERITY_INFO; s--)
		tmdk__out_printf(t->o, " %8s", tmdk_severity_name((tmdk_severity)s));
	tmdk__out_printf(t->o, " %8s\n", "total");
	for (q = 0; q < TMDK_QUESTION_COUNT; q++)
		count_row(t, tmdk_question_slug((tmdk_question)q), v->by_question[q]);
	count_row(t, "all", v->by_severity);
	tmdk__out_printf(t->o, "\n  %zu %s", v->shown_count, plural(v->shown_count, "finding", "findings"));
	if (v->report->has_baseline)
		tmdk__out_printf(t->o, " (%zu new, %zu in the baseline)", v->shown_count - v->baseline_count,
			v->baseline_count);
	tmdk__out_printf(t->o, " in %zu %s scanned", v->file_count, plural(v->file_count, "file", "files"));
	if (v->skip_count)
		tmdk__out_printf(t->o, " (%zu skipped, %zu of them with a reason%s)", v->skipped_count, v->skip_count,
			(v->opts->flags & TMDK_REPORT_SHOW_SKIPPED) ? "" : ": -v lists them");
	else if (v->skipped_count)
		tmdk__out_printf(t->o, " (%zu skipped)", v->skipped_count);
	tmdk__out_printf(t->o, ", %zu suppressed, %zu %s, %zu %s checked", v->suppressed_count, v->error_count,
		plural(v->error_count, "error", "errors"), v->checked_count, plural(v->checked_count, "pattern", "patterns"));
	if (ms >= 0)
		tmdk__out_printf(t->o, ", %ld.%03ld s", ms / 1000, ms % 1000);
	tmdk__out_str(t->o, "\n");
	if (v->report->unit_count) {
		const tmdk_report *r = v->report;
		size_t i, notes = 0;
		for (i = 0; i < r->unit_count; i++)
			notes += r->units[i].note_count;
		tmdk__out_printf(t->o, "  %zu deployment %s, %zu %s\n", r->unit_count, plural(r->unit_count, "unit", "units"),
			notes, plural(notes, "note", "notes"));
	}
}

int tmdk__write_text(const tmdk__view *v, tmdk__out *o)
{
	text_ctx t;
	t.v = v;
	t.o = o;
	t.color = (v->opts->flags & TMDK_REPORT_COLOR) != 0;
	if (v->shown_count > v->baseline_count)
		findings_by_question(&t);
	else if (v->baseline_count)
		tmdk__out_printf(o, "No new findings (%zu in the baseline).\n", v->baseline_count);
	else
		tmdk__out_str(o, "No findings.\n");
	baseline_section(&t);
	suppressed_section(&t);
	errors_section(&t);
	skipped_section(&t);
	notes_section(&t);
	summary(&t);
	return 0;
}
