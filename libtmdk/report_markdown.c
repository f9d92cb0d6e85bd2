/*
 * The Markdown report: the threat-modeling cheat sheet filled in for the
 * scanned project. A header (scope, date, tool, counts), a summary table,
 * then for each of the four questions and each of its risks: what was found
 * (with locations and evidence), the mitigations and references to apply,
 * and what was checked and found clean. Accepted (suppressed) risks, errors
 * and the files scanned close the document. Written for GitHub's renderer:
 * headings whose anchors are the question slugs, no raw HTML but
 * <details>, and every piece of scanned text escaped.
 */
#include "report_int.h"

#include <string.h>

static void severity_counts(tmdk__out *o, const size_t *counts)
{
	int s, first = 1;
	for (s = TMDK_SEVERITY_CRITICAL; s >= TMDK_SEVERITY_INFO; s--) {
		if (!counts[s])
			continue;
		tmdk__out_printf(o, "%s%zu %s", first ? "" : ", ", counts[s], tmdk_severity_name((tmdk_severity)s));
		first = 0;
	}
}

static void header(const tmdk__view *v, tmdk__out *o)
{
	const tmdk_report *r = v->report;
	int k, first = 1;

	tmdk__out_str(o, "# ");
	tmdk__out_markdown(o, v->title);
	if (!v->opts->title && r->scope) {
		tmdk__out_str(o, ": ");
		tmdk__out_markdown(o, r->scope);
	}
	tmdk__out_str(o, "\n\n| | |\n| --- | --- |\n");
	if (r->scope) {
		tmdk__out_str(o, "| **Scope** | ");
		tmdk__out_markdown(o, r->scope);
		tmdk__out_str(o, " |\n");
	}
	if (r->date) {
		tmdk__out_str(o, "| **Date** | ");
		tmdk__out_markdown(o, r->date);
		tmdk__out_str(o, " |\n");
	}
	tmdk__out_str(o, "| **Tool** | ");
	tmdk__out_markdown(o, v->tool_name);
	tmdk__out_printf(o, " (libtmdk %s) |\n", tmdk_version(NULL, NULL, NULL));
	tmdk__out_printf(o, "| **Files scanned** | %zu", v->file_count);
	for (k = TMDK_KIND_DOCKERFILE; k < TMDK_KIND_COUNT; k++) {
		if (!v->kind_count[k])
			continue;
		tmdk__out_printf(o, "%s%zu %s", first ? " (" : ", ", v->kind_count[k], tmdk_kind_name((tmdk_kind)k));
		first = 0;
	}
	tmdk__out_str(o, first ? "" : ")");
	if (v->skipped_count)
		tmdk__out_printf(o, "; %zu other files skipped", v->skipped_count);
	if (v->skip_count)
		tmdk__out_printf(o, ", %zu with a reason (see [Skipped files](#skipped-files))", v->skip_count);
	tmdk__out_printf(o, " |\n| **Findings** | %zu", v->shown_count);
	if (v->shown_count) {
		tmdk__out_str(o, " (");
		severity_counts(o, v->by_severity);
		tmdk__out_str(o, ")");
	}
	tmdk__out_printf(o, "; %zu suppressed |\n", v->suppressed_count);
	tmdk__out_printf(o, "| **Patterns checked** | %zu |\n", v->checked_count);
	if (v->error_count)
		tmdk__out_printf(o, "| **Errors** | %zu (see [Errors](#errors)) |\n", v->error_count);
	tmdk__out_str(o, "\nThis threat model follows the four questions of the OWASP *Docker and Kubernetes "
		"Threat Modeling Cheat Sheet*. For each risk it lists what was found in the scanned artifacts, "
		"the mitigations to apply, and what was checked and found clean.\n");
}

