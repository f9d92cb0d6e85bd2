/*
 * Dockerfile parsing, second pass: one logical line -> an instruction
 * record holding the arguments exactly as BuildKit's parser makes them
 * (parser/split_command.go and parser/line_parsers.go): keyword, `--flags`,
 * then per instruction JSON array or shell text, white-space split words,
 * shell-style words, key/value triples, HEALTHCHECK's type, ONBUILD's inner
 * instruction. Quotes and variables stay as written here; dockerfile_model.c
 * interprets them.
 *
 * Deliberate difference: BuildKit reads flags and the HEALTHCHECK type one
 * byte at a time as if Latin-1, so bytes 0x85 and 0xA0 inside a UTF-8
 * character count as blanks there; we only split on ASCII blanks.
 */
#include "dockerfile.h"
#include "array.h"

#include <string.h>

static const struct {
	const char *name;
	tmdk__df_kw kw;
} keywords[] = {
	{ "add", TMDK__DF_ADD }, { "arg", TMDK__DF_ARG }, { "cmd", TMDK__DF_CMD },
	{ "copy", TMDK__DF_COPY }, { "entrypoint", TMDK__DF_ENTRYPOINT }, { "env", TMDK__DF_ENV },
	{ "expose", TMDK__DF_EXPOSE }, { "from", TMDK__DF_FROM }, { "healthcheck", TMDK__DF_HEALTHCHECK },
	{ "label", TMDK__DF_LABEL }, { "maintainer", TMDK__DF_MAINTAINER }, { "onbuild", TMDK__DF_ONBUILD },
	{ "run", TMDK__DF_RUN }, { "shell", TMDK__DF_SHELL }, { "stopsignal", TMDK__DF_STOPSIGNAL },
	{ "user", TMDK__DF_USER }, { "volume", TMDK__DF_VOLUME }, { "workdir", TMDK__DF_WORKDIR },
};

static tmdk__df_kw keyword_of(const char *s, size_t n)
{
	size_t i, k;
	for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		const char *name = keywords[i].name;
		if (strlen(name) != n)
			continue;
		for (k = 0; k < n; k++) {
			char c = s[k];
			if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != name[k])
				break;
		}
		if (k == n)
			return keywords[i].kw;
	}
	return TMDK__DF_UNKNOWN;
}

/* [\t\v\f\r ]: BuildKit's separator between keyword and arguments and in
 * white-space delimited argument lists. */
static int is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

static tmdk__df_str piece(const char *s, size_t n, size_t off)
{
	tmdk__df_str t;
	t.p = s;
	t.n = n;
	t.off = off;
	return t;
}

static int push_arg(tmdk__df_parser *p, tmdk__df_instr *in, const char *s, size_t n, size_t off)
{
	int rc = tmdk__df_count_items(p, in, off, 1);
	return rc ? rc : tmdk__df_strv_push(&p->a->arena, &in->args, &in->arg_count, &in->arg_cap, piece(s, n, off));
}

/* strings.TrimSpace: Unicode blanks on both ends. */
static void trim_space(const char **s, size_t *n)
{
	size_t k;
	while (*n && (k = tmdk__df_space_len(*s, *n)) > 0) {
		*s += k;
		*n -= k;
	}
	while (*n) {
		size_t i = *n, start;
		/* step back one UTF-8 character */
		do
			i--;
		while (i && ((unsigned char)(*s)[i] & 0xC0) == 0x80);
		start = i;
		k = tmdk__df_space_len(*s + start, *n - start);
		if (k != *n - start || k == 0)
			break;
		*n = start;
	}
}

/* ---- flags ---------------------------------------------------------- */

enum { IN_SPACES, IN_WORD, IN_QUOTE };

/*
 * Take the leading `--name[=value]` words off the arguments. Quotes are
 * removed and backslash escapes applied (always `\`, whatever the escape
 * directive says); a bare `--` ends the flags. *used receives how much of
 * s was consumed.
 */
