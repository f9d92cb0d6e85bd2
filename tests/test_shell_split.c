/*
 * The shell splitter (libtmdk/shell_split.c) and the Dockerfile `commands`
 * built on it (libtmdk/dockerfile_commands.c, docs/document-model.md
 * "Commands"): words and quoting, operators, redirections, heredocs,
 * compound commands, wrappers, nested scripts, positions, and garbage that
 * must never crash.
 */
#include "helpers.h"
#include "shell_split.h"

#include <stdlib.h>
#include <string.h>

/* ---- the splitter, described as text -------------------------------- */

/* Each command as its words, marked by kind: `=NAME=v` an assignment,
 * `^sudo` a wrapper, `~-u` a wrapper's argument, `!prog` the program,
 * plain words the arguments; "d:" before a nested command (depth d);
 * commands separated by " ; ". */
static char *describe(const char *text)
{
	tmdk__sh_split sp = TMDK__SH_SPLIT_INIT;
	static char out[4096];
	size_t k, j, n = 0;
	cr_assert_eq(tmdk__sh_split_text(&sp, text, strlen(text), 0), TMDK_OK);
	out[0] = '\0';
	for (k = 0; k < sp.cmd_count; k++) {
		const tmdk__sh_command *c = &sp.cmds[k];
		if (k)
			n += (size_t)snprintf(out + n, sizeof(out) - n, " ; ");
		if (c->depth)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%u:", c->depth);
		for (j = c->first; j < c->first + c->count; j++) {
			static const char *const mark[] = { "=", "^", "~", "!", "" };
			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s%s", j > c->first ? " " : "",
				mark[sp.words[j].kind], tmdk__sh_text(&sp, j));
		}
		if (!c->count)
			n += (size_t)snprintf(out + n, sizeof(out) - n, "(heredoc %zu)", c->heredoc_first);
	}
	tmdk__sh_split_free(&sp);
	return out;
}

#define SPLITS(text, want) do { \
		const char *got_ = describe(text); \
		cr_expect_str_eq(got_, want, "%s\n  got:  %s\n  want: %s", text, got_, want); \
	} while (0)

Test(shell_split, operators_separate_commands)
{
	SPLITS("a 1 && b 2 || c; d | e & f", "!a 1 ; !b 2 ; !c ; !d ; !e ; !f");
	SPLITS("a\nb\n\nc", "!a ; !b ; !c");
	SPLITS("(cd /x; make) |& tee log", "!cd /x ; !make ; !tee log");
	SPLITS("", "");
	SPLITS(" ;; && | ", "");
}

Test(shell_split, quotes_and_escapes)
{
	SPLITS("echo 'a b' \"c d\" e\\ f", "!echo a b c d e f");
	SPLITS("echo \"x \\\"y\\\" \\$z \\q\"", "!echo x \"y\" $z \\q");
	SPLITS("echo $'a\\tb' $\"c\"", "!echo a\tb c");
	SPLITS("echo a\\\nb", "!echo ab");
	SPLITS("echo \"a;b && c\" 'd|e'", "!echo a;b && c d|e");
	SPLITS("echo ${A:-x y} $((1+2)) end", "!echo ${A:-x y} $((1+2)) end");
	SPLITS("echo 'unterminated", "!echo unterminated");
	SPLITS("echo \"unterminated $(x", "!echo unterminated $(x ; 1:!x");
}

Test(shell_split, redirections_are_not_arguments)
{
	SPLITS("make >/log 2>&1 < in", "!make");
	SPLITS("cmd 2> err >> out &> all a", "!cmd a");
	SPLITS("cat <<< \"--insecure\" x", "!cat x");
	SPLITS("echo 12 3>x", "!echo 12");
}

Test(shell_split, heredoc_bodies_are_data)
{
	SPLITS("cat > /f <<EOF\ncurl -k x\nEOF\nnext", "!cat ; !next");
	SPLITS("cat <<-'E' >x; b\n\tcurl -k\n\tE\nc", "!cat ; !b ; !c");
	SPLITS("cat <<EOF", "!cat");
	SPLITS("<<EOF", "(heredoc 0)");
}

