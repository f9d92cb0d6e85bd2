/*
 * The compiled catalog: an immutable, reference-counted set of patterns,
 * indexed by artifact kind, and the pattern accessors.
 */
#include "compiler_int.h"
#include "array.h"

#include <string.h>

int tmdk__catalog_new(tmdk_catalog **out, unsigned int match_limit, unsigned int depth_limit)
{
	tmdk_catalog *cat = tmdk__calloc(1, sizeof(*cat));
	*out = NULL;
	if (!cat)
		return TMDK_ENOMEM;
	tmdk__arena_init(&cat->arena);
	cat->refs = 1;
	cat->match_limit = match_limit;
	cat->depth_limit = depth_limit;
	*out = cat;
	return TMDK_OK;
}

int tmdk__catalog_append(tmdk_catalog *cat, tmdk_pattern *p)
{
	if (TMDK__ARRAY_RESERVE_ARENA(&cat->arena, cat->patterns, cat->pattern_count, cat->pattern_cap, 64) != TMDK_OK)
		return TMDK_ENOMEM;
	cat->patterns[cat->pattern_count++] = p;
	return TMDK_OK;
}

/* Meta patterns the engine itself reports (never matched against documents). */
static int add_meta(tmdk_catalog *cat, const char *id, const char *title, const char *description,
	const char *mitigation, const char *msg)
{
	tmdk_pattern *p = tmdk__arena_alloc(&cat->arena, sizeof(*p));
	tmdk__template_part *part = tmdk__arena_alloc(&cat->arena, sizeof(*part));
	if (!p || !part)
		return TMDK_ENOMEM;
	memset(p, 0, sizeof(*p));
	memset(part, 0, sizeof(*part));
	p->id = id;
	p->title = title;
	p->question = TMDK_Q_WHAT_ARE_WE_GOING_TO_DO;
	p->risk = TMDK_R_DOCUMENTATION;
	p->severity = TMDK_SEVERITY_LOW;
	p->description = description;
	p->mitigation = mitigation;
	p->message_text = msg;
	part->literal = msg;
	part->len = strlen(msg);
	p->message.parts = part;
	p->message.part_count = 1;
	p->file = "<built-in>";
	p->catalog_name = "libtmdk";
	p->catalog_version = TMDK_VERSION;
	p->catalog = cat;
	return tmdk__catalog_append(cat, p);
}

int tmdk__catalog_add_meta_patterns(tmdk_catalog *cat)
{
	int rc = add_meta(cat, TMDK__SUPPRESSION_PATTERN_ID, "Suppression without a reason",
		"An inline suppression (`# tmdk:ignore=ID` or the `tmdk.io/ignore` annotation) without a reason does "
		"not suppress anything: the finding stays active. Accepted risks must be documented so that a later "
		"review can revisit them.",
		"Write the reason after the ids: `# tmdk:ignore=TMDK-K8S-001 the agent needs the socket to "
		"collect metrics`.",
		"suppression without a reason: it does not apply until it says why the finding does not apply");
	if (rc == TMDK_OK)
		rc = add_meta(cat, TMDK__UNKNOWN_IGNORE_PATTERN_ID, "Suppression of an unknown pattern",
			"An inline suppression names a pattern id that no loaded catalog has: a typo, or a pattern that "
			"was renamed or removed. It suppresses nothing.",
			"Correct the id (`tmdk-scan --list-patterns` lists them) or remove the suppression.",
			"suppression of an unknown pattern");
	if (rc == TMDK_OK)
		rc = add_meta(cat, TMDK__UNUSED_IGNORE_PATTERN_ID, "Suppression that suppresses nothing",
			"An inline suppression names a pattern that ran on this file and found nothing there: the "
			"problem was fixed or the suppression is misplaced. Stale suppressions hide future findings. "
			"Reported when unused suppressions are asked for (TMDK_SCAN_REPORT_UNUSED_IGNORES, "
			"tmdk-scan --report-unused-ignores).",
			"Remove the suppression, or move it to the line of the finding or the line above.",
			"suppression that suppresses nothing");
	return rc;
}

