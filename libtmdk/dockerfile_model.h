/*
 * Dockerfile model building — declarations shared by dockerfile_model.c
 * (document, stages, FROM), dockerfile_instr.c (one instruction's map) and
 * the helpers both call: dockerfile_nodes.c (node builders) and
 * dockerfile_vars.c (variable scopes). Private to those files.
 */
#ifndef TMDK_DOCKERFILE_MODEL_H
#define TMDK_DOCKERFILE_MODEL_H

#include "dockerfile.h"

/**
 * A variable in scope: a known value, or a name whose value is unknown.
 * Scopes are persistent lists in the arena: setting a variable puts a node
 * in front, a stage built on another shares its parent's list.
 */
typedef struct tmdk__df_var {
	const char *name;
	size_t name_len;
	const char *value;       /* arena; NULL when unknown */
	size_t value_len;
	struct tmdk__df_var *next;
} tmdk__df_var;

/** The model under construction. Node helpers set `oom` instead of failing. */
typedef struct tmdk__df_model {
	tmdk__df_parser *p;
	tmdk__arena *arena;
	int oom;
	int stage;               /* current stage index, -1 before the first FROM */
	tmdk__df_var *globals;   /* ARGs before the first FROM */
	tmdk__df_var *env;       /* the current stage's ENV (inherited from a parent stage) */
	tmdk__df_var *args;      /* the current stage's ARGs */
	size_t lookup_steps;     /* variables compared so far, bounded by a budget */
	tmdk__df_lookup stage_scope;  /* env, then args */
	tmdk__df_lookup global_scope; /* globals */
	tmdk_node *user;         /* the current stage's effective user (a USER value node) */
	int user_explicit;
} tmdk__df_model;

/* ---- node helpers (dockerfile_nodes.c) ------------------------------ */
tmdk_node *tmdk__df_str_node(tmdk__df_model *m, const char *s, size_t n, unsigned int line, unsigned int column);
tmdk_node *tmdk__df_int_node(tmdk__df_model *m, long long v, unsigned int line, unsigned int column);
tmdk_node *tmdk__df_bool_node(tmdk__df_model *m, int v, unsigned int line, unsigned int column);
void tmdk__df_put(tmdk__df_model *m, tmdk_node *map, const char *key, tmdk_node *value);
void tmdk__df_push(tmdk__df_model *m, tmdk_node *seq, tmdk_node *item);
/** A map entry for tmdk__df_put_all. */
typedef struct tmdk__df_entry {
	const char *key;         /* NUL-terminated, arena */
	tmdk_node *value;
	size_t order;
} tmdk__df_entry;

/**
 * Put entries whose keys may repeat (the last value wins, at the place of
 * the first) and may be many: sorting keeps this O(n log n) where
 * tmdk__node_map_put is linear per key. Reorders `e`.
 */
void tmdk__df_put_all(tmdk__df_model *m, tmdk_node *map, tmdk__df_entry *e, size_t n);
/** Append to a heap array of entries; sets oom on failure. */
void tmdk__df_entry_add(tmdk__df_model *m, tmdk__df_entry **e, size_t *n, size_t *cap, const char *key, tmdk_node *value);

/** A string node for an argument, at its source position. */
tmdk_node *tmdk__df_arg_node(tmdk__df_model *m, const tmdk__df_instr *in, const tmdk__df_str *s);
/** Record where node's text, a verbatim copy of s, comes from (text_map.c). */
void tmdk__df_map_text(tmdk__df_model *m, const tmdk_node *node, const tmdk__df_instr *in, const tmdk__df_str *s);

/** Record a warning; memory failures set oom. */
void tmdk__df_warn(tmdk__df_model *m, unsigned int line, unsigned int column, const char *fmt, ...) TMDK__PRINTF(4, 5);

/**
 * Lex an argument as a single word (quotes removed, escapes applied,
 * variables from `scope` expanded; NULL scope: nothing expanded). On a
 * lexing error the text is kept as written, and a warning recorded. When
 * the result is the text as written and `raw` (the node of that text) is
 * given, `raw` itself is returned: the model shares nodes rather than
 * repeating equal scalars.
 * @return the node, with *unresolved set (may be NULL)
 */
tmdk_node *tmdk__df_word_node(tmdk__df_model *m, const tmdk__df_instr *in, const tmdk__df_str *s,
	tmdk_node *raw, const tmdk__df_lookup *scope, int *unresolved);

/* ---- variable scopes (dockerfile_vars.c) ---------------------------- */

/** Put a variable in front of a list (it shadows earlier ones). */
void tmdk__df_var_set(tmdk__df_model *m, tmdk__df_var **list, const char *name, size_t n,
	const char *value, size_t vn);
/** The latest variable of that name, or NULL (also once the lookup budget is spent). */
const tmdk__df_var *tmdk__df_var_find(tmdk__df_model *m, const tmdk__df_var *list, const char *name, size_t n);

/* ---- instructions (dockerfile_instr.c) ------------------------------ */

/**
 * The map of one instruction, with per-keyword facts. `scope` expands
 * variables (NULL for ONBUILD's inner instruction, which runs elsewhere).
 * ENV, ARG and USER update the model's scopes and effective user when
 * `scope` is given. FROM is left to the caller (it adds `from`).
 */
tmdk_node *tmdk__df_instruction_node(tmdk__df_model *m, const tmdk__df_instr *in, const tmdk__df_lookup *scope);

/* ---- commands (dockerfile_commands.c) ------------------------------ */

/**
 * The simple commands of a RUN/CMD/ENTRYPOINT/HEALTHCHECK whose command
 * text (or exec array) starts at argument `first`: a sequence of command
 * maps, or NULL when there is no command (or memory ran out: m->oom).
 */
tmdk_node *tmdk__df_commands_node(tmdk__df_model *m, const tmdk__df_instr *in, size_t first);

#endif /* TMDK_DOCKERFILE_MODEL_H */
