/*
 * The top risks, as the Markdown, HTML and pull-request reports open with
 * them: the shown critical and high findings (medium ones when there is
 * none), worst first, and among equal severities those on components exposed
 * to the internet, then on other exposed components, then the rest. One
 * entry per pattern and component, so a pattern that hits twenty containers
 * of one workload is one risk to read.
 */
#include "report_int.h"
#include "scan_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct ranked_risk {
	const tmdk_finding *f;
	int severity, exposure;
	const tmdk__view_place *place;
} ranked_risk;

static int compare_risks(const void *pa, const void *pb)
{
	const ranked_risk *a = pa, *b = pb;
	int c;
	if (a->severity != b->severity)
		return a->severity > b->severity ? -1 : 1;
	if (a->exposure != b->exposure)
		return a->exposure > b->exposure ? -1 : 1;
	if ((c = strcmp(tmdk_pattern_id(tmdk_finding_pattern(a->f)), tmdk_pattern_id(tmdk_finding_pattern(b->f)))) != 0)
		return c;
	if (a->place->model != b->place->model)
		return a->place->model < b->place->model ? -1 : 1;
	if (a->place->comp != b->place->comp)
		return a->place->comp < b->place->comp ? -1 : 1;
	return tmdk__finding_compare(a->f, b->f);
}

/* Same pattern on the same component (or, without one, in the same file). */
static int same_risk(const ranked_risk *a, const ranked_risk *b)
{
	if (tmdk_finding_pattern(a->f) != tmdk_finding_pattern(b->f))
		return 0;
	if (a->place->model != (size_t)-1 || b->place->model != (size_t)-1)
		return a->place->model == b->place->model && a->place->comp == b->place->comp;
	return strcmp(tmdk_finding_path(a->f), tmdk_finding_path(b->f)) == 0;
}

size_t tmdk__view_top_risks(const tmdk__view *v, const tmdk_finding **out, size_t *places, size_t max, size_t *total)
{
	ranked_risk *list;
	size_t i, n = 0, kept = 0, copied = 0;
	tmdk_severity floor = v->by_severity[TMDK_SEVERITY_CRITICAL] || v->by_severity[TMDK_SEVERITY_HIGH]
		? TMDK_SEVERITY_HIGH : TMDK_SEVERITY_MEDIUM;

	*total = 0;
	if (!v->shown_count || !(list = tmdk__calloc(v->shown_count, sizeof(*list))))
		return 0;
	for (i = 0; i < v->shown_count; i++) {
		const tmdk_finding *f = v->shown[i];
		tmdk_severity s = tmdk_pattern_severity(tmdk_finding_pattern(f));
		if (s < floor)
			continue;
		list[n].f = f;
		list[n].severity = (int)s;
		list[n].exposure = tmdk__view_exposure(v, f);
		list[n].place = tmdk__view_place_of(v, f);
		n++;
	}
	qsort(list, n, sizeof(*list), compare_risks);
	for (i = 0; i < n; i++) {
		if (kept && same_risk(&list[kept - 1], &list[i]))
			continue;
		list[kept++] = list[i];
	}
	/* One entry per pattern, where it is first (its most severe, most exposed place). */
	n = kept;
	kept = 0;
	for (i = 0; i < n; i++) {
		size_t k, seen = 0;
		for (k = 0; k < kept && !seen; k++)
			seen = tmdk_finding_pattern(list[k].f) == tmdk_finding_pattern(list[i].f);
		if (seen) {
			if (k - 1 < copied)
				places[k - 1]++;
			continue;
		}
		if (copied < max) {
			out[copied] = list[i].f;
			places[copied++] = 1;
		}
		list[kept++] = list[i];
	}
	*total = kept;
	tmdk__free(list);
	return copied;
}
