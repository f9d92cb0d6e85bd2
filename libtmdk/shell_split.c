/*
 * Shell text -> simple commands: see shell_split.h. One pass per text lexes
 * words and operators as a POSIX shell does (quote removal, `\` escapes,
 * `$( )`/`${ }`/backticks kept as written inside their word), groups words
 * into commands at `;`, `&`, `&&`, `||`, `|`, `(`, `)` and newlines, skips
 * what is not a command (reserved words, `for`/`case` heads, redirections
 * and their targets, heredoc bodies, comments), then names each command's
 * program through its wrappers. Scripts run by a command (`sh -c STR`,
 * `$(…)`, backticks) are split afterwards, one level deeper, with their
 * words positioned in the original text.
 */
#include "shell_split.h"
#include "array.h"

#include <string.h>

typedef struct range {
	size_t a, b;             /* s[a..b): the text inside $( ) or backticks */
} range;

typedef struct pending_heredoc {
	char *delim;             /* heap */
	int strip;               /* <<- */
} pending_heredoc;

enum { NORMAL, SKIP_TO_SEP, CASE_WORD, CASE_PATTERN };
enum { NO_TARGET, TARGET_FILE, TARGET_HEREDOC, TARGET_HEREDOC_STRIP };

typedef struct lexer {
	tmdk__sh_split *sp;
	const char *s;
	const size_t *map;       /* input offset per char of s, or NULL: base + i */
	size_t n, i, base;
	unsigned int depth;
	int rc;
	/* the word being read */
	int in_word, word_quoted;
	size_t word_char, word_off;
	/* the command being read */
	size_t cmd_first, cmd_heredocs, cmd_heredoc_first;
	int state, target;
	pending_heredoc *hd;
	size_t hd_count, hd_cap;
	range *ranges;           /* nested scripts to split after this text */
	size_t range_count, range_cap;
	size_t *scripts;         /* words that are scripts (`sh -c WORD`) */
	size_t script_count, script_cap;
} lexer;

static int split_one(tmdk__sh_split *sp, const char *s, const size_t *map, size_t n, size_t base, unsigned int depth);

static size_t src_of(const lexer *lx, size_t i)
{
	return lx->map ? lx->map[i] : lx->base + i;
}

static void put_char(lexer *lx, char ch, size_t src)
{
	tmdk__sh_split *sp = lx->sp;
	if (lx->rc)
		return;
	if (TMDK__ARRAY_RESERVE(sp->chars, sp->char_count, sp->char_cap, 256) != TMDK_OK ||
	    TMDK__ARRAY_RESERVE(sp->srcs, sp->char_count, sp->src_cap, 256) != TMDK_OK) {
		lx->rc = TMDK_ENOMEM;
		return;
	}
	sp->chars[sp->char_count] = ch;
	sp->srcs[sp->char_count++] = src;
}

static void begin_word(lexer *lx)
{
	if (lx->in_word)
		return;
	lx->in_word = 1;
	lx->word_quoted = 0;
	lx->word_char = lx->sp->char_count;
	lx->word_off = src_of(lx, lx->i);
}

/* Append s[a..b) as written. */
static void put_raw(lexer *lx, size_t a, size_t b)
{
	for (; a < b && !lx->rc; a++)
		put_char(lx, lx->s[a], src_of(lx, a));
}

static void add_range(lexer *lx, size_t a, size_t b)
{
	if (lx->rc || lx->depth + 1 > TMDK__SH_MAX_DEPTH || a >= b)
		return;
	if (TMDK__ARRAY_RESERVE(lx->ranges, lx->range_count, lx->range_cap, 4) != TMDK_OK) {
		lx->rc = TMDK_ENOMEM;
		return;
	}
	lx->ranges[lx->range_count].a = a;
	lx->ranges[lx->range_count++].b = b;
}

/* From s[i] just after an opening `open`: the index of the matching
 * `close` (quotes and escapes respected), or n when there is none. */
