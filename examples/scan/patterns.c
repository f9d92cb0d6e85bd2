/*
 * --list-patterns and --explain: what the loaded catalogs contain, through
 * the public pattern accessors.
 */
#include "tmdk-scan.h"

#include <string.h>

static const tmdk_kind all_kinds[] = { TMDK_KIND_DOCKERFILE, TMDK_KIND_COMPOSE, TMDK_KIND_KUBERNETES,
	TMDK_KIND_DAEMON_JSON, TMDK_KIND_DOCKER_INSPECT };
#define KIND_COUNT (sizeof(all_kinds) / sizeof(all_kinds[0]))

int pattern_selected(const scan_config *cfg, const tmdk_pattern *p)
{
	size_t i;
	if (tmdk_pattern_severity(p) < cfg->min_severity)
		return 0;
	if (cfg->questions && !(cfg->questions & (1u << tmdk_pattern_question(p))))
		return 0;
	if (cfg->risks && !(cfg->risks & (1ul << tmdk_pattern_risk(p))))
		return 0;
	for (i = 0; i < cfg->ignore_count; i++)
		if (strcmp(cfg->ignores[i], tmdk_pattern_id(p)) == 0)
			return 0;
	return 1;
}

static void kinds_of(const tmdk_pattern *p, char *buf, size_t size)
{
	size_t k, n = 0;
	buf[0] = '\0';
	for (k = 0; k < KIND_COUNT; k++)
		if (tmdk_pattern_applies_to(p, all_kinds[k]))
			n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? "," : "", tmdk_kind_name(all_kinds[k]));
}

int list_patterns(const scan_config *cfg, const tmdk_catalog *catalog, FILE *out)
{
	size_t i, shown = 0, n = tmdk_catalog_pattern_count(catalog);

	fprintf(out, "%-16s %-8s %-24s %-28s %-22s %s\n", "ID", "SEVERITY", "QUESTION", "RISK", "KINDS", "TITLE");
	for (i = 0; i < n; i++) {
		const tmdk_pattern *p = tmdk_catalog_pattern(catalog, i);
		char kinds[128];
		if (!pattern_selected(cfg, p))
			continue;
		kinds_of(p, kinds, sizeof(kinds));
		fprintf(out, "%-16s %-8s %-24s %-28s %-22s %s\n", tmdk_pattern_id(p),
			tmdk_severity_name(tmdk_pattern_severity(p)), tmdk_question_slug(tmdk_pattern_question(p)),
			tmdk_risk_slug(tmdk_pattern_risk(p)), kinds, tmdk_pattern_title(p));
		shown++;
	}
	fprintf(out, "\n%zu of %zu patterns selected\n", shown, n);
	return 0;
}

/* Text indented by `indent` spaces on every line. */
static void indented(FILE *out, const char *text, int indent)
{
	const char *line = text ? text : "";
	while (*line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		fprintf(out, "%*s%.*s\n", indent, "", (int)len, line);
		line += len + (end ? 1 : 0);
	}
}

static void references(FILE *out, const tmdk_pattern *p)
{
	size_t i, n = tmdk_pattern_reference_count(p);
	if (!n)
		return;
	fputs("\nReferences\n", out);
	for (i = 0; i < n; i++) {
		const tmdk_reference *r = tmdk_pattern_reference(p, i);
		fprintf(out, "  - %s", r->type ? r->type : "reference");
		if (r->benchmark)
			fprintf(out, " (%s)", r->benchmark);
		if (r->id)
			fprintf(out, " %s", r->id);
		if (r->title)
			fprintf(out, ": %s", r->title);
		if (r->url)
			fprintf(out, " <%s>", r->url);
		fputc('\n', out);
	}
}

static void examples(FILE *out, const tmdk_pattern *p)
{
	size_t i, n = tmdk_pattern_example_count(p);
	if (!n)
		return;
	fputs("\nExamples\n", out);
	for (i = 0; i < n; i++) {
		const tmdk_example *e = tmdk_pattern_example(p, i);
		fprintf(out, "  %s (%s", e->positive ? "fires on" : "does not fire on", tmdk_kind_name(e->kind));
		if (e->name)
			fprintf(out, ", %s", e->name);
		if (e->positive && e->line)
			fprintf(out, ", line %u", e->line);
		fputs(")", out);
		if (e->description)
			fprintf(out, ": %s", e->description);
		fputc('\n', out);
		indented(out, e->content, 6);
	}
}

int explain_pattern(const tmdk_catalog *catalog, const char *id, FILE *out)
{
	const tmdk_pattern *p = tmdk_catalog_find(catalog, id);
	char kinds[128];
	size_t i;

	if (!p) {
		fprintf(stderr, "%s: no pattern '%s' in the loaded catalogs (see --list-patterns)\n", PROGRAM, id);
		return EXIT_TROUBLE;
	}
	kinds_of(p, kinds, sizeof(kinds));
	fprintf(out, "%s: %s\n\n", tmdk_pattern_id(p), tmdk_pattern_title(p));
	fprintf(out, "  question    %s (%s)\n", tmdk_question_title(tmdk_pattern_question(p)),
		tmdk_question_slug(tmdk_pattern_question(p)));
	fprintf(out, "  risk        %s (%s)\n", tmdk_risk_title(tmdk_pattern_risk(p)), tmdk_risk_slug(tmdk_pattern_risk(p)));
	fprintf(out, "  severity    %s\n", tmdk_severity_name(tmdk_pattern_severity(p)));
	if (tmdk_pattern_stride_count(p)) {
		fputs("  stride     ", out);
		for (i = 0; i < tmdk_pattern_stride_count(p); i++)
			fprintf(out, " %s", tmdk_pattern_stride(p, i));
		fputc('\n', out);
	}
	fprintf(out, "  applies to  %s\n", kinds);
	fprintf(out, "  catalog     %s %s (%s:%u)\n", tmdk_pattern_catalog_name(p), tmdk_pattern_catalog_version(p),
		tmdk_pattern_file(p), tmdk_pattern_line(p));
	fputs("\nDescription\n", out);
	indented(out, tmdk_pattern_description(p), 2);
	fputs("\nMitigation\n", out);
	indented(out, tmdk_pattern_mitigation(p), 2);
	references(out, p);
	examples(out, p);
	return EXIT_CLEAN;
}
