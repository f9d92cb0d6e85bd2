/*
 * Dockerfile parsing, last pass: instruction records -> the normalized
 * document. This file owns the document shape (directives, global args,
 * instructions, stages), the FROM split (registry/name/tag/digest, stage
 * references, scratch), the variable scopes (Docker's ARG/ENV rules) and
 * each stage's effective user. dockerfile_instr.c builds one instruction;
 * both use the node builders of dockerfile_nodes.c and the variable scopes
 * of dockerfile_vars.c.
 */
#include "dockerfile_model.h"
#include "array.h"

#include <string.h>

static int known(const tmdk__df_var *v, const char **value, size_t *len)
{
	if (!v || !v->value)
		return 0;
	*value = v->value;
	*len = v->value_len;
	return 1;
}

/* In a stage: ENV wins over ARG, whatever their order (Docker's rule). */
static int stage_get(void *ctx, const char *name, size_t n, const char **value, size_t *len)
{
	tmdk__df_model *m = ctx;
	const tmdk__df_var *v = tmdk__df_var_find(m, m->env, name, n);
	if (!v)
		v = tmdk__df_var_find(m, m->args, name, n);
	return known(v, value, len);
}

/* FROM lines see the global ARGs only. */
static int global_get(void *ctx, const char *name, size_t n, const char **value, size_t *len)
{
	tmdk__df_model *m = ctx;
	return known(tmdk__df_var_find(m, m->globals, name, n), value, len);
}

/* ---- FROM ----------------------------------------------------------- */

typedef struct stage_state {
	tmdk_node *map;
	tmdk_node *instructions;
	const char *name;        /* lower case, or NULL */
	tmdk_node *user;
	int user_explicit;
	tmdk__df_var *env;       /* at the end of the stage, for stages built on it */
} stage_state;

typedef struct build {
	tmdk__df_model m;
	tmdk_node *root, *instructions, *stages, *global_args;
	stage_state *st;         /* heap */
	size_t stage_count, stage_cap;
	size_t *names;           /* hash of stage names: stage index + 1, 0 when free (heap) */
	size_t name_slots, name_count;
} build;

/* FNV-1a of a lower-cased name. */
static size_t name_hash(const char *s, size_t n)
{
	size_t h = (size_t)2166136261u, i;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		h = (h ^ (c >= 'A' && c <= 'Z' ? c + 32u : c)) * (size_t)16777619u;
	}
	return h;
}

static int name_equals(const char *lower, const char *s, size_t n)
{
	size_t k;
	if (strlen(lower) != n)
		return 0;
	for (k = 0; k < n; k++)
		if ((s[k] >= 'A' && s[k] <= 'Z' ? s[k] + 32 : s[k]) != lower[k])
			return 0;
	return 1;
}

/* The earlier stage a FROM names (case-insensitive), or -1. */
static int find_stage(const build *b, const char *s, size_t n)
{
	size_t i;
	if (!b->name_slots)
		return -1;
	for (i = name_hash(s, n) & (b->name_slots - 1); b->names[i]; i = (i + 1) & (b->name_slots - 1))
		if (name_equals(b->st[b->names[i] - 1].name, s, n))
			return (int)(b->names[i] - 1);
	return -1;
}

static void add_stage_name(build *b, size_t index)
{
	const char *name = b->st[index].name;
	size_t i, n = strlen(name);

	if (find_stage(b, name, n) >= 0) {
		tmdk__df_warn(&b->m, b->st[index].map->line, b->st[index].map->column,
			"duplicate stage name \"%s\"; FROM refers to the first one", name);
		return;
	}
	if ((b->name_count + 1) * 2 > b->name_slots) {
		size_t slots = b->name_slots ? b->name_slots * 2 : 16, j;
		size_t *q = tmdk__calloc(slots, sizeof(*q));
		if (!q) {
			b->m.oom = 1;
			return;
		}
		for (j = 0; j < b->name_slots; j++) {
			if (!b->names[j])
				continue;
			const char *old = b->st[b->names[j] - 1].name;
			for (i = name_hash(old, strlen(old)) & (slots - 1); q[i]; i = (i + 1) & (slots - 1))
				;
			q[i] = b->names[j];
		}
		tmdk__free(b->names);
		b->names = q;
		b->name_slots = slots;
	}
	for (i = name_hash(name, n) & (b->name_slots - 1); b->names[i]; i = (i + 1) & (b->name_slots - 1))
		;
	b->names[i] = index + 1;
	b->name_count++;
}

