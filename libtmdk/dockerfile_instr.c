/*
 * One Dockerfile instruction as a map of the normalized model: the common
 * keys (keyword, raw, line, end_line, stage, form, flags, flag_list,
 * mounts, args) and the facts of its keyword (command/exec, heredocs,
 * pairs, sources/destination, value, ports, volumes, inner …). Values are
 * substituted where BuildKit substitutes them, raw text is kept beside.
 * See docs/document-model.md, section "Dockerfile".
 */
#include "dockerfile_model.h"

#include <string.h>

static tmdk_node *instr_str(tmdk__df_model *m, const tmdk__df_instr *in, const char *s, size_t n)
{
	return tmdk__df_str_node(m, s, n, in->line, in->column);
}

static int ieq(const char *a, size_t n, const char *b)
{
	size_t i;
	if (strlen(b) != n)
		return 0;
	for (i = 0; i < n; i++) {
		char c = a[i];
		if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != b[i])
			return 0;
	}
	return 1;
}

/* ---- flags and mounts ----------------------------------------------- */

/* A --mount value split like Go's encoding/csv: commas separate fields, a
 * field may be double-quoted ("" is a quote inside). */
static size_t csv_field(const char *s, size_t n, size_t pos, tmdk__df_buf *out, size_t *start)
{
	out->n = 0;
	*start = pos;
	if (pos < n && s[pos] == '"') {
		pos++;
		while (pos < n) {
			if (s[pos] == '"' && pos + 1 < n && s[pos + 1] == '"') {
				tmdk__df_buf_putc(out, '"');
				pos += 2;
			} else if (s[pos] == '"') {
				pos++;
				break;
			} else {
				tmdk__df_buf_putc(out, s[pos++]);
			}
		}
		while (pos < n && s[pos] != ',')
			tmdk__df_buf_putc(out, s[pos++]);
	} else {
		while (pos < n && s[pos] != ',')
			tmdk__df_buf_putc(out, s[pos++]);
	}
	tmdk__df_buf_putc(out, '\0');
	out->n--;
	return pos;
}

static const char *mount_key(const char *k)
{
	static const char *const aliases[][2] = {
		{ "dst", "target" }, { "destination", "target" }, { "src", "source" },
		{ "ro", "readonly" }, { "rw", "readwrite" },
	};
	size_t i;
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(k, aliases[i][0]) == 0)
			return aliases[i][1];
	return k;
}

typedef struct entries {
	tmdk__df_entry *e;       /* heap */
	size_t n, cap;
} entries;

/* One key[=value] field of a mount. */
static void mount_field(tmdk__df_model *m, const tmdk__df_instr *in, entries *fields, const char *field,
	size_t len, unsigned int line, unsigned int column, const tmdk__df_lookup *scope)
{
	const char *eq = memchr(field, '=', len);
	size_t klen = eq ? (size_t)(eq - field) : len, i;
	char key[32];
	const char *name;
	tmdk_node *v;

	if (klen == 0 || klen >= sizeof(key))
		return;
	for (i = 0; i < klen; i++)
		key[i] = (char)(field[i] >= 'A' && field[i] <= 'Z' ? field[i] + 32 : field[i]);
	key[klen] = '\0';
	name = mount_key(key);
	if (strcmp(name, "raw") == 0)
		return; /* ours */
	if (strcmp(name, "readonly") == 0 || strcmp(name, "readwrite") == 0 || strcmp(name, "required") == 0) {
		int on = !eq || ieq(eq + 1, len - klen - 1, "true") || ieq(eq + 1, len - klen - 1, "1");
		if (strcmp(name, "readwrite") == 0) {
			name = "readonly";
			on = !on;
		}
		v = tmdk__df_bool_node(m, on, line, column);
	} else if (!eq) {
		v = tmdk__df_bool_node(m, 1, line, column);
	} else {
		tmdk__df_str s;
		s.p = eq + 1;
		s.n = len - klen - 1;
		s.off = TMDK__DF_NOPOS;
		v = tmdk__df_word_node(m, in, &s, NULL, scope, NULL);
		if (v) {
			v->line = line;
			v->column = column;
		}
	}
	tmdk__df_entry_add(m, &fields->e, &fields->n, &fields->cap, tmdk__arena_strdup(m->arena, name), v);
}