Test(shell_split, compound_commands)
{
	SPLITS("if [ -f x ]; then a; else b; fi", "![ -f x ] ; !a ; !b");
	SPLITS("for f in a b; do rm $f; done", "!rm $f");
	SPLITS("while read l; do echo $l; done < f", "!read l ; !echo $l");
	SPLITS("case $x in a|b) one ;; *) two ;; esac; three", "!one ; !two ; !three");
	SPLITS("{ a; b; }", "!a ; !b");
	SPLITS("! grep x f", "!grep x f");
	SPLITS("f() { a; }; f", "!a ; !f");
	SPLITS("echo if then # a comment\nb", "!echo if then ; !b");
	SPLITS("'if' x", "!if x");
}

Test(shell_split, assignments_and_wrappers)
{
	SPLITS("A=1 B='2 3' cmd C=4", "=A=1 =B=2 3 !cmd C=4");
	SPLITS("A=1", "=A=1");
	SPLITS("'A=1' cmd", "!A=1 cmd");
	SPLITS("sudo -u root -E pip install x", "^sudo ~-u ~root ~-E !pip install x");
	SPLITS("env -i A=1 B=2 /usr/bin/git clone", "^env ~-i =A=1 =B=2 !/usr/bin/git clone");
	SPLITS("sudo A=1 cmd", "^sudo =A=1 !cmd");
	SPLITS("nohup nice -n 5 timeout -s 9 10 cmd", "^nohup ^nice ~-n ~5 ^timeout ~-s ~9 ~10 !cmd");
	SPLITS("python3.12 -m pip install x", "^python3.12 ~-m !pip install x");
	SPLITS("python -c 'print(1)'", "!python -c print(1)");
	SPLITS("exec gosu app node s.js", "^exec ^gosu ~app !node s.js");
	SPLITS("command -v curl", "!command -v curl");
	SPLITS("xargs -n 1 curl -k", "^xargs ~-n ~1 !curl -k");
}

Test(shell_split, nested_scripts)
{
	SPLITS("sh -c 'curl -k x && y'", "!sh -c curl -k x && y ; 1:!curl -k x ; 1:!y");
	SPLITS("bash -euxo pipefail -c \"a; b\"", "!bash -euxo pipefail -c a; b ; 1:!a ; 1:!b");
	SPLITS("bash script.sh -c x", "!bash script.sh -c x");
	SPLITS("su app -c 'npm ci'", "!su app -c npm ci ; 1:!npm ci");
	SPLITS("echo $(curl -k x) `wget y`", "!echo $(curl -k x) `wget y` ; 1:!curl -k x ; 1:!wget y");
	SPLITS("sudo sh -c \"sh -c 'a b'\"", "^sudo !sh -c sh -c 'a b' ; 1:!sh -c a b ; 2:!a b");
}

Test(shell_split, nested_positions_point_into_the_text)
{
	const char *t = "x; sh -c \"echo 'a' && curl -k u\"";
	tmdk__sh_split sp = TMDK__SH_SPLIT_INIT;
	size_t k;
	cr_assert_eq(tmdk__sh_split_text(&sp, t, strlen(t), 100), TMDK_OK);
	cr_assert_eq(sp.cmd_count, 4);
	for (k = 0; k < sp.word_count; k++)
		if (!strcmp(tmdk__sh_text(&sp, k), "curl"))
			cr_expect_eq(sp.words[k].off, 100 + (size_t)(strstr(t, "curl") - t));
		else if (!strcmp(tmdk__sh_text(&sp, k), "a"))
			cr_expect_eq(sp.words[k].off, 100 + (size_t)(strstr(t, "'a'") - t));
	tmdk__sh_split_free(&sp);
}

Test(shell_split, depth_is_bounded)
{
	char text[4096] = "";
	size_t i;
	for (i = 0; i < 40; i++)
		strcat(text, "$(");
	strcat(text, "deep");
	for (i = 0; i < 40; i++)
		strcat(text, ")");
	tmdk__sh_split sp = TMDK__SH_SPLIT_INIT;
	cr_assert_eq(tmdk__sh_split_text(&sp, text, strlen(text), 0), TMDK_OK);
	cr_expect_leq(sp.cmds[sp.cmd_count - 1].depth, TMDK__SH_MAX_DEPTH);
	tmdk__sh_split_free(&sp);
}

