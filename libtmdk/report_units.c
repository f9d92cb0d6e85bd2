/*
 * Deployment units in a report (include/tmdk/report.h): the units a scan
 * went through, their members and notes, and which unit each finding
 * belongs to. The writers show them; findings keep their own path (the
 * file that set the value).
 */
#include "report_int.h"
#include "scan_int.h"
#include "array.h"

#include <string.h>

void tmdk__report_free_units(tmdk_report *r)
{
	size_t i, k;
	for (i = 0; i < r->unit_count; i++) {
		tmdk__report_unit *u = &r->units[i];
		for (k = 0; k < u->member_count; k++) {
			tmdk__free(u->members[k]);
			tmdk__free(u->roles[k]);
		}
		for (k = 0; k < u->note_count; k++)
			tmdk__free(u->notes[k]);
		tmdk__free(u->members);
		tmdk__free(u->roles);
		tmdk__free(u->notes);
		tmdk__free(u->kind);
		tmdk__free(u->path);
	}
	tmdk__free(r->units);
	r->units = NULL;
	r->unit_count = r->unit_cap = 0;
}

int tmdk_report_begin_unit(tmdk_report *r, const char *kind, const char *path)
{
	tmdk__report_unit *u;
	if (!r || !kind || !path)
		return TMDK_EINVAL;
	if (TMDK__ARRAY_RESERVE(r->units, r->unit_count, r->unit_cap, 16) != TMDK_OK)
		return TMDK_ENOMEM;
	u = &r->units[r->unit_count];
	memset(u, 0, sizeof(*u));
	u->kind = tmdk__strdup(kind);
	u->path = tmdk__strdup(path);
	if (!u->kind || !u->path) {
		tmdk__free(u->kind);
		tmdk__free(u->path);
		return TMDK_ENOMEM;
	}
	r->current_unit = ++r->unit_count;
	return TMDK_OK;
}

int tmdk_report_add_unit_member(tmdk_report *r, const char *path, const char *role)
{
	tmdk__report_unit *u;
	char *p, *q;
	if (!r || !path || !role || !r->current_unit)
		return TMDK_EINVAL;
	u = &r->units[r->current_unit - 1];
	if (TMDK__ARRAY_RESERVE(u->members, u->member_count, u->member_cap, 8) != TMDK_OK ||
	    TMDK__ARRAY_RESERVE(u->roles, u->member_count, u->role_cap, 8) != TMDK_OK)
		return TMDK_ENOMEM;
	p = tmdk__strdup(path);
	q = tmdk__strdup(role);
	if (!p || !q) {
		tmdk__free(p);
		tmdk__free(q);
		return TMDK_ENOMEM;
	}
	u->members[u->member_count] = p;
	u->roles[u->member_count++] = q;
	return TMDK_OK;
}

int tmdk_report_add_unit_note(tmdk_report *r, const char *message)
{
	tmdk__report_unit *u;
	char *m;
	if (!r || !message || !r->current_unit)
		return TMDK_EINVAL;
	u = &r->units[r->current_unit - 1];
	if (TMDK__ARRAY_RESERVE(u->notes, u->note_count, u->note_cap, 2) != TMDK_OK)
		return TMDK_ENOMEM;
	if (!(m = tmdk__strdup(message)))
		return TMDK_ENOMEM;
	u->notes[u->note_count++] = m;
	return TMDK_OK;
}

void tmdk_report_end_unit(tmdk_report *r)
{
	if (r)
		r->current_unit = 0;
}

size_t tmdk_report_unit_count(const tmdk_report *r)
{
	return r ? r->unit_count : 0;
}

const tmdk__report_unit *tmdk__report_finding_unit(const tmdk_report *r, const tmdk_finding *f)
{
	return f->unit && f->unit <= r->unit_count ? &r->units[f->unit - 1] : NULL;
}