static size_t matching(const char *s, size_t n, size_t i, char open, char close)
{
	size_t level = 1;
	while (i < n) {
		char c = s[i];
		if (c == '\\') {
			i += 2;
		} else if (c == '\'') {
			const char *q = memchr(s + i + 1, '\'', n - i - 1);
			i = q ? (size_t)(q - s) + 1 : n;
		} else if (c == '"') {
			for (i++; i < n && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			i++;
		} else {
			if (c == close && --level == 0)
				return i;
			if (c == open)
				level++;
			i++;
		}
	}
	return n;
}

/* A backtick substitution from s[i] just after the opening one. */
static size_t closing_backtick(const char *s, size_t n, size_t i)
{
	for (; i < n && s[i] != '`'; i++)
		if (s[i] == '\\')
			i++;
	return i < n ? i : n;
}

/* At `$`: a substitution or expansion, appended as written. */
static void dollar(lexer *lx)
{
	const char *s = lx->s;
	size_t i = lx->i, n = lx->n, end;
	if (i + 1 < n && s[i + 1] == '(') {
		int arith = i + 2 < n && s[i + 2] == '(';
		end = matching(s, n, i + 2, '(', ')');
		if (!arith)
			add_range(lx, i + 2, end);
		end = end < n ? end + 1 : n;
	} else if (i + 1 < n && s[i + 1] == '{') {
		end = matching(s, n, i + 2, '{', '}');
		end = end < n ? end + 1 : n;
	} else {
		end = i + 1;
	}
	put_raw(lx, i, end);
	lx->i = end;
}

static void backtick(lexer *lx)
{
	size_t end = closing_backtick(lx->s, lx->n, lx->i + 1);
	add_range(lx, lx->i + 1, end);
	end = end < lx->n ? end + 1 : lx->n;
	put_raw(lx, lx->i, end);
	lx->i = end;
}

static void single_quoted(lexer *lx)
{
	size_t i = lx->i + 1;
	for (; i < lx->n && lx->s[i] != '\''; i++)
		put_char(lx, lx->s[i], src_of(lx, i));
	lx->i = i < lx->n ? i + 1 : lx->n;
}

/* $'…': the common escapes resolved, others kept. */
static void ansi_quoted(lexer *lx)
{
	static const char from[] = "ntr\\'\"", to[] = "\n\t\r\\'\"";
	size_t i = lx->i + 2;
	while (i < lx->n && lx->s[i] != '\'') {
		if (lx->s[i] == '\\' && i + 1 < lx->n) {
			const char *k = memchr(from, lx->s[i + 1], sizeof(from) - 1);
			if (k) {
				put_char(lx, to[k - from], src_of(lx, i));
				i += 2;
				continue;
			}
		}
		put_char(lx, lx->s[i], src_of(lx, i));
		i++;
	}
	lx->i = i < lx->n ? i + 1 : lx->n;
}

static void double_quoted(lexer *lx)
{
	lx->i++;
	while (lx->i < lx->n && lx->s[lx->i] != '"' && !lx->rc) {
		char c = lx->s[lx->i];
		if (c == '\\' && lx->i + 1 < lx->n && lx->s[lx->i + 1] && strchr("$`\"\\\n", lx->s[lx->i + 1])) {
			if (lx->s[lx->i + 1] != '\n')
				put_char(lx, lx->s[lx->i + 1], src_of(lx, lx->i + 1));
			lx->i += 2;
		} else if (c == '$') {
			dollar(lx);
		} else if (c == '`') {
			backtick(lx);
		} else {
			put_char(lx, c, src_of(lx, lx->i));
			lx->i++;
		}
	}
	if (lx->i < lx->n)
		lx->i++;
}

/* ---- commands ------------------------------------------------------- */

static int is_name_assignment(const char *t)
{
	size_t k = 0;
	if (!((t[0] >= 'A' && t[0] <= 'Z') || (t[0] >= 'a' && t[0] <= 'z') || t[0] == '_'))
		return 0;
	while ((t[k] >= 'A' && t[k] <= 'Z') || (t[k] >= 'a' && t[k] <= 'z') || (t[k] >= '0' && t[k] <= '9') || t[k] == '_')
		k++;
	return t[k] == '=';
}

static int one_of(const char *t, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(t, *list) == 0)
			return 1;
	return 0;
}

