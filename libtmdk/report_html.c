/*
 * The HTML report: one self-contained page (inline CSS and SVG, no script,
 * no external asset; a Content-Security-Policy forbids loading any) with the
 * Markdown report's content and a visual summary: counts per severity,
 * a bar chart of findings per question and one per risk, severity colours,
 * and a collapsible <details> per risk (open where something was found).
 * Element ids (count-findings, count-critical, …) let tests and scripts read
 * the numbers back.
 */
#include "report_int.h"
#include "tmdk/model.h"

#include <string.h>

static const char *const severity_colors[TMDK_SEVERITY_COUNT] = {
	"#6b7280", "#2563eb", "#d97706", "#ea580c", "#b91c1c"
};

static const char style_sheet[] =
	"<style>\n"
	":root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#ffffff;--panel:#f9fafb}\n"
	"*{box-sizing:border-box}\n"
	"body{margin:0 auto;max-width:1100px;padding:24px;font:14px/1.5 system-ui,-apple-system,'Segoe UI',"
	"Roboto,sans-serif;color:var(--fg);background:var(--bg)}\n"
	"h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;padding-bottom:4px;"
	"border-bottom:2px solid var(--line)}h3{font-size:15px;margin:16px 0 6px}\n"
	".meta{color:var(--muted);margin:0 0 16px}\n"
	".cards{display:flex;flex-wrap:wrap;gap:10px;margin:16px 0}\n"
	".card{border:1px solid var(--line);border-radius:8px;padding:8px 12px;min-width:92px;background:var(--panel)}\n"
	".card .num{display:block;font-size:26px;font-weight:700}\n"
	".card.sev-critical .num{color:#b91c1c}.card.sev-high .num{color:#ea580c}.card.sev-medium .num{color:#d97706}"
	".card.sev-low .num{color:#2563eb}.card.sev-info .num{color:#6b7280}\n"
	".charts{display:flex;flex-wrap:wrap;gap:24px}\n"
	"figure{margin:0}figcaption{font-weight:600;margin-bottom:6px}\n"
	"svg text{font:12px system-ui,sans-serif;fill:#1f2937}\n"
	"details.risk{border:1px solid var(--line);border-radius:8px;margin:8px 0;background:var(--bg)}\n"
	"details.risk>summary{cursor:pointer;padding:8px 12px;background:var(--panel);border-radius:8px;list-style-position:inside}\n"
	"details.risk[open]>summary{border-bottom:1px solid var(--line);border-radius:8px 8px 0 0}\n"
	"details.risk>div{padding:4px 12px 12px}\n"
	"details.clean>summary{cursor:pointer;font-weight:600;margin:10px 0 4px}\n"
	".slug{color:var(--muted);font-family:ui-monospace,monospace;font-size:12px}\n"
	".badge{display:inline-block;min-width:22px;text-align:center;border-radius:10px;padding:0 7px;margin-left:4px;"
	"color:#fff;font-size:12px;font-weight:600}\n"
	".clean-badge{background:#16a34a}.none-badge{background:#9ca3af}\n"
	".sev{display:inline-block;border-radius:4px;padding:0 6px;color:#fff;font-size:11px;font-weight:700}\n"
	".sev-critical.sev,.badge.sev-critical{background:#b91c1c}.sev-high.sev,.badge.sev-high{background:#ea580c}"
	".sev-medium.sev,.badge.sev-medium{background:#d97706}.sev-low.sev,.badge.sev-low{background:#2563eb}"
	".sev-info.sev,.badge.sev-info{background:#6b7280}\n"
	"table{border-collapse:collapse;width:100%;margin:6px 0}\n"
	"th,td{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid var(--line)}\n"
	"th{font-size:12px;color:var(--muted);font-weight:600}\n"
	"code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}\n"
	"pre{margin:4px 0 0;padding:4px 6px;background:var(--panel);border-radius:4px;white-space:pre-wrap;"
	"word-break:break-all}\n"
	".object{color:var(--muted)}\n"
	"ul{margin:4px 0;padding-left:20px}\n"
	"footer{margin-top:32px;color:var(--muted);font-size:12px}\n"
	"table.findings{table-layout:fixed}\n"
	"table.findings th:nth-child(1){width:92px}table.findings th:nth-child(2){width:26%}"
	"table.findings th:nth-child(3){width:30%}\n"
	"td,li,summary,.object{overflow-wrap:anywhere;word-break:break-word}\n"
	"td code,li code,summary code{overflow-wrap:anywhere;word-break:break-all}\n"
	"details.objects>summary{cursor:pointer}details.objects ul{margin-top:6px}\n"
	".picture{border:1px solid var(--line);border-radius:8px;padding:8px;margin:8px 0;background:#fff}\n"
	".picture svg{display:block;max-width:100%;height:auto;margin:0 auto}\n"
	"pre.diagram-src{max-height:480px;overflow:auto}\n"
	".legend{color:var(--muted);font-size:12px}\n"
	"ol.top-risks li{margin:6px 0}ol.top-risks .where{color:var(--muted)}\n"
	".exposure{display:inline-block;border-radius:4px;padding:0 6px;font-size:11px;font-weight:600;"
	"background:#fee2e2;color:#991b1b}.exposure.lan{background:#fef3c7;color:#92400e}\n"
	"@media print{details.risk{break-inside:avoid}}\n"
	"</style>\n";