static int extract_flags(tmdk__df_parser *p, tmdk__df_instr *in, const char *s, size_t n,
	size_t base, size_t *used)
{
	tmdk__df_buf word = { NULL, 0, 0, 0 };
	int phase = IN_SPACES, blank_ok = 0, rc = TMDK_OK;
	char quote = 0;
	size_t pos, word_off = 0;

	*used = n;
	for (pos = 0; pos <= n && rc == TMDK_OK; pos++) {
		char ch = pos < n ? s[pos] : '\0';
		if (phase == IN_SPACES) {
			if (pos == n)
				break;
			if (tmdk__df_is_ascii_space(ch))
				continue;
			if (ch != '-' || pos + 1 == n || s[pos + 1] != '-') {
				*used = pos;
				break;
			}
			phase = IN_WORD;
			word_off = pos;
			word.n = 0;
			blank_ok = 0;
		}
		if (pos == n) {
			if (!(word.n == 2 && memcmp(word.p, "--", 2) == 0) && (blank_ok || word.n))
				goto push;
			break;
		}
		if (phase == IN_WORD) {
			if (tmdk__df_is_ascii_space(ch)) {
				phase = IN_SPACES;
				if (word.n == 2 && memcmp(word.p, "--", 2) == 0) {
					*used = pos;
					break;
				}
				if (blank_ok || word.n)
					goto push;
				continue;
			}
			if (ch == '\'' || ch == '"') {
				quote = ch;
				blank_ok = 1;
				phase = IN_QUOTE;
				continue;
			}
			if (ch == '\\') {
				if (pos + 1 == n)
					continue;
				ch = s[++pos];
			}
			tmdk__df_buf_putc(&word, ch);
			continue;
		}
		/* IN_QUOTE */
		if (ch == quote) {
			phase = IN_WORD;
			continue;
		}
		if (ch == '\\') {
			if (pos + 1 == n) {
				phase = IN_WORD;
				continue;
			}
			ch = s[++pos];
		}
		tmdk__df_buf_putc(&word, ch);
		continue;
push:
		{
			/* a --mount value makes one model entry per comma-separated field */
			size_t fields = 1, k;
			char *copy = tmdk__arena_strndup(&p->a->arena, word.p ? word.p : "", word.n);
			for (k = 0; k < word.n; k++)
				fields += word.p[k] == ',';
			rc = copy ? tmdk__df_count_items(p, in, base + word_off, fields) : TMDK_ENOMEM;
			if (rc == TMDK_OK)
				rc = tmdk__df_strv_push(&p->a->arena, &in->flags, &in->flag_count,
					&in->flag_cap, piece(copy, word.n, base + word_off));
			word.n = 0;
			blank_ok = 0;
		}
	}
	if (word.oom)
		rc = TMDK_ENOMEM;
	tmdk__df_buf_free(&word);
	return rc;
}

/* ---- argument shapes ------------------------------------------------ */

/* FROM, EXPOSE (and the fallback of COPY/ADD/VOLUME): split on [\t\v\f\r ]+. */
static int split_blanks(tmdk__df_parser *p, tmdk__df_instr *in, const char *s, size_t n, size_t off)
{
	size_t i = 0;
	while (i < n) {
		size_t start = i;
		int rc;
		while (i < n && !is_sep(s[i]))
			i++;
		rc = push_arg(p, in, s + start, i - start, off + start);
		if (rc != TMDK_OK)
			return rc;
		while (i < n && is_sep(s[i]))
			i++;
	}
	return TMDK_OK;
}

/*
 * Shell-style words with quotes and escapes kept (BuildKit's parseWords):
 * white space splits words outside quotes; the escape character keeps the
 * next character in the word; an escape at the very end is dropped. Every
 * word is a stretch of the source, so the words point into it.
 */
static int shell_words(tmdk__df_parser *p, const char *s, size_t n, size_t off,
	tmdk__df_str **words, size_t *count, size_t *cap)
{
	size_t pos = 0;
	while (pos < n) {
		size_t k, start, end;
		char quote = 0;
		int rc;
		if ((k = tmdk__df_space_len(s + pos, n - pos)) > 0) {
			pos += k;
			continue;
		}
		start = pos;
		end = n;
		while (pos < n) {
			char ch = s[pos];
			if (!quote && (k = tmdk__df_space_len(s + pos, n - pos)) > 0) {
				end = pos;
				break;
			}
			if (quote && ch == quote)
				quote = 0;
			else if (!quote && (ch == '\'' || ch == '"'))
				quote = ch;
			else if (ch == p->escape && quote != '\'') {
				if (pos + 1 == n) {
					end = pos; /* an escape at the end is skipped */
					pos++;
					break;
				}
				pos++;
			}
			pos += tmdk__df_rune_len((unsigned char)s[pos]);
			if (pos > n)
				pos = n;
		}
		if (end > start) {
			rc = tmdk__df_strv_push(&p->a->arena, words, count, cap, piece(s + start, end - start, off + start));
			if (rc != TMDK_OK)
				return rc;
		}
	}
	return TMDK_OK;
}