/*
 * Docker's reference grammar, loosely: [registry/]path[:tag][@digest]. The
 * first component is a registry when it has a '.' or ':' or is localhost
 * (and more follows).
 */
static void split_image(tmdk__df_model *m, tmdk_node *from, const char *s, size_t n, unsigned int line, unsigned int column)
{
	const char *at = memchr(s, '@', n), *slash, *colon = NULL;
	size_t rest = at ? (size_t)(at - s) : n, i, reg = 0;

	if (at)
		tmdk__df_put(m, from, "digest", tmdk__df_str_node(m, at + 1, n - rest - 1, line, column));
	slash = memchr(s, '/', rest);
	if (slash) {
		size_t first = (size_t)(slash - s);
		if (memchr(s, '.', first) || memchr(s, ':', first) || (first == 9 && memcmp(s, "localhost", 9) == 0)) {
			tmdk__df_put(m, from, "registry", tmdk__df_str_node(m, s, first, line, column));
			reg = first + 1;
		}
	}
	for (i = rest; i-- > reg;) {
		if (s[i] == '/')
			break;
		if (s[i] == ':') {
			colon = s + i;
			break;
		}
	}
	if (colon)
		tmdk__df_put(m, from, "tag", tmdk__df_str_node(m, colon + 1, rest - (size_t)(colon - s) - 1, line, column));
	tmdk__df_put(m, from, "name", tmdk__df_str_node(m, s + reg, (colon ? (size_t)(colon - s) : rest) - reg, line, column));
}

/* FROM image AS name */
static int has_alias(const tmdk__df_instr *in)
{
	return in->arg_count == 3 && in->args[1].n == 2 && (in->args[1].p[0] | 32) == 'a' &&
		(in->args[1].p[1] | 32) == 's';
}

static tmdk_node *from_node(build *b, const tmdk__df_instr *in, int *parent)
{
	tmdk__df_model *m = &b->m;
	tmdk_node *from = tmdk__node_map(m->arena, in->line, in->column), *image, *v;
	int unresolved = 0;
	size_t n = 0, i;
	const char *t;

	*parent = -1;
	if (!from || !in->arg_count) {
		m->oom |= !from;
		if (from)
			tmdk__df_warn(m, in->line, in->column, "FROM without an image; expected FROM image [AS name]");
		return from;
	}
	if (in->arg_count != 1 && !has_alias(in))
		tmdk__df_warn(m, in->line, in->column, "FROM takes an image and optionally `AS name` (%zu arguments given)",
			in->arg_count);
	v = tmdk__df_arg_node(m, in, &in->args[0]);
	tmdk__df_put(m, from, "raw", v);
	image = tmdk__df_word_node(m, in, &in->args[0], v, &m->global_scope, &unresolved);
	tmdk__df_put(m, from, "image", image);
	t = image ? tmdk_node_text(image, &n) : "";
	if (image)
		split_image(m, from, t, n, image->line, image->column);
	for (i = 0; i < in->flag_count; i++) {
		const tmdk__df_str *f = &in->flags[i];
		if (f->n > 11 && memcmp(f->p, "--platform=", 11) == 0) {
			tmdk__df_str val = { f->p + 11, f->n - 11, f->off == TMDK__DF_NOPOS ? f->off : f->off + 11 };
			int u = 0;
			v = tmdk__df_word_node(m, in, &val, NULL, &m->global_scope, &u);
			tmdk__df_put(m, from, "platform", v);
		}
	}
	*parent = image ? find_stage(b, t, n) : -1;
	tmdk__df_put(m, from, "is_stage", tmdk__df_bool_node(m, *parent >= 0, in->line, in->column));
	if (*parent >= 0)
		tmdk__df_put(m, from, "stage_index", tmdk__df_int_node(m, *parent, in->line, in->column));
	tmdk__df_put(m, from, "is_scratch", tmdk__df_bool_node(m, n == 7 && image && memcmp(t, "scratch", 7) == 0,
		in->line, in->column));
	tmdk__df_put(m, from, "unresolved", tmdk__df_bool_node(m, unresolved, in->line, in->column));
	return from;
}