static void head(const tmdk__view *v, tmdk__out *o)
{
	tmdk__out_str(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
		"<meta name=\"generator\" content=\"");
	tmdk__out_html(o, v->tool_name);
	tmdk__out_printf(o, " (libtmdk %s)\">\n<title>", tmdk_version(NULL, NULL, NULL));
	tmdk__out_html(o, v->title);
	if (!v->opts->title && v->report->scope) {
		tmdk__out_str(o, ": ");
		tmdk__out_html(o, v->report->scope);
	}
	tmdk__out_str(o, "</title>\n");
	tmdk__out_str(o, style_sheet);
	tmdk__out_str(o, "</head>\n<body>\n");
}

static void card(tmdk__out *o, const char *id, const char *cls, size_t n, const char *label)
{
	tmdk__out_printf(o, "<div class=\"card%s%s\"><span class=\"num\" id=\"count-%s\" data-count=\"%zu\">%zu</span>%s</div>\n",
		cls ? " " : "", cls ? cls : "", id, n, n, label);
}

static void banner(const tmdk__view *v, tmdk__out *o)
{
	const tmdk_report *r = v->report;
	int s;

	tmdk__out_str(o, "<header>\n<h1>");
	tmdk__out_html(o, v->title);
	if (!v->opts->title && r->scope) {
		tmdk__out_str(o, ": ");
		tmdk__out_html(o, r->scope);
	}
	tmdk__out_str(o, "</h1>\n<p class=\"meta\">");
	if (r->scope) {
		tmdk__out_str(o, "Scope <code>");
		tmdk__out_html(o, r->scope);
		tmdk__out_str(o, "</code> · ");
	}
	if (r->date) {
		tmdk__out_str(o, "Date ");
		tmdk__out_html(o, r->date);
		tmdk__out_str(o, " · ");
	}
	tmdk__out_html(o, v->tool_name);
	tmdk__out_printf(o, " (libtmdk %s) · %zu patterns checked</p>\n</header>\n", tmdk_version(NULL, NULL, NULL),
		v->checked_count);
	tmdk__out_str(o, "<section class=\"cards\" aria-label=\"Counts\">\n");
	card(o, "findings", NULL, v->shown_count, "findings");
	for (s = TMDK_SEVERITY_CRITICAL; s >= TMDK_SEVERITY_INFO; s--) {
		char cls[32];
		snprintf(cls, sizeof(cls), "sev-%s", tmdk_severity_name((tmdk_severity)s));
		card(o, tmdk_severity_name((tmdk_severity)s), cls, v->by_severity[s], tmdk_severity_name((tmdk_severity)s));
	}
	card(o, "suppressed", NULL, v->suppressed_count, "suppressed");
	card(o, "files", NULL, v->file_count, "files scanned");
	card(o, "errors", NULL, v->error_count, "errors");
	tmdk__out_str(o, "</section>\n");
}

static void severity_tag(tmdk__out *o, tmdk_severity s);
static void component_note(const tmdk__view *v, tmdk__out *o, const tmdk_finding *f);

/* ---- the system model and the top risks ---------------------------------------------- */

/* Beyond this many units, pictures are given as text (each SVG costs a Graphviz layout). */
#define MAX_SVG 40
/* Units listed one by one before the rest fold into one "N more units". */
#define MODELS_UNFOLDED 8