/* A --mount value (`raw`: its node) as a map of its fields. */
static tmdk_node *mount_node(tmdk__df_model *m, const tmdk__df_instr *in, const tmdk__df_str *value,
	tmdk_node *raw, const tmdk__df_lookup *scope)
{
	unsigned int line, column;
	tmdk__df_buf field = { NULL, 0, 0, 0 };
	entries fields = { NULL, 0, 0 };
	tmdk_node *mount;
	size_t pos = 0, start;

	tmdk__df_position(in, value->off, &line, &column);
	mount = tmdk__node_map(m->arena, line, column);
	if (!mount) {
		m->oom = 1;
		return NULL;
	}
	tmdk__df_put(m, mount, "raw", raw);
	while (pos <= value->n && !m->oom) {
		pos = csv_field(value->p, value->n, pos, &field, &start);
		if (field.oom)
			m->oom = 1;
		else if (field.n)
			mount_field(m, in, &fields, field.p, field.n, line, column + (unsigned int)start, scope);
		pos++;
	}
	tmdk__df_put_all(m, mount, fields.e, fields.n);
	tmdk__free(fields.e);
	tmdk__df_buf_free(&field);
	if (!tmdk_node_get(mount, "type"))
		tmdk__df_put(m, mount, "type", tmdk__df_str_node(m, "bind", 4, line, column));
	return mount;
}

/* flags, flag_list, mounts, excludes */
static void flag_facts(tmdk__df_model *m, const tmdk__df_instr *in, tmdk_node *map, const tmdk__df_lookup *scope)
{
	tmdk_node *flags = tmdk__node_map(m->arena, in->line, in->column);
	tmdk_node *list = tmdk__node_seq(m->arena, in->line, in->column);
	tmdk_node *mounts = NULL, *excludes = NULL;
	entries all = { NULL, 0, 0 };
	size_t i;

	if (!flags || !list) {
		m->oom = 1;
		return;
	}
	for (i = 0; i < in->flag_count && !m->oom; i++) {
		const tmdk__df_str *f = &in->flags[i];
		const char *name = f->p + 2, *eq = memchr(name, '=', f->n - 2);
		size_t nlen = eq ? (size_t)(eq - name) : f->n - 2;
		char *key = tmdk__arena_strndup(m->arena, name, nlen);
		unsigned int line, column;
		tmdk_node *v;

		tmdk__df_position(in, f->off, &line, &column);
		tmdk__df_push(m, list, tmdk__df_str_node(m, f->p, f->n, line, column));
		if (!key) {
			m->oom = 1;
			break;
		}
		if (eq) {
			tmdk__df_str val;
			val.p = eq + 1;
			val.n = f->n - 3 - nlen;
			val.off = f->off == TMDK__DF_NOPOS ? f->off : f->off + 3 + nlen;
			v = tmdk__df_str_node(m, val.p, val.n, line, column);
			if (strcmp(key, "mount") == 0) {
				if (!mounts)
					mounts = tmdk__node_seq(m->arena, line, column);
				tmdk__df_push(m, mounts, mount_node(m, in, &val, v, scope));
			} else if (strcmp(key, "exclude") == 0) {
				if (!excludes)
					excludes = tmdk__node_seq(m->arena, line, column);
				tmdk__df_push(m, excludes, v);
			}
		} else {
			v = tmdk__df_bool_node(m, 1, line, column);
		}
		tmdk__df_entry_add(m, &all.e, &all.n, &all.cap, key, v);
	}
	tmdk__df_put_all(m, flags, all.e, all.n);
	tmdk__free(all.e);
	tmdk__df_put(m, map, "flags", flags);
	tmdk__df_put(m, map, "flag_list", list);
	if (mounts)
		tmdk__df_put(m, map, "mounts", mounts);
	if (excludes)
		tmdk__df_put(m, map, "excludes", excludes);
}

/* ---- per keyword ---------------------------------------------------- */

/* One instruction being turned into a map. */
typedef struct ictx {
	tmdk__df_model *m;
	const tmdk__df_instr *in;
	tmdk_node *map;
	tmdk_node **argn;        /* the node of each in->args[i] (arena) */
	const tmdk__df_lookup *scope;
} ictx;

static void put(ictx *c, const char *key, tmdk_node *value)
{
	tmdk__df_put(c->m, c->map, key, value);
}