/* ---- stages --------------------------------------------------------- */

static void close_stage(build *b)
{
	tmdk__df_model *m = &b->m;
	stage_state *s;
	if (m->stage < 0)
		return;
	s = &b->st[m->stage];
	s->user = m->user;
	s->user_explicit = m->user_explicit;
	s->env = m->env;
}

static void open_stage(build *b, const tmdk__df_instr *in, tmdk_node *from, int parent)
{
	tmdk__df_model *m = &b->m;
	stage_state *s;
	tmdk_node *map;
	unsigned int line, column;

	if (TMDK__ARRAY_RESERVE(b->st, b->stage_count, b->stage_cap, 4) != TMDK_OK) {
		m->oom = 1;
		return;
	}
	s = &b->st[b->stage_count];
	memset(s, 0, sizeof(*s));
	map = s->map = tmdk__node_map(m->arena, in->line, in->column);
	s->instructions = tmdk__node_seq(m->arena, in->line, in->column);
	if (!map || !s->instructions) {
		m->oom = 1;
		return;
	}
	m->stage = (int)b->stage_count++;
	tmdk__df_put(m, map, "index", tmdk__df_int_node(m, m->stage, in->line, in->column));
	if (has_alias(in)) {
		char *name = tmdk__arena_strndup(m->arena, in->args[2].p, in->args[2].n);
		size_t i;
		if (!name) {
			m->oom = 1;
			return;
		}
		for (i = 0; name[i]; i++)
			if (name[i] >= 'A' && name[i] <= 'Z')
				name[i] = (char)(name[i] + 32);
		s->name = name;
		tmdk__df_position(in, in->args[2].off, &line, &column);
		tmdk__df_put(m, map, "name", tmdk__df_str_node(m, name, in->args[2].n, line, column));
		add_stage_name(b, (size_t)m->stage);
	}
	tmdk__df_put(m, map, "line", tmdk__df_int_node(m, in->line, in->line, in->column));
	tmdk__df_put(m, map, "from", from);
	tmdk__df_put(m, map, "instructions", s->instructions);
	tmdk__df_push(m, b->stages, map);
	/* a stage built on an earlier one inherits its ENV and user; ARGs do not carry over */
	m->args = NULL;
	m->env = parent >= 0 ? b->st[parent].env : NULL;
	m->user = parent >= 0 ? b->st[parent].user : NULL;
	m->user_explicit = 0;
}

static void finish_stages(build *b)
{
	tmdk__df_model *m = &b->m;
	size_t i;
	close_stage(b);
	for (i = 0; i < b->stage_count && !m->oom; i++) {
		stage_state *s = &b->st[i];
		if (s->user)
			tmdk__df_put(m, s->map, "user", s->user);
		tmdk__df_put(m, s->map, "user_explicit", tmdk__df_bool_node(m, s->user_explicit, s->map->line, s->map->column));
		tmdk__df_put(m, s->map, "final", tmdk__df_bool_node(m, i + 1 == b->stage_count, s->map->line, s->map->column));
	}
}

/* ---- the document --------------------------------------------------- */