const char *tmdk__sh_basename(const tmdk__sh_split *sp, size_t i)
{
	const char *t = tmdk__sh_text(sp, i), *slash = strrchr(t, '/');
	return slash && slash[1] ? slash + 1 : t;
}

static int is_python(const char *t)
{
	if (strncmp(t, "python", 6) != 0)
		return 0;
	for (t += 6; *t; t++)
		if (!((*t >= '0' && *t <= '9') || *t == '.'))
			return 0;
	return 1;
}

static int is_shell(const char *t)
{
	static const char *const shells[] = { "sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", NULL };
	return one_of(t, shells);
}

/* Options of a wrapper that take the next word as their value. */
static int takes_value(const char *wrapper, const char *opt)
{
	static const char *const sudo[] = { "-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", NULL };
	static const char *const env[] = { "-u", "--unset", "-C", "--chdir", "-S", "--split-string", NULL };
	static const char *const nice[] = { "-n", "--adjustment", NULL };
	static const char *const timeout[] = { "-s", "--signal", "-k", "--kill-after", NULL };
	static const char *const xargs[] = { "-I", "-n", "-P", "-d", "-L", "-s", "-a", "-E", NULL };
	static const char *const stdbuf[] = { "-i", "-o", "-e", NULL };
	if (!strcmp(wrapper, "sudo") || !strcmp(wrapper, "doas"))
		return one_of(opt, sudo);
	if (!strcmp(wrapper, "env"))
		return one_of(opt, env);
	if (!strcmp(wrapper, "nice"))
		return one_of(opt, nice);
	if (!strcmp(wrapper, "timeout"))
		return one_of(opt, timeout);
	if (!strcmp(wrapper, "xargs"))
		return one_of(opt, xargs);
	if (!strcmp(wrapper, "stdbuf"))
		return one_of(opt, stdbuf);
	return 0;
}

/* Mark the words of a wrapper from w: its options (and their values),
 * operands it takes (timeout's duration, gosu's user), then assignments
 * for env and sudo. @return the index after them. */
static size_t skip_wrapper(tmdk__sh_split *sp, size_t w, size_t end, const char *name)
{
	size_t j = w + 1;
	sp->words[w].kind = TMDK__SH_WRAPPER;
	while (j < end) {
		const char *t = tmdk__sh_text(sp, j);
		if (t[0] != '-' || !t[1])
			break;
		sp->words[j].kind = TMDK__SH_WRAPPER_ARG;
		j++;
		if (!strcmp(t, "--"))
			break;
		if (takes_value(name, t) && j < end)
			sp->words[j++].kind = TMDK__SH_WRAPPER_ARG;
	}
	if ((!strcmp(name, "timeout") || !strcmp(name, "gosu") || !strcmp(name, "su-exec") ||
	     !strcmp(name, "chpst")) && j < end)
		sp->words[j++].kind = TMDK__SH_WRAPPER_ARG;
	if (!strcmp(name, "env") || !strcmp(name, "sudo") || !strcmp(name, "doas"))
		while (j < end && is_name_assignment(tmdk__sh_text(sp, j)))
			sp->words[j++].kind = TMDK__SH_ASSIGN;
	return j;
}

/* The program of a command: past its assignments and wrappers. */
static size_t find_program(tmdk__sh_split *sp, size_t first, size_t end)
{
	static const char *const wrappers[] = {
		"sudo", "doas", "env", "exec", "nohup", "time", "nice", "timeout", "stdbuf", "xargs",
		"gosu", "su-exec", "chpst", "eatmydata", "fakeroot", "builtin", NULL
	};
	size_t j = first;
	while (j < end && sp->words[j].kind == TMDK__SH_ASSIGN)
		j++;
	while (j < end) {
		const char *name = tmdk__sh_basename(sp, j);
		if (one_of(name, wrappers)) {
			j = skip_wrapper(sp, j, end, name);
		} else if (!strcmp(name, "command") && j + 1 < end && tmdk__sh_text(sp, j + 1)[0] != '-') {
			sp->words[j++].kind = TMDK__SH_WRAPPER;
		} else if (is_python(name) && j + 2 < end && !strcmp(tmdk__sh_text(sp, j + 1), "-m")) {
			sp->words[j].kind = TMDK__SH_WRAPPER;
			sp->words[j + 1].kind = TMDK__SH_WRAPPER_ARG;
			j += 2;
		} else {
			break;
		}
	}
	if (j < end)
		sp->words[j].kind = TMDK__SH_PROGRAM;
	return j;
}

