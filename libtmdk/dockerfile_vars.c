/*
 * Dockerfile model: variable scopes (ARG and ENV), persistent lists in the
 * arena that dockerfile_model.c and dockerfile_instr.c read and extend.
 */
#include "dockerfile_model.h"

#include <string.h>

/* Variable lookups walk lists; a budget keeps a hostile file (thousands of
 * variables, millions of references) from costing quadratic time. Past it,
 * every variable counts as unknown. */
#define LOOKUP_BUDGET 20000000u

const tmdk__df_var *tmdk__df_var_find(tmdk__df_model *m, const tmdk__df_var *list, const char *name, size_t n)
{
	for (; list; list = list->next) {
		if (++m->lookup_steps > LOOKUP_BUDGET) {
			if (m->lookup_steps == LOOKUP_BUDGET + 1)
				tmdk__df_warn(m, 0, 0, "variable substitution stopped after %u lookups; "
					"later values are kept as written", LOOKUP_BUDGET);
			m->lookup_steps = LOOKUP_BUDGET + 2;
			return NULL;
		}
		if (list->name_len == n && memcmp(list->name, name, n) == 0)
			return list;
	}
	return NULL;
}

static tmdk__df_var *var_new(tmdk__df_model *m, const char *name, size_t n, const char *value, size_t vn)
{
	tmdk__df_var *v = tmdk__arena_alloc(m->arena, sizeof(*v));
	if (v) {
		v->name = tmdk__arena_strndup(m->arena, name, n);
		v->name_len = n;
		v->value = value ? tmdk__arena_strndup(m->arena, value, vn) : NULL;
		v->value_len = value ? vn : 0;
	}
	if (!v || !v->name || (value && !v->value)) {
		m->oom = 1;
		return NULL;
	}
	return v;
}

void tmdk__df_var_set(tmdk__df_model *m, tmdk__df_var **list, const char *name, size_t n,
	const char *value, size_t vn)
{
	tmdk__df_var *v = var_new(m, name, n, value, vn);
	if (v) {
		v->next = *list;
		*list = v;
	}
}