static int json_or(tmdk__df_parser *p, tmdk__df_instr *in, const char *s, size_t n, size_t off, int *is_json)
{
	size_t bad = TMDK__DF_NOPOS;
	int r;
	*is_json = 0;
	if (n == 0 || s[0] != '[')
		return TMDK_OK;
	r = tmdk__df_json_array(p, in, s, n, off, &bad);
	if (r < 0)
		return r;
	if (r == TMDK__DF_JSON_NOT_STRINGS)
		return tmdk__df_fail(p, in, bad, TMDK_EPARSE,
			"%.*s: a JSON array (exec form) must hold only strings",
			(int)(in->keyword.n > 32 ? 32 : in->keyword.n), in->keyword.p);
	*is_json = r == TMDK__DF_JSON_OK;
	in->json = *is_json;
	return TMDK_OK;
}

/* RUN, CMD, ENTRYPOINT, SHELL: a JSON array of strings, else the whole text. */
static int maybe_json(tmdk__df_parser *p, tmdk__df_instr *in, const char *s, size_t n, size_t off)
{
	int is_json, rc;
	if (n == 0)
		return TMDK_OK;
	rc = json_or(p, in, s, n, off, &is_json);
	if (rc != TMDK_OK || is_json)
		return rc;
	return push_arg(p, in, s, n, off);
}

/* ADD, COPY, VOLUME: a JSON array of strings, else white-space split. */
static int maybe_json_list(tmdk__df_parser *p, tmdk__df_instr *in, const char *s, size_t n, size_t off)
{
	int is_json, rc = json_or(p, in, s, n, off, &is_json);
	if (rc != TMDK_OK || is_json)
		return rc;
	return split_blanks(p, in, s, n, off);
}

/* ENV, LABEL: `k=v k2=v2` (triples key, value, "=") or legacy `k v` (key, rest, ""). */
static int name_value(tmdk__df_parser *p, tmdk__df_instr *in, const char *s, size_t n, size_t off)
{
	tmdk__df_str *words = NULL;
	size_t count = 0, cap = 0, i;
	int rc = shell_words(p, s, n, off, &words, &count, &cap);

	if (rc != TMDK_OK || count == 0)
		return rc;
	if (!memchr(words[0].p, '=', words[0].n)) {
		size_t k = 0, v;
		while (k < n && !is_sep(s[k]))
			k++;
		if (k == n)
			return tmdk__df_fail(p, in, off, TMDK_EPARSE,
				"%.*s must have two arguments (expected `%.*s name value` or `%.*s name=value`)",
				(int)in->keyword.n, in->keyword.p, (int)in->keyword.n, in->keyword.p,
				(int)in->keyword.n, in->keyword.p);
		v = k;
		while (v < n && is_sep(s[v]))
			v++;
		rc = push_arg(p, in, s, k, off);
		if (rc == TMDK_OK)
			rc = push_arg(p, in, s + v, n - v, off + v);
		return rc == TMDK_OK ? push_arg(p, in, "", 0, TMDK__DF_NOPOS) : rc;
	}
	for (i = 0; i < count && rc == TMDK_OK; i++) {
		const char *eq = memchr(words[i].p, '=', words[i].n);
		size_t klen;
		if (!eq)
			return tmdk__df_fail(p, in, words[i].off, TMDK_EPARSE,
				"Syntax error - can't find = in \"%.*s\". Must be of the form: name=value",
				(int)(words[i].n > 64 ? 64 : words[i].n), words[i].p);
		klen = (size_t)(eq - words[i].p);
		rc = push_arg(p, in, words[i].p, klen, words[i].off);
		if (rc == TMDK_OK)
			rc = push_arg(p, in, eq + 1, words[i].n - klen - 1, words[i].off + klen + 1);
		if (rc == TMDK_OK)
			rc = push_arg(p, in, "=", 1, TMDK__DF_NOPOS);
	}
	return rc;
}

/* ARG: shell-style words, quotes kept. */
static int arg_words(tmdk__df_parser *p, tmdk__df_instr *in, const char *s, size_t n, size_t off)
{
	return shell_words(p, s, n, off, &in->args, &in->arg_count, &in->arg_cap);
}

/* MAINTAINER, USER, WORKDIR, STOPSIGNAL: the whole text. */
static int whole_text(tmdk__df_parser *p, tmdk__df_instr *in, const char *s, size_t n, size_t off)
{
	return n ? push_arg(p, in, s, n, off) : TMDK_OK;
}