static tmdk_node *flag_node(ictx *c, int v)
{
	return tmdk__df_bool_node(c->m, v, c->in->line, c->in->column);
}

/* The value of argument i: substituted, or its own node when unchanged. */
static tmdk_node *cooked(ictx *c, size_t i, int *unresolved)
{
	return tmdk__df_word_node(c->m, c->in, &c->in->args[i], c->argn[i], c->scope, unresolved);
}

static void heredoc_facts(ictx *c)
{
	tmdk__df_model *m = c->m;
	tmdk_node *seq;
	size_t i;
	if (!c->in->heredoc_count)
		return;
	seq = tmdk__node_seq(m->arena, c->in->line, c->in->column);
	for (i = 0; i < c->in->heredoc_count && seq && !m->oom; i++) {
		const tmdk__df_heredoc *h = &c->in->heredocs[i];
		tmdk_node *hd = tmdk__node_map(m->arena, h->line, 1), *body;
		if (!hd) {
			m->oom = 1;
			break;
		}
		tmdk__df_put(m, hd, "delimiter", tmdk__df_arg_node(m, c->in, &h->name));
		body = tmdk__df_str_node(m, h->body.p, h->body.n, h->line, 1);
		if (body && h->seg_count > 1 &&
		    tmdk__artifact_map_text(m->p->a, body, h->segs, h->seg_count, 0) != TMDK_OK)
			m->oom = 1;
		tmdk__df_put(m, hd, "body", body);
		tmdk__df_put(m, hd, "quoted", tmdk__df_bool_node(m, h->quoted, h->line, 1));
		tmdk__df_put(m, hd, "strip_tabs", tmdk__df_bool_node(m, h->strip_tabs, h->line, 1));
		tmdk__df_put(m, hd, "line", tmdk__df_int_node(m, h->line, h->line, 1));
		tmdk__df_put(m, hd, "end_line", tmdk__df_int_node(m, h->end_line, h->end_line, 1));
		if (h->fd)
			tmdk__df_put(m, hd, "fd", tmdk__df_int_node(m, h->fd, h->line, 1));
		tmdk__df_push(m, seq, hd);
	}
	if (!seq)
		m->oom = 1;
	put(c, "heredocs", seq);
}

/* The simple commands (not for SHELL, whose arguments are a shell, not a command). */
static void commands_facts(ictx *c, size_t first)
{
	tmdk_node *seq;
	if (c->in->kw == TMDK__DF_SHELL)
		return;
	seq = tmdk__df_commands_node(c->m, c->in, first);
	if (seq)
		put(c, "commands", seq);
}

/* RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK CMD: command text and exec array. */
static void command_facts(ictx *c, size_t first)
{
	const tmdk__df_instr *in = c->in;
	tmdk__df_buf joined = { NULL, 0, 0, 0 };
	tmdk_node *exec;
	size_t i;

	if (!in->json) {
		if (first < in->arg_count)
			put(c, "command", c->argn[first]);
		commands_facts(c, first);
		return;
	}
	exec = tmdk__node_seq(c->m->arena, in->line, in->column);
	for (i = first; i < in->arg_count && exec; i++) {
		if (i > first)
			tmdk__df_buf_putc(&joined, ' ');
		tmdk__df_buf_put(&joined, in->args[i].p, in->args[i].n);
		tmdk__df_push(c->m, exec, c->argn[i]);
	}
	if (!exec || joined.oom)
		c->m->oom = 1;
	put(c, "exec", exec);
	put(c, "command", instr_str(c->m, in, joined.p ? joined.p : "", joined.n));
	tmdk__df_buf_free(&joined);
	commands_facts(c, first);
}

static void health_facts(ictx *c)
{
	const tmdk__df_str *type;
	if (!c->in->arg_count)
		return; /* args is NULL then: not even &args[0] may be formed */
	type = &c->in->args[0];
	put(c, "type", c->argn[0]);
	put(c, "none", flag_node(c, ieq(type->p, type->n, "none")));
	command_facts(c, 1);
}

/* A {key, raw_key, value, raw_value[, unresolved]} map; the key and value
 * as seen after substitution go to *k and *v (*v NULL when unknown). */