static void picture(const tmdk__view *v, tmdk__out *o, size_t m, int svg_allowed)
{
	char *svg = NULL;
	size_t len = 0;
	int rc = svg_allowed ? tmdk__view_svg(v, m, &svg, &len) : TMDK_ENOTFOUND;
	if (rc == TMDK_OK) {
		tmdk__out_printf(o, "<div class=\"picture\" data-model=\"%zu\">\n", m);
		tmdk__out_mem(o, svg, len);
		tmdk__out_str(o, "</div>\n");
		tmdk__free(svg);
		return;
	}
	tmdk__free(svg);
	if (rc == TMDK_ENOMEM) {
		o->nomem = o->failed = 1;
		return;
	}
	tmdk__out_printf(o, "<p class=\"legend\">%s The picture is given as Mermaid text: paste it into a Markdown "
		"<code>```mermaid</code> block on GitHub or into mermaid.live to see it.</p>\n",
		!svg_allowed && tmdk_model_diagram_has_svg() ? "Only the first units are laid out."
		: rc == TMDK_ENOTFOUND ? "libtmdk was built without Graphviz (libgraphviz-dev), which lays the picture out."
		: "Graphviz could not lay this picture out.");
	tmdk__out_printf(o, "<pre class=\"diagram-src\" data-model=\"%zu\">", m);
	{
		tmdk__sink sink = { NULL, 0, 0 };
		tmdk__out text;
		tmdk__out_init(&text, tmdk__sink_write, &sink);
		tmdk__view_mermaid(v, m, &text);
		if (tmdk__out_flush(&text) != TMDK_OK || text.nomem)
			o->nomem = o->failed = 1;
		else if (sink.data)
			tmdk__out_html(o, sink.data);
		tmdk__free(sink.data);
	}
	tmdk__out_str(o, "</pre>\n");
}

static void system_model(const tmdk__view *v, tmdk__out *o)
{
	const tmdk_report *r = v->report;
	size_t *order, i, comps = 0, exposed = 0, internet = 0, drawn = 0, laid = 0;
	int folded_rest = 0;
	if (!r->model_count)
		return;
	for (i = 0; i < r->model_count; i++) {
		size_t c, e, n;
		tmdk__view_model_counts(v, i, &c, &e, &n);
		comps += c;
		exposed += e;
		internet += n;
		drawn += c > 0;
	}
	if (!comps)
		return; /* nothing to draw: no component was derived */
	tmdk__out_printf(o, "<section id=\"system-model\" data-components=\"%zu\" data-exposed=\"%zu\">\n"
		"<h2>System model</h2>\n<p>Derived from the artifacts: %zu component%s, %zu exposed (%zu to the internet)",
		comps, exposed, comps, comps == 1 ? "" : "s", exposed, internet);
	if (r->model_count > 1)
		tmdk__out_printf(o, ", in %zu units", r->model_count);
	tmdk__out_str(o, ".</p>\n<p class=\"legend\">Fill: the component's worst finding (red critical, orange high, "
		"amber medium, blue low, grey info, green none). Bold red edges: exposure to the internet; bold amber: to "
		"other clients; dashed red: crossing into the host; dashed purple: rights over the control plane; orange: "
		"a flow across a trust boundary. Dashed boxes are trust zones.</p>\n");
	if (!(order = tmdk__view_model_order(v))) {
		o->nomem = o->failed = 1;
		return;
	}
	for (i = 0; i < r->model_count; i++) {
		size_t m = order[i], c, e, n;
		tmdk__view_model_counts(v, m, &c, &e, &n);
		if (!c)
			continue;
		/* Past the first few, the rest fold into one block: the top risks
		 * stay a few lines below the pictures whatever the number of units. */
		if (laid == MODELS_UNFOLDED && drawn > MODELS_UNFOLDED + 1) {
			tmdk__out_printf(o, "<details class=\"risk model more\"><summary>%zu more units</summary>\n<div>\n",
				drawn - laid);
			folded_rest = 1;
		}
		if (drawn > 1) {
			tmdk__out_printf(o, "<details class=\"risk model\"%s><summary><code>", laid ? "" : " open");
			tmdk__out_html(o, *r->models[m].unit ? r->models[m].unit : "(scanned files)");
			tmdk__out_printf(o, "</code> <span class=\"object\">%zu component%s, %zu exposed</span></summary>\n<div>\n",
				c, c == 1 ? "" : "s", e);
		}
		picture(v, o, m, laid < MAX_SVG);
		laid++;
		if (drawn > 1)
			tmdk__out_str(o, "</div>\n</details>\n");
	}
	if (folded_rest)
		tmdk__out_str(o, "</div>\n</details>\n");
	if (drawn < r->model_count)
		tmdk__out_printf(o, "<p class=\"legend\">%zu unit%s with no component (only images, RBAC or configuration).</p>\n",
			r->model_count - drawn, r->model_count - drawn == 1 ? "" : "s");
	tmdk__free(order);
	tmdk__out_str(o, "</section>\n");
}