/* HEALTHCHECK: the first word (CMD, NONE …), then the rest as for CMD. */
static int health(tmdk__df_parser *p, tmdk__df_instr *in, const char *s, size_t n, size_t off)
{
	size_t sep = 0, next;
	int rc;
	while (sep < n && !tmdk__df_is_ascii_space(s[sep]))
		sep++;
	if (sep == 0)
		return TMDK_OK;
	next = sep;
	while (next < n && tmdk__df_is_ascii_space(s[next]))
		next++;
	rc = push_arg(p, in, s, sep, off);
	return rc == TMDK_OK ? maybe_json(p, in, s + next, n - next, off + next) : rc;
}

static int parse_line(tmdk__df_parser *p, tmdk__df_instr *in, const char *line, size_t len,
	size_t base, int nested);

/* ONBUILD: the rest is an instruction of its own. */
static int onbuild(tmdk__df_parser *p, tmdk__df_instr *in, const char *s, size_t n, size_t off)
{
	tmdk__df_instr *inner;
	if (n == 0)
		return TMDK_OK;
	inner = tmdk__arena_alloc(&p->a->arena, sizeof(*inner));
	if (!inner)
		return TMDK_ENOMEM;
	inner->raw.p = tmdk__arena_strndup(&p->a->arena, s, n);
	if (!inner->raw.p)
		return TMDK_ENOMEM;
	inner->raw.n = n;
	inner->raw.off = off;
	inner->segs = in->segs;
	inner->seg_count = in->seg_count;
	inner->end_line = in->end_line;
	tmdk__df_position(in, off, &inner->line, &inner->column);
	in->inner = inner;
	return parse_line(p, inner, s, n, off, 1);
}

typedef int (*arg_rule)(tmdk__df_parser *, tmdk__df_instr *, const char *, size_t, size_t);

static arg_rule rule_of(tmdk__df_kw kw)
{
	switch (kw) {
	case TMDK__DF_ADD: case TMDK__DF_COPY: case TMDK__DF_VOLUME: return maybe_json_list;
	case TMDK__DF_RUN: case TMDK__DF_CMD: case TMDK__DF_ENTRYPOINT: case TMDK__DF_SHELL: return maybe_json;
	case TMDK__DF_ENV: case TMDK__DF_LABEL: return name_value;
	case TMDK__DF_ARG: return arg_words;
	case TMDK__DF_FROM: case TMDK__DF_EXPOSE: return split_blanks;
	case TMDK__DF_MAINTAINER: case TMDK__DF_USER: case TMDK__DF_WORKDIR: case TMDK__DF_STOPSIGNAL:
		return whole_text;
	case TMDK__DF_HEALTHCHECK: return health;
	case TMDK__DF_ONBUILD: return onbuild;
	default: return NULL;
	}
}