static tmdk_node *pair_node(ictx *c, const tmdk__df_str *key, tmdk_node *raw_key,
	const tmdk__df_str *value, tmdk_node *raw_value, const char **k, size_t *kn, const char **v, size_t *vn)
{
	tmdk__df_model *m = c->m;
	unsigned int line = raw_key->line, column = raw_key->column;
	int unresolved = 0;
	tmdk_node *pair = tmdk__node_map(m->arena, line, column), *kv, *vv = NULL;

	*k = *v = NULL; /* callers read them even when out of memory */
	*kn = *vn = 0;
	if (!pair) {
		m->oom = 1;
		return NULL;
	}
	kv = tmdk__df_word_node(m, c->in, key, raw_key, c->scope, &unresolved);
	tmdk__df_put(m, pair, "key", kv);
	tmdk__df_put(m, pair, "raw_key", raw_key);
	if (value) {
		vv = tmdk__df_word_node(m, c->in, value, raw_value, c->scope, &unresolved);
		tmdk__df_put(m, pair, "value", vv);
		tmdk__df_put(m, pair, "raw_value", raw_value);
	} else {
		tmdk__df_put(m, pair, "value", tmdk__node_null(m->arena, line, column));
	}
	if (unresolved)
		tmdk__df_put(m, pair, "unresolved", tmdk__df_bool_node(m, 1, line, column));
	*k = kv ? tmdk_node_text(kv, kn) : NULL;
	*v = vv && !unresolved ? tmdk_node_text(vv, vn) : NULL;
	return pair;
}

/* ENV, LABEL: pairs from the key, value, separator triples. */
static void key_value_facts(ictx *c)
{
	tmdk__df_model *m = c->m;
	const tmdk__df_instr *in = c->in;
	tmdk_node *pairs = tmdk__node_seq(m->arena, in->line, in->column);
	tmdk__df_var *pending = NULL, *last = NULL;
	size_t i;

	if (!pairs) {
		m->oom = 1;
		return;
	}
	for (i = 0; i + 2 < in->arg_count && !m->oom; i += 3) {
		const char *k, *v;
		size_t kn = 0, vn = 0;
		tmdk__df_push(m, pairs, pair_node(c, &in->args[i], c->argn[i], &in->args[i + 1], c->argn[i + 1],
			&k, &kn, &v, &vn));
		if (in->kw == TMDK__DF_ENV && c->scope && k) {
			tmdk__df_var_set(m, &pending, k, kn, v, vn);
			if (!last)
				last = pending;
		}
	}
	put(c, "pairs", pairs);
	put(c, "legacy_form", flag_node(c, in->arg_count == 3 && in->args[2].n == 0));
	/* all pairs of one ENV see the values from before it, as in Docker */
	if (last && !m->oom) {
		last->next = m->env;
		m->env = pending;
	}
}

/* ARG name[=default] …: scopes follow Docker (a global ARG reaches a stage
 * only when the stage declares it again). */
static void arg_facts(ictx *c)
{
	tmdk__df_model *m = c->m;
	const tmdk__df_instr *in = c->in;
	tmdk_node *pairs = tmdk__node_seq(m->arena, in->line, in->column);
	size_t i;

	if (!pairs) {
		m->oom = 1;
		return;
	}
	for (i = 0; i < in->arg_count && !m->oom; i++) {
		const tmdk__df_str *w = &in->args[i];
		const char *eq = memchr(w->p, '=', w->n), *k, *v;
		size_t kn = 0, vn = 0;
		tmdk__df_str key = *w, value;
		tmdk_node *raw_key = c->argn[i], *raw_value = NULL;

		if (eq) {
			key.n = (size_t)(eq - w->p);
			value.p = eq + 1;
			value.n = w->n - key.n - 1;
			value.off = w->off == TMDK__DF_NOPOS ? w->off : w->off + key.n + 1;
			raw_key = tmdk__df_arg_node(m, in, &key);
			raw_value = tmdk__df_arg_node(m, in, &value);
			if (!raw_key || !raw_value)
				break; /* out of memory: m->oom is set */
		}
		tmdk__df_push(m, pairs, pair_node(c, &key, raw_key, eq ? &value : NULL, raw_value, &k, &kn, &v, &vn));
		if (!c->scope || !k)
			continue;
		if (m->stage < 0) {
			tmdk__df_var_set(m, &m->globals, k, kn, v, vn);
		} else if (!eq) {
			const tmdk__df_var *g = tmdk__df_var_find(m, m->globals, k, kn);
			tmdk__df_var_set(m, &m->args, k, kn, g ? g->value : NULL, g ? g->value_len : 0);
		} else {
			tmdk__df_var_set(m, &m->args, k, kn, v, vn);
		}
	}
	put(c, "pairs", pairs);
}