static void add_script(lexer *lx, size_t word)
{
	if (lx->depth + 1 > TMDK__SH_MAX_DEPTH)
		return;
	if (TMDK__ARRAY_RESERVE(lx->scripts, lx->script_count, lx->script_cap, 4) != TMDK_OK) {
		lx->rc = TMDK_ENOMEM;
		return;
	}
	lx->scripts[lx->script_count++] = word;
}

/* `sh -c SCRIPT`, `bash -euxc SCRIPT`, `su user -c SCRIPT`: the script word. */
static void find_script(lexer *lx, size_t program, size_t end)
{
	tmdk__sh_split *sp = lx->sp;
	const char *name = tmdk__sh_basename(sp, program);
	size_t j;
	int c = 0;
	if (is_shell(name)) {
		for (j = program + 1; j < end; j++) {
			const char *t = tmdk__sh_text(sp, j);
			if ((t[0] == '-' || t[0] == '+') && t[1] && strcmp(t, "--") != 0) {
				size_t tl = strlen(t);
				if (t[1] != '-' && strchr(t + 1, 'c') && t[0] == '-')
					c = 1;
				if (t[1] != '-' && (t[tl - 1] == 'o' || t[tl - 1] == 'O'))
					j++;        /* -o pipefail, -euxo pipefail */
				continue;
			}
			if (!strcmp(t, "--"))
				continue;
			if (c)
				add_script(lx, j);
			return;
		}
	} else if (!strcmp(name, "su") || !strcmp(name, "runuser")) {
		for (j = program + 1; j + 1 < end; j++)
			if (!strcmp(tmdk__sh_text(sp, j), "-c") || !strcmp(tmdk__sh_text(sp, j), "--command")) {
				add_script(lx, j + 1);
				return;
			}
	}
}

static void end_command(lexer *lx)
{
	tmdk__sh_split *sp = lx->sp;
	size_t end = sp->word_count;
	tmdk__sh_command *cmd;
	if (lx->rc || (end == lx->cmd_first && !lx->cmd_heredocs))
		goto reset;
	if (TMDK__ARRAY_RESERVE(sp->cmds, sp->cmd_count, sp->cmd_cap, 16) != TMDK_OK) {
		lx->rc = TMDK_ENOMEM;
		return;
	}
	cmd = &sp->cmds[sp->cmd_count++];
	cmd->first = lx->cmd_first;
	cmd->count = end - lx->cmd_first;
	cmd->depth = lx->depth;
	cmd->heredocs = lx->cmd_heredocs;
	cmd->heredoc_first = lx->cmd_heredoc_first;
	cmd->program = find_program(sp, cmd->first, end);
	if (cmd->program < end)
		find_script(lx, cmd->program, end);
reset:
	lx->cmd_first = sp->word_count;
	lx->cmd_heredocs = 0;
	lx->target = NO_TARGET;
}

static void add_heredoc(lexer *lx, const char *delim, int strip)
{
	char *d;
	if (TMDK__ARRAY_RESERVE(lx->hd, lx->hd_count, lx->hd_cap, 2) != TMDK_OK ||
	    !(d = tmdk__malloc(strlen(delim) + 1))) {
		lx->rc = TMDK_ENOMEM;
		return;
	}
	memcpy(d, delim, strlen(delim) + 1);
	lx->hd[lx->hd_count].delim = d;
	lx->hd[lx->hd_count++].strip = strip;
}