static int parse_line(tmdk__df_parser *p, tmdk__df_instr *in, const char *line, size_t len,
	size_t base, int nested)
{
	const char *s = line, *rest;
	size_t n = len, k = 0, used = 0, rest_n;
	arg_rule rule;
	int rc;

	trim_space(&s, &n);
	base += (size_t)(s - line);
	while (k < n && !is_sep(s[k]))
		k++;
	in->keyword = piece(s, k, base);
	in->kw = keyword_of(s, k);
	if (nested && in->kw == TMDK__DF_ONBUILD)
		return tmdk__df_fail(p, in, base, TMDK_EPARSE,
			"Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
	rest = s + k;
	rest_n = n - k;
	while (rest_n && is_sep(*rest)) {
		rest++;
		rest_n--;
	}
	if (rest_n) {
		rc = extract_flags(p, in, rest, rest_n, base + (size_t)(rest - s), &used);
		if (rc != TMDK_OK)
			return rc == TMDK_ENOMEM ? tmdk__df_fail(p, in, base, rc, "out of memory") : rc;
		rest += used;
		rest_n -= used;
		trim_space(&rest, &rest_n);
	}
	in->rest = piece(rest, rest_n, base + (size_t)(rest - s));
	rule = rule_of(in->kw);
	rc = rule ? rule(p, in, rest, rest_n, in->rest.off) : push_arg(p, in, "", 0, TMDK__DF_NOPOS);
	/* the rules fill err themselves, except when memory runs out */
	if (rc == TMDK_ENOMEM)
		return tmdk__df_fail(p, in, base, rc, "out of memory");
	return rc;
}

int tmdk__df_parse_instruction(tmdk__df_parser *p, tmdk__df_instr *in,
	const char *line, size_t len, size_t base)
{
	return parse_line(p, in, line, len, base, 0);
}

/* ---- heredoc openers ------------------------------------------------ */

tmdk__df_instr *tmdk__df_heredoc_owner(tmdk__df_instr *in)
{
	if (in->kw == TMDK__DF_ONBUILD && in->inner)
		in = in->inner;
	if ((in->kw == TMDK__DF_RUN || in->kw == TMDK__DF_COPY || in->kw == TMDK__DF_ADD) && !in->json)
		return in;
	return NULL;
}

static size_t count_quotes(const char *s, size_t n)
{
	size_t i, c = 0;
	for (i = 0; i < n; i++)
		c += s[i] == '\'' || s[i] == '"';
	return c;
}

/* `^(\d*)<<(-?)([^<]*)$` on one word; the name is lexed like a shell word. */
static int heredoc_from_word(tmdk__df_parser *p, const tmdk__df_instr *in, tmdk__df_instr *owner,
	const tmdk__df_str *word, size_t off)
{
	tmdk__df_lex lx = { '\\', 0, 0, NULL };
	tmdk__df_words cooked, raw;
	tmdk__df_heredoc h;
	size_t i = 0, fd = 0;
	int rc;

	memset(&h, 0, sizeof(h));
	while (i < word->n && word->p[i] >= '0' && word->p[i] <= '9') {
		if (fd < 100000000u)
			fd = fd * 10 + (size_t)(word->p[i] - '0');
		i++;
	}
	if (word->n - i < 2 || word->p[i] != '<' || word->p[i + 1] != '<')
		return TMDK_OK;
	i += 2;
	if (i < word->n && word->p[i] == '-') {
		h.strip_tabs = 1;
		i++;
	}
	if (i == word->n || memchr(word->p + i, '<', word->n - i))
		return TMDK_OK;
	rc = tmdk__df_lex_text(&lx, word->p + i, word->n - i, &cooked);
	if (rc == TMDK_EPARSE)
		rc = tmdk__df_fail(p, in, off, TMDK_EPARSE, "invalid heredoc delimiter \"%.*s\": %s",
			(int)(word->n > 64 ? 64 : word->n), word->p, cooked.error);
	if (rc != TMDK_OK || cooked.count != 1) {
		tmdk__df_words_free(&cooked);
		return rc;
	}
	lx.raw_quotes = 1;
	rc = tmdk__df_lex_text(&lx, word->p + i, word->n - i, &raw);
	if (rc == TMDK_EPARSE)
		rc = TMDK_OK; /* not after the cooked pass succeeded; if ever, no heredoc */
	if (rc == TMDK_OK && raw.count == 1) {
		h.quoted = count_quotes(cooked.words[0].p, cooked.words[0].n) !=
			count_quotes(raw.words[0].p, raw.words[0].n);
		h.fd = (unsigned int)fd;
		h.name.p = tmdk__arena_strndup(&p->a->arena, cooked.words[0].p, cooked.words[0].n);
		h.name.n = cooked.words[0].n;
		h.name.off = off;
		rc = h.name.p ? TMDK_OK : TMDK_ENOMEM;
	}
	tmdk__df_words_free(&cooked);
	tmdk__df_words_free(&raw);
	if (rc == TMDK_OK && h.name.p) {
		/* a heredoc becomes several nodes */
		rc = tmdk__df_count_items(p, in, off, 4);
		if (rc != TMDK_OK)
			return rc;
		if (TMDK__ARRAY_RESERVE_ARENA(&p->a->arena, owner->heredocs, owner->heredoc_count, owner->heredoc_cap, 2)
		    != TMDK_OK)
			return tmdk__df_fail(p, in, off, TMDK_ENOMEM, "out of memory");
		owner->heredocs[owner->heredoc_count++] = h;
	}
	if (rc == TMDK_ENOMEM)
		return tmdk__df_fail(p, in, off, rc, "out of memory");
	return rc;
}

int tmdk__df_find_heredocs(tmdk__df_parser *p, const tmdk__df_instr *in, tmdk__df_instr *owner)
{
	tmdk__df_lex lx = { '\\', 1, 1, NULL };
	tmdk__df_words words;
	size_t i;
	int rc;

	rc = tmdk__df_lex_text(&lx, in->raw.p, in->raw.n, &words);
	if (rc != TMDK_OK) {
		/* BuildKit ignores a line it cannot split: no heredoc then */
		tmdk__df_words_free(&words);
		return rc == TMDK_EPARSE ? TMDK_OK : tmdk__df_fail(p, in, TMDK__DF_NOPOS, rc, "out of memory");
	}
	for (i = 0; rc == TMDK_OK && i < words.count; i++)
		rc = heredoc_from_word(p, in, owner, &words.words[i], words.words[i].off);
	tmdk__df_words_free(&words);
	return rc;
}