tmdk_catalog *tmdk_catalog_ref(tmdk_catalog *cat)
{
	if (cat)
		__atomic_add_fetch(&cat->refs, 1, __ATOMIC_RELAXED);
	return cat;
}

void tmdk_catalog_free(tmdk_catalog *cat)
{
	size_t i;
	if (!cat || __atomic_sub_fetch(&cat->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	for (i = 0; i < cat->regex_count; i++)
		tmdk__regex_free(cat->regexes[i]);
	tmdk__free(cat->regexes);
	tmdk__arena_release(&cat->arena);
	tmdk__free(cat);
}

size_t tmdk_catalog_pattern_count(const tmdk_catalog *cat)
{
	return cat ? cat->pattern_count : 0;
}

const tmdk_pattern *tmdk_catalog_pattern(const tmdk_catalog *cat, size_t index)
{
	return cat && index < cat->pattern_count ? cat->patterns[index] : NULL;
}

const tmdk_pattern *tmdk_catalog_find(const tmdk_catalog *cat, const char *id)
{
	size_t lo = 0, hi;
	if (!cat || !id)
		return NULL;
	hi = cat->pattern_count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(cat->patterns[mid]->id, id);
		if (c == 0)
			return cat->patterns[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *tmdk_pattern_id(const tmdk_pattern *p) { return p ? p->id : NULL; }
const char *tmdk_pattern_title(const tmdk_pattern *p) { return p ? p->title : NULL; }
tmdk_question tmdk_pattern_question(const tmdk_pattern *p) { return p ? p->question : TMDK_Q_WHAT_ARE_WE_BUILDING; }
tmdk_risk tmdk_pattern_risk(const tmdk_pattern *p) { return p ? p->risk : TMDK_R_INSUFFICIENT_AUTHENTICATION; }
tmdk_severity tmdk_pattern_severity(const tmdk_pattern *p) { return p ? p->severity : TMDK_SEVERITY_INFO; }
const char *tmdk_pattern_description(const tmdk_pattern *p) { return p ? p->description : NULL; }
const char *tmdk_pattern_mitigation(const tmdk_pattern *p) { return p ? p->mitigation : NULL; }
const char *tmdk_pattern_message(const tmdk_pattern *p) { return p ? p->message_text : NULL; }
size_t tmdk_pattern_stride_count(const tmdk_pattern *p) { return p ? p->stride_count : 0; }
size_t tmdk_pattern_reference_count(const tmdk_pattern *p) { return p ? p->ref_count : 0; }
size_t tmdk_pattern_example_count(const tmdk_pattern *p) { return p ? p->example_count : 0; }
const char *tmdk_pattern_file(const tmdk_pattern *p) { return p ? p->file : NULL; }
unsigned int tmdk_pattern_line(const tmdk_pattern *p) { return p ? p->line : 0; }
const char *tmdk_pattern_catalog_name(const tmdk_pattern *p) { return p ? p->catalog_name : NULL; }
const char *tmdk_pattern_catalog_version(const tmdk_pattern *p) { return p ? p->catalog_version : NULL; }

const char *tmdk_pattern_stride(const tmdk_pattern *p, size_t index)
{
	return p && index < p->stride_count ? p->stride[index] : NULL;
}

const tmdk_reference *tmdk_pattern_reference(const tmdk_pattern *p, size_t index)
{
	return p && index < p->ref_count ? &p->refs[index] : NULL;
}

const tmdk_example *tmdk_pattern_example(const tmdk_pattern *p, size_t index)
{
	return p && index < p->example_count ? &p->examples[index] : NULL;
}

int tmdk_pattern_applies_to(const tmdk_pattern *p, tmdk_kind kind)
{
	return p && (unsigned)kind < 32 && (p->kinds & (1u << kind)) != 0;
}
