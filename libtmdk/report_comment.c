/*
 * The pull-request comment (--format pr-comment): Markdown for a comment on
 * a code-review service, always under TMDK_REPORT_COMMENT_MAX characters
 * (GitHub takes 65,536): a summary line, the picture of the system model
 * (Mermaid), the top risks, the findings new since the baseline when one is
 * given, and one line per pattern that found something. Each part is
 * rendered apart and kept only if it fits; what does not fit is counted in a
 * "N more in the full report" line, cut by severity (the least severe go
 * first). The full report stays available as a file (--format markdown or
 * html).
 */
#include "report_int.h"

#include <string.h>

#define MAX TMDK_REPORT_COMMENT_MAX
/* Room kept for the closing lines ("N more…", the footer). */
#define RESERVE 1200

typedef struct piece {
	tmdk__sink sink;
	tmdk__out out;
} piece;

static void piece_start(piece *p)
{
	memset(&p->sink, 0, sizeof(p->sink));
	tmdk__out_init(&p->out, tmdk__sink_write, &p->sink);
}

/* Append a piece when it fits under `limit`; 1 when it was written. */
static int piece_put(tmdk__out *o, size_t *used, piece *p, size_t limit)
{
	int fits;
	if (tmdk__out_flush(&p->out) != TMDK_OK || p->out.nomem) {
		o->nomem = o->failed = 1;
		tmdk__free(p->sink.data);
		return 0;
	}
	fits = *used + p->sink.len <= limit;
	if (fits && p->sink.len) {
		tmdk__out_mem(o, p->sink.data, p->sink.len);
		*used += p->sink.len;
	}
	tmdk__free(p->sink.data);
	return fits;
}

static void summary(const tmdk__view *v, tmdk__out *o)
{
	const tmdk_report *r = v->report;
	int s, first = 1;
	tmdk__out_str(o, "## ");
	tmdk__out_markdown(o, v->title);
	if (!v->opts->title && r->scope) {
		tmdk__out_str(o, ": ");
		tmdk__out_markdown(o, r->scope);
	}
	tmdk__out_printf(o, "\n\n**%zu finding%s**", v->shown_count, v->shown_count == 1 ? "" : "s");
	for (s = TMDK_SEVERITY_CRITICAL; s >= TMDK_SEVERITY_INFO; s--) {
		if (!v->by_severity[s])
			continue;
		tmdk__out_printf(o, "%s%zu %s", first ? " (" : ", ", v->by_severity[s], tmdk_severity_name((tmdk_severity)s));
		first = 0;
	}
	tmdk__out_str(o, first ? "" : ")");
	if (r->has_baseline)
		tmdk__out_printf(o, ", **%zu new** since the baseline", v->shown_count - v->baseline_count);
	tmdk__out_printf(o, " · %zu suppressed · %zu files · %zu patterns checked", v->suppressed_count, v->file_count,
		v->checked_count);
	if (v->error_count)
		tmdk__out_printf(o, " · %zu errors", v->error_count);
	tmdk__out_str(o, "\n");
}

/* Findings in ranked order that pass `keep`, grouped by pattern, while they fit. */
static void groups(const tmdk__view *v, tmdk__out *o, size_t *used, const char *heading, int only_new)
{
	size_t i = 0, written = 0, left = 0, total = 0;
	piece p;
	const tmdk_finding **list = tmdk__calloc(v->shown_count + 1, sizeof(*list));
	size_t n = 0;
	int sev;

	if (!list) {
		o->nomem = o->failed = 1;
		return;
	}
	/* Severity first across the whole list (the ranked order is per risk). */
	for (sev = TMDK_SEVERITY_CRITICAL; sev >= TMDK_SEVERITY_INFO; sev--)
		for (i = 0; i < v->shown_count; i++) {
			const tmdk_finding *f = v->ranked[i];
			if ((int)tmdk_pattern_severity(tmdk_finding_pattern(f)) != sev)
				continue;
			if (only_new && tmdk__view_print(v, f)->baseline)
				continue;
			list[n++] = f;
		}
	total = n;
	piece_start(&p);
	tmdk__out_str(&p.out, heading);
	if (!n)
		tmdk__out_str(&p.out, only_new ? "No new finding.\n" : "Nothing found.\n");
	if (!piece_put(o, used, &p, MAX - RESERVE)) {
		tmdk__free(list);
		return;
	}
	for (i = 0; i < n;) {
		size_t run = 1;
		while (i + run < n && tmdk_finding_pattern(list[i + run]) == tmdk_finding_pattern(list[i]))
			run++;
		piece_start(&p);
		tmdk__md_pattern_group(v, &p.out, list + i, run, 20);
		if (!piece_put(o, used, &p, MAX - RESERVE))
			break;
		written += run;
		i += run;
	}
	left = total - written;
	if (left) {
		char line[160];
		snprintf(line, sizeof(line), "\n**%zu more%s in the full report** (the least severe are left out first).\n",
			left, only_new ? " new findings" : " findings");
		tmdk__out_str(o, line);
		*used += strlen(line);
	}
	tmdk__free(list);
}

int tmdk__write_comment(const tmdk__view *v, tmdk__out *o)
{
	size_t used = 0;
	piece p;
	size_t models;

	piece_start(&p);
	summary(v, &p.out);
	piece_put(o, &used, &p, MAX - RESERVE);
	/* The picture: as many units as fit in half the comment, worst first. */
	for (models = v->report->model_count > 3 ? 3 : v->report->model_count; models > 0; models--) {
		piece_start(&p);
		tmdk__md_picture(v, &p.out, models);
		if (piece_put(o, &used, &p, MAX / 2))
			break;
	}
	if (v->report->model_count && !models) {
		piece_start(&p);
		tmdk__out_str(&p.out, "\n_The system model is too large to draw in a comment: its picture is in the full "
			"report._\n");
		piece_put(o, &used, &p, MAX - RESERVE);
	}
	piece_start(&p);
	tmdk__md_top_risks(v, &p.out, 10);
	if (!piece_put(o, &used, &p, MAX - RESERVE)) {
		piece_start(&p);
		tmdk__md_top_risks(v, &p.out, 3);
		piece_put(o, &used, &p, MAX - RESERVE);
	}
	if (v->report->has_baseline)
		groups(v, o, &used, "\n## New since the baseline\n\n", 1);
	else
		groups(v, o, &used, "\n## Findings by pattern\n\n", 0);
	tmdk__out_str(o, "\n<sub>");
	tmdk__out_markdown(o, v->tool_name);
	tmdk__out_printf(o, " (libtmdk %s), the OWASP Docker and Kubernetes Threat Modeling Cheat Sheet. "
		"The full threat model is in the Markdown or HTML report.</sub>\n", tmdk_version(NULL, NULL, NULL));
	return 0;
}
