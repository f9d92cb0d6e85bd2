/*
 * The `commands` of a RUN, CMD, ENTRYPOINT or HEALTHCHECK: the simple
 * commands its shell would run (shell_split.c), each a map positioned at
 * its program word: program (basename), subcommand, args, env (inline
 * assignments), wrappers, text, depth. A RUN heredoc that the shell runs
 * as its script (`RUN <<EOF`, `RUN bash -e <<EOF`) is split too; one that
 * is data (`cat <<EOF > file`, `python3 <<EOF`) is not.
 * See docs/document-model.md, "Commands".
 */
#include "dockerfile_model.h"
#include "shell_split.h"

#include <string.h>

/* Where the split text lives: the instruction's logical line, or a heredoc body. */
typedef struct text_source {
	const tmdk__df_instr *in;
	const tmdk__df_heredoc *h;   /* NULL: the logical line */
	int exact;                   /* offsets are known; else: the instruction's position */
} text_source;

static void locate(const text_source *src, size_t off, unsigned int *line, unsigned int *column)
{
	if (!src->exact) {
		*line = src->in->line;
		*column = src->in->column;
		return;
	}
	if (!src->h) {
		tmdk__df_position(src->in, off, line, column);
		return;
	}
	*line = src->h->line;
	*column = (unsigned int)(off + 1);
	if (src->h->seg_count)
		(void)tmdk__text_position(src->h->segs, src->h->seg_count, off, line, column);
}

static tmdk_node *word_node(tmdk__df_model *m, const tmdk__sh_split *sp, size_t w, const text_source *src)
{
	unsigned int line, column;
	locate(src, sp->words[w].off, &line, &column);
	return tmdk__df_str_node(m, tmdk__sh_text(sp, w), sp->words[w].len, line, column);
}

static int one_of(const char *t, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(t, *list) == 0)
			return 1;
	return 0;
}

/* Global options that take the next word, before a program's subcommand. */
static int global_option_value(const char *program, const char *opt)
{
	static const char *const apt[] = { "-o", "-c", "-t", "--option", "--config-file", "--target-release", NULL };
	static const char *const git[] = { "-c", "-C", "--git-dir", "--work-tree", "--namespace", "--config-env", NULL };
	static const char *const rpm[] = { "-c", "--config", "--setopt", "--releasever", "--installroot", "-d", "-e", NULL };
	static const char *const node[] = { "--prefix", "-C", "--cwd", "--dir", "--filter", "-w", "--workspace", NULL };
	if (!strcmp(program, "apt-get") || !strcmp(program, "apt") || !strcmp(program, "aptitude"))
		return one_of(opt, apt);
	if (!strcmp(program, "git"))
		return one_of(opt, git);
	if (!strcmp(program, "yum") || !strcmp(program, "dnf") || !strcmp(program, "microdnf"))
		return one_of(opt, rpm);
	if (!strcmp(program, "npm") || !strcmp(program, "yarn") || !strcmp(program, "pnpm"))
		return one_of(opt, node);
	return 0;
}

/* Programs whose first operand is a subcommand (`apt-get install`). */
static int has_subcommand(const char *p)
{
	static const char *const programs[] = {
		"apt-get", "apt", "aptitude", "apk", "yum", "dnf", "microdnf", "zypper", "tdnf", "rpm-ostree",
		"npm", "yarn", "pnpm", "bun", "corepack", "git", "gem", "bundle", "bundler", "go", "cargo",
		"rustup", "conda", "mamba", "micromamba", "composer", "dotnet", "poetry", "pipenv", "pipx",
		"uv", "helm", "kubectl", "docker", "brew", "snap", "flatpak", "update-alternatives",
		"systemctl", "service", "gpg", "openssl", "az", "aws", "gcloud", "pecl", "pear", "opam",
		"stack", "cabal", "mix", "nuget", "choco", "vcpkg", "conan", "deno", NULL
	};
	if (one_of(p, programs))
		return 1;
	/* pip, pip3, pip3.12 */
	if (strncmp(p, "pip", 3) != 0)
		return 0;
	for (p += 3; *p; p++)
		if (!((*p >= '0' && *p <= '9') || *p == '.'))
			return 0;
	return 1;
}

