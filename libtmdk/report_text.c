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

static void finding_line(text_ctx *t, const tmdk_finding *f)
{
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
	if (tmdk_finding_suppressed(f)) {
		tmdk__out_str(t->o, "      suppressed: ");
		tmdk__out_terminal(t->o, tmdk_finding_suppression(f));
		tmdk__out_str(t->o, "\n");
	}
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
	size_t i, listed = 0;

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
		finding_line(t, v->grouped[i]);
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
	summary(&t);
	return 0;
}