static void top_risks(const tmdk__view *v, tmdk__out *o)
{
	const tmdk_finding *top[10];
	size_t places[10], i, total, n = tmdk__view_top_risks(v, top, places, 10, &total);
	tmdk__out_printf(o, "<section id=\"top-risks\" data-risks=\"%zu\">\n<h2>Top risks</h2>\n", total);
	if (!n) {
		tmdk__out_str(o, "<p>Nothing of medium severity or above was found.</p>\n</section>\n");
		return;
	}
	tmdk__out_str(o, "<p class=\"legend\">One entry per pattern, the most severe first; among equal severities, "
		"those on components exposed to the internet, then on other exposed components. Each is shown at its most "
		"exposed place.</p>\n<ol class=\"top-risks\">\n");
	for (i = 0; i < n; i++) {
		const tmdk_finding *f = top[i];
		const tmdk_pattern *p = tmdk_finding_pattern(f);
		tmdk__out_printf(o, "<li class=\"top-risk\" data-severity=\"%s\">", tmdk_severity_name(tmdk_pattern_severity(p)));
		severity_tag(o, tmdk_pattern_severity(p));
		tmdk__out_str(o, " <code>");
		tmdk__out_html(o, tmdk_pattern_id(p));
		tmdk__out_str(o, "</code> <strong>");
		tmdk__out_html_prose(o, tmdk_pattern_title(p));
		tmdk__out_str(o, "</strong>");
		component_note(v, o, f);
		tmdk__out_str(o, "<br><span class=\"where\"><code>");
		tmdk__out_html(o, tmdk_finding_path(f));
		tmdk__out_printf(o, ":%u</code></span> ", tmdk_finding_line(f));
		tmdk__out_html_prose(o, tmdk_finding_message(f));
		if (places[i] > 1)
			tmdk__out_printf(o, " <span class=\"object places\" data-places=\"%zu\">(and %zu other place%s)</span>",
				places[i], places[i] - 1, places[i] == 2 ? "" : "s");
		tmdk__out_str(o, "</li>\n");
	}
	tmdk__out_str(o, "</ol>\n");
	if (total > n)
		tmdk__out_printf(o, "<p>… and %zu more patterns in the sections below.</p>\n", total - n);
	tmdk__out_str(o, "</section>\n");
}

/* ---- charts ------------------------------------------------------------------------ */

#define ROW_H 24
#define BAR_W 300
#define LEGEND_H 26

/* One horizontal stacked bar per row, severities from critical to info. */
static void chart(tmdk__out *o, const char *id, const char *caption, size_t rows, const char *const *labels,
	const size_t (*counts)[TMDK_SEVERITY_COUNT], unsigned int label_w)
{
	size_t i, max = 1;
	unsigned int width = label_w + BAR_W + 50, height = (unsigned)(LEGEND_H + rows * ROW_H + 4);
	int s;

	for (i = 0; i < rows; i++)
		if (tmdk__count_total(counts[i]) > max)
			max = tmdk__count_total(counts[i]);
	tmdk__out_printf(o, "<figure>\n<figcaption>%s</figcaption>\n<svg id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
		"width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\" role=\"img\" aria-label=\"%s\">\n",
		caption, id, width, height, width, height, caption);
	for (s = TMDK_SEVERITY_CRITICAL; s >= TMDK_SEVERITY_INFO; s--) {
		unsigned int x = label_w + (unsigned)(TMDK_SEVERITY_CRITICAL - s) * 76;
		tmdk__out_printf(o, "<rect x=\"%u\" y=\"6\" width=\"10\" height=\"10\" fill=\"%s\"/>"
			"<text x=\"%u\" y=\"15\">%s</text>\n", x, severity_colors[s], x + 14, tmdk_severity_name((tmdk_severity)s));
	}
	for (i = 0; i < rows; i++) {
		unsigned int y = (unsigned)(LEGEND_H + i * ROW_H), x = label_w;
		size_t total = tmdk__count_total(counts[i]);
		tmdk__out_printf(o, "<g class=\"row\" data-total=\"%zu\"><text x=\"%u\" y=\"%u\" text-anchor=\"end\">",
			total, label_w - 8, y + 16);
		tmdk__out_html(o, labels[i]);
		tmdk__out_str(o, "</text>");
		for (s = TMDK_SEVERITY_CRITICAL; s >= TMDK_SEVERITY_INFO; s--) {
			unsigned int w = (unsigned)(counts[i][s] * BAR_W / max);
			if (!counts[i][s])
				continue;
			if (w < 2)
				w = 2;
			tmdk__out_printf(o, "<rect x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\" fill=\"%s\">"
				"<title>%zu %s</title></rect>", x, y + 4, w, ROW_H - 8, severity_colors[s], counts[i][s],
				tmdk_severity_name((tmdk_severity)s));
			x += w;
		}
		tmdk__out_printf(o, "<text x=\"%u\" y=\"%u\">%zu</text></g>\n", x + 6, y + 16, total);
	}
	tmdk__out_str(o, "</svg>\n</figure>\n");
}

