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

/* One key[=value] field of a mount. */
static void mount_field(tmdk__df_model *m, const tmdk__df_instr *in, tmdk_node *mount, const char *field,
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
		v = tmdk__df_word_node(m, in, &s, scope, NULL);
		if (v) {
			v->line = line;
			v->column = column;
		}
	}
	tmdk__df_put(m, mount, name, v);
}

static tmdk_node *mount_node(tmdk__df_model *m, const tmdk__df_instr *in, const tmdk__df_str *value,
	const tmdk__df_lookup *scope)
{
	unsigned int line, column;
	tmdk__df_buf field = { NULL, 0, 0, 0 };
	tmdk_node *mount;
	size_t pos = 0, start;

	tmdk__df_position(in, value->off, &line, &column);
	mount = tmdk__node_map(m->arena, line, column);
	if (!mount) {
		m->oom = 1;
		return NULL;
	}
	tmdk__df_put(m, mount, "raw", tmdk__df_str_node(m, value->p, value->n, line, column));
	while (pos <= value->n && !m->oom) {
		pos = csv_field(value->p, value->n, pos, &field, &start);
		if (field.oom)
			m->oom = 1;
		else if (field.n)
			mount_field(m, in, mount, field.p, field.n, line, column + (unsigned int)start, scope);
		pos++;
	}
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
				tmdk__df_push(m, mounts, mount_node(m, in, &val, scope));
			} else if (strcmp(key, "exclude") == 0) {
				if (!excludes)
					excludes = tmdk__node_seq(m->arena, line, column);
				tmdk__df_push(m, excludes, v);
			}
		} else {
			v = tmdk__df_bool_node(m, 1, line, column);
		}
		tmdk__df_put(m, flags, key, v);
	}
	tmdk__df_put(m, map, "flags", flags);
	tmdk__df_put(m, map, "flag_list", list);
	if (mounts)
		tmdk__df_put(m, map, "mounts", mounts);
	if (excludes)
		tmdk__df_put(m, map, "excludes", excludes);
}

/* ---- per keyword ---------------------------------------------------- */

