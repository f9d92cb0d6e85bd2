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
	const char *path;            /* count the findings in this file only (a set's main example) */
	size_t count;
	unsigned int lines[8];
	size_t line_count;
} tally;

static int count_finding(const tmdk_finding *f, void *payload)
{
	tally *t = payload;
	if (t->path && strcmp(tmdk_finding_path(f), t->path) != 0)
		return 0;
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

/* Parse the example's `with` files (arts[1..]); arts[0] is the example itself. */
static int parse_with(tmdk_compiler *c, const tmdk_pattern *p, const tmdk_example *ex, size_t index,
	tmdk_artifact **arts)
{
	size_t i;
	for (i = 0; i < ex->with_count; i++) {
		tmdk_parse_options po = TMDK_PARSE_OPTIONS_INIT;
		tmdk_error err;
		int rc;
		po.kind = ex->with_files[i].kind;
		rc = tmdk_artifact_parse_buffer(&arts[i + 1], ex->with_files[i].name, ex->with_files[i].content,
			strlen(ex->with_files[i].content), &po, &err);
		if (rc == TMDK_ENOMEM) {
			c->nomem = 1;
			return rc;
		}
		if (rc != TMDK_OK) {
			tmdk__compiler_diag(c, TMDK_DIAG_ERROR, TMDK_ESCHEMA, p->file, p->line, p->column, p->id,
				"example %zu: file %s (%s) does not parse: line %u, column %u: %s", index + 1,
				ex->with_files[i].name, tmdk_kind_name(ex->with_files[i].kind), err.line, err.column, err.message);
			return rc;
		}
	}
	return TMDK_OK;
}

static void free_set(tmdk_artifact **arts, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		tmdk_artifact_free(arts[i]);
	tmdk__free(arts);
}

static void check_example(tmdk_compiler *c, const tmdk_catalog *cat, const tmdk_pattern *p, size_t index)
{
	const tmdk_example *ex = &p->examples[index];
	tmdk_parse_options po = TMDK_PARSE_OPTIONS_INIT;
	tmdk_artifact **arts;
	tmdk_error err;
	tally t;
	char name[64], lines[128];
	int rc;

	if (!(arts = tmdk__calloc(ex->with_count + 1, sizeof(*arts)))) {
		c->nomem = 1;
		return;
	}
	po.kind = ex->kind;
	rc = tmdk_artifact_parse_buffer(&arts[0], example_name(ex, name, sizeof(name)), ex->content, strlen(ex->content), &po, &err);
	if (rc == TMDK_ENOMEM) {
		c->nomem = 1;
		free_set(arts, 1);
		return;
	}
	if (rc != TMDK_OK) {
		tmdk__compiler_diag(c, TMDK_DIAG_ERROR, TMDK_ESCHEMA, p->file, p->line, p->column, p->id,
			"example %zu (%s) does not parse: line %u, column %u: %s", index + 1, tmdk_kind_name(ex->kind),
			err.line, err.column, err.message);
		free_set(arts, 1);
		return;
	}
	if (parse_with(c, p, ex, index, arts) != TMDK_OK) {
		free_set(arts, ex->with_count + 1);
		return;
	}
	memset(&t, 0, sizeof(t));
	/* A set: findings in the other files are theirs, not the example's. */
	t.path = ex->with_count ? tmdk_artifact_name(arts[0]) : NULL;
	rc = tmdk__scan_pattern_set(cat, p, (const tmdk_artifact *const *)arts, ex->with_count + 1, count_finding, &t, &err);
	free_set(arts, ex->with_count + 1);
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