static void charts(const tmdk__view *v, tmdk__out *o)
{
	const char *qlabels[TMDK_QUESTION_COUNT], *rlabels[TMDK_RISK_COUNT];
	size_t rcounts[TMDK_RISK_COUNT][TMDK_SEVERITY_COUNT];
	int q, r, n = 0;

	for (q = 0; q < TMDK_QUESTION_COUNT; q++)
		qlabels[q] = tmdk_question_title((tmdk_question)q);
	/* Risks in the order of their questions (the taxonomy's order already is). */
	for (q = 0; q < TMDK_QUESTION_COUNT; q++)
		for (r = 0; r < TMDK_RISK_COUNT; r++)
			if (tmdk_risk_question((tmdk_risk)r) == (tmdk_question)q) {
				rlabels[n] = tmdk_risk_title((tmdk_risk)r);
				memcpy(rcounts[n], v->by_risk[r], sizeof(rcounts[n]));
				n++;
			}
	tmdk__out_str(o, "<section class=\"charts\">\n");
	chart(o, "chart-questions", "Findings per question", TMDK_QUESTION_COUNT, qlabels,
		(const size_t (*)[TMDK_SEVERITY_COUNT])v->by_question, 250);
	chart(o, "chart-risks", "Findings per risk", (size_t)n, rlabels,
		(const size_t (*)[TMDK_SEVERITY_COUNT])rcounts, 290);
	tmdk__out_str(o, "</section>\n");
}

/* ---- findings ------------------------------------------------------------------- */

static void severity_tag(tmdk__out *o, tmdk_severity s)
{
	tmdk__out_printf(o, "<span class=\"sev sev-%s\">%s</span>", tmdk_severity_name(s), tmdk__severity_upper(s));
}

static void finding_row(const tmdk__view *v, tmdk__out *o, const tmdk_finding *f)
{
	const tmdk_pattern *p = tmdk_finding_pattern(f);
	const tmdk__report_unit *u = tmdk__report_finding_unit(v->report, f);

	tmdk__out_printf(o, "<tr class=\"finding\" data-severity=\"%s\"><td>", tmdk_severity_name(tmdk_pattern_severity(p)));
	severity_tag(o, tmdk_pattern_severity(p));
	tmdk__out_str(o, "</td><td><code>");
	tmdk__out_html(o, tmdk_pattern_id(p));
	tmdk__out_str(o, "</code><br>");
	tmdk__out_html_prose(o, tmdk_pattern_title(p));
	tmdk__out_str(o, "</td><td><code>");
	tmdk__out_html(o, tmdk_finding_path(f));
	tmdk__out_printf(o, ":%u:%u</code>", tmdk_finding_line(f), tmdk_finding_column(f));
	if (tmdk_finding_object(f) && *tmdk_finding_object(f)) {
		tmdk__out_str(o, "<br><span class=\"object\">");
		tmdk__out_html(o, tmdk_finding_object(f));
		tmdk__out_str(o, "</span>");
	}
	component_note(v, o, f);
	if (u) {
		tmdk__out_str(o, "<br><span class=\"object unit\">unit: ");
		tmdk__out_html(o, u->kind);
		tmdk__out_str(o, " <code>");
		tmdk__out_html(o, u->path);
		tmdk__out_str(o, "</code></span>");
	}
	tmdk__out_str(o, "</td><td>");
	tmdk__out_html_prose(o, tmdk_finding_message(f));
	if (tmdk_finding_evidence(f) && *tmdk_finding_evidence(f)) {
		tmdk__out_str(o, "<pre>");
		tmdk__out_html(o, tmdk_finding_evidence(f));
		tmdk__out_str(o, "</pre>");
	}
	if (tmdk_finding_suppressed(f)) {
		tmdk__out_str(o, "<br><em>Suppressed: ");
		tmdk__out_html(o, tmdk_finding_suppression(f));
		tmdk__out_str(o, "</em>");
	}
	tmdk__out_str(o, "</td></tr>\n");
}

/* The component a finding concerns, with its exposure, when the report has the model. */
static void component_note(const tmdk__view *v, tmdk__out *o, const tmdk_finding *f)
{
	const char *name = tmdk__view_component_name(v, f);
	int exposure = tmdk__view_exposure(v, f);
	if (!name)
		return;
	tmdk__out_str(o, "<br><span class=\"object component\">component <strong>");
	tmdk__out_html(o, name);
	tmdk__out_str(o, "</strong></span>");
	if (exposure)
		tmdk__out_str(o, exposure == 2 ? " <span class=\"exposure\">internet-exposed</span>"
			: " <span class=\"exposure lan\">exposed</span>");
}