/* Two-word subcommands: `npm config set`, `git remote add`. */
static int two_words(const char *program, const char *first)
{
	if (!strcmp(first, "config"))
		return !strcmp(program, "npm") || !strcmp(program, "yarn") || !strcmp(program, "pnpm") ||
		       !strcmp(program, "conda") || !strcmp(program, "composer") || !strcmp(program, "poetry") ||
		       !strncmp(program, "pip", 3) || !strcmp(program, "bun");
	return (!strcmp(program, "git") && !strcmp(first, "remote")) ||
	       (!strcmp(program, "gem") && !strcmp(first, "sources"));
}

/* The subcommand node: its first word's position, the words joined by a blank. */
static tmdk_node *subcommand(tmdk__df_model *m, const tmdk__sh_split *sp, const tmdk__sh_command *c,
	const char *program, const text_source *src)
{
	size_t end = c->first + c->count, j, w1 = end, w2 = end;
	for (j = c->program + 1; j < end; j++) {
		const char *t = tmdk__sh_text(sp, j);
		if (t[0] == '-') {
			if (global_option_value(program, t))
				j++;
			continue;
		}
		if (w1 == end) {
			w1 = j;
			if (!two_words(program, t))
				break;
		} else {
			w2 = j;
			break;
		}
	}
	if (w1 == end)
		return NULL;
	if (w2 == end)
		return word_node(m, sp, w1, src);
	{
		unsigned int line, column;
		size_t n1 = sp->words[w1].len, n2 = sp->words[w2].len;
		char *t = tmdk__arena_alloc(m->arena, n1 + n2 + 2);
		if (!t) {
			m->oom = 1;
			return NULL;
		}
		memcpy(t, tmdk__sh_text(sp, w1), n1);
		t[n1] = ' ';
		memcpy(t + n1 + 1, tmdk__sh_text(sp, w2), n2 + 1);
		locate(src, sp->words[w1].off, &line, &column);
		return tmdk__df_str_node(m, t, n1 + 1 + n2, line, column);
	}
}