static void summary(const tmdk__view *v, tmdk__out *o)
{
	int q, s;
	tmdk__out_str(o, "\n## Summary\n\n| Question |");
	for (s = TMDK_SEVERITY_CRITICAL; s >= TMDK_SEVERITY_INFO; s--)
		tmdk__out_printf(o, " %c%s |", tmdk_severity_name((tmdk_severity)s)[0] - 'a' + 'A',
			tmdk_severity_name((tmdk_severity)s) + 1);
	tmdk__out_str(o, " Total |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
	for (q = 0; q < TMDK_QUESTION_COUNT; q++) {
		tmdk__out_printf(o, "| [%s](#%s) |", tmdk_question_title((tmdk_question)q), tmdk_question_slug((tmdk_question)q));
		for (s = TMDK_SEVERITY_CRITICAL; s >= TMDK_SEVERITY_INFO; s--)
			tmdk__out_printf(o, " %zu |", v->by_question[q][s]);
		tmdk__out_printf(o, " **%zu** |\n", tmdk__count_total(v->by_question[q]));
	}
	tmdk__out_str(o, "| **All** |");
	for (s = TMDK_SEVERITY_CRITICAL; s >= TMDK_SEVERITY_INFO; s--)
		tmdk__out_printf(o, " **%zu** |", v->by_severity[s]);
	tmdk__out_printf(o, " **%zu** |\n", v->shown_count);
}

static void component_note(const tmdk__view *v, tmdk__out *o, const tmdk_finding *f);

static void location(tmdk__out *o, const tmdk_finding *f)
{
	char pos[48];
	snprintf(pos, sizeof(pos), ":%u:%u", tmdk_finding_line(f), tmdk_finding_column(f));
	tmdk__out_str(o, "  - ");
	tmdk__out_markdown(o, tmdk_finding_path(f));
	tmdk__out_str(o, pos);
	if (tmdk_finding_object(f) && *tmdk_finding_object(f)) {
		tmdk__out_str(o, " — ");
		tmdk__out_markdown(o, tmdk_finding_object(f));
	}
	tmdk__out_str(o, "\n");
	if (tmdk_finding_evidence(f) && *tmdk_finding_evidence(f)) {
		tmdk__out_str(o, "  - ");
		tmdk__out_markdown_code(o, tmdk_finding_evidence(f));
		tmdk__out_str(o, "\n");
	}
}

static void finding_item(const tmdk__view *v, tmdk__out *o, const tmdk_finding *f)
{
	const tmdk_pattern *p = tmdk_finding_pattern(f);
	const tmdk__report_unit *u = tmdk__report_finding_unit(v->report, f);
	tmdk__out_printf(o, "- **%s** ", tmdk__severity_upper(tmdk_pattern_severity(p)));
	tmdk__out_markdown_code(o, tmdk_pattern_id(p));
	tmdk__out_str(o, " ");
	tmdk__out_markdown_prose(o, tmdk_finding_message(f));
	tmdk__out_str(o, "\n");
	location(o, f);
	if (tmdk__view_component_name(v, f)) {
		tmdk__out_str(o, "  - ");
		component_note(v, o, f);
		tmdk__out_str(o, "\n");
	}
	if (u) {
		tmdk__out_str(o, "  - unit: ");
		tmdk__out_markdown(o, u->kind);
		tmdk__out_str(o, " ");
		tmdk__out_markdown_code(o, u->path);
		tmdk__out_str(o, "\n");
	}
	if (tmdk_finding_suppressed(f)) {
		tmdk__out_str(o, "  - suppressed: ");
		tmdk__out_markdown_prose(o, tmdk_finding_suppression(f));
		tmdk__out_str(o, "\n");
	}
}

/* The component a finding concerns, when the report has the model: " · component **web** (internet-exposed)". */
static void component_note(const tmdk__view *v, tmdk__out *o, const tmdk_finding *f)
{
	const char *name = tmdk__view_component_name(v, f);
	int exposure = tmdk__view_exposure(v, f);
	if (!name)
		return;
	tmdk__out_str(o, " · component **");
	tmdk__out_markdown(o, name);
	tmdk__out_str(o, exposure == 2 ? "** (internet-exposed)" : exposure ? "** (exposed)" : "**");
}

void tmdk__md_pattern_group(const tmdk__view *v, tmdk__out *o, const tmdk_finding *const *list, size_t n, size_t max)
{
	const tmdk_pattern *p = tmdk_finding_pattern(list[0]);
	size_t i;
	if (n == 1) {
		finding_item(v, o, list[0]);
		return;
	}
	tmdk__out_printf(o, "- **%s** ", tmdk__severity_upper(tmdk_pattern_severity(p)));
	tmdk__out_markdown_code(o, tmdk_pattern_id(p));
	tmdk__out_str(o, " ");
	tmdk__out_markdown_prose(o, tmdk_pattern_title(p));
	tmdk__out_printf(o, " — %zu findings, e.g. ", n);
	tmdk__out_markdown_prose(o, tmdk_finding_message(list[0]));
	tmdk__out_printf(o, "\n\n  <details><summary>%zu objects</summary>\n\n", n);
	for (i = 0; i < n && i < max; i++) {
		const tmdk_finding *f = list[i];
		tmdk__out_str(o, "  - ");
		tmdk__out_markdown(o, tmdk_finding_path(f));
		tmdk__out_printf(o, ":%u:%u", tmdk_finding_line(f), tmdk_finding_column(f));
		if (tmdk_finding_object(f) && *tmdk_finding_object(f)) {
			tmdk__out_str(o, " — ");
			tmdk__out_markdown(o, tmdk_finding_object(f));
		}
		component_note(v, o, f);
		tmdk__out_str(o, ": ");
		tmdk__out_markdown_prose(o, tmdk_finding_message(f));
		tmdk__out_str(o, "\n");
		if (tmdk_finding_evidence(f) && *tmdk_finding_evidence(f)) {
			tmdk__out_str(o, "    - ");
			tmdk__out_markdown_code(o, tmdk_finding_evidence(f));
			tmdk__out_str(o, "\n");
		}
	}
	if (i < n)
		tmdk__out_printf(o, "  - … %zu more in the full report\n", n - i);
	tmdk__out_str(o, "\n  </details>\n\n");
}

size_t tmdk__md_top_risks(const tmdk__view *v, tmdk__out *o, size_t max)
{
	const tmdk_finding *top[25];
	size_t places[25], i, total, n;
	if (max > sizeof(top) / sizeof(top[0]))
		max = sizeof(top) / sizeof(top[0]);
	n = tmdk__view_top_risks(v, top, places, max, &total);
	tmdk__out_str(o, "\n## Top risks\n\n");
	if (!n) {
		tmdk__out_str(o, "Nothing of medium severity or above was found.\n");
		return 0;
	}
	tmdk__out_str(o, "One entry per pattern, the most severe first; among equal severities, those on components "
		"exposed to the internet, then on other exposed components. Each is shown at its most exposed place.\n\n");
	for (i = 0; i < n; i++) {
		const tmdk_finding *f = top[i];
		const tmdk_pattern *p = tmdk_finding_pattern(f);
		tmdk__out_printf(o, "%zu. **%s** ", i + 1, tmdk__severity_upper(tmdk_pattern_severity(p)));
		tmdk__out_markdown_code(o, tmdk_pattern_id(p));
		tmdk__out_str(o, " ");
		tmdk__out_markdown_prose(o, tmdk_pattern_title(p));
		component_note(v, o, f);
		tmdk__out_str(o, "  \n   ");
		tmdk__out_markdown(o, tmdk_finding_path(f));
		tmdk__out_printf(o, ":%u — ", tmdk_finding_line(f));
		tmdk__out_markdown_prose(o, tmdk_finding_message(f));
		if (places[i] > 1)
			tmdk__out_printf(o, " (and %zu other place%s)", places[i] - 1, places[i] == 2 ? "" : "s");
		tmdk__out_str(o, "\n");
	}
	if (total > n)
		tmdk__out_printf(o, "\n… and %zu more patterns in the sections below.\n", total - n);
	return n;
}

/* Pictures listed one by one before the rest fold into one "N more units". */
#define PICTURES_UNFOLDED 8

/* One model's picture: a fenced Mermaid block, inside <details> when there are several. */
static void picture_of(const tmdk__view *v, tmdk__out *o, size_t m, int folded, int open)
{
	size_t comps, exposed, internet;
	tmdk__view_model_counts(v, m, &comps, &exposed, &internet);
	if (folded) {
		tmdk__out_str(o, open ? "<details open>\n<summary>" : "<details>\n<summary>");
		tmdk__out_html(o, *v->report->models[m].unit ? v->report->models[m].unit : "(scanned files)");
		tmdk__out_printf(o, ": %zu component%s, %zu exposed</summary>\n\n", comps, comps == 1 ? "" : "s", exposed);
	}
	tmdk__out_str(o, "```mermaid\n");
	tmdk__view_mermaid(v, m, o);
	tmdk__out_str(o, "```\n");
	if (folded)
		tmdk__out_str(o, "\n</details>\n\n");
}

size_t tmdk__md_picture(const tmdk__view *v, tmdk__out *o, size_t max_models)
{
	const tmdk_report *r = v->report;
	size_t *order, i, shown = 0, drawn = 0, comps = 0, exposed = 0, internet = 0, empty = 0;
	int folded_rest = 0;
	if (!r->model_count)
		return 0;
	for (i = 0; i < r->model_count; i++) {
		size_t c, e, n;
		tmdk__view_model_counts(v, i, &c, &e, &n);
		comps += c;
		exposed += e;
		internet += n;
		drawn += c > 0;
	}
	empty = r->model_count - drawn;
	if (!comps)
		return 0; /* nothing to draw: no component was derived (only images, RBAC or configuration) */
	tmdk__out_printf(o, "\n## System model\n\nDerived from the artifacts: %zu component%s, %zu exposed (%zu to the "
		"internet)", comps, comps == 1 ? "" : "s", exposed, internet);
	if (r->model_count > 1)
		tmdk__out_printf(o, ", in %zu units", r->model_count);
	tmdk__out_str(o, ". Components are coloured by their worst finding (red critical, orange high, amber medium, "
		"blue low, grey info, green none); thick red edges come from the internet, dotted red ones cross into "
		"the host, dotted purple ones are rights over the control plane.\n\n");
	if (!(order = tmdk__view_model_order(v))) {
		((tmdk__out *)o)->nomem = 1;
		return 0;
	}
	for (i = 0; i < r->model_count && shown < max_models; i++) {
		size_t c, e, n;
		tmdk__view_model_counts(v, order[i], &c, &e, &n);
		if (!c)
			continue;
		/* Past the first few, the rest fold into one block: the top risks
		 * stay a few lines below the pictures whatever the number of units. */
		if (shown == PICTURES_UNFOLDED && drawn > PICTURES_UNFOLDED + 1 && max_models > PICTURES_UNFOLDED + 1) {
			size_t rest = (max_models < drawn ? max_models : drawn) - shown;
			tmdk__out_printf(o, "<details>\n<summary>%zu more unit%s</summary>\n\n", rest, rest == 1 ? "" : "s");
			folded_rest = 1;
		}
		picture_of(v, o, order[i], drawn > 1, shown == 0);
		shown++;
	}
	if (folded_rest)
		tmdk__out_str(o, "</details>\n\n");
	if (shown < drawn)
		tmdk__out_printf(o, "%zu more unit%s drawn in the full report.\n", drawn - shown, drawn - shown == 1 ? "" : "s");
	if (empty)
		tmdk__out_printf(o, "%s%zu unit%s with no component (only images, RBAC or configuration).\n",
			shown < drawn ? "" : "", empty, empty == 1 ? "" : "s");
	tmdk__free(order);
	return shown;
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
			tmdk__out_str(o, "[");
			tmdk__out_markdown(o, label);
			tmdk__out_str(o, "](");
			tmdk__out_url(o, ref->url);
			tmdk__out_str(o, ")");
		} else {
			tmdk__out_markdown(o, label);
		}
	}
	if (n)
		tmdk__out_str(o, ".");
}