/* One row for the findings of one pattern: the objects it hits in an expandable list. */
static void pattern_row(const tmdk__view *v, tmdk__out *o, const tmdk_finding *const *list, size_t n)
{
	const tmdk_pattern *p = tmdk_finding_pattern(list[0]);
	size_t i;
	if (n == 1) {
		finding_row(v, o, list[0]);
		return;
	}
	tmdk__out_printf(o, "<tr class=\"finding group\" data-severity=\"%s\" data-count=\"%zu\"><td>",
		tmdk_severity_name(tmdk_pattern_severity(p)), n);
	severity_tag(o, tmdk_pattern_severity(p));
	tmdk__out_str(o, "</td><td><code>");
	tmdk__out_html(o, tmdk_pattern_id(p));
	tmdk__out_str(o, "</code><br>");
	tmdk__out_html_prose(o, tmdk_pattern_title(p));
	tmdk__out_printf(o, "</td><td colspan=\"2\"><details class=\"objects\"><summary><strong>%zu findings</strong>, e.g. ", n);
	tmdk__out_html_prose(o, tmdk_finding_message(list[0]));
	tmdk__out_str(o, "</summary>\n<ul>\n");
	for (i = 0; i < n; i++) {
		const tmdk_finding *f = list[i];
		tmdk__out_str(o, "<li><code>");
		tmdk__out_html(o, tmdk_finding_path(f));
		tmdk__out_printf(o, ":%u:%u</code>", tmdk_finding_line(f), tmdk_finding_column(f));
		if (tmdk_finding_object(f) && *tmdk_finding_object(f)) {
			tmdk__out_str(o, " <span class=\"object\">");
			tmdk__out_html(o, tmdk_finding_object(f));
			tmdk__out_str(o, "</span>");
		}
		component_note(v, o, f);
		tmdk__out_str(o, "<br>");
		tmdk__out_html_prose(o, tmdk_finding_message(f));
		if (tmdk_finding_evidence(f) && *tmdk_finding_evidence(f)) {
			tmdk__out_str(o, "<pre>");
			tmdk__out_html(o, tmdk_finding_evidence(f));
			tmdk__out_str(o, "</pre>");
		}
		tmdk__out_str(o, "</li>\n");
	}
	tmdk__out_str(o, "</ul></details></td></tr>\n");
}

static void table_start(tmdk__out *o)
{
	tmdk__out_str(o, "<table class=\"findings\"><thead><tr><th>Severity</th><th>Pattern</th><th>Location</th>"
		"<th>Finding</th></tr></thead><tbody>\n");
}

static void references(tmdk__out *o, const tmdk_pattern *p)
{
	size_t i, n = tmdk_pattern_reference_count(p);
	for (i = 0; i < n; i++) {
		const tmdk_reference *ref = tmdk_pattern_reference(p, i);
		char label[256];
		tmdk__reference_label(ref, label, sizeof(label));
		tmdk__out_str(o, i ? ", " : " References: ");
		if (tmdk__is_web_url(ref->url)) {
			tmdk__out_str(o, "<a href=\"");
			tmdk__out_url(o, ref->url);
			tmdk__out_str(o, "\" rel=\"noreferrer noopener\">");
			tmdk__out_html(o, label);
			tmdk__out_str(o, "</a>");
		} else {
			tmdk__out_html(o, label);
		}
	}
}

static void risk_summary(const tmdk__view *v, tmdk__out *o, tmdk_risk risk)
{
	size_t total = tmdk__count_total(v->by_risk[risk]);
	int s;

	tmdk__out_printf(o, "<summary><strong>%s</strong> <span class=\"slug\">%s</span>", tmdk_risk_title(risk),
		tmdk_risk_slug(risk));
	for (s = TMDK_SEVERITY_CRITICAL; s >= TMDK_SEVERITY_INFO; s--)
		if (v->by_risk[risk][s])
			tmdk__out_printf(o, " <span class=\"badge sev-%s\" title=\"%s\">%zu</span>",
				tmdk_severity_name((tmdk_severity)s), tmdk_severity_name((tmdk_severity)s), v->by_risk[risk][s]);
	if (!total)
		tmdk__out_str(o, v->checked_per_risk[risk] ? " <span class=\"badge clean-badge\">clean</span>"
			: " <span class=\"badge none-badge\">not checked</span>");
	tmdk__out_str(o, "</summary>\n");
}