/* One command's map; NULL when it has neither a program nor an assignment. */
static tmdk_node *command_node(tmdk__df_model *m, const tmdk__sh_split *sp, const tmdk__sh_command *c,
	const text_source *src)
{
	size_t end = c->first + c->count, j;
	size_t at = c->program < end ? c->program : c->first;
	unsigned int line, column;
	tmdk_node *map, *args = NULL, *env = NULL, *wrappers = NULL;
	tmdk__df_buf text = { NULL, 0, 0, 0 };
	/* where each word of `text` comes from, so a regex match on it lands
	 * on its word in the file */
	tmdk__text_seg *segs = tmdk__arena_alloc(m->arena, (c->count + 1) * sizeof(*segs));
	size_t seg_count = 0;

	if (!c->count)
		return NULL;
	if (!segs) {
		m->oom = 1;
		return NULL;
	}
	/* the map and its sequences at the program (else the first word) */
	locate(src, sp->words[at].off, &line, &column);
	map = tmdk__node_map(m->arena, line, column);
	if (!map) {
		m->oom = 1;
		return NULL;
	}
	for (j = c->first; j < end && !m->oom; j++) {
		const char *t = tmdk__sh_text(sp, j);
		switch (sp->words[j].kind) {
		case TMDK__SH_ASSIGN: {
			const char *eq = strchr(t, '=');
			unsigned int l, col;
			tmdk_node *k, *v;
			locate(src, sp->words[j].off, &l, &col);
			if (!env && !(env = tmdk__node_map(m->arena, l, col)))
				m->oom = 1;
			k = tmdk__df_str_node(m, t, (size_t)(eq - t), l, col);
			v = tmdk__df_str_node(m, eq + 1, sp->words[j].len - (size_t)(eq - t) - 1, l, col);
			if (!m->oom && tmdk__node_map_append(m->arena, env, k, v) != TMDK_OK)
				m->oom = 1;
			break;
		}
		case TMDK__SH_WRAPPER: {
			unsigned int l, col;
			if (!wrappers && !(wrappers = tmdk__node_seq(m->arena, line, column)))
				m->oom = 1;
			locate(src, sp->words[j].off, &l, &col);
			tmdk__df_push(m, wrappers, tmdk__df_str_node(m, tmdk__sh_basename(sp, j),
				strlen(tmdk__sh_basename(sp, j)), l, col));
			break;
		}
		case TMDK__SH_PROGRAM:
			segs[seg_count].off = text.n;
			locate(src, sp->words[j].off + (size_t)(tmdk__sh_basename(sp, j) - t), &segs[seg_count].line,
				&segs[seg_count].column);
			seg_count++;
			tmdk__df_buf_put(&text, tmdk__sh_basename(sp, j), strlen(tmdk__sh_basename(sp, j)));
			break;
		case TMDK__SH_ARG:
			if (!args && !(args = tmdk__node_seq(m->arena, line, column)))
				m->oom = 1;
			tmdk__df_push(m, args, word_node(m, sp, j, src));
			tmdk__df_buf_putc(&text, ' ');
			segs[seg_count].off = text.n;
			locate(src, sp->words[j].off, &segs[seg_count].line, &segs[seg_count].column);
			seg_count++;
			tmdk__df_buf_put(&text, t, sp->words[j].len);
			break;
		default:
			break;
		}
	}
	if (c->program < end) {
		const char *program = tmdk__sh_basename(sp, c->program);
		tmdk_node *sub;
		tmdk__df_put(m, map, "program", tmdk__df_str_node(m, program, strlen(program), line, column));
		if (has_subcommand(program) && (sub = subcommand(m, sp, c, program, src)))
			tmdk__df_put(m, map, "subcommand", sub);
		if (!args && !(args = tmdk__node_seq(m->arena, line, column)))
			m->oom = 1;
		tmdk__df_put(m, map, "args", args);
		tmdk_node *tn = tmdk__df_str_node(m, text.p ? text.p : "", text.n, line, column);
		tmdk__df_put(m, map, "text", tn);
		if (tn && src->exact && seg_count > 1 &&
		    tmdk__artifact_map_text(m->p->a, tn, segs, seg_count, 0) != TMDK_OK)
			m->oom = 1;
	}
	if (text.oom)
		m->oom = 1;
	tmdk__df_buf_free(&text);
	if (env)
		tmdk__df_put(m, map, "env", env);
	if (wrappers)
		tmdk__df_put(m, map, "wrappers", wrappers);
	tmdk__df_put(m, map, "depth", tmdk__df_int_node(m, c->depth, line, column));
	return map;
}

static void emit(tmdk__df_model *m, const tmdk__sh_split *sp, size_t from, const text_source *src, tmdk_node *seq)
{
	size_t k;
	for (k = from; k < sp->cmd_count && !m->oom; k++) {
		tmdk_node *c = command_node(m, sp, &sp->cmds[k], src);
		if (c)
			tmdk__df_push(m, seq, c);
	}
}

/* Does the command run its heredoc as a shell script? `<<EOF` alone (the
 * default shell runs it), or a shell with options only (`bash -ex <<EOF`). */
static int runs_heredoc(const tmdk__sh_split *sp, const tmdk__sh_command *c)
{
	size_t end = c->first + c->count, j;
	const char *p;
	if (!c->heredocs || c->depth)
		return 0;
	if (c->program >= end)
		return 1;
	p = tmdk__sh_basename(sp, c->program);
	if (strcmp(p, "sh") && strcmp(p, "bash") && strcmp(p, "dash") && strcmp(p, "ash") && strcmp(p, "zsh"))
		return 0;
	for (j = c->program + 1; j < end; j++)
		if (tmdk__sh_text(sp, j)[0] != '-' || strchr(tmdk__sh_text(sp, j), 'c'))
			return 0;
	return 1;
}