/* After a newline: skip the bodies of the heredocs started on that line. */
static void skip_heredoc_bodies(lexer *lx)
{
	size_t k;
	for (k = 0; k < lx->hd_count; k++) {
		size_t dl = strlen(lx->hd[k].delim);
		while (lx->i < lx->n) {
			size_t a = lx->i, b;
			const char *nl = memchr(lx->s + a, '\n', lx->n - a);
			b = nl ? (size_t)(nl - lx->s) : lx->n;
			lx->i = nl ? b + 1 : lx->n;
			if (lx->hd[k].strip)
				while (a < b && lx->s[a] == '\t')
					a++;
			if (b - a == dl && memcmp(lx->s + a, lx->hd[k].delim, dl) == 0)
				break;
		}
		tmdk__free(lx->hd[k].delim);
	}
	lx->hd_count = 0;
}

static int reserved(const char *t)
{
	static const char *const words[] = {
		"if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}", "esac", NULL
	};
	return one_of(t, words);
}

/* A word is complete: a redirection target, a reserved word, or one more
 * word of the command. */
static void end_word(lexer *lx)
{
	tmdk__sh_split *sp = lx->sp;
	const char *t;
	int first;
	if (!lx->in_word || lx->rc)
		return;
	lx->in_word = 0;
	put_char(lx, '\0', lx->word_off);
	if (lx->rc)
		return;
	t = sp->chars + lx->word_char;
	first = sp->word_count == lx->cmd_first;
	if (lx->target != NO_TARGET) {
		if (lx->target != TARGET_FILE)
			add_heredoc(lx, t, lx->target == TARGET_HEREDOC_STRIP);
		lx->target = NO_TARGET;
		goto drop;
	}
	if (lx->state == SKIP_TO_SEP)
		goto drop;
	if (lx->state == CASE_WORD) {
		if (!strcmp(t, "in"))
			lx->state = CASE_PATTERN;
		goto drop;
	}
	if (lx->state == CASE_PATTERN) {
		if (!strcmp(t, "esac"))
			lx->state = NORMAL;
		goto drop;
	}
	if (first && !lx->word_quoted) {
		if (reserved(t))
			goto drop;
		if (!strcmp(t, "for") || !strcmp(t, "select") || !strcmp(t, "function")) {
			lx->state = SKIP_TO_SEP;
			goto drop;
		}
		if (!strcmp(t, "case")) {
			lx->state = CASE_WORD;
			goto drop;
		}
	}
	if (TMDK__ARRAY_RESERVE(sp->words, sp->word_count, sp->word_cap, 32) != TMDK_OK) {
		lx->rc = TMDK_ENOMEM;
		return;
	}
	sp->words[sp->word_count].text = lx->word_char;
	sp->words[sp->word_count].len = sp->char_count - 1 - lx->word_char;
	sp->words[sp->word_count].off = lx->word_off;
	/* Assignments only before the program (all earlier words are assignments). */
	/* An assignment: before the program (every earlier word is one), its
	 * name unquoted (the first character is where the word starts). */
	sp->words[sp->word_count].kind =
		(first || sp->words[sp->word_count - 1].kind == TMDK__SH_ASSIGN) &&
		is_name_assignment(t) && sp->srcs[lx->word_char] == lx->word_off
		? TMDK__SH_ASSIGN : TMDK__SH_ARG;
	sp->word_count++;
	return;
drop:
	sp->char_count = lx->word_char;
}

static int digits_only(const tmdk__sh_split *sp, size_t from)
{
	size_t k;
	if (from == sp->char_count)
		return 0;
	for (k = from; k < sp->char_count; k++)
		if (sp->chars[k] < '0' || sp->chars[k] > '9')
			return 0;
	return 1;
}

