/*
 * The shell-word lexer BuildKit applies to instruction arguments
 * (frontend/dockerfile/shell): quote removal, escapes, word splitting and
 * variable expansion — $V, ${V}, ${V:-x}, ${V-x}, ${V:+x}, ${V+x},
 * ${V:?x}, ${V?x}, ${V#p}, ${V##p}, ${V%p}, ${V%%p}, ${V/p/r}, ${V//p/r}.
 *
 * A variable whose value is not known (no lookup, or the lookup says so)
 * is kept exactly as written — `$V`, `${V}`, `${V:-x}` — and the result is
 * marked unresolved; BuildKit does the same with SkipUnsetEnv. Malformed
 * text (an unterminated quote, `${}`) is reported through `error`.
 */
#include "dockerfile.h"
#include "array.h"

#include <string.h>

#define MAX_NESTING 64          /* ${a:-${b:-${c}}} … */
#define MAX_PATTERN_WORK 4000000u /* glob matching steps for #, %, / */

typedef struct lexer {
	const tmdk__df_lex *opt;
	const char *s;
	size_t n, pos;
	size_t token;             /* where the token being processed started */
	int raw_escapes;          /* the current value: # and % patterns force it */
	int depth;
	int unresolved;
	const char *error;
	int oom;
} lexer;

/* Words being collected: text of the current word plus finished ones. */
typedef struct word_span {
	size_t end;               /* end of the word in word_set.text */
	size_t source;            /* where it started in the lexed text */
} word_span;

typedef struct word_set {
	tmdk__df_buf text;        /* finished words, each followed by a NUL */
	tmdk__df_buf cur;
	size_t cur_source;
	word_span *spans;         /* heap */
	size_t count, cap;
	int in_word;
} word_set;

static void words_finish_word(lexer *lx, word_set *w)
{
	if (TMDK__ARRAY_RESERVE(w->spans, w->count, w->cap, 8) != TMDK_OK) {
		lx->oom = 1;
		return;
	}
	tmdk__df_buf_put(&w->text, w->cur.p, w->cur.n);
	w->spans[w->count].end = w->text.n;
	w->spans[w->count++].source = w->cur_source;
	tmdk__df_buf_putc(&w->text, '\0');
	w->cur.n = 0;
	w->in_word = 0;
}

static void words_add_raw(lexer *lx, word_set *w, const char *s, size_t n)
{
	if (!w)
		return;
	if (!w->in_word)
		w->cur_source = lx->token;
	tmdk__df_buf_put(&w->cur, s, n);
	w->in_word = 1;
}

/* A character outside quotes: white space ends the current word. */
static void words_add_char(lexer *lx, word_set *w, const char *s, size_t n)
{
	int space = tmdk__df_space_len(s, n) == n;
	if (!w)
		return;
	if (space && w->in_word) {
		if (w->cur.n)
			words_finish_word(lx, w);
	} else if (!space) {
		words_add_raw(lx, w, s, n);
	}
}

/* Text produced by a $ expansion is split like unquoted text. */
static void words_add_string(lexer *lx, word_set *w, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t k = tmdk__df_rune_len((unsigned char)s[i]);
		if (k > n - i)
			k = n - i;
		words_add_char(lx, w, s + i, k);
		i += k;
	}
}

static size_t rune_at(const lexer *lx)
{
	size_t k = tmdk__df_rune_len((unsigned char)lx->s[lx->pos]);
	return k > lx->n - lx->pos ? lx->n - lx->pos : k;
}

static int fail(lexer *lx, const char *msg)
{
	if (!lx->error)
		lx->error = msg;
	return TMDK_EPARSE;
}

static int process_until(lexer *lx, char stop, int raw_escapes, tmdk__df_buf *out, word_set *w);

/* ---- variables ------------------------------------------------------ */

