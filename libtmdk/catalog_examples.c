/*
 * Running every pattern's embedded examples: a positive example must make
 * its pattern fire (on the declared line, when one is given), a negative one
 * must not. Misbehaviour becomes a compiler diagnostic at the example.
 */
#include "compiler_int.h"
#include "scan_int.h"

#include <stdio.h>
#include <string.h>

typedef struct tally {
	size_t count;
	unsigned int lines[8];
	size_t line_count;
} tally;

static int count_finding(const tmdk_finding *f, void *payload)
{
	tally *t = payload;
	t->count++;
	if (t->line_count < sizeof(t->lines) / sizeof(t->lines[0]))
		t->lines[t->line_count++] = tmdk_finding_line(f);
	return 0;
}

static const char *example_name(const tmdk_example *ex, char *buf, size_t size)
{
	static const char *const defaults[] = { "example", "Dockerfile", "compose.yaml", "manifest.yaml",
		"daemon.json", "inspect.json" };
	if (ex->name)
		return ex->name;
	snprintf(buf, size, "%s", defaults[ex->kind]);
	return buf;
}

static int has_line(const tally *t, unsigned int line)
{
	size_t i;
	for (i = 0; i < t->line_count; i++)
		if (t->lines[i] == line)
			return 1;
	return 0;
}

static void format_lines(const tally *t, char *buf, size_t size)
{
	size_t i, n = 0;
	buf[0] = '\0';
	for (i = 0; i < t->line_count && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%u", i ? ", " : "", t->lines[i]);
}

static void check_example(tmdk_compiler *c, const tmdk_catalog *cat, const tmdk_pattern *p, size_t index)
{
	const tmdk_example *ex = &p->examples[index];
	tmdk_parse_options po = TMDK_PARSE_OPTIONS_INIT;
	tmdk_artifact *a = NULL;
	tmdk_error err;
	tally t;
	char name[64], lines[128];
	int rc;

	po.kind = ex->kind;
	rc = tmdk_artifact_parse_buffer(&a, example_name(ex, name, sizeof(name)), ex->content, strlen(ex->content), &po, &err);
	if (rc == TMDK_ENOMEM) {
		c->nomem = 1;
		return;
	}
	if (rc != TMDK_OK) {
		tmdk__compiler_diag(c, TMDK_DIAG_ERROR, TMDK_ESCHEMA, p->file, p->line, p->column, p->id,
			"example %zu (%s) does not parse: line %u, column %u: %s", index + 1, tmdk_kind_name(ex->kind),
			err.line, err.column, err.message);
		return;
	}
	memset(&t, 0, sizeof(t));
	rc = tmdk__scan_pattern(cat, p, a, count_finding, &t, &err);
	tmdk_artifact_free(a);
	if (rc == TMDK_ENOMEM) {
		c->nomem = 1;
		return;
	}
	if (rc != TMDK_OK) {
		tmdk__compiler_diag(c, TMDK_DIAG_ERROR, rc, p->file, p->line, p->column, p->id,
			"example %zu could not be scanned: %s", index + 1, err.message);
		return;
	}
	format_lines(&t, lines, sizeof(lines));
	if (ex->positive && t.count == 0)
		tmdk__compiler_diag(c, TMDK_DIAG_ERROR, TMDK_ESCHEMA, p->file, p->line, p->column, p->id,
			"positive example %zu%s%s%s produced no finding", index + 1,
			ex->description ? " (" : "", ex->description ? ex->description : "", ex->description ? ")" : "");
	else if (ex->positive && ex->line && !has_line(&t, ex->line))
		tmdk__compiler_diag(c, TMDK_DIAG_ERROR, TMDK_ESCHEMA, p->file, p->line, p->column, p->id,
			"positive example %zu should report line %u, reported line(s) %s", index + 1, ex->line, lines);
	else if (!ex->positive && t.count > 0)
		tmdk__compiler_diag(c, TMDK_DIAG_ERROR, TMDK_ESCHEMA, p->file, p->line, p->column, p->id,
			"negative example %zu%s%s%s produced %zu finding(s), at line(s) %s", index + 1,
			ex->description ? " (" : "", ex->description ? ex->description : "", ex->description ? ")" : "",
			t.count, lines);
}

void tmdk__check_examples(tmdk_compiler *c, const tmdk_catalog *cat)
{
	size_t i, e;
	for (i = 0; i < cat->pattern_count && !c->nomem; i++)
		for (e = 0; e < cat->patterns[i]->example_count && !c->nomem; e++)
			check_example(c, cat, cat->patterns[i], e);
}