/* Patterns of a risk that found something (shown findings). */
static size_t pattern_hits(const tmdk__view *v, tmdk_risk risk)
{
	size_t i, n = 0;
	for (i = 0; i < v->pattern_count; i++)
		n += tmdk_pattern_risk(v->patterns[i].pattern) == risk && v->patterns[i].checked && v->patterns[i].findings;
	return n;
}

static void risk_section(const tmdk__view *v, tmdk__out *o, tmdk_risk risk, size_t *next)
{
	size_t i, total = tmdk__count_total(v->by_risk[risk]), clean = 0;

	tmdk__out_printf(o, "<details class=\"risk\" id=\"risk-%s\" data-findings=\"%zu\"%s>\n", tmdk_risk_slug(risk),
		total, total ? " open" : "");
	risk_summary(v, o, risk);
	tmdk__out_printf(o, "<div>\n<p>%zu pattern%s checked.</p>\n", v->checked_per_risk[risk],
		v->checked_per_risk[risk] == 1 ? "" : "s");
	if (total) {
		table_start(o);
		while (*next < v->shown_count && tmdk_pattern_risk(tmdk_finding_pattern(v->ranked[*next])) == risk) {
			size_t run = tmdk__view_pattern_run(v, *next);
			pattern_row(v, o, v->ranked + *next, run);
			*next += run;
		}
		tmdk__out_str(o, "</tbody></table>\n<h3>Mitigations</h3>\n<ul>\n");
		for (i = 0; i < v->pattern_count; i++) {
			const tmdk_pattern *p = v->patterns[i].pattern;
			if (tmdk_pattern_risk(p) != risk || !v->patterns[i].findings)
				continue;
			tmdk__out_str(o, "<li><code>");
			tmdk__out_html(o, tmdk_pattern_id(p));
			tmdk__out_str(o, "</code> ");
			tmdk__out_html_prose(o, tmdk_pattern_title(p));
			tmdk__out_str(o, ": ");
			tmdk__out_html_prose(o, tmdk_pattern_mitigation(p));
			references(o, p);
			tmdk__out_str(o, "</li>\n");
		}
		tmdk__out_str(o, "</ul>\n");
	}
	for (i = 0; i < v->pattern_count; i++) {
		const tmdk_pattern *p = v->patterns[i].pattern;
		if (tmdk_pattern_risk(p) != risk || !v->patterns[i].checked || v->patterns[i].findings)
			continue;
		if (!clean++)
			tmdk__out_printf(o, "<details class=\"clean\"><summary>Checked and clean (%zu)</summary>\n<ul>\n",
				v->checked_per_risk[risk] - pattern_hits(v, risk));
		tmdk__out_str(o, "<li><code>");
		tmdk__out_html(o, tmdk_pattern_id(p));
		tmdk__out_str(o, "</code> ");
		tmdk__out_html_prose(o, tmdk_pattern_title(p));
		tmdk__out_str(o, "</li>\n");
	}
	if (clean)
		tmdk__out_str(o, "</ul>\n</details>\n");
	tmdk__out_str(o, "</div>\n</details>\n");
}

static void questions(const tmdk__view *v, tmdk__out *o)
{
	size_t next = 0;
	int q, r;
	for (q = 0; q < TMDK_QUESTION_COUNT; q++) {
		tmdk__out_printf(o, "<section id=\"%s\" data-findings=\"%zu\">\n<h2>%s</h2>\n", tmdk_question_slug((tmdk_question)q),
			tmdk__count_total(v->by_question[q]), tmdk_question_title((tmdk_question)q));
		for (r = 0; r < TMDK_RISK_COUNT; r++)
			if (tmdk_risk_question((tmdk_risk)r) == (tmdk_question)q)
				risk_section(v, o, (tmdk_risk)r, &next);
		tmdk__out_str(o, "</section>\n");
	}
}

static void suppressed(const tmdk__view *v, tmdk__out *o)
{
	size_t i;
	if (!v->suppressed_count)
		return;
	tmdk__out_printf(o, "<section id=\"suppressed\">\n<h2>Accepted risks (suppressed)</h2>\n<details class=\"risk\">"
		"<summary>%zu suppressed finding%s</summary>\n<div>\n", v->suppressed_count, v->suppressed_count == 1 ? "" : "s");
	table_start(o);
	for (i = 0; i < v->suppressed_count; i++)
		finding_row(v, o, v->suppressed[i]);
	tmdk__out_str(o, "</tbody></table>\n</div>\n</details>\n</section>\n");
}