/* USER, WORKDIR, STOPSIGNAL, MAINTAINER: value and raw_value. */
static void value_facts(ictx *c)
{
	tmdk__df_model *m = c->m;
	int unresolved = 0;
	tmdk_node *v;
	if (!c->in->arg_count)
		return;
	/* BuildKit does not expand MAINTAINER */
	v = c->in->kw == TMDK__DF_MAINTAINER ? c->argn[0] : cooked(c, 0, &unresolved);
	put(c, "value", v);
	put(c, "raw_value", c->argn[0]);
	if (unresolved)
		put(c, "unresolved", flag_node(c, 1));
	if (c->in->kw == TMDK__DF_USER && v) {
		size_t n;
		const char *t = tmdk_node_text(v, &n), *colon = memchr(t, ':', n);
		put(c, "user", colon ? tmdk__df_str_node(m, t, (size_t)(colon - t), v->line, v->column) : v);
		if (colon)
			put(c, "group", tmdk__df_str_node(m, colon + 1, n - (size_t)(colon - t) - 1, v->line, v->column));
		if (c->scope) {
			m->user = v;
			m->user_explicit = 1;
		}
	}
}

/* EXPOSE: ports, split again after substitution (a variable may hold several). */
static void port_facts(ictx *c)
{
	tmdk__df_model *m = c->m;
	tmdk_node *seq = tmdk__node_seq(m->arena, c->in->line, c->in->column);
	size_t i;
	if (!seq) {
		m->oom = 1;
		return;
	}
	for (i = 0; i < c->in->arg_count && !m->oom; i++) {
		tmdk_node *v = cooked(c, i, NULL);
		size_t n = 0, j;
		const char *t = v ? tmdk_node_text(v, &n) : NULL;
		for (j = 0; t && j < n;) {
			size_t start;
			tmdk_node *port;
			while (j < n && tmdk__df_is_ascii_space(t[j]))
				j++;
			start = j;
			while (j < n && !tmdk__df_is_ascii_space(t[j]))
				j++;
			if (j == start)
				break;
			port = tmdk__node_plain(m->arena, t + start, j - start, v->line, v->column);
			if (!port)
				m->oom = 1;
			tmdk__df_push(m, seq, port);
		}
	}
	put(c, "ports", seq);
}

/* VOLUME: volumes; COPY, ADD: sources (all but the last) and destination. */
static tmdk_node *cooked_list(ictx *c, size_t count)
{
	tmdk_node *seq = tmdk__node_seq(c->m->arena, c->in->line, c->in->column);
	size_t i;
	if (!seq)
		c->m->oom = 1;
	for (i = 0; seq && i < count && !c->m->oom; i++)
		tmdk__df_push(c->m, seq, cooked(c, i, NULL));
	return seq;
}

static void copy_facts(ictx *c)
{
	const tmdk__df_instr *in = c->in;
	put(c, "sources", cooked_list(c, in->arg_count ? in->arg_count - 1 : 0));
	if (in->arg_count)
		put(c, "destination", cooked(c, in->arg_count - 1, NULL));
	if (in->arg_count < 2)
		tmdk__df_warn(c->m, in->line, in->column, "%s requires at least two arguments (sources and a destination)",
			in->kw == TMDK__DF_COPY ? "COPY" : "ADD");
	heredoc_facts(c);
}

static const char *form_of(const tmdk__df_instr *in)
{
	if (in->json)
		return "exec";
	switch (in->kw) {
	case TMDK__DF_RUN: case TMDK__DF_CMD: case TMDK__DF_ENTRYPOINT: case TMDK__DF_SHELL:
		return in->arg_count ? "shell" : "none";
	case TMDK__DF_HEALTHCHECK:
		return in->arg_count > 1 ? "shell" : "none";
	default:
		return "none";
	}
}

