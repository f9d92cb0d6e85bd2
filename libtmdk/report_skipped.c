/*
 * Candidates skipped with a reason (a YAML file that does not parse and is
 * not named as an artifact, a Helm template…): kept apart from errors, which
 * make tmdk-scan exit 2, and from files of other kinds, which are only
 * counted. Every writer shows their count; JSON and SARIF list them.
 */
#include "report_int.h"
#include "array.h"

#include <stdlib.h>
#include <string.h>

int tmdk_report_add_skipped(tmdk_report *r, const char *path, unsigned int line, unsigned int column,
	const char *reason)
{
	tmdk__report_error *e;
	if (!r || !path)
		return TMDK_EINVAL;
	if (TMDK__ARRAY_RESERVE(r->skips, r->skip_count, r->skip_cap, 16) != TMDK_OK)
		return TMDK_ENOMEM;
	e = &r->skips[r->skip_count];
	e->path = tmdk__strdup(path);
	e->message = tmdk__strdup(reason ? reason : "");
	if (!e->path || !e->message) {
		tmdk__free(e->path);
		tmdk__free(e->message);
		return TMDK_ENOMEM;
	}
	e->line = line;
	e->column = line ? column : 0;
	e->code = 0;
	r->skip_count++;
	return TMDK_OK;
}

size_t tmdk_report_skipped_count(const tmdk_report *r)
{
	return r ? r->skip_count : 0;
}

void tmdk__report_free_skips(tmdk_report *r)
{
	size_t i;
	for (i = 0; i < r->skip_count; i++) {
		tmdk__free(r->skips[i].path);
		tmdk__free(r->skips[i].message);
	}
	tmdk__free(r->skips);
	r->skips = NULL;
	r->skip_count = r->skip_cap = 0;
}

int tmdk__view_skips(tmdk__view *v)
{
	const tmdk_report *r = v->report;
	size_t i;
	v->skips = tmdk__calloc(r->skip_count + 1, sizeof(*v->skips));
	if (!v->skips)
		return TMDK_ENOMEM;
	for (i = 0; i < r->skip_count; i++)
		v->skips[i] = &r->skips[i];
	v->skip_count = r->skip_count;
	qsort((void *)v->skips, v->skip_count, sizeof(*v->skips), tmdk__compare_report_errors);
	/* Counted among the files looked at and not scanned. */
	v->skipped_count += v->skip_count;
	return 0;
}
