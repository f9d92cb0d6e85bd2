/*
 * The SARIF 2.1.0 report: one run whose driver lists the rules (every
 * pattern checked or reported: id, name, descriptions, help with the
 * mitigation and references, security-severity, tags for question and
 * risk), results with physical locations and partial fingerprints, and
 * suppressed findings as results with SARIF suppressions. Inputs that could
 * not be read or parsed are tool execution notifications. The output is
 * validated against the SARIF 2.1.0 schema by tests/check-scan.sh.
 */
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

#define FINGERPRINT_KEY "tmdkFindingHash/v1"

static const char *level_of(tmdk_severity s)
{
	if (s >= TMDK_SEVERITY_HIGH)
		return "error";
	return s == TMDK_SEVERITY_MEDIUM ? "warning" : "note";
}

/* CVSS-like scores: GitHub maps >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low. */
static const char *security_severity(tmdk_severity s)
{
	static const char *const scores[TMDK_SEVERITY_COUNT] = { "0.0", "3.0", "5.5", "8.0", "9.5" };
	return scores[s];
}

/* "Container without a memory limit" -> "ContainerWithoutAMemoryLimit". */
static void rule_name(const char *title, char *buf, size_t size)
{
	size_t n = 0;
	int start = 1;
	for (; *title && n + 1 < size; title++) {
		char c = *title;
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum) {
			start = 1;
			continue;
		}
		if (start && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		buf[n++] = c;
		start = 0;
	}
	buf[n] = '\0';
}

static void message(tmdk__json *j, const char *key, const char *text)
{
	tmdk__json_open(j, key, '{');
	tmdk__json_string(j, "text", text ? text : "");
	tmdk__json_close(j, '}');
}

/* The help text in plain text and Markdown: the mitigation, then the references. */
static int help(tmdk__json *j, const tmdk_pattern *p)
{
	tmdk__sink text = { NULL, 0, 0 }, md = { NULL, 0, 0 };
	tmdk__out *t = tmdk__malloc(sizeof(*t)), *m = tmdk__malloc(sizeof(*m));
	size_t i, n = tmdk_pattern_reference_count(p);
	int rc = TMDK_ENOMEM; /* the sinks only fail for memory */

	if (!t || !m)
		goto done;
	tmdk__out_init(t, tmdk__sink_write, &text);
	tmdk__out_init(m, tmdk__sink_write, &md);
	tmdk__out_trimmed(t, tmdk_pattern_mitigation(p));
	tmdk__out_str(m, "**Mitigation:** ");
	tmdk__out_markdown_prose(m, tmdk_pattern_mitigation(p));
	if (n) {
		tmdk__out_str(t, "\n\nReferences:");
		tmdk__out_str(m, "\n\n**References**\n");
	}
	for (i = 0; i < n; i++) {
		const tmdk_reference *ref = tmdk_pattern_reference(p, i);
		char label[256];
		tmdk__reference_label(ref, label, sizeof(label));
		tmdk__out_str(t, "\n- ");
		tmdk__out_str(t, label);
		tmdk__out_str(m, "\n- ");
		if (ref->url) {
			tmdk__out_str(t, ": ");
			tmdk__out_str(t, ref->url);
		}
		if (tmdk__is_web_url(ref->url)) {
			tmdk__out_str(m, "[");
			tmdk__out_markdown(m, label);
			tmdk__out_str(m, "](");
			tmdk__out_url(m, ref->url);
			tmdk__out_str(m, ")");
		} else {
			tmdk__out_markdown(m, label);
		}
	}
	if (tmdk__out_flush(t) != 0 || tmdk__out_flush(m) != 0)
		goto done;
	tmdk__json_open(j, "help", '{');
	tmdk__json_string(j, "text", text.data ? text.data : "");
	tmdk__json_string(j, "markdown", md.data ? md.data : "");
	tmdk__json_close(j, '}');
	rc = 0;
done:
	tmdk__free(t);
	tmdk__free(m);
	tmdk__free(text.data);
	tmdk__free(md.data);
	return rc;
}

static const char *first_url(const tmdk_pattern *p)
{
	size_t i;
	for (i = 0; i < tmdk_pattern_reference_count(p); i++)
		if (tmdk__is_web_url(tmdk_pattern_reference(p, i)->url))
			return tmdk_pattern_reference(p, i)->url;
	return NULL;
}