static void pattern_name(tmdk__out *o, const tmdk_pattern *p)
{
	tmdk__out_markdown_code(o, tmdk_pattern_id(p));
	tmdk__out_str(o, " ");
	tmdk__out_markdown_prose(o, tmdk_pattern_title(p));
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

	tmdk__out_printf(o, "\n### %s\n\n`%s` · %zu finding%s · %zu pattern%s checked\n", tmdk_risk_title(risk),
		tmdk_risk_slug(risk), total, total == 1 ? "" : "s", v->checked_per_risk[risk],
		v->checked_per_risk[risk] == 1 ? "" : "s");
	if (!v->checked_per_risk[risk]) {
		tmdk__out_str(o, "\n_Not checked: no pattern of this risk applies to the scanned artifacts._\n");
		return;
	}
	if (total) {
		tmdk__out_str(o, "\n**Found**\n\n");
		while (*next < v->shown_count && tmdk_pattern_risk(tmdk_finding_pattern(v->ranked[*next])) == risk) {
			size_t run = tmdk__view_pattern_run(v, *next);
			tmdk__md_pattern_group(v, o, v->ranked + *next, run, (size_t)-1);
			*next += run;
		}
		tmdk__out_str(o, "\n**Mitigations**\n\n");
		for (i = 0; i < v->pattern_count; i++) {
			const tmdk_pattern *p = v->patterns[i].pattern;
			if (tmdk_pattern_risk(p) != risk || !v->patterns[i].findings)
				continue;
			tmdk__out_str(o, "- ");
			pattern_name(o, p);
			tmdk__out_str(o, ": ");
			tmdk__out_markdown_prose(o, tmdk_pattern_mitigation(p));
			references(o, p);
			tmdk__out_str(o, "\n");
		}
	} else {
		tmdk__out_str(o, "\nNothing found.\n");
	}
	for (i = 0; i < v->pattern_count; i++) {
		const tmdk_pattern *p = v->patterns[i].pattern;
		if (tmdk_pattern_risk(p) != risk || !v->patterns[i].checked || v->patterns[i].findings)
			continue;
		if (!clean++)
			tmdk__out_printf(o, "\n<details>\n<summary>Checked and clean (%zu)</summary>\n\n",
				v->checked_per_risk[risk] - pattern_hits(v, risk));
		tmdk__out_str(o, "- ");
		pattern_name(o, p);
		tmdk__out_str(o, "\n");
	}
	if (clean)
		tmdk__out_str(o, "\n</details>\n");
}