static void add_global_args(build *b, tmdk_node *instr)
{
	tmdk__df_model *m = &b->m;
	const tmdk_node *pairs = tmdk_node_get(instr, "pairs");
	size_t i;
	for (i = 0; i < tmdk_node_size(pairs) && !m->oom; i++) {
		const tmdk_node *pair = tmdk_node_at(pairs, i);
		tmdk_node *g = tmdk__node_map(m->arena, pair->line, pair->column);
		tmdk__df_put(m, g, "name", (tmdk_node *)tmdk_node_get(pair, "key"));
		tmdk__df_put(m, g, "value", (tmdk_node *)tmdk_node_get(pair, "value"));
		tmdk__df_push(m, b->global_args, g);
	}
}

static void add_instruction(build *b, const tmdk__df_instr *in)
{
	tmdk__df_model *m = &b->m;
	tmdk_node *map, *from = NULL;
	int parent = -1;

	if (in->kw == TMDK__DF_FROM) {
		close_stage(b);
		from = from_node(b, in, &parent);
		open_stage(b, in, from, parent);
	} else if (m->stage < 0 && in->kw != TMDK__DF_ARG) {
		tmdk__df_warn(m, in->line, in->column, "%.*s before the first FROM; only ARG may come before FROM",
			(int)(in->keyword.n > 32 ? 32 : in->keyword.n), in->keyword.p);
	}
	if (m->oom)
		return;
	map = tmdk__df_instruction_node(m, in, m->stage < 0 ? &m->global_scope : &m->stage_scope);
	if (from)
		tmdk__df_put(m, map, "from", from);
	tmdk__df_push(m, b->instructions, map);
	if (m->stage >= 0)
		tmdk__df_push(m, b->st[m->stage].instructions, map);
	else if (in->kw == TMDK__DF_ARG)
		add_global_args(b, map);
}

static tmdk_node *directives_node(build *b)
{
	tmdk__df_parser *p = b->m.p;
	tmdk_node *map = tmdk__node_map(b->m.arena, p->directive_count ? p->directives[0].line : 1, 1);
	size_t i;
	if (!map)
		b->m.oom = 1;
	for (i = 0; i < p->directive_count && map; i++) {
		const tmdk__df_directive *d = &p->directives[i];
		tmdk__df_put(&b->m, map, d->name, tmdk__df_str_node(&b->m, d->value.p, d->value.n, d->line, d->column));
	}
	return map;
}

int tmdk__df_build_model(tmdk__df_parser *p)
{
	build b;
	tmdk__df_model *m = &b.m;
	const tmdk__df_instr *first = &p->instrs[0];
	tmdk_document *doc;
	size_t i;

	memset(&b, 0, sizeof(b));
	m->p = p;
	m->arena = &p->a->arena;
	m->stage = -1;
	m->stage_scope.get = stage_get;
	m->stage_scope.ctx = m;
	m->global_scope.get = global_get;
	m->global_scope.ctx = m;
	b.root = tmdk__node_map(m->arena, first->line, first->column);
	b.instructions = tmdk__node_seq(m->arena, first->line, first->column);
	b.stages = tmdk__node_seq(m->arena, first->line, first->column);
	b.global_args = tmdk__node_seq(m->arena, first->line, first->column);
	m->oom = !b.root || !b.instructions || !b.stages || !b.global_args;
	tmdk__df_put(m, b.root, "directives", directives_node(&b));
	tmdk__df_put(m, b.root, "args", b.global_args);
	tmdk__df_put(m, b.root, "instructions", b.instructions);
	tmdk__df_put(m, b.root, "stages", b.stages);
	for (i = 0; i < p->instr_count && !m->oom; i++)
		add_instruction(&b, &p->instrs[i]);
	if (!m->oom)
		finish_stages(&b);
	tmdk__free(b.st);
	tmdk__free(b.names);
	doc = m->oom ? NULL : tmdk__artifact_add_document(p->a);
	if (!doc)
		return tmdk__error_set(p->err, TMDK_ENOMEM, p->a->name, 0, 0, "out of memory");
	doc->root = doc->view = b.root;
	doc->line = first->line;
	return TMDK_OK;
}