/* "security", the question, the risk and the STRIDE categories; each once (SARIF tags are a set). */
static void tags(tmdk__json *j, const tmdk_pattern *p)
{
	const char *list[20];
	size_t n = 0, i, k;

	list[n++] = "security";
	list[n++] = tmdk_question_slug(tmdk_pattern_question(p));
	list[n++] = tmdk_risk_slug(tmdk_pattern_risk(p));
	for (i = 0; i < tmdk_pattern_stride_count(p) && n < sizeof(list) / sizeof(list[0]); i++)
		list[n++] = tmdk_pattern_stride(p, i);
	tmdk__json_open(j, "tags", '[');
	for (i = 0; i < n; i++) {
		for (k = 0; k < i && strcmp(list[k], list[i]) != 0; k++)
			;
		if (k == i)
			tmdk__json_string(j, NULL, list[i]);
	}
	tmdk__json_close(j, ']');
}

static int rule(tmdk__json *j, const tmdk_pattern *p)
{
	char name[256];
	tmdk_severity sev = tmdk_pattern_severity(p);

	rule_name(tmdk_pattern_title(p), name, sizeof(name));
	tmdk__json_open(j, NULL, '{');
	tmdk__json_string(j, "id", tmdk_pattern_id(p));
	if (*name)
		tmdk__json_string(j, "name", name);
	message(j, "shortDescription", tmdk_pattern_title(p));
	message(j, "fullDescription", tmdk_pattern_description(p));
	if (help(j, p) != 0)
		return TMDK_ENOMEM;
	/* helpUri must be an absolute URI: only http(s) links qualify. */
	if (tmdk__is_web_url(first_url(p)))
		tmdk__json_string(j, "helpUri", first_url(p));
	tmdk__json_open(j, "defaultConfiguration", '{');
	tmdk__json_string(j, "level", level_of(sev));
	tmdk__json_close(j, '}');
	tmdk__json_open(j, "properties", '{');
	tmdk__json_string(j, "security-severity", security_severity(sev));
	tmdk__json_string(j, "severity", tmdk_severity_name(sev));
	tmdk__json_string(j, "question", tmdk_question_slug(tmdk_pattern_question(p)));
	tmdk__json_string(j, "risk", tmdk_risk_slug(tmdk_pattern_risk(p)));
	tags(j, p);
	tmdk__json_close(j, '}');
	tmdk__json_close(j, '}');
	return 0;
}

/* ---- results ---------------------------------------------------------------------- */

static void location(tmdk__json *j, const char *path, unsigned int line, unsigned int column, const char *snippet)
{
	tmdk__json_open(j, NULL, '{');
	tmdk__json_open(j, "physicalLocation", '{');
	tmdk__json_open(j, "artifactLocation", '{');
	tmdk__json_member(j, "uri");
	tmdk__out_mem(j->o, "\"", 1);
	tmdk__out_uri(j->o, path);
	tmdk__out_mem(j->o, "\"", 1);
	tmdk__json_close(j, '}');
	if (line) {
		tmdk__json_open(j, "region", '{');
		tmdk__json_uint(j, "startLine", line);
		if (column)
			tmdk__json_uint(j, "startColumn", column);
		if (snippet && *snippet) {
			tmdk__json_open(j, "snippet", '{');
			tmdk__json_string(j, "text", snippet);
			tmdk__json_close(j, '}');
		}
		tmdk__json_close(j, '}');
	}
	tmdk__json_close(j, '}');
	tmdk__json_close(j, '}');
}

static void result(tmdk__json *j, const tmdk__view *v, const tmdk_finding *f)
{
	const tmdk_pattern *p = tmdk_finding_pattern(f);
	const tmdk__fingerprint *fp = tmdk__view_print(v, f);

	tmdk__json_open(j, NULL, '{');
	tmdk__json_string(j, "ruleId", tmdk_pattern_id(p));
	tmdk__json_uint(j, "ruleIndex", (unsigned long)tmdk__view_pattern_index(v, p));
	tmdk__json_string(j, "level", level_of(tmdk_pattern_severity(p)));
	message(j, "message", tmdk_finding_message(f));
	tmdk__json_open(j, "locations", '[');
	location(j, tmdk_finding_path(f), tmdk_finding_line(f), tmdk_finding_column(f), tmdk_finding_evidence(f));
	tmdk__json_close(j, ']');
	tmdk__json_open(j, "partialFingerprints", '{');
	tmdk__json_string(j, FINGERPRINT_KEY, fp->text);
	tmdk__json_close(j, '}');
	if (v->report->has_baseline && !tmdk_finding_suppressed(f))
		tmdk__json_string(j, "baselineState", fp->baseline ? "unchanged" : "new");
	if (tmdk_finding_suppressed(f)) {
		tmdk__json_open(j, "suppressions", '[');
		tmdk__json_open(j, NULL, '{');
		tmdk__json_string(j, "kind", "inSource");
		tmdk__json_string(j, "status", "accepted");
		tmdk__json_string(j, "justification", tmdk_finding_suppression(f));
		tmdk__json_close(j, '}');
		tmdk__json_close(j, ']');
	}
	tmdk__json_open(j, "properties", '{');
	tmdk__json_string(j, "severity", tmdk_severity_name(tmdk_pattern_severity(p)));
	tmdk__json_string(j, "question", tmdk_question_slug(tmdk_pattern_question(p)));
	tmdk__json_string(j, "risk", tmdk_risk_slug(tmdk_pattern_risk(p)));
	tmdk__json_string(j, "kind", tmdk_kind_name(tmdk_finding_kind(f)));
	tmdk__json_string(j, "object", tmdk_finding_object(f));
	tmdk__json_close(j, '}');
	tmdk__json_close(j, '}');
}