static void questions(const tmdk__view *v, tmdk__out *o)
{
	size_t next = 0;
	int q, r;
	for (q = 0; q < TMDK_QUESTION_COUNT; q++) {
		tmdk__out_printf(o, "\n## %s\n", tmdk_question_title((tmdk_question)q));
		for (r = 0; r < TMDK_RISK_COUNT; r++)
			if (tmdk_risk_question((tmdk_risk)r) == (tmdk_question)q)
				risk_section(v, o, (tmdk_risk)r, &next);
	}
}

static void suppressed(const tmdk__view *v, tmdk__out *o)
{
	size_t i;
	if (!v->suppressed_count)
		return;
	tmdk__out_str(o, "\n## Accepted risks (suppressed)\n\n");
	for (i = 0; i < v->suppressed_count; i++)
		finding_item(v, o, v->suppressed[i]);
}

/* A section listing inputs with a position and a message: errors, skipped files. */
static void problem_list(tmdk__out *o, const char *intro, const tmdk__report_error *const *items, size_t count)
{
	size_t i;
	if (!count)
		return;
	tmdk__out_str(o, intro);
	for (i = 0; i < count; i++) {
		const tmdk__report_error *e = items[i];
		tmdk__out_str(o, "- ");
		tmdk__out_markdown(o, e->path);
		if (e->line)
			tmdk__out_printf(o, ":%u:%u", e->line, e->column);
		tmdk__out_str(o, ": ");
		tmdk__out_markdown(o, e->message);
		tmdk__out_str(o, "\n");
	}
}