static void heredoc_facts(tmdk__df_model *m, const tmdk__df_instr *in, tmdk_node *map)
{
	tmdk_node *seq;
	size_t i;
	if (!in->heredoc_count)
		return;
	seq = tmdk__node_seq(m->arena, in->line, in->column);
	for (i = 0; i < in->heredoc_count && seq && !m->oom; i++) {
		const tmdk__df_heredoc *h = &in->heredocs[i];
		tmdk_node *hd = tmdk__node_map(m->arena, h->line, 1);
		if (!hd) {
			m->oom = 1;
			break;
		}
		tmdk__df_put(m, hd, "delimiter", tmdk__df_arg_node(m, in, &h->name));
		tmdk__df_put(m, hd, "body", tmdk__df_str_node(m, h->body.p, h->body.n, h->line, 1));
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
	tmdk__df_put(m, map, "heredocs", seq);
}

/* RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK CMD: command text and exec array. */
static void command_facts(tmdk__df_model *m, const tmdk__df_instr *in, tmdk_node *map, size_t first)
{
	tmdk__df_buf joined = { NULL, 0, 0, 0 };
	tmdk_node *exec;
	size_t i;

	if (!in->json) {
		if (first < in->arg_count)
			tmdk__df_put(m, map, "command", tmdk__df_arg_node(m, in, &in->args[first]));
		return;
	}
	exec = tmdk__node_seq(m->arena, in->line, in->column);
	for (i = first; i < in->arg_count && exec; i++) {
		if (i > first)
			tmdk__df_buf_putc(&joined, ' ');
		tmdk__df_buf_put(&joined, in->args[i].p, in->args[i].n);
		tmdk__df_push(m, exec, tmdk__df_arg_node(m, in, &in->args[i]));
	}
	if (!exec || joined.oom)
		m->oom = 1;
	tmdk__df_put(m, map, "exec", exec);
	tmdk__df_put(m, map, "command", instr_str(m, in, joined.p ? joined.p : "", joined.n));
	tmdk__df_buf_free(&joined);
}

static void health_facts(tmdk__df_model *m, const tmdk__df_instr *in, tmdk_node *map)
{
	if (!in->arg_count)
		return;
	tmdk__df_put(m, map, "type", tmdk__df_arg_node(m, in, &in->args[0]));
	tmdk__df_put(m, map, "none", tmdk__df_bool_node(m, ieq(in->args[0].p, in->args[0].n, "none"),
		in->line, in->column));
	command_facts(m, in, map, 1);
}

static tmdk_node *pair_node(tmdk__df_model *m, const tmdk__df_instr *in, const tmdk__df_str *key,
	const tmdk__df_str *value, const tmdk__df_lookup *scope, const char **kv, size_t *kn,
	const char **vv, size_t *vn)
{
	unsigned int line, column;
	int unresolved = 0;
	tmdk_node *pair, *k, *v = NULL;

	tmdk__df_position(in, key->off, &line, &column);
	pair = tmdk__node_map(m->arena, line, column);
	if (!pair) {
		m->oom = 1;
		return NULL;
	}
	k = tmdk__df_word_node(m, in, key, scope, &unresolved);
	tmdk__df_put(m, pair, "key", k);
	tmdk__df_put(m, pair, "raw_key", tmdk__df_arg_node(m, in, key));
	if (value) {
		v = tmdk__df_word_node(m, in, value, scope, &unresolved);
		tmdk__df_put(m, pair, "value", v);
		tmdk__df_put(m, pair, "raw_value", tmdk__df_arg_node(m, in, value));
	} else {
		tmdk__df_put(m, pair, "value", tmdk__node_null(m->arena, line, column));
	}
	if (unresolved)
		tmdk__df_put(m, pair, "unresolved", tmdk__df_bool_node(m, 1, line, column));
	*kv = k ? tmdk_node_text(k, kn) : NULL;
	*vv = v && !unresolved ? tmdk_node_text(v, vn) : NULL;
	return pair;
}

/* ENV, LABEL: pairs from the key, value, separator triples. */
static void key_value_facts(tmdk__df_model *m, const tmdk__df_instr *in, tmdk_node *map, const tmdk__df_lookup *scope)
{
	tmdk_node *pairs = tmdk__node_seq(m->arena, in->line, in->column);
	tmdk__df_var *pending = NULL, *last = NULL;
	size_t i;

	if (!pairs) {
		m->oom = 1;
		return;
	}
	for (i = 0; i + 2 < in->arg_count; i += 3) {
		const char *k, *v;
		size_t kn = 0, vn = 0;
		tmdk__df_push(m, pairs, pair_node(m, in, &in->args[i], &in->args[i + 1], scope, &k, &kn, &v, &vn));
		if (in->kw == TMDK__DF_ENV && scope && k) {
			tmdk__df_var_set(m, &pending, k, kn, v, vn);
			if (!last)
				last = pending;
		}
	}
	tmdk__df_put(m, map, "pairs", pairs);
	tmdk__df_put(m, map, "legacy_form", tmdk__df_bool_node(m, in->arg_count == 3 && in->args[2].n == 0,
		in->line, in->column));
	/* all pairs of one ENV see the values from before it, as in Docker */
	if (last && !m->oom) {
		last->next = m->env;
		m->env = pending;
	}
}

/* ARG name[=default] …: scopes follow Docker (a global ARG reaches a stage
 * only when the stage declares it again). */
static void arg_facts(tmdk__df_model *m, const tmdk__df_instr *in, tmdk_node *map, const tmdk__df_lookup *scope)
{
	tmdk_node *pairs = tmdk__node_seq(m->arena, in->line, in->column);
	size_t i;

	if (!pairs) {
		m->oom = 1;
		return;
	}
	for (i = 0; i < in->arg_count; i++) {
		const tmdk__df_str *w = &in->args[i];
		const char *eq = memchr(w->p, '=', w->n), *k, *v;
		size_t kn = 0, vn = 0;
		tmdk__df_str key = *w, value;

		if (eq) {
			key.n = (size_t)(eq - w->p);
			value.p = eq + 1;
			value.n = w->n - key.n - 1;
			value.off = w->off == TMDK__DF_NOPOS ? w->off : w->off + key.n + 1;
		}
		tmdk__df_push(m, pairs, pair_node(m, in, &key, eq ? &value : NULL, scope, &k, &kn, &v, &vn));
		if (!scope || !k)
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
	tmdk__df_put(m, map, "pairs", pairs);
}

/* USER, WORKDIR, STOPSIGNAL, MAINTAINER: value and raw_value. */
static void value_facts(tmdk__df_model *m, const tmdk__df_instr *in, tmdk_node *map, const tmdk__df_lookup *scope)
{
	tmdk_node *v;
	int unresolved = 0;
	if (!in->arg_count)
		return;
	v = in->kw == TMDK__DF_MAINTAINER ? tmdk__df_arg_node(m, in, &in->args[0])
					  : tmdk__df_word_node(m, in, &in->args[0], scope, &unresolved);
	tmdk__df_put(m, map, "value", v);
	tmdk__df_put(m, map, "raw_value", tmdk__df_arg_node(m, in, &in->args[0]));
	if (unresolved)
		tmdk__df_put(m, map, "unresolved", tmdk__df_bool_node(m, 1, in->line, in->column));
	if (in->kw == TMDK__DF_USER && v) {
		size_t n;
		const char *t = tmdk_node_text(v, &n), *colon = memchr(t, ':', n);
		tmdk__df_put(m, map, "user", tmdk__df_str_node(m, t, colon ? (size_t)(colon - t) : n, v->line, v->column));
		if (colon)
			tmdk__df_put(m, map, "group", tmdk__df_str_node(m, colon + 1, n - (size_t)(colon - t) - 1,
				v->line, v->column));
		if (scope) {
			m->user = v;
			m->user_explicit = 1;
		}
	}
}

/* EXPOSE (ports, split after substitution), VOLUME (volumes). */
static void list_facts(tmdk__df_model *m, const tmdk__df_instr *in, tmdk_node *map, const char *key,
	const tmdk__df_lookup *scope)
{
	tmdk_node *seq = tmdk__node_seq(m->arena, in->line, in->column);
	size_t i;
	if (!seq) {
		m->oom = 1;
		return;
	}
	for (i = 0; i < in->arg_count && !m->oom; i++) {
		tmdk_node *v = tmdk__df_word_node(m, in, &in->args[i], scope, NULL);
		size_t n, j;
		const char *t = tmdk_node_text(v, &n);
		if (in->kw == TMDK__DF_VOLUME || !t) {
			tmdk__df_push(m, seq, v);
			continue;
		}
		for (j = 0; j < n;) { /* a substituted port list may hold several ports */
			size_t start;
			while (j < n && tmdk__df_is_ascii_space(t[j]))
				j++;
			start = j;
			while (j < n && !tmdk__df_is_ascii_space(t[j]))
				j++;
			if (j > start) {
				tmdk_node *port = tmdk__node_plain(m->arena, t + start, j - start, v->line, v->column);
				if (!port)
					m->oom = 1;
				tmdk__df_push(m, seq, port);
			}
		}
	}
	tmdk__df_put(m, map, key, seq);
}

/* COPY, ADD: sources and destination. */
static void copy_facts(tmdk__df_model *m, const tmdk__df_instr *in, tmdk_node *map, const tmdk__df_lookup *scope)
{
	tmdk_node *sources = tmdk__node_seq(m->arena, in->line, in->column);
	size_t i;
	if (!sources) {
		m->oom = 1;
		return;
	}
	for (i = 0; i + 1 < in->arg_count; i++)
		tmdk__df_push(m, sources, tmdk__df_word_node(m, in, &in->args[i], scope, NULL));
	tmdk__df_put(m, map, "sources", sources);
	if (in->arg_count)
		tmdk__df_put(m, map, "destination", tmdk__df_word_node(m, in, &in->args[in->arg_count - 1], scope, NULL));
	if (in->arg_count < 2)
		tmdk__df_warn(m, in->line, in->column, "%s requires at least two arguments (sources and a destination)",
			in->kw == TMDK__DF_COPY ? "COPY" : "ADD");
	heredoc_facts(m, in, map);
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

static void keyword_facts(tmdk__df_model *m, const tmdk__df_instr *in, tmdk_node *map, const tmdk__df_lookup *scope)
{
	switch (in->kw) {
	case TMDK__DF_RUN:
		command_facts(m, in, map, 0);
		heredoc_facts(m, in, map);
		break;
	case TMDK__DF_CMD: case TMDK__DF_ENTRYPOINT: case TMDK__DF_SHELL:
		command_facts(m, in, map, 0);
		break;
	case TMDK__DF_HEALTHCHECK: health_facts(m, in, map); break;
	case TMDK__DF_ENV: case TMDK__DF_LABEL: key_value_facts(m, in, map, scope); break;
	case TMDK__DF_ARG: arg_facts(m, in, map, scope); break;
	case TMDK__DF_COPY: case TMDK__DF_ADD: copy_facts(m, in, map, scope); break;
	case TMDK__DF_USER: case TMDK__DF_WORKDIR: case TMDK__DF_STOPSIGNAL: case TMDK__DF_MAINTAINER:
		value_facts(m, in, map, scope);
		break;
	case TMDK__DF_EXPOSE: list_facts(m, in, map, "ports", scope); break;
	case TMDK__DF_VOLUME: list_facts(m, in, map, "volumes", scope); break;
	case TMDK__DF_ONBUILD:
		if (in->inner)
			tmdk__df_put(m, map, "inner", tmdk__df_instruction_node(m, in->inner, NULL));
		break;
	case TMDK__DF_UNKNOWN:
		tmdk__df_put(m, map, "unknown", tmdk__df_bool_node(m, 1, in->line, in->column));
		tmdk__df_put(m, map, "value", tmdk__df_arg_node(m, in, &in->rest));
		tmdk__df_warn(m, in->line, in->column, "unknown instruction: %.*s",
			(int)(in->keyword.n > 64 ? 64 : in->keyword.n), in->keyword.p);
		break;
	default:
		break;
	}
}

tmdk_node *tmdk__df_instruction_node(tmdk__df_model *m, const tmdk__df_instr *in, const tmdk__df_lookup *scope)
{
	tmdk_node *map = tmdk__node_map(m->arena, in->line, in->column);
	tmdk_node *args;
	char *upper;
	size_t i;

	upper = tmdk__arena_strndup(m->arena, in->keyword.p, in->keyword.n);
	args = tmdk__node_seq(m->arena, in->line, in->column);
	if (!map || !upper || !args) {
		m->oom = 1;
		return NULL;
	}
	for (i = 0; i < in->keyword.n; i++)
		if (upper[i] >= 'a' && upper[i] <= 'z')
			upper[i] = (char)(upper[i] - 32);
	tmdk__df_put(m, map, "keyword", instr_str(m, in, upper, in->keyword.n));
	tmdk__df_put(m, map, "raw", instr_str(m, in, in->raw.p, in->raw.n));
	tmdk__df_put(m, map, "line", tmdk__df_int_node(m, in->line, in->line, in->column));
	tmdk__df_put(m, map, "end_line", tmdk__df_int_node(m, in->end_line, in->line, in->column));
	tmdk__df_put(m, map, "stage", tmdk__df_int_node(m, m->stage, in->line, in->column));
	tmdk__df_put(m, map, "form", instr_str(m, in, form_of(in), strlen(form_of(in))));
	flag_facts(m, in, map, scope);
	for (i = 0; i < in->arg_count; i++)
		tmdk__df_push(m, args, tmdk__df_arg_node(m, in, &in->args[i]));
	tmdk__df_put(m, map, "args", args);
	keyword_facts(m, in, map, scope);
	return m->oom ? NULL : map;
}