/* A body whose `#!` line names something other than a shell is not shell. */
static int shell_body(const tmdk__df_heredoc *h)
{
	const char *nl;
	size_t n;
	if (h->body.n < 2 || h->body.p[0] != '#' || h->body.p[1] != '!')
		return 1;
	nl = memchr(h->body.p, '\n', h->body.n);
	n = nl ? (size_t)(nl - h->body.p) : h->body.n;
	{
		char line[128];
		if (n >= sizeof(line))
			return 0;
		memcpy(line, h->body.p, n);
		line[n] = '\0';
		return strstr(line, "sh") && !strstr(line, "python") && !strstr(line, "node") &&
		       !strstr(line, "perl") && !strstr(line, "ruby") && !strstr(line, "php");
	}
}

static void heredoc_scripts(tmdk__df_model *m, const tmdk__df_instr *in, const tmdk__sh_split *sp,
	tmdk_node *seq)
{
	size_t k, top = sp->cmd_count;
	for (k = 0; k < top && !m->oom; k++) {
		const tmdk__sh_command *c = &sp->cmds[k];
		const tmdk__df_heredoc *h;
		tmdk__sh_split body = TMDK__SH_SPLIT_INIT;
		text_source src;
		if (!runs_heredoc(sp, c) || c->heredoc_first >= in->heredoc_count)
			continue;
		h = &in->heredocs[c->heredoc_first];
		if (!shell_body(h))
			continue;
		src.in = in;
		src.h = h;
		src.exact = 1;
		if (tmdk__sh_split_text(&body, h->body.p, h->body.n, 0) != TMDK_OK)
			m->oom = 1;
		else
			emit(m, &body, 0, &src, seq);
		tmdk__sh_split_free(&body);
	}
}

static int split_exec(const tmdk__df_instr *in, size_t first, tmdk__sh_split *sp)
{
	tmdk__sh_argv_word *argv = tmdk__calloc(in->arg_count - first, sizeof(*argv));
	size_t i;
	int rc;
	if (!argv)
		return TMDK_ENOMEM;
	for (i = first; i < in->arg_count; i++) {
		argv[i - first].text = in->args[i].p;
		argv[i - first].len = in->args[i].n;
		/* after the opening quote; exact unless the string has escapes */
		argv[i - first].off = in->args[i].off == TMDK__DF_NOPOS ? 0 : in->args[i].off + 1;
	}
	rc = tmdk__sh_split_argv(sp, argv, in->arg_count - first);
	tmdk__free(argv);
	return rc;
}

tmdk_node *tmdk__df_commands_node(tmdk__df_model *m, const tmdk__df_instr *in, size_t first)
{
	tmdk__sh_split sp = TMDK__SH_SPLIT_INIT;
	text_source src;
	tmdk_node *seq;
	int rc;

	if (first >= in->arg_count)
		return NULL;
	seq = tmdk__node_seq(m->arena, in->line, in->column);
	if (!seq) {
		m->oom = 1;
		return NULL;
	}
	src.in = in;
	src.h = NULL;
	src.exact = in->args[first].off != TMDK__DF_NOPOS;
	for (size_t i = first; in->json && i < in->arg_count; i++)
		if (in->args[i].off == TMDK__DF_NOPOS)
			src.exact = 0;
	if (in->json)
		rc = split_exec(in, first, &sp);
	else
		rc = tmdk__sh_split_text(&sp, in->args[first].p, in->args[first].n, src.exact ? in->args[first].off : 0);
	if (rc != TMDK_OK)
		m->oom = 1;
	emit(m, &sp, 0, &src, seq);
	if (in->kw == TMDK__DF_RUN && !in->json)
		heredoc_scripts(m, in, &sp, seq);
	tmdk__sh_split_free(&sp);
	return m->oom ? NULL : seq;
}