/* List items of inputs with a position and a message (errors, skipped files). */
static void problem_items(tmdk__out *o, const char *open, const tmdk__report_error *const *items, size_t count)
{
	size_t i;
	for (i = 0; i < count; i++) {
		tmdk__out_str(o, open);
		tmdk__out_html(o, items[i]->path);
		if (items[i]->line)
			tmdk__out_printf(o, ":%u:%u", items[i]->line, items[i]->column);
		tmdk__out_str(o, "</code> ");
		tmdk__out_html(o, items[i]->message);
		tmdk__out_str(o, "</li>\n");
	}
}

static void errors(const tmdk__view *v, tmdk__out *o)
{
	if (!v->error_count)
		return;
	tmdk__out_str(o, "<section id=\"errors\">\n<h2>Errors</h2>\n<p>These inputs could not be read or parsed; "
		"they were not scanned.</p>\n<ul>\n");
	problem_items(o, "<li class=\"error\"><code>", v->errors, v->error_count);
	tmdk__out_str(o, "</ul>\n</section>\n");
}

static void skipped(const tmdk__view *v, tmdk__out *o)
{
	if (!v->skip_count)
		return;
	tmdk__out_printf(o, "<section id=\"skipped\">\n<h2>Skipped files</h2>\n<details class=\"risk\"><summary>%zu file%s "
		"not scanned, for the reason given (not errors)</summary>\n<div>\n<ul>\n", v->skip_count,
		v->skip_count == 1 ? "" : "s");
	problem_items(o, "<li><code>", v->skips, v->skip_count);
	tmdk__out_str(o, "</ul>\n</div>\n</details>\n</section>\n");
}

static void units(const tmdk__view *v, tmdk__out *o)
{
	const tmdk_report *r = v->report;
	size_t i, k;
	if (!r->unit_count)
		return;
	tmdk__out_printf(o, "<section id=\"units\">\n<h2>Deployment units</h2>\n<details class=\"risk\" open><summary>%zu unit%s, "
		"each scanned apart from the others</summary>\n<div>\n<ul>\n", r->unit_count, r->unit_count == 1 ? "" : "s");
	for (i = 0; i < r->unit_count; i++) {
		const tmdk__report_unit *u = &r->units[i];
		tmdk__out_str(o, "<li>");
		tmdk__out_html(o, u->kind);
		tmdk__out_str(o, " <code>");
		tmdk__out_html(o, u->path);
		tmdk__out_printf(o, "</code> <span class=\"object\">%zu member%s</span>", u->member_count,
			u->member_count == 1 ? "" : "s");
		for (k = 0; k < u->note_count; k++) {
			tmdk__out_str(o, "<br><em>Note: ");
			tmdk__out_html(o, u->notes[k]);
			tmdk__out_str(o, "</em>");
		}
		tmdk__out_str(o, "</li>\n");
	}
	tmdk__out_str(o, "</ul>\n</div>\n</details>\n</section>\n");
}

static void files(const tmdk__view *v, tmdk__out *o)
{
	size_t i;
	tmdk__out_printf(o, "<section id=\"files\">\n<h2>Files scanned</h2>\n<details class=\"risk\"><summary>%zu file%s",
		v->file_count, v->file_count == 1 ? "" : "s");
	if (v->skipped_count)
		tmdk__out_printf(o, " (%zu other files skipped)", v->skipped_count);
	tmdk__out_str(o, "</summary>\n<div>\n<ul>\n");
	for (i = 0; i < v->file_count; i++) {
		tmdk__out_str(o, "<li><code>");
		tmdk__out_html(o, v->files[i]->path);
		tmdk__out_printf(o, "</code> <span class=\"object\">%s</span></li>\n", tmdk_kind_name(v->files[i]->kind));
	}
	tmdk__out_str(o, "</ul>\n</div>\n</details>\n</section>\n");
}

int tmdk__write_html(const tmdk__view *v, tmdk__out *o)
{
	long ms = v->report->duration_ms;

	head(v, o);
	banner(v, o);
	system_model(v, o);
	top_risks(v, o);
	charts(v, o);
	questions(v, o);
	suppressed(v, o);
	errors(v, o);
	skipped(v, o);
	units(v, o);
	files(v, o);
	tmdk__out_str(o, "<footer>Based on the OWASP Docker and Kubernetes Threat Modeling Cheat Sheet. Generated by ");
	tmdk__out_html(o, v->tool_name);
	tmdk__out_printf(o, " (libtmdk %s)", tmdk_version(NULL, NULL, NULL));
	if (ms >= 0)
		tmdk__out_printf(o, " in %ld.%03ld s", ms / 1000, ms % 1000);
	tmdk__out_str(o, ".</footer>\n</body>\n</html>\n");
	return 0;
}