Test(shell_split, exec_form_words)
{
	static const tmdk__sh_argv_word argv[] = {
		{ "sudo", 4, 0 }, { "bash", 4, 10 }, { "-c", 2, 20 }, { "curl -k x; y", 12, 30 },
	};
	tmdk__sh_split sp = TMDK__SH_SPLIT_INIT;
	cr_assert_eq(tmdk__sh_split_argv(&sp, argv, 4), TMDK_OK);
	cr_assert_eq(sp.cmd_count, 3);
	cr_expect_str_eq(tmdk__sh_basename(&sp, sp.cmds[0].program), "bash");
	cr_expect_str_eq(tmdk__sh_text(&sp, sp.cmds[1].program), "curl");
	cr_expect_eq(sp.words[sp.cmds[1].program].off, 30);
	cr_expect_eq(sp.words[sp.cmds[2].program].off, 41);
	tmdk__sh_split_free(&sp);
}

/* Garbage never crashes, and every word lies inside the text. */
Test(shell_split, garbage)
{
	static const char alphabet[] = "ab =;&|()<>'\"\\$`{}#\n-c\tsh!\0";
	char text[256];
	unsigned int seed = 12345;
	int round;
	for (round = 0; round < 20000; round++) {
		size_t n = (size_t)(seed % 200), i, k;
		tmdk__sh_split sp = TMDK__SH_SPLIT_INIT;
		for (i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			text[i] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		seed = seed * 1103515245u + 12345u;
		cr_assert_eq(tmdk__sh_split_text(&sp, text, n, 0), TMDK_OK);
		for (k = 0; k < sp.word_count; k++)
			cr_assert(sp.words[k].off <= n, "word at %zu outside a text of %zu", sp.words[k].off, n);
		for (k = 0; k < sp.cmd_count; k++)
			cr_assert(sp.cmds[k].first + sp.cmds[k].count <= sp.word_count);
		tmdk__sh_split_free(&sp);
	}
}

/* ---- the Dockerfile model's `commands` ------------------------------ */

static tmdk_artifact *art;

static void teardown(void)
{
	tmdk_artifact_free(art);
	art = NULL;
}

TestSuite(commands, .fini = teardown);

static const tmdk_node *df(const char *text)
{
	tmdk_artifact_free(art);
	art = parse_as("Dockerfile", text, TMDK_KIND_DOCKERFILE);
	return view_of(art, 0);
}

static void expect_at(const tmdk_node *root, const char *path, const char *text, unsigned int line,
	unsigned int column)
{
	const tmdk_node *n = tmdk_node_path(root, path);
	cr_assert_not_null(n, "%s is missing", path);
	cr_expect_str_eq(tmdk_node_text(n, NULL), text, "%s", path);
	cr_expect_eq(tmdk_node_line(n), line, "%s: line %u, expected %u", path, tmdk_node_line(n), line);
	cr_expect_eq(tmdk_node_column(n), column, "%s: column %u, expected %u", path, tmdk_node_column(n),
		column);
}

Test(commands, run_shell_form_over_continued_lines)
{
	const tmdk_node *r = df("FROM debian:12\n"
		"RUN apt-get -o Acquire::Retries=3 update && \\\n"
		"    DEBIAN_FRONTEND=noninteractive sudo apt-get install -y \\\n"
		"      --allow-unauthenticated curl\n");
	expect_at(r, "instructions[1].commands[0].program", "apt-get", 2, 5);
	expect_at(r, "instructions[1].commands[0].subcommand", "update", 2, 35);
	expect_at(r, "instructions[1].commands[1].program", "apt-get", 3, 41);
	expect_at(r, "instructions[1].commands[1].subcommand", "install", 3, 49);
	expect_at(r, "instructions[1].commands[1].args[2]", "--allow-unauthenticated", 4, 7);
	expect_at(r, "instructions[1].commands[1].env.DEBIAN_FRONTEND", "noninteractive", 3, 5);
	expect_at(r, "instructions[1].commands[1].wrappers[0]", "sudo", 3, 36);
	expect_at(r, "instructions[1].commands[1].text", "apt-get install -y --allow-unauthenticated curl", 3, 41);
}

Test(commands, subcommands)
{
	const tmdk_node *r = df("FROM node:20\n"
		"RUN npm --prefix /app config set strict-ssl false; yarn config set strict-ssl false\n"
		"RUN git -c http.sslVerify=false clone https://x; /usr/local/bin/pip3 install --trusted-host h x\n"
		"RUN echo install; ls -la\n");
	expect_at(r, "instructions[1].commands[0].subcommand", "config set", 2, 23);
	expect_at(r, "instructions[1].commands[1].subcommand", "config set", 2, 57);
	expect_at(r, "instructions[2].commands[0].subcommand", "clone", 3, 33);
	expect_at(r, "instructions[2].commands[1].program", "pip3", 3, 50);
	expect_at(r, "instructions[2].commands[1].subcommand", "install", 3, 70);
	cr_expect_null(tmdk_node_path(r, "instructions[3].commands[0].subcommand"));
	cr_expect_null(tmdk_node_path(r, "instructions[3].commands[1].subcommand"));
}

Test(commands, exec_form_and_nested_shell)
{
	const tmdk_node *r = df("FROM alpine\n"
		"RUN [\"sh\", \"-c\", \"wget --no-check-certificate https://a\"]\n"
		"CMD [\"node\", \"server.js\"]\n");
	expect_at(r, "instructions[1].commands[0].program", "sh", 2, 7);
	expect_at(r, "instructions[1].commands[1].program", "wget", 2, 19);
	expect_at(r, "instructions[1].commands[1].args[0]", "--no-check-certificate", 2, 24);
	expect_at(r, "instructions[2].commands[0].program", "node", 3, 7);
	cr_expect_null(tmdk_node_path(r, "instructions[0].commands"));
}

Test(commands, heredoc_scripts_and_heredoc_data)
{
	const tmdk_node *r = df("FROM debian:12\n"
		"RUN <<EOF\n"
		"set -e\n"
		"  NODE_TLS_REJECT_UNAUTHORIZED=0 node x.js\n"
		"cat > /etc/x <<EOT\n"
		"curl -k data\n"
		"EOT\n"
		"EOF\n"
		"RUN python3 <<EOF\n"
		"import os\n"
		"EOF\n"
		"RUN <<EOF\n"
		"#!/usr/bin/env python3\n"
		"print(1)\n"
		"EOF\n"
		"RUN bash -ex <<EOF\n"
		"curl -k https://x\n"
		"EOF\n");
	expect_at(r, "instructions[1].commands[0].program", "set", 3, 1);
	expect_at(r, "instructions[1].commands[1].program", "node", 4, 34);
	expect_at(r, "instructions[1].commands[1].env.NODE_TLS_REJECT_UNAUTHORIZED", "0", 4, 3);
	expect_at(r, "instructions[1].commands[2].program", "cat", 5, 1);
	cr_expect_null(tmdk_node_path(r, "instructions[1].commands[3]"), "a heredoc written to a file is data");
	expect_at(r, "instructions[2].commands[0].program", "python3", 9, 5);
	cr_expect_null(tmdk_node_path(r, "instructions[2].commands[1]"), "a python heredoc is not shell");
	cr_expect_null(tmdk_node_path(r, "instructions[3].commands[0].program"), "#!python is not shell");
	expect_at(r, "instructions[4].commands[1].program", "curl", 17, 1);
}

Test(commands, onbuild_and_healthcheck)
{
	const tmdk_node *r = df("FROM alpine\n"
		"ONBUILD RUN curl -k https://x\n"
		"HEALTHCHECK CMD wget -q -O- http://localhost/ || exit 1\n"
		"SHELL [\"/bin/bash\", \"-c\"]\n");
	expect_at(r, "instructions[1].inner.commands[0].program", "curl", 2, 13);
	expect_at(r, "instructions[2].commands[0].program", "wget", 3, 17);
	expect_at(r, "instructions[2].commands[1].program", "exit", 3, 50);
	cr_expect_null(tmdk_node_path(r, "instructions[3].commands"), "SHELL names a shell, it runs nothing");
}