static void errors(const tmdk__view *v, tmdk__out *o)
{
	problem_list(o, "\n## Errors\n\nThese inputs could not be read or parsed; they were not scanned.\n\n",
		v->errors, v->error_count);
}

static void skipped(const tmdk__view *v, tmdk__out *o)
{
	problem_list(o, "\n## Skipped files\n\nThese files were not scanned, for the reason given; they are not errors.\n\n",
		v->skips, v->skip_count);
}

/* What was deployed together: the units, their scanned members and notes. */
static void units(const tmdk__view *v, tmdk__out *o)
{
	const tmdk_report *r = v->report;
	size_t i, k;
	if (!r->unit_count)
		return;
	tmdk__out_str(o, "\n## Deployment units\n\nCross-document patterns saw each unit apart from the others.\n\n");
	for (i = 0; i < r->unit_count; i++) {
		const tmdk__report_unit *u = &r->units[i];
		size_t scanned = 0;
		for (k = 0; k < u->member_count; k++)
			scanned += strcmp(u->roles[k], "scanned") == 0 || strcmp(u->roles[k], "template") == 0;
		tmdk__out_str(o, "- ");
		tmdk__out_markdown(o, u->kind);
		tmdk__out_str(o, " ");
		tmdk__out_markdown_code(o, u->path);
		tmdk__out_printf(o, ": %zu file%s scanned, %zu member%s\n", scanned, scanned == 1 ? "" : "s", u->member_count,
			u->member_count == 1 ? "" : "s");
		for (k = 0; k < u->note_count; k++) {
			tmdk__out_str(o, "  - note: ");
			tmdk__out_markdown_prose(o, u->notes[k]);
			tmdk__out_str(o, "\n");
		}
	}
}

static void files(const tmdk__view *v, tmdk__out *o)
{
	size_t i;
	if (!v->file_count)
		return;
	tmdk__out_printf(o, "\n<details>\n<summary>Files scanned (%zu)</summary>\n\n", v->file_count);
	for (i = 0; i < v->file_count; i++) {
		tmdk__out_str(o, "- ");
		tmdk__out_markdown(o, v->files[i]->path);
		tmdk__out_printf(o, " (%s)\n", tmdk_kind_name(v->files[i]->kind));
	}
	tmdk__out_str(o, "\n</details>\n");
}

int tmdk__write_markdown(const tmdk__view *v, tmdk__out *o)
{
	header(v, o);
	tmdk__md_picture(v, o, (size_t)-1);
	tmdk__md_top_risks(v, o, 10);
	summary(v, o);
	questions(v, o);
	suppressed(v, o);
	errors(v, o);
	skipped(v, o);
	units(v, o);
	files(v, o);
	return 0;
}