/* At `<` or `>`: a redirection; its target is not an argument. */
static void redirection(lexer *lx)
{
	const char *s = lx->s;
	size_t i = lx->i, n = lx->n;
	if (lx->in_word && !lx->word_quoted && digits_only(lx->sp, lx->word_char)) {
		lx->in_word = 0;                 /* 2>&1: the fd is no word */
		lx->sp->char_count = lx->word_char;
	} else {
		end_word(lx);
	}
	lx->target = TARGET_FILE;
	if (s[i] == '<' && i + 1 < n && s[i + 1] == '<') {
		if (i + 2 < n && s[i + 2] == '<') {
			lx->i = i + 3;           /* here-string: its word is data */
			return;
		}
		lx->target = i + 2 < n && s[i + 2] == '-' ? TARGET_HEREDOC_STRIP : TARGET_HEREDOC;
		lx->i = i + (lx->target == TARGET_HEREDOC_STRIP ? 3 : 2);
		if (!lx->cmd_heredocs++)
			lx->cmd_heredoc_first = lx->sp->heredoc_count;
		if (!lx->depth)
			lx->sp->heredoc_count++;
		return;
	}
	i++;
	if (i < n && (s[i] == '>' || s[i] == '&' || s[i] == '|' || (s[i - 1] == '<' && s[i] == '>')))
		i++;
	lx->i = i;
}

/* An operator that ends a command. */
static void separator(lexer *lx)
{
	const char *s = lx->s;
	size_t i = lx->i, n = lx->n;
	char c = s[i];
	end_word(lx);
	if (c == '&' && i + 1 < n && s[i + 1] == '>') {  /* &> file */
		lx->i = i + 1;
		redirection(lx);
		return;
	}
	if (c == '(' && lx->sp->word_count == lx->cmd_first + 1) {
		/* name() { …; }: a function definition, not a command */
		size_t k = i + 1;
		while (k < n && (s[k] == ' ' || s[k] == '\t'))
			k++;
		if (k < n && s[k] == ')') {
			lx->sp->word_count = lx->cmd_first;
			lx->i = k + 1;
			return;
		}
	}
	end_command(lx);
	if (lx->state == SKIP_TO_SEP && (c == ';' || c == '\n'))
		lx->state = NORMAL;
	if (c == ')' && lx->state == CASE_PATTERN)
		lx->state = NORMAL;
	if (c == ';' && i + 1 < n && (s[i + 1] == ';' || s[i + 1] == '&')) {
		lx->state = CASE_PATTERN;        /* ;; or ;& ends a case branch */
		i++;
	} else if ((c == '&' || c == '|') && i + 1 < n && (s[i + 1] == c || (c == '|' && s[i + 1] == '&'))) {
		i++;
	}
	lx->i = i + 1;
	if (c == '\n')
		skip_heredoc_bodies(lx);
}

static void lex(lexer *lx)
{
	while (lx->i < lx->n && !lx->rc) {
		char c = lx->s[lx->i];
		if (c == ' ' || c == '\t' || c == '\r') {
			end_word(lx);
			lx->i++;
		} else if (c == '#' && !lx->in_word) {
			const char *nl = memchr(lx->s + lx->i, '\n', lx->n - lx->i);
			lx->i = nl ? (size_t)(nl - lx->s) : lx->n;
		} else if (lx->state == CASE_PATTERN && c && !strchr("\n);&\"'", c)) {
			begin_word(lx);          /* a pattern word: read, then dropped */
			put_char(lx, c, src_of(lx, lx->i));
			lx->i++;
		} else if (c == '\\') {
			if (lx->i + 1 < lx->n && lx->s[lx->i + 1] == '\n') {
				lx->i += 2;
				continue;
			}
			begin_word(lx);
			lx->word_quoted = 1;
			if (lx->i + 1 < lx->n)
				put_char(lx, lx->s[lx->i + 1], src_of(lx, lx->i + 1));
			lx->i += 2;
		} else if (c == '\'' || c == '"') {
			begin_word(lx);
			lx->word_quoted = 1;
			if (c == '\'')
				single_quoted(lx);
			else
				double_quoted(lx);
		} else if (c == '$' && lx->i + 1 < lx->n && (lx->s[lx->i + 1] == '\'' || lx->s[lx->i + 1] == '"')) {
			begin_word(lx);
			lx->word_quoted = 1;
			if (lx->s[lx->i + 1] == '\'') {
				ansi_quoted(lx);
			} else {
				lx->i++;
				double_quoted(lx);
			}
		} else if (c == '$') {
			begin_word(lx);
			dollar(lx);
		} else if (c == '`') {
			begin_word(lx);
			backtick(lx);
		} else if (c == '<' || c == '>') {
			redirection(lx);
		} else if (c && strchr(";&|()\n", c)) {
			separator(lx);
		} else {
			begin_word(lx);
			put_char(lx, c, src_of(lx, lx->i));
			lx->i++;
		}
	}
	end_word(lx);
	end_command(lx);
}