static void invocation(tmdk__json *j, const tmdk__view *v)
{
	size_t i;
	tmdk__json_open(j, "invocations", '[');
	tmdk__json_open(j, NULL, '{');
	/* Unreadable inputs are reported, not fatal: the run itself completed. */
	tmdk__json_bool(j, "executionSuccessful", 1);
	tmdk__json_open(j, "toolExecutionNotifications", '[');
	for (i = 0; i < v->error_count; i++) {
		const tmdk__report_error *e = v->errors[i];
		tmdk__json_open(j, NULL, '{');
		tmdk__json_string(j, "level", "error");
		message(j, "message", e->message);
		tmdk__json_open(j, "locations", '[');
		location(j, e->path, e->line, e->line ? (e->column ? e->column : 1) : 0, NULL);
		tmdk__json_close(j, ']');
		tmdk__json_close(j, '}');
	}
	/* Skipped candidates: notes, so a code-scanning run shows what was not read. */
	for (i = 0; i < v->skip_count; i++) {
		const tmdk__report_error *e = v->skips[i];
		char text[1100];
		snprintf(text, sizeof(text), "skipped: %s", e->message);
		tmdk__json_open(j, NULL, '{');
		tmdk__json_string(j, "level", "note");
		message(j, "message", text);
		tmdk__json_open(j, "locations", '[');
		location(j, e->path, e->line, e->line ? (e->column ? e->column : 1) : 0, NULL);
		tmdk__json_close(j, ']');
		tmdk__json_close(j, '}');
	}
	tmdk__json_close(j, ']');
	tmdk__json_open(j, "properties", '{');
	tmdk__json_uint(j, "skipped", (unsigned long)v->skip_count);
	tmdk__json_close(j, '}');
	tmdk__json_close(j, '}');
	tmdk__json_close(j, ']');
}

int tmdk__write_sarif(const tmdk__view *v, tmdk__out *o)
{
	tmdk__json j;
	size_t i;

	tmdk__json_init(&j, o);
	tmdk__json_open(&j, NULL, '{');
	tmdk__json_string(&j, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	tmdk__json_string(&j, "version", "2.1.0");
	tmdk__json_open(&j, "runs", '[');
	tmdk__json_open(&j, NULL, '{');
	tmdk__json_open(&j, "tool", '{');
	tmdk__json_open(&j, "driver", '{');
	tmdk__json_string(&j, "name", v->tool_name);
	tmdk__json_string(&j, "version", tmdk_version(NULL, NULL, NULL));
	tmdk__json_string(&j, "semanticVersion", tmdk_version(NULL, NULL, NULL));
	tmdk__json_open(&j, "rules", '[');
	for (i = 0; i < v->pattern_count; i++)
		if (rule(&j, v->patterns[i].pattern) != 0)
			return TMDK_ENOMEM;
	tmdk__json_close(&j, ']');
	tmdk__json_close(&j, '}');
	tmdk__json_close(&j, '}');
	invocation(&j, v);
	tmdk__json_open(&j, "results", '[');
	for (i = 0; i < v->shown_count; i++)
		result(&j, v, v->shown[i]);
	for (i = 0; i < v->suppressed_count; i++)
		result(&j, v, v->suppressed[i]);
	tmdk__json_close(&j, ']');
	if (v->report->scope || v->report->date) {
		tmdk__json_open(&j, "properties", '{');
		if (v->report->scope)
			tmdk__json_string(&j, "scope", v->report->scope);
		if (v->report->date)
			tmdk__json_string(&j, "date", v->report->date);
		tmdk__json_close(&j, '}');
	}
	tmdk__json_close(&j, '}');
	tmdk__json_close(&j, ']');
	tmdk__json_close(&j, '}');
	return 0;
}