static int lookup(lexer *lx, const char *name, size_t n, const char **v, size_t *vn)
{
	const tmdk__df_lookup *l = lx->opt->vars;
	if (!l || !l->get(l->ctx, name, n, v, vn)) {
		lx->unresolved = 1;
		return 0;
	}
	return 1;
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* A variable name: digits, one special parameter, or [A-Za-z0-9_]+. */
static size_t read_name(lexer *lx)
{
	size_t start = lx->pos;
	if (lx->pos < lx->n && lx->s[lx->pos] >= '0' && lx->s[lx->pos] <= '9') {
		while (lx->pos < lx->n && lx->s[lx->pos] >= '0' && lx->s[lx->pos] <= '9')
			lx->pos++;
		return lx->pos - start;
	}
	if (lx->pos < lx->n && strchr("@*#?-$!", lx->s[lx->pos]) && lx->s[lx->pos]) {
		lx->pos++;
		return 1;
	}
	while (lx->pos < lx->n && is_name_char(lx->s[lx->pos]))
		lx->pos++;
	return lx->pos - start;
}

/* ---- shell patterns (for #, % and /) -------------------------------- */

typedef struct pattern {
	const char *p;
	size_t n;
} pattern;

/* Glob match of the whole of s: `*`, `?`, `\` escapes; steps bounded. */
static int glob_match(const pattern *pt, const char *s, size_t n, size_t *work)
{
	size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;
	while (si < n) {
		if (++*work > MAX_PATTERN_WORK)
			return 0;
		if (pi < pt->n && pt->p[pi] == '*') {
			star_p = ++pi;
			star_s = si;
			continue;
		}
		if (pi < pt->n && pt->p[pi] == '\\' && pi + 1 < pt->n) {
			if (pt->p[pi + 1] == s[si]) {
				pi += 2;
				si++;
				continue;
			}
		} else if (pi < pt->n && (pt->p[pi] == '?' || pt->p[pi] == s[si])) {
			pi++;
			si++;
			continue;
		}
		if (star_p == (size_t)-1)
			return 0;
		pi = star_p;
		si = ++star_s;
	}
	while (pi < pt->n && pt->p[pi] == '*')
		pi++;
	return pi == pt->n;
}

/* BuildKit turns `\}` and `\/` into the character and rejects other escapes
 * than `\*`, `\?`, `\\`. */
static int pattern_check(lexer *lx, tmdk__df_buf *pat)
{
	size_t i, w = 0;
	for (i = 0; i < pat->n; i++) {
		char c = pat->p[i];
		if (c == '\\' && i + 1 < pat->n && (pat->p[i + 1] == '}' || pat->p[i + 1] == '/'))
			continue;
		if (c == '\\') {
			if (i + 1 >= pat->n || !strchr("*?\\", pat->p[i + 1]))
				return fail(lx, "invalid escape in a ${} pattern");
			pat->p[w++] = pat->p[i++];
		}
		pat->p[w++] = pat->p[i];
	}
	pat->n = w;
	return 0;
}

/* ${V#p} ${V##p} ${V%p} ${V%%p}: drop the shortest/longest matching prefix/suffix. */
static int trim_affix(lexer *lx, char op, const char *word, size_t wn, const char *v, size_t vn, tmdk__df_buf *out)
{
	int greedy = wn > 0 && word[0] == op;
	pattern pt;
	size_t work = 0, k;
	pt.p = greedy ? word + 1 : word;
	pt.n = greedy ? wn - 1 : wn;
	for (k = 0; k <= vn; k++) {
		size_t len = greedy ? vn - k : k;  /* length of the affix tried */
		int hit = op == '#' ? glob_match(&pt, v, len, &work) : glob_match(&pt, v + vn - len, len, &work);
		if (work > MAX_PATTERN_WORK)
			return fail(lx, "${} pattern too costly to evaluate");
		if (hit) {
			if (op == '#')
				tmdk__df_buf_put(out, v + len, vn - len);
			else
				tmdk__df_buf_put(out, v, vn - len);
			return 0;
		}
	}
	tmdk__df_buf_put(out, v, vn);
	return 0;
}

/* ${V/p/r} and ${V//p/r}: leftmost, longest match. */
static int replace_pattern(lexer *lx, int all, const tmdk__df_buf *pat, const tmdk__df_buf *rep,
	const char *v, size_t vn, tmdk__df_buf *out)
{
	pattern pt;
	size_t i = 0, work = 0;
	int done = 0;
	pt.p = pat->p ? pat->p : "";
	pt.n = pat->n;
	while (i <= vn) {
		size_t j;
		int hit = 0;
		if (!done) {
			for (j = vn + 1; j-- > i;) {
				if (glob_match(&pt, v + i, j - i, &work)) {
					hit = 1;
					break;
				}
				if (work > MAX_PATTERN_WORK)
					return fail(lx, "${} pattern too costly to evaluate");
			}
		}
		if (hit) {
			tmdk__df_buf_put(out, rep->p, rep->n);
			done = !all;
			if (j > i) {
				tmdk__df_buf_put(out, v + i, 0);
				i = j;
				continue;
			}
		}
		if (i < vn)
			tmdk__df_buf_putc(out, v[i]);
		i++;
	}
	return 0;
}

/* ---- $ expansion ---------------------------------------------------- */

/* The text of a reference kept as written (unknown variable). */
static void keep_reference(tmdk__df_buf *out, const char *name, size_t nn, const char *op, size_t on,
	const char *word, size_t wn)
{
	tmdk__df_buf_put(out, "${", 2);
	tmdk__df_buf_put(out, name, nn);
	tmdk__df_buf_put(out, op, on);
	tmdk__df_buf_put(out, word, wn);
	tmdk__df_buf_putc(out, '}');
}

static int apply_modifier(lexer *lx, char op, int null_is_unset, const char *name, size_t nn,
	const char *word, size_t wn, tmdk__df_buf *out)
{
	const char *v = NULL;
	size_t vn = 0;
	int set = lookup(lx, name, nn, &v, &vn);
	int empty = !set || (null_is_unset && vn == 0);
	char ops[2];

	ops[0] = null_is_unset ? ':' : op;
	ops[1] = op;
	if (!set) {
		keep_reference(out, name, nn, null_is_unset ? ops : ops + 1, null_is_unset ? 2 : 1, word, wn);
		return 0;
	}
	switch (op) {
	case '-':
		tmdk__df_buf_put(out, empty ? word : v, empty ? wn : vn);
		return 0;
	case '+':
		if (!empty)
			tmdk__df_buf_put(out, word, wn);
		return 0;
	case '?':
		if (empty) {
			/* BuildKit fails the build here; we keep the text */
			lx->unresolved = 1;
			keep_reference(out, name, nn, null_is_unset ? ops : ops + 1, null_is_unset ? 2 : 1, word, wn);
			return 0;
		}
		tmdk__df_buf_put(out, v, vn);
		return 0;
	default: /* # and % */
		return trim_affix(lx, op, word, wn, v, vn, out);
	}
}

/* ${name/pattern/replacement} once the name and '/' are read. */
static int expand_replace(lexer *lx, const char *name, size_t nn, tmdk__df_buf *out)
{
	tmdk__df_buf pat = { NULL, 0, 0, 0 }, rep = { NULL, 0, 0, 0 };
	const char *v = NULL;
	size_t vn = 0;
	int all = 0, rc;

	if (lx->pos < lx->n && lx->s[lx->pos] == '/') {
		all = 1;
		lx->pos++;
	}
	rc = process_until(lx, '/', 1, &pat, NULL);
	if (rc == 0)
		rc = process_until(lx, '}', 1, &rep, NULL);
	if (rc == 0 && !lookup(lx, name, nn, &v, &vn)) {
		tmdk__df_buf_put(out, "${", 2);
		tmdk__df_buf_put(out, name, nn);
		tmdk__df_buf_put(out, all ? "//" : "/", all ? 2 : 1);
		tmdk__df_buf_put(out, pat.p, pat.n);
		tmdk__df_buf_putc(out, '/');
		tmdk__df_buf_put(out, rep.p, rep.n);
		tmdk__df_buf_putc(out, '}');
	} else if (rc == 0) {
		rc = pattern_check(lx, &pat);
		if (rc == 0)
			rc = replace_pattern(lx, all, &pat, &rep, v, vn, out);
	}
	lx->oom |= pat.oom | rep.oom;
	tmdk__df_buf_free(&pat);
	tmdk__df_buf_free(&rep);
	return rc;
}

static int expand_braces(lexer *lx, tmdk__df_buf *out)
{
	size_t name_start, nn;
	char op;
	int null_is_unset = 0;

	lx->pos++; /* { */
	if (lx->pos >= lx->n)
		return fail(lx, "syntax error: missing '}'");
	if (lx->s[lx->pos] == '{' || lx->s[lx->pos] == '}' || lx->s[lx->pos] == ':')
		return fail(lx, "syntax error: bad substitution");
	name_start = lx->pos;
	nn = read_name(lx);
	if (lx->pos >= lx->n)
		return fail(lx, "syntax error: missing '}'");
	op = lx->s[lx->pos++];
	if (op == '}') {
		const char *v;
		size_t vn;
		if (lookup(lx, lx->s + name_start, nn, &v, &vn))
			tmdk__df_buf_put(out, v, vn);
		else
			keep_reference(out, lx->s + name_start, nn, "", 0, "", 0);
		return 0;
	}
	if (op == '/')
		return expand_replace(lx, lx->s + name_start, nn, out);
	if (op == ':') {
		null_is_unset = 1;
		if (lx->pos >= lx->n)
			return fail(lx, "syntax error: missing '}'");
		op = lx->s[lx->pos++];
	}
	if (!strchr("+-?#%", op) || !op || (null_is_unset && (op == '#' || op == '%')))
		return fail(lx, "unsupported modifier in ${} substitution");
	{
		tmdk__df_buf word = { NULL, 0, 0, 0 };
		int rc = process_until(lx, '}', op == '#' || op == '%', &word, NULL);
		if (rc == 0)
			rc = apply_modifier(lx, op, null_is_unset, lx->s + name_start, nn,
				word.p ? word.p : "", word.n, out);
		lx->oom |= word.oom;
		tmdk__df_buf_free(&word);
		return rc;
	}
}

static int expand_dollar(lexer *lx, tmdk__df_buf *out)
{
	size_t name_start, nn;
	const char *v;
	size_t vn;
	int rc;

	if (++lx->depth > MAX_NESTING)
		return fail(lx, "variable references nested too deeply");
	lx->pos++; /* $ */
	if (lx->pos < lx->n && lx->s[lx->pos] == '{') {
		rc = expand_braces(lx, out);
		lx->depth--;
		return rc;
	}
	lx->depth--;
	name_start = lx->pos;
	nn = read_name(lx);
	if (nn == 0) {
		tmdk__df_buf_putc(out, '$');
		return 0;
	}
	if (lookup(lx, lx->s + name_start, nn, &v, &vn)) {
		tmdk__df_buf_put(out, v, vn);
	} else {
		tmdk__df_buf_putc(out, '$');
		tmdk__df_buf_put(out, lx->s + name_start, nn);
	}
	return 0;
}

/* ---- quotes --------------------------------------------------------- */

static int single_quote(lexer *lx, tmdk__df_buf *out)
{
	if (lx->opt->raw_quotes)
		tmdk__df_buf_putc(out, '\'');
	lx->pos++;
	while (lx->pos < lx->n) {
		char c = lx->s[lx->pos++];
		if (c == '\'') {
			if (lx->opt->raw_quotes)
				tmdk__df_buf_putc(out, '\'');
			return 0;
		}
		tmdk__df_buf_putc(out, c);
	}
	return fail(lx, "unexpected end of statement while looking for matching single-quote");
}

static int double_quote(lexer *lx, tmdk__df_buf *out)
{
	char esc = lx->opt->escape;
	if (lx->opt->raw_quotes)
		tmdk__df_buf_putc(out, '"');
	lx->pos++;
	while (lx->pos < lx->n) {
		char c = lx->s[lx->pos];
		if (c == '"') {
			lx->pos++;
			if (lx->opt->raw_quotes)
				tmdk__df_buf_putc(out, '"');
			return 0;
		}
		if (c == '$') {
			int rc = expand_dollar(lx, out);
			if (rc != 0)
				return rc;
			continue;
		}
		lx->pos++;
		if (c == esc) {
			if (lx->raw_escapes)
				tmdk__df_buf_putc(out, c);
			if (lx->pos >= lx->n)
				continue;
			if (lx->s[lx->pos] == '"' || lx->s[lx->pos] == '$' || lx->s[lx->pos] == esc)
				c = lx->s[lx->pos++];
		}
		tmdk__df_buf_putc(out, c);
	}
	return fail(lx, "unexpected end of statement while looking for matching double-quote");
}

/* ---- the main loop -------------------------------------------------- */

/* Process until `stop` (consumed) or, with stop == 0, the end. */
static int process_until(lexer *lx, char stop, int raw_escapes, tmdk__df_buf *out, word_set *w)
{
	int saved = lx->raw_escapes;
	int rc = 0;

	if (++lx->depth > MAX_NESTING)
		return fail(lx, "variable references nested too deeply");
	lx->raw_escapes = raw_escapes;
	while (lx->pos < lx->n && rc == 0) {
		char c = lx->s[lx->pos];
		size_t mark = out->n, k;
		if (w)
			lx->token = lx->pos;
		if (stop && c == stop) {
			lx->pos++;
			goto done;
		}
		if (c == '$' || c == '\'' || c == '"') {
			rc = c == '$' ? expand_dollar(lx, out) : c == '\'' ? single_quote(lx, out) : double_quote(lx, out);
			if (rc == 0 && !out->oom) {
				if (c == '$') /* out->p is still NULL when the value expanded to nothing */
					words_add_string(lx, w, out->p ? out->p + mark : "", out->n - mark);
				else
					words_add_raw(lx, w, out->p ? out->p + mark : "", out->n - mark);
			}
			continue;
		}
		k = rune_at(lx);
		if (c == lx->opt->escape) {
			if (lx->raw_escapes) {
				words_add_raw(lx, w, &c, 1);
				tmdk__df_buf_putc(out, c);
			}
			lx->pos++;
			if (lx->pos >= lx->n)
				break;
			k = rune_at(lx);
			words_add_raw(lx, w, lx->s + lx->pos, k);
		} else {
			words_add_char(lx, w, lx->s + lx->pos, k);
		}
		tmdk__df_buf_put(out, lx->s + lx->pos, k);
		lx->pos += k;
	}
	if (rc == 0 && stop) {
		rc = fail(lx, stop == '}' ? "syntax error: missing '}'" : "syntax error: missing '/' in ${}");
	}
done:
	lx->raw_escapes = saved;
	lx->depth--;
	return rc;
}

void tmdk__df_words_free(tmdk__df_words *w)
{
	tmdk__free(w->text);
	tmdk__free(w->words);
	tmdk__free(w->storage);
	memset(w, 0, sizeof(*w));
}

int tmdk__df_lex_text(const tmdk__df_lex *opt, const char *s, size_t n, tmdk__df_words *out)
{
	tmdk__df_buf text = { NULL, 0, 0, 0 };
	word_set w;
	lexer lx;
	size_t i, start = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&w, 0, sizeof(w));
	memset(&lx, 0, sizeof(lx));
	lx.opt = opt;
	lx.s = s;
	lx.n = n;
	rc = process_until(&lx, 0, opt->raw_escapes, &text, &w);
	if (rc == 0 && w.cur.n)
		words_finish_word(&lx, &w);
	tmdk__df_buf_putc(&text, '\0');
	tmdk__df_buf_putc(&w.text, '\0');
	lx.oom |= text.oom | w.text.oom | w.cur.oom;
	if (!lx.oom && rc == 0 && w.count) {
		out->words = tmdk__calloc(w.count, sizeof(*out->words));
		lx.oom = out->words == NULL;
	}
	if (lx.oom || rc != 0) {
		tmdk__df_buf_free(&text);
		tmdk__df_buf_free(&w.text);
		tmdk__df_buf_free(&w.cur);
		tmdk__free(w.spans);
		tmdk__df_words_free(out);
		out->error = lx.error;
		return lx.oom ? TMDK_ENOMEM : TMDK_EPARSE;
	}
	out->text = text.p;
	out->len = text.n - 1;
	out->storage = w.text.p;
	for (i = 0; i < w.count; i++) {
		out->words[i].p = w.text.p + start;
		out->words[i].n = w.spans[i].end - start;
		out->words[i].off = w.spans[i].source;
		start = w.spans[i].end + 1;
	}
	out->count = w.count;
	out->unresolved = lx.unresolved;
	tmdk__df_buf_free(&w.cur);
	tmdk__free(w.spans);
	return TMDK_OK;
}