/* Split a word's text (a script) one level deeper. */
static int split_word(tmdk__sh_split *sp, size_t word, unsigned int depth)
{
	size_t len = sp->words[word].len, *map;
	char *copy;
	int rc;
	if (!len)
		return TMDK_OK;
	copy = tmdk__malloc(len);
	map = tmdk__calloc(len, sizeof(*map));
	if (!copy || !map) {
		tmdk__free(copy);
		tmdk__free(map);
		return TMDK_ENOMEM;
	}
	/* copies: splitting appends to the arrays the word lives in */
	memcpy(copy, sp->chars + sp->words[word].text, len);
	memcpy(map, sp->srcs + sp->words[word].text, len * sizeof(*map));
	rc = split_one(sp, copy, map, len, 0, depth);
	tmdk__free(copy);
	tmdk__free(map);
	return rc;
}

static int split_one(tmdk__sh_split *sp, const char *s, const size_t *map, size_t n, size_t base, unsigned int depth)
{
	lexer lx;
	size_t k;
	memset(&lx, 0, sizeof(lx));
	lx.sp = sp;
	lx.s = s;
	lx.map = map;
	lx.n = n;
	lx.base = base;
	lx.depth = depth;
	lx.cmd_first = sp->word_count;
	lex(&lx);
	for (k = 0; k < lx.range_count && !lx.rc; k++) {
		size_t a = lx.ranges[k].a;
		lx.rc = split_one(sp, s + a, map ? map + a : NULL, lx.ranges[k].b - a, base + a, depth + 1);
	}
	for (k = 0; k < lx.script_count && !lx.rc; k++)
		lx.rc = split_word(sp, lx.scripts[k], depth + 1);
	for (k = 0; k < lx.hd_count; k++)
		tmdk__free(lx.hd[k].delim);
	tmdk__free(lx.hd);
	tmdk__free(lx.ranges);
	tmdk__free(lx.scripts);
	return lx.rc;
}

int tmdk__sh_split_text(tmdk__sh_split *out, const char *s, size_t n, size_t base)
{
	return split_one(out, s, NULL, n, base, 0);
}

int tmdk__sh_split_argv(tmdk__sh_split *out, const tmdk__sh_argv_word *argv, size_t count)
{
	lexer lx;
	size_t i, k;
	memset(&lx, 0, sizeof(lx));
	lx.sp = out;
	lx.cmd_first = out->word_count;
	for (i = 0; i < count && !lx.rc; i++) {
		if (TMDK__ARRAY_RESERVE(out->words, out->word_count, out->word_cap, 32) != TMDK_OK) {
			lx.rc = TMDK_ENOMEM;
			break;
		}
		out->words[out->word_count].text = out->char_count;
		out->words[out->word_count].len = argv[i].len;
		out->words[out->word_count].off = argv[i].off;
		out->words[out->word_count].kind = TMDK__SH_ARG;  /* no assignments in exec form */
		for (k = 0; k < argv[i].len; k++)
			put_char(&lx, argv[i].text[k], argv[i].off + k);
		put_char(&lx, '\0', argv[i].off);
		if (!lx.rc)
			out->word_count++;
	}
	end_command(&lx);
	for (k = 0; k < lx.script_count && !lx.rc; k++)
		lx.rc = split_word(out, lx.scripts[k], 1);
	tmdk__free(lx.scripts);
	return lx.rc;
}

void tmdk__sh_split_free(tmdk__sh_split *sp)
{
	tmdk__free(sp->chars);
	tmdk__free(sp->srcs);
	tmdk__free(sp->words);
	tmdk__free(sp->cmds);
	memset(sp, 0, sizeof(*sp));
}