static void keyword_facts(ictx *c)
{
	const tmdk__df_instr *in = c->in;
	switch (in->kw) {
	case TMDK__DF_RUN:
		command_facts(c, 0);
		heredoc_facts(c);
		break;
	case TMDK__DF_CMD: case TMDK__DF_ENTRYPOINT: case TMDK__DF_SHELL: command_facts(c, 0); break;
	case TMDK__DF_HEALTHCHECK: health_facts(c); break;
	case TMDK__DF_ENV: case TMDK__DF_LABEL: key_value_facts(c); break;
	case TMDK__DF_ARG: arg_facts(c); break;
	case TMDK__DF_COPY: case TMDK__DF_ADD: copy_facts(c); break;
	case TMDK__DF_USER: case TMDK__DF_WORKDIR: case TMDK__DF_STOPSIGNAL: case TMDK__DF_MAINTAINER:
		value_facts(c);
		break;
	case TMDK__DF_EXPOSE: port_facts(c); break;
	case TMDK__DF_VOLUME: put(c, "volumes", cooked_list(c, in->arg_count)); break;
	case TMDK__DF_ONBUILD:
		if (in->inner)
			put(c, "inner", tmdk__df_instruction_node(c->m, in->inner, NULL));
		break;
	case TMDK__DF_UNKNOWN:
		put(c, "unknown", flag_node(c, 1));
		put(c, "value", tmdk__df_arg_node(c->m, in, &in->rest));
		tmdk__df_warn(c->m, in->line, in->column, "unknown instruction: %.*s",
			(int)(in->keyword.n > 64 ? 64 : in->keyword.n), in->keyword.p);
		break;
	default:
		break;
	}
}

/* args: one node per argument; the separators of ENV/LABEL triples share one. */
static tmdk_node *args_node(ictx *c)
{
	tmdk__df_model *m = c->m;
	const tmdk__df_instr *in = c->in;
	tmdk_node *seq = tmdk__node_seq(m->arena, in->line, in->column), *sep = NULL;
	size_t i;

	c->argn = in->arg_count ? tmdk__arena_alloc(m->arena, in->arg_count * sizeof(*c->argn)) : NULL;
	if (!seq || (in->arg_count && !c->argn)) {
		m->oom = 1;
		return NULL;
	}
	for (i = 0; i < in->arg_count && !m->oom; i++) {
		int is_sep = (in->kw == TMDK__DF_ENV || in->kw == TMDK__DF_LABEL) && i % 3 == 2;
		if (is_sep && sep && tmdk_node_text_equals(sep, in->args[i].n ? "=" : ""))
			c->argn[i] = sep;
		else
			c->argn[i] = tmdk__df_arg_node(m, in, &in->args[i]);
		if (is_sep)
			sep = c->argn[i];
		tmdk__df_push(m, seq, c->argn[i]);
	}
	return seq;
}

tmdk_node *tmdk__df_instruction_node(tmdk__df_model *m, const tmdk__df_instr *in, const tmdk__df_lookup *scope)
{
	ictx c;
	char *upper = tmdk__arena_strndup(m->arena, in->keyword.p, in->keyword.n);
	tmdk_node *raw;
	size_t i;

	c.m = m;
	c.in = in;
	c.scope = scope;
	c.argn = NULL;
	c.map = tmdk__node_map(m->arena, in->line, in->column);
	if (!c.map || !upper) {
		m->oom = 1;
		return NULL;
	}
	for (i = 0; i < in->keyword.n; i++)
		if (upper[i] >= 'a' && upper[i] <= 'z')
			upper[i] = (char)(upper[i] - 32);
	put(&c, "keyword", instr_str(m, in, upper, in->keyword.n));
	raw = instr_str(m, in, in->raw.p, in->raw.n);
	tmdk__df_map_text(m, raw, in, &in->raw);
	put(&c, "raw", raw);
	put(&c, "line", tmdk__df_int_node(m, in->line, in->line, in->column));
	put(&c, "end_line", tmdk__df_int_node(m, in->end_line, in->line, in->column));
	put(&c, "stage", tmdk__df_int_node(m, m->stage, in->line, in->column));
	put(&c, "form", instr_str(m, in, form_of(in), strlen(form_of(in))));
	flag_facts(m, in, c.map, scope);
	put(&c, "args", args_node(&c));
	if (!m->oom)
		keyword_facts(&c);
	return m->oom ? NULL : c.map;
}
