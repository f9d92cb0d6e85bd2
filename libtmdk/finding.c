/* Findings: accessors, ordering, and owned lists of copies. */
#include "scan_int.h"
#include "array.h"

#include <stdlib.h>
#include <string.h>

struct tmdk_findings {
	tmdk_finding *items;
	size_t count, cap;
};

void tmdk__finding_clear(tmdk_finding *f)
{
	if (f->owned) {
		tmdk__free((char *)f->path);   /* the block holding every string of the copy */
		if (f->pattern)
			tmdk_catalog_free((tmdk_catalog *)f->pattern->catalog);
	} else {
		tmdk__free(f->object);
		tmdk__free(f->evidence);
		tmdk__free(f->message);
		tmdk__free(f->suppression);
		tmdk__free(f->component);
	}
	memset(f, 0, sizeof(*f));
}

int tmdk__finding_compare(const tmdk_finding *a, const tmdk_finding *b)
{
	int c = strcmp(a->path, b->path);
	if (c)
		return c;
	if (a->document != b->document)
		return a->document < b->document ? -1 : 1;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	c = strcmp(a->pattern->id, b->pattern->id);
	if (c)
		return c;
	return strcmp(a->message ? a->message : "", b->message ? b->message : "");
}

const tmdk_pattern *tmdk_finding_pattern(const tmdk_finding *f) { return f ? f->pattern : NULL; }
const char *tmdk_finding_path(const tmdk_finding *f) { return f ? f->path : NULL; }
tmdk_kind tmdk_finding_kind(const tmdk_finding *f) { return f ? f->kind : TMDK_KIND_UNKNOWN; }
size_t tmdk_finding_document(const tmdk_finding *f) { return f ? f->document : 0; }
unsigned int tmdk_finding_line(const tmdk_finding *f) { return f ? f->line : 0; }
unsigned int tmdk_finding_column(const tmdk_finding *f) { return f ? f->column : 0; }
const char *tmdk_finding_object(const tmdk_finding *f) { return f ? f->object : NULL; }
const char *tmdk_finding_evidence(const tmdk_finding *f) { return f ? f->evidence : NULL; }
const char *tmdk_finding_message(const tmdk_finding *f) { return f ? f->message : NULL; }
int tmdk_finding_suppressed(const tmdk_finding *f) { return f ? f->suppressed : 0; }
const char *tmdk_finding_suppression(const tmdk_finding *f) { return f ? f->suppression : NULL; }
const char *tmdk_finding_component(const tmdk_finding *f) { return f ? f->component : NULL; }

int tmdk_findings_new(tmdk_findings **out)
{
	if (!out)
		return TMDK_EINVAL;
	*out = tmdk__calloc(1, sizeof(**out));
	return *out ? TMDK_OK : TMDK_ENOMEM;
}

void tmdk_findings_free(tmdk_findings *list)
{
	size_t i;
	if (!list)
		return;
	for (i = 0; i < list->count; i++)
		tmdk__finding_clear(&list->items[i]);
	tmdk__free(list->items);
	tmdk__free(list);
}

/* The strings of a copy, in the order they are laid out in its block. */
#define COPY_STRINGS 6

static size_t size_or_zero(const char *s)
{
	return s ? strlen(s) + 1 : 0;
}

/*
 * A copy of f at the end of list, its strings in one block that starts
 * with its path (so one allocation, not six: a scan of the whole corpus
 * keeps thousands of findings, each made on a scanning thread's heap), and
 * its suppression `suppression` when not NULL.
 */
static int append_copy(tmdk_findings *list, const tmdk_finding *f, const char *suppression)
{
	const char *from[COPY_STRINGS];
	char **to[COPY_STRINGS], *block, *at;
	size_t sizes[COPY_STRINGS], total = 0, i;
	tmdk_finding *c;
	char *path;

	if (TMDK__ARRAY_RESERVE(list->items, list->count, list->cap, 16) != TMDK_OK)
		return TMDK_ENOMEM;
	c = &list->items[list->count];
	*c = *f;
	from[0] = f->path ? f->path : "";
	from[1] = f->object;
	from[2] = f->evidence;
	from[3] = f->message;
	from[4] = suppression ? suppression : f->suppression;
	from[5] = f->component;
	to[0] = &path;
	to[1] = &c->object;
	to[2] = &c->evidence;
	to[3] = &c->message;
	to[4] = &c->suppression;
	to[5] = &c->component;
	for (i = 0; i < COPY_STRINGS; i++) {
		sizes[i] = size_or_zero(from[i]);
		if (sizes[i] > SIZE_MAX - total)
			return TMDK_ENOMEM;
		total += sizes[i];
	}
	if (!(block = tmdk__malloc(total)))
		return TMDK_ENOMEM;
	for (i = 0, at = block; i < COPY_STRINGS; i++) {
		*to[i] = from[i] ? memcpy(at, from[i], sizes[i]) : NULL;
		at += sizes[i];
	}
	c->path = path;
	c->owned = 1;
	if (suppression)
		c->suppressed = 1;
	/* A copy's copy (a report's, of a worker's list) has it already. */
	if (!f->owned)
		c->print_hash = tmdk__fingerprint_hash(f->pattern->id, c->path, c->object, c->evidence);
	tmdk_catalog_ref((tmdk_catalog *)f->pattern->catalog);
	list->count++;
	return TMDK_OK;
}

int tmdk_findings_append(tmdk_findings *list, const tmdk_finding *f)
{
	if (!list || !f)
		return TMDK_EINVAL;
	return append_copy(list, f, NULL);
}

int tmdk_findings_append_suppressed(tmdk_findings *list, const tmdk_finding *f, const char *suppression)
{
	if (!list || !f || !f->pattern || !suppression)
		return TMDK_EINVAL;
	return append_copy(list, f, suppression);
}

int tmdk__findings_move(tmdk_findings *to, tmdk_findings *from, size_t unit)
{
	size_t i;
	if (!from->count)
		return TMDK_OK;
	if (TMDK__ARRAY_RESERVE_N(to->items, to->count, to->cap, from->count, 16) != TMDK_OK)
		return TMDK_ENOMEM;
	/* The copies move whole: their strings and catalog references go with them. */
	memcpy(to->items + to->count, from->items, from->count * sizeof(*from->items));
	for (i = 0; i < from->count; i++)
		to->items[to->count + i].unit = unit;
	to->count += from->count;
	from->count = 0;
	return TMDK_OK;
}

int tmdk_findings_collect(const tmdk_finding *f, void *payload)
{
	int rc = tmdk_findings_append(payload, f);
	return rc == TMDK_OK ? 0 : rc;
}

size_t tmdk_findings_count(const tmdk_findings *list)
{
	return list ? list->count : 0;
}

const tmdk_finding *tmdk_findings_at(const tmdk_findings *list, size_t index)
{
	return list && index < list->count ? &list->items[index] : NULL;
}

static int compare_findings(const void *a, const void *b)
{
	return tmdk__finding_compare(a, b);
}

void tmdk_findings_sort(tmdk_findings *list)
{
	if (list && list->count > 1)
		qsort(list->items, list->count, sizeof(*list->items), compare_findings);
}
