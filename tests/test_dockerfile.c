/*
 * The Dockerfile parser and its normalized model (libtmdk/dockerfile_*.c,
 * docs/document-model.md "Dockerfile"): directives, logical lines,
 * heredocs, flags and mounts, exec/shell forms, ENV/LABEL/ARG, variable
 * substitution and scopes, FROM splitting, stages and effective users,
 * errors and limits, and robustness against garbage and out-of-memory.
 */
#include "helpers.h"
#include "failing_alloc.h"

/* ---- helpers -------------------------------------------------------- */

static tmdk_artifact *art;

static void teardown(void)
{
	tmdk_artifact_free(art);
	art = NULL;
}

TestSuite(dockerfile, .fini = teardown);

/* Parse a literal as a Dockerfile; the artifact is freed after the test. */
static const tmdk_node *parse_df(const char *text)
{
	tmdk_artifact_free(art);
	art = parse_as("Dockerfile", text, TMDK_KIND_DOCKERFILE);
	cr_assert_eq(tmdk_artifact_document_count(art), 1);
	cr_assert_eq(tmdk_document_root(tmdk_artifact_document(art, 0)), view_of(art, 0));
	return view_of(art, 0);
}

static const tmdk_node *parse_fixture(const char *rel)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	tmdk_error err;
	tmdk_artifact_free(art);
	art = NULL;
	cr_assert_eq(tmdk_artifact_parse_file(&art, fixture(rel), &o, &err), TMDK_OK,
		"%s:%u:%u: %s", err.source, err.line, err.column, err.message);
	cr_assert_eq(tmdk_artifact_kind(art), TMDK_KIND_DOCKERFILE);
	return view_of(art, 0);
}

static const tmdk_node *need(const tmdk_node *root, const char *path)
{
	const tmdk_node *n = tmdk_node_path(root, path);
	cr_assert_not_null(n, "%s is missing", path);
	return n;
}

static void expect_text(const tmdk_node *root, const char *path, const char *want)
{
	const tmdk_node *n = need(root, path);
	const char *t = tmdk_node_text(n, NULL);
	cr_assert_not_null(t, "%s is not a scalar", path);
	cr_expect_str_eq(t, want, "%s", path);
}

static void expect_int(const tmdk_node *root, const char *path, long long want)
{
	long long v = 0;
	cr_assert_eq(tmdk_node_as_int(need(root, path), &v), TMDK_OK, "%s is not an int", path);
	cr_expect_eq(v, want, "%s is %lld, expected %lld", path, v, want);
}

static void expect_bool(const tmdk_node *root, const char *path, int want)
{
	int v = -1;
	cr_assert_eq(tmdk_node_as_bool(need(root, path), &v), TMDK_OK, "%s is not a bool", path);
	cr_expect_eq(v, want, "%s is %d, expected %d", path, v, want);
}

static void expect_absent(const tmdk_node *root, const char *path)
{
	cr_expect_null(tmdk_node_path(root, path), "%s should be absent", path);
}

static void expect_pos(const tmdk_node *root, const char *path, unsigned int line, unsigned int column)
{
	const tmdk_node *n = need(root, path);
	cr_expect_eq(tmdk_node_line(n), line, "%s line %u, expected %u", path, tmdk_node_line(n), line);
	cr_expect_eq(tmdk_node_column(n), column, "%s column %u, expected %u", path, tmdk_node_column(n), column);
}

static void expect_null(const tmdk_node *root, const char *path)
{
	cr_expect_eq(tmdk_node_scalar_type(need(root, path)), TMDK_SCALAR_NULL, "%s should be null", path);
}

/* Expect a failure with a message fragment at line:column. */
static void expect_error_opts(const char *text, size_t len, const tmdk_parse_options *opts, int code,
	unsigned int line, unsigned int column, const char *fragment)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	tmdk_error err;
	if (!opts) {
		o.kind = TMDK_KIND_DOCKERFILE;
		opts = &o;
	}
	cr_assert_eq(parse_fails("Dockerfile", text, len, opts, &err), code, "code %d: %s", err.code, err.message);
	cr_expect(strstr(err.message, fragment) != NULL, "message \"%s\" lacks \"%s\"", err.message, fragment);
	cr_expect_eq(err.line, line, "line %u, expected %u (%s)", err.line, line, err.message);
	cr_expect_eq(err.column, column, "column %u, expected %u (%s)", err.column, column, err.message);
	cr_expect_str_eq(err.source, "Dockerfile");
}

static void expect_error(const char *text, unsigned int line, unsigned int column, const char *fragment)
{
	expect_error_opts(text, strlen(text), NULL, TMDK_EPARSE, line, column, fragment);
}

static const char *warning_text(size_t i, unsigned int *line, unsigned int *column)
{
	return tmdk_artifact_warning(art, i, line, column);
}

/* ---- document shape -------------------------------------------------- */

Test(dockerfile, document_has_directives_args_instructions_stages)
{
	const tmdk_node *root = parse_df("FROM alpine\nRUN true\n");
	cr_expect_eq(tmdk_node_get_type(need(root, "directives")), TMDK_NODE_MAP);
	cr_expect_eq(tmdk_node_size(need(root, "directives")), 0);
	cr_expect_eq(tmdk_node_size(need(root, "args")), 0);
	cr_expect_eq(tmdk_node_size(need(root, "instructions")), 2);
	cr_expect_eq(tmdk_node_size(need(root, "stages")), 1);
	cr_expect_eq(tmdk_document_line(tmdk_artifact_document(art, 0)), 1);
	expect_text(root, "instructions[1].keyword", "RUN");
	expect_text(root, "instructions[1].raw", "RUN true");
	expect_int(root, "instructions[1].line", 2);
	expect_int(root, "instructions[1].end_line", 2);
	expect_int(root, "instructions[1].stage", 0);
	expect_pos(root, "instructions[1]", 2, 1);
	cr_expect_eq(tmdk_node_path(root, "stages[0].instructions[1]"), tmdk_node_path(root, "instructions[1]"),
		"stage instructions are the same nodes");
	cr_expect_eq(tmdk_node_path(root, "stages[0].from"), tmdk_node_path(root, "instructions[0].from"));
}

Test(dockerfile, keywords_are_case_insensitive_and_upper_cased)
{
	const tmdk_node *root = parse_df("from alpine\n  rUn echo hi\nWorkDir /x\n");
	expect_text(root, "instructions[0].keyword", "FROM");
	expect_text(root, "instructions[1].keyword", "RUN");
	expect_pos(root, "instructions[1]", 2, 3);
	expect_text(root, "instructions[1].raw", "rUn echo hi");
	expect_text(root, "instructions[2].value", "/x");
}

Test(dockerfile, detected_by_name)
{
	tmdk_artifact *a = NULL;
	tmdk_error err;
	const char *text = "FROM alpine\n";
	cr_assert_eq(tmdk_artifact_parse_buffer(&a, "app/Dockerfile", text, strlen(text), NULL, &err), TMDK_OK);
	cr_expect_eq(tmdk_artifact_kind(a), TMDK_KIND_DOCKERFILE);
	tmdk_artifact_free(a);
}

/* ---- parser directives ---------------------------------------------- */

Test(dockerfile, directives_at_the_top)
{
	const tmdk_node *root = parse_df("# Syntax = docker/dockerfile:1\n  #CHECK=skip=all  \n# escape=`\nFROM a\n");
	expect_text(root, "directives.syntax", "docker/dockerfile:1");
	expect_text(root, "directives.check", "skip=all");
	expect_text(root, "directives.escape", "`");
	expect_pos(root, "directives.syntax", 1, 1);
	expect_pos(root, "directives.check", 2, 3);
	expect_pos(root, "directives.escape", 3, 1);
}

Test(dockerfile, first_non_directive_line_ends_directives)
{
	/* a blank line, an ordinary comment or an unknown name end the block */
	const tmdk_node *root = parse_df("# syntax=a\n\n# escape=`\nFROM a\n");
	expect_absent(root, "directives.escape");
	root = parse_df("# hello\n# syntax=a\nFROM a\n");
	expect_absent(root, "directives.syntax");
	root = parse_df("# foo=bar\n# syntax=a\nFROM a\n");
	expect_absent(root, "directives.syntax");
	expect_absent(root, "directives.foo");
	root = parse_df("FROM a\n# escape=`\nRUN a \\\n b\n");
	expect_absent(root, "directives.escape");
	expect_text(root, "instructions[1].command", "a  b");
}

Test(dockerfile, directive_errors)
{
	expect_error("# escape=\\\n# ESCAPE=`\nFROM a\n", 2, 1, "only one escape parser directive");
	expect_error("# syntax=a\n#syntax=b\nFROM a\n", 2, 1, "only one syntax parser directive");
	expect_error("# escape=x\nFROM a\n", 1, 1, "invalid escape token 'x' does not match ` or \\");
	expect_error("# escape= \\\\\nFROM a\n", 1, 1, "invalid escape token");
}

Test(dockerfile, directive_and_comment_lines_are_recorded)
{
	const tmdk_node *root = parse_df("# syntax=docker/dockerfile:1\nFROM a\n  # tmdk:ignore latest-tag  \nRUN a \\\n# inside\n  b\n");
	(void)root;
	cr_expect_str_eq(tmdk_artifact_line_comment(art, 1), "syntax=docker/dockerfile:1");
	cr_expect_null(tmdk_artifact_line_comment(art, 2));
	cr_expect_str_eq(tmdk_artifact_line_comment(art, 3), "tmdk:ignore latest-tag");
	cr_expect_str_eq(tmdk_artifact_line_comment(art, 5), "inside");
	cr_expect_null(tmdk_artifact_line_comment(art, 6));
}

/* ---- logical lines -------------------------------------------------- */

Test(dockerfile, continuation_joins_lines_keeping_their_indent)
{
	const tmdk_node *root = parse_df("FROM a\nRUN echo hello \\\n  world \\  \n\\\n  !\n");
	expect_text(root, "instructions[1].command", "echo hello   world   !");
	expect_text(root, "instructions[1].raw", "RUN echo hello   world   !");
	expect_int(root, "instructions[1].end_line", 5);
	/* an escaped escape is not a continuation */
	root = parse_df("FROM a\nENV C trailing\\\\\nRUN x\n");
	expect_text(root, "instructions[1].pairs[0].raw_value", "trailing\\\\");
	cr_expect_eq(tmdk_node_size(need(root, "instructions")), 3);
}

Test(dockerfile, comments_and_blank_lines_inside_a_continuation)
{
	unsigned int line = 0, column = 0;
	const tmdk_node *root = parse_df("FROM a\nRUN apt-get update \\\n  # a comment\n\n    && apt-get install x\nUSER 1\n");
	expect_text(root, "instructions[1].command", "apt-get update     && apt-get install x");
	expect_int(root, "instructions[1].line", 2);
	expect_int(root, "instructions[1].end_line", 5);
	expect_int(root, "instructions[2].line", 6);
	cr_assert_eq(tmdk_artifact_warning_count(art), 1);
	cr_expect(strstr(warning_text(0, &line, &column), "empty continuation line") != NULL);
	cr_expect_eq(line, 4);
	cr_expect_eq(column, 1);
}

Test(dockerfile, continuation_at_end_of_file)
{
	const tmdk_node *root = parse_df("FROM a\nRUN something \\");
	expect_text(root, "instructions[1].command", "something");
	expect_int(root, "instructions[1].end_line", 2);
}

Test(dockerfile, argument_positions_follow_continuations)
{
	const tmdk_node *root = parse_df("FROM a\nCOPY --chown=1:1 \\\n    src \\\n\tdest/\n");
	expect_pos(root, "instructions[1].flag_list[0]", 2, 6);
	expect_pos(root, "instructions[1].sources[0]", 3, 5);
	expect_pos(root, "instructions[1].destination", 4, 2);
}

Test(dockerfile, crlf_and_bom)
{
	const tmdk_node *root = parse_df("\xEF\xBB\xBF# escape=`\r\nFROM a\r\nRUN echo a `\r\n  b\r\nLABEL k=v\r\n");
	expect_text(root, "directives.escape", "`");
	expect_pos(root, "directives.escape", 1, 1);
	expect_text(root, "instructions[1].command", "echo a   b");
	expect_text(root, "instructions[2].pairs[0].value", "v");
	cr_expect_str_eq(tmdk_artifact_line_comment(art, 1), "escape=`");
}

Test(dockerfile, backtick_escape_fixture)
{
	const tmdk_node *root = parse_fixture("dockerfile/windows-backtick.Dockerfile");
	expect_text(root, "directives.escape", "`");
	expect_text(root, "instructions[1].keyword", "SHELL");
	expect_text(root, "instructions[1].exec[0]", "powershell");
	expect_text(root, "instructions[2].pairs[1].key", "ROOT");
	expect_text(root, "instructions[2].pairs[1].value", "C:\\dotnet");
	expect_text(root, "instructions[3].command",
		"Invoke-WebRequest -OutFile dotnet.zip https://example.invalid/dotnet.zip;     "
		"Expand-Archive dotnet.zip -DestinationPath $Env:ROOT;     Remove-Item -Force dotnet.zip");
	expect_int(root, "instructions[3].end_line", 10);
	expect_text(root, "instructions[4].value", "C:\\app");
	expect_text(root, "stages[0].user", "ContainerUser");
	cr_expect_str_eq(tmdk_artifact_line_comment(art, 8), "download done");
}

/* ---- forms, flags, mounts ------------------------------------------- */

Test(dockerfile, exec_and_shell_forms)
{
	const tmdk_node *root = parse_df(
		"FROM a\nCMD [\"nginx\", \"-g\", \"daemon off;\"]\nENTRYPOINT /bin/sh -c 'x'\nRUN [ \"a\" ] ignored\nCMD []\nCMD\n");
	expect_text(root, "instructions[1].form", "exec");
	expect_text(root, "instructions[1].exec[2]", "daemon off;");
	expect_text(root, "instructions[1].command", "nginx -g daemon off;");
	expect_pos(root, "instructions[1].exec[1]", 2, 15);
	expect_text(root, "instructions[2].form", "shell");
	expect_text(root, "instructions[2].command", "/bin/sh -c 'x'");
	expect_absent(root, "instructions[2].exec");
	/* Go's decoder reads the first JSON value and ignores the rest */
	expect_text(root, "instructions[3].form", "exec");
	cr_expect_eq(tmdk_node_size(need(root, "instructions[3].exec")), 1);
	expect_text(root, "instructions[4].form", "exec");
	expect_text(root, "instructions[4].command", "");
	expect_text(root, "instructions[5].form", "none");
	expect_absent(root, "instructions[5].command");
}

Test(dockerfile, invalid_json_falls_back_to_shell_form)
{
	const tmdk_node *root = parse_df(
		"FROM a\nCMD ['a','b']\nCMD [\"a\", \"b\"\nCMD [\"a\\x\"]\nCMD [\"tab\there\"]\nCOPY [\"a\" \"b\"] /c\n");
	expect_text(root, "instructions[1].form", "shell");
	expect_text(root, "instructions[1].command", "['a','b']");
	expect_text(root, "instructions[2].command", "[\"a\", \"b\"");
	expect_text(root, "instructions[3].form", "shell");
	expect_text(root, "instructions[4].form", "shell");
	expect_text(root, "instructions[5].args[0]", "[\"a\"");
	cr_expect_eq(tmdk_node_size(need(root, "instructions[5].args")), 3);
}

Test(dockerfile, json_strings_are_decoded)
{
	const tmdk_node *root = parse_df("FROM a\nCMD [\"\\u00e9\\ud83d\\ude00\\n\", \"\\ud800x\", \"a\\/b\"]\n");
	expect_text(root, "instructions[1].exec[0]", "\xC3\xA9\xF0\x9F\x98\x80\n");
	expect_text(root, "instructions[1].exec[1]", "\xEF\xBF\xBDx");
	expect_text(root, "instructions[1].exec[2]", "a/b");
}

Test(dockerfile, flags_are_collected)
{
	const tmdk_node *root = parse_df(
		"FROM a\nCOPY --from=build --chown=\"app user\":app --link --exclude=*.md --exclude=.git -- --odd /x\n"
		"ADD --checksum=sha256:abc --keep-git-dir=true https://example.com/r.git /src\n");
	expect_text(root, "instructions[1].flags.from", "build");
	expect_text(root, "instructions[1].flags.chown", "app user:app");
	expect_bool(root, "instructions[1].flags.link", 1);
	expect_text(root, "instructions[1].flags.exclude", ".git");
	expect_text(root, "instructions[1].excludes[0]", "*.md");
	expect_text(root, "instructions[1].excludes[1]", ".git");
	cr_expect_eq(tmdk_node_size(need(root, "instructions[1].flag_list")), 5);
	expect_text(root, "instructions[1].flag_list[1]", "--chown=app user:app");
	expect_text(root, "instructions[1].sources[0]", "--odd");
	expect_text(root, "instructions[1].destination", "/x");
	expect_text(root, "instructions[2].flags.checksum", "sha256:abc");
	expect_text(root, "instructions[2].flags.keep-git-dir", "true");
	expect_text(root, "instructions[2].sources[0]", "https://example.com/r.git");
}

Test(dockerfile, mount_fields)
{
	const tmdk_node *root = parse_df(
		"FROM a\nRUN --mount=type=secret,id=aws,dst=/root/.aws/credentials,required,mode=0400,uid=1 \\\n"
		"    --mount=target=/src,ro \\\n"
		"    --mount=type=cache,target=/var/cache/apt,sharing=locked,rw=true \\\n"
		"    --network=none --security=insecure make\n");
	expect_text(root, "instructions[1].mounts[0].type", "secret");
	expect_text(root, "instructions[1].mounts[0].id", "aws");
	expect_text(root, "instructions[1].mounts[0].target", "/root/.aws/credentials");
	expect_bool(root, "instructions[1].mounts[0].required", 1);
	expect_text(root, "instructions[1].mounts[0].mode", "0400");
	expect_text(root, "instructions[1].mounts[0].uid", "1");
	expect_text(root, "instructions[1].mounts[0].raw", "type=secret,id=aws,dst=/root/.aws/credentials,required,mode=0400,uid=1");
	expect_text(root, "instructions[1].mounts[1].type", "bind");
	expect_bool(root, "instructions[1].mounts[1].readonly", 1);
	expect_pos(root, "instructions[1].mounts[1]", 3, 13);
	expect_text(root, "instructions[1].mounts[2].sharing", "locked");
	expect_bool(root, "instructions[1].mounts[2].readonly", 0);
	expect_text(root, "instructions[1].flags.network", "none");
	expect_text(root, "instructions[1].flags.security", "insecure");
	expect_text(root, "instructions[1].command", "make");
}

Test(dockerfile, mount_values_are_substituted_and_csv_quoted)
{
	const tmdk_node *root = parse_df(
		"FROM a\nARG CACHE=/cache\nRUN --mount=type=cache,target=$CACHE,'\"source=a,b\"' true\n");
	expect_text(root, "instructions[2].mounts[0].target", "/cache");
	expect_text(root, "instructions[2].mounts[0].source", "a,b");
}

/* ---- heredocs -------------------------------------------------------- */

Test(dockerfile, heredoc_fixture)
{
	const tmdk_node *root = parse_fixture("dockerfile/heredocs.Dockerfile");
	expect_text(root, "instructions[1].command", "<<EOF");
	expect_text(root, "instructions[1].heredocs[0].delimiter", "EOF");
	expect_text(root, "instructions[1].heredocs[0].body", "set -e\napk add --no-cache curl\n");
	expect_bool(root, "instructions[1].heredocs[0].quoted", 0);
	expect_bool(root, "instructions[1].heredocs[0].strip_tabs", 0);
	expect_int(root, "instructions[1].heredocs[0].line", 3);
	expect_int(root, "instructions[1].heredocs[0].end_line", 5);
	expect_int(root, "instructions[1].end_line", 5);
	/* quoted delimiter: no expansion, tabs kept */
	expect_text(root, "instructions[2].heredocs[0].delimiter", "SCRIPT");
	expect_bool(root, "instructions[2].heredocs[0].quoted", 1);
	expect_text(root, "instructions[2].heredocs[0].body", "\techo \"no $EXPANSION here\"\n");
	expect_text(root, "instructions[2].mounts[0].target", ".");
	/* <<- strips leading tabs, terminator included */
	expect_bool(root, "instructions[3].heredocs[0].strip_tabs", 1);
	expect_text(root, "instructions[3].heredocs[0].body", "#!/bin/sh\nexec \"$@\"\n");
	expect_text(root, "instructions[3].sources[0]", "<<-EOT");
	expect_text(root, "instructions[3].destination", "/usr/local/bin/entry.sh");
	expect_text(root, "instructions[3].flags.chmod", "755");
	/* two heredocs in one instruction */
	cr_expect_eq(tmdk_node_size(need(root, "instructions[4].heredocs")), 2);
	expect_text(root, "instructions[4].heredocs[0].body", "first\n");
	expect_text(root, "instructions[4].heredocs[1].delimiter", "TWO");
	expect_bool(root, "instructions[4].heredocs[1].quoted", 1);
	expect_text(root, "instructions[4].heredocs[1].body", "second $HOME\n");
	expect_int(root, "instructions[4].heredocs[1].line", 16);
	expect_int(root, "instructions[4].end_line", 17);
	/* a file descriptor */
	expect_int(root, "instructions[5].heredocs[0].fd", 3);
	/* the exec form never has heredocs */
	expect_absent(root, "instructions[6].heredocs");
	expect_text(root, "instructions[6].exec[2]", "cat <<EOF");
}

Test(dockerfile, heredoc_only_for_run_copy_add)
{
	const tmdk_node *root = parse_df("FROM a\nENV X=<<EOF\nRUN echo\n");
	expect_absent(root, "instructions[1].heredocs");
	expect_text(root, "instructions[2].keyword", "RUN");
}

Test(dockerfile, heredoc_crlf_and_empty_body)
{
	const tmdk_node *root = parse_df("FROM a\r\nRUN <<EOF\r\nline\r\nEOF\r\nRUN <<X\nX\n");
	expect_text(root, "instructions[1].heredocs[0].body", "line\n");
	expect_text(root, "instructions[2].heredocs[0].body", "");
}

Test(dockerfile, unterminated_heredoc)
{
	expect_error("FROM a\nRUN cat <<EOF\nbody\n", 2, 9, "unterminated heredoc: no line \"EOF\"");
	expect_error("FROM a\nCOPY <<A <<B /x\nA\nbody\n", 2, 10, "unterminated heredoc: no line \"B\"");
}

/* ---- ENV, LABEL, ARG -------------------------------------------------- */

Test(dockerfile, env_and_label_forms)
{
	const tmdk_node *root = parse_df(
		"FROM a\nENV A=1 B=\"two words\" C=x\\ y\nENV LEGACY some value \"quoted\"\n"
		"LABEL maintainer=\"me <me@example.com>\" org.opencontainers.image.source=https://x\n"
		"LABEL description Legacy label\n");
	expect_bool(root, "instructions[1].legacy_form", 0);
	expect_text(root, "instructions[1].pairs[1].key", "B");
	expect_text(root, "instructions[1].pairs[1].value", "two words");
	expect_text(root, "instructions[1].pairs[1].raw_value", "\"two words\"");
	expect_text(root, "instructions[1].pairs[2].value", "x y");
	expect_pos(root, "instructions[1].pairs[1]", 2, 9);
	expect_pos(root, "instructions[1].pairs[1].value", 2, 11);
	expect_bool(root, "instructions[2].legacy_form", 1);
	expect_text(root, "instructions[2].pairs[0].key", "LEGACY");
	expect_text(root, "instructions[2].pairs[0].raw_value", "some value \"quoted\"");
	expect_text(root, "instructions[2].pairs[0].value", "some value quoted");
	expect_text(root, "instructions[3].pairs[0].value", "me <me@example.com>");
	expect_text(root, "instructions[3].pairs[1].key", "org.opencontainers.image.source");
	expect_text(root, "instructions[4].pairs[0].value", "Legacy label");
	/* args keep BuildKit's triples */
	expect_text(root, "instructions[1].args[2]", "=");
	expect_text(root, "instructions[2].args[2]", "");
}

Test(dockerfile, env_errors)
{
	expect_error("FROM a\nENV PATH\n", 2, 5, "ENV must have two arguments");
	expect_error("FROM a\nLABEL a=1 b\n", 2, 11, "can't find = in \"b\"");
}

Test(dockerfile, arg_forms)
{
	const tmdk_node *root = parse_df("ARG A B=2 C=\"x y\"\nFROM a\n");
	expect_text(root, "instructions[0].pairs[0].key", "A");
	expect_null(root, "instructions[0].pairs[0].value");
	expect_absent(root, "instructions[0].pairs[0].raw_value");
	expect_text(root, "instructions[0].pairs[2].value", "x y");
	expect_text(root, "instructions[0].pairs[2].raw_value", "\"x y\"");
	expect_text(root, "args[0].name", "A");
	expect_null(root, "args[0].value");
	expect_text(root, "args[1].value", "2");
	expect_text(root, "args[2].value", "x y");
	expect_int(root, "instructions[0].stage", -1);
}

/* ---- substitution ---------------------------------------------------- */

Test(dockerfile, every_substitution_form)
{
	const tmdk_node *root = parse_df(
		"FROM a\nENV SET=val EMPTY=\nLABEL "
		"a=$SET b=${SET} c=${SET:-d} d=${EMPTY:-def} e=${EMPTY-def} f=${SET:+alt} g=${EMPTY:+alt} "
		"h=${EMPTY+alt} i=\\$SET j='$SET' k=\"$SET\" l=${UNSET} m=${UNSET:-x} n=$UNSET\n"
		"ENV P=/usr/local/bin/tool.tar.gz\nLABEL p=${P#*/} q=${P##*/} r=${P%.*} s=${P%%.*} t=${P/o/0} u=${P//o/0}\n");
	expect_text(root, "instructions[2].pairs[0].value", "val");
	expect_text(root, "instructions[2].pairs[1].value", "val");
	expect_text(root, "instructions[2].pairs[2].value", "val");
	expect_text(root, "instructions[2].pairs[3].value", "def");
	expect_text(root, "instructions[2].pairs[4].value", "");
	expect_text(root, "instructions[2].pairs[5].value", "alt");
	expect_text(root, "instructions[2].pairs[6].value", "");
	expect_text(root, "instructions[2].pairs[7].value", "alt");
	expect_text(root, "instructions[2].pairs[8].value", "$SET");
	expect_text(root, "instructions[2].pairs[9].value", "$SET");
	expect_text(root, "instructions[2].pairs[10].value", "val");
	expect_absent(root, "instructions[2].pairs[10].unresolved");
	/* unknown variables stay as written, and say so */
	expect_text(root, "instructions[2].pairs[11].value", "${UNSET}");
	expect_bool(root, "instructions[2].pairs[11].unresolved", 1);
	expect_text(root, "instructions[2].pairs[12].value", "${UNSET:-x}");
	expect_text(root, "instructions[2].pairs[13].value", "$UNSET");
	expect_text(root, "instructions[4].pairs[0].value", "usr/local/bin/tool.tar.gz");
	expect_text(root, "instructions[4].pairs[1].value", "tool.tar.gz");
	expect_text(root, "instructions[4].pairs[2].value", "/usr/local/bin/tool.tar");
	expect_text(root, "instructions[4].pairs[3].value", "/usr/local/bin/tool");
	expect_text(root, "instructions[4].pairs[4].value", "/usr/l0cal/bin/tool.tar.gz");
	expect_text(root, "instructions[4].pairs[5].value", "/usr/l0cal/bin/t00l.tar.gz");
}

Test(dockerfile, substitution_applies_to_user_workdir_copy_expose_volume)
{
	const tmdk_node *root = parse_df(
		"FROM a\nARG U=app\nARG PORT=8080\nENV D=/srv\nUSER ${U}:$U\nWORKDIR $D/app\n"
		"COPY $D/in ${D}/out\nEXPOSE $PORT 9000/udp\nVOLUME $D/data\nSTOPSIGNAL SIG${U}\nMAINTAINER $U\n");
	expect_text(root, "instructions[4].value", "app:app");
	expect_text(root, "instructions[4].raw_value", "${U}:$U");
	expect_text(root, "instructions[4].user", "app");
	expect_text(root, "instructions[4].group", "app");
	expect_text(root, "instructions[5].value", "/srv/app");
	expect_text(root, "instructions[6].sources[0]", "/srv/in");
	expect_text(root, "instructions[6].destination", "/srv/out");
	expect_text(root, "instructions[7].ports[0]", "8080");
	cr_expect_eq(tmdk_node_scalar_type(need(root, "instructions[7].ports[0]")), TMDK_SCALAR_INT);
	expect_text(root, "instructions[7].ports[1]", "9000/udp");
	expect_text(root, "instructions[8].volumes[0]", "/srv/data");
	expect_text(root, "instructions[9].value", "SIGapp");
	/* MAINTAINER is not substituted by BuildKit */
	expect_text(root, "instructions[10].value", "$U");
	/* RUN is left to the shell */
	root = parse_df("FROM a\nENV X=1\nRUN echo $X\n");
	expect_text(root, "instructions[2].command", "echo $X");
}

Test(dockerfile, env_pairs_see_values_from_before_the_instruction)
{
	const tmdk_node *root = parse_df("FROM a\nENV A=old\nENV A=new B=$A\nENV C=$A\n");
	expect_text(root, "instructions[2].pairs[1].value", "old");
	expect_text(root, "instructions[3].pairs[0].value", "new");
}

Test(dockerfile, env_wins_over_arg)
{
	const tmdk_node *root = parse_df("FROM a\nENV V=env\nARG V=arg\nWORKDIR /$V\n");
	expect_text(root, "instructions[3].value", "/env");
}

Test(dockerfile, arg_scoping_follows_docker)
{
	const tmdk_node *root = parse_df(
		"ARG VERSION=1.0\nARG NOVALUE\nFROM img:$VERSION\nWORKDIR /v$VERSION\n"
		"FROM img:${NOVALUE}\nARG VERSION\nWORKDIR /v$VERSION\n"
		"FROM img\nARG VERSION=2.0\nWORKDIR /v$VERSION\nARG OTHER=${VERSION}-x\nWORKDIR /$OTHER\n");
	/* FROM sees global ARGs */
	expect_text(root, "stages[0].from.image", "img:1.0");
	/* a global ARG is not visible in a stage until re-declared */
	expect_text(root, "instructions[3].value", "/v$VERSION");
	expect_bool(root, "instructions[3].unresolved", 1);
	/* re-declared without value: the global default */
	expect_text(root, "instructions[6].value", "/v1.0");
	/* an ARG without default is unknown */
	expect_text(root, "stages[1].from.image", "img:${NOVALUE}");
	expect_bool(root, "stages[1].from.unresolved", 1);
	/* a stage default wins */
	expect_text(root, "instructions[9].value", "/v2.0");
	expect_text(root, "instructions[11].value", "/2.0-x");
}

Test(dockerfile, env_is_inherited_from_a_parent_stage_args_are_not)
{
	const tmdk_node *root = parse_df(
		"FROM a AS base\nENV HOME_DIR=/home/app\nARG LOCAL=1\nFROM base\nWORKDIR $HOME_DIR/$LOCAL\n");
	expect_text(root, "instructions[4].value", "/home/app/$LOCAL");
}

Test(dockerfile, malformed_substitution_is_kept_with_a_warning)
{
	unsigned int line, column;
	const tmdk_node *root = parse_df("FROM a\nWORKDIR ${BROKEN\nLABEL a=\"open\n");
	expect_text(root, "instructions[1].value", "${BROKEN");
	expect_bool(root, "instructions[1].unresolved", 1);
	expect_text(root, "instructions[2].pairs[0].value", "\"open");
	cr_assert_geq(tmdk_artifact_warning_count(art), 2);
	cr_expect(strstr(warning_text(0, &line, &column), "missing '}'") != NULL, "%s", warning_text(0, NULL, NULL));
	cr_expect_eq(line, 2);
	cr_expect_eq(column, 9);
}

Test(dockerfile, substitution_respects_backtick_escape)
{
	const tmdk_node *root = parse_df("# escape=`\nFROM a\nENV X=1\nWORKDIR C:\\`$X\\$X\n");
	expect_text(root, "instructions[2].value", "C:\\$X\\1");
}

/* ---- FROM ------------------------------------------------------------ */

Test(dockerfile, from_is_split)
{
	const tmdk_node *root = parse_fixture("dockerfile/multistage.Dockerfile");
	expect_text(root, "directives.syntax", "docker/dockerfile:1.7");
	expect_text(root, "directives.check", "skip=JSONArgsRecommended");
	cr_expect_eq(tmdk_node_size(need(root, "args")), 3);
	expect_null(root, "args[2].value");
	/* node:${NODE_VERSION}-alpine with a global default, platform kept */
	expect_text(root, "stages[0].from.raw", "node:${NODE_VERSION}-alpine");
	expect_text(root, "stages[0].from.image", "node:20-alpine");
	expect_text(root, "stages[0].from.name", "node");
	expect_text(root, "stages[0].from.tag", "20-alpine");
	expect_absent(root, "stages[0].from.registry");
	expect_absent(root, "stages[0].from.digest");
	expect_text(root, "stages[0].from.platform", "$BUILDPLATFORM");
	expect_bool(root, "stages[0].from.is_stage", 0);
	expect_bool(root, "stages[0].from.is_scratch", 0);
	expect_bool(root, "stages[0].from.unresolved", 0);
	expect_text(root, "stages[0].name", "deps");
	expect_pos(root, "stages[0]", 9, 1);
	expect_pos(root, "stages[0].from.raw", 9, 32);
	/* a stage reference */
	expect_bool(root, "stages[1].from.is_stage", 1);
	expect_int(root, "stages[1].from.stage_index", 0);
	/* registry with a port, path, tag and digest */
	expect_text(root, "stages[2].from.image", "registry.example.com:5000/tools/runner:1.2@sha256:0123456789abcdef");
	expect_text(root, "stages[2].from.registry", "registry.example.com:5000");
	expect_text(root, "stages[2].from.name", "tools/runner");
	expect_text(root, "stages[2].from.tag", "1.2");
	expect_text(root, "stages[2].from.digest", "sha256:0123456789abcdef");
	/* scratch */
	expect_bool(root, "stages[3].from.is_scratch", 1);
	expect_text(root, "stages[3].name", "export");
	expect_bool(root, "stages[3].final", 1);
	expect_bool(root, "stages[2].final", 0);
}

Test(dockerfile, from_variants)
{
	const tmdk_node *root = parse_df(
		"FROM localhost/app\nFROM library/nginx\nFROM host:5000/img:tag\nFROM ghcr.io/o/r@sha256:ab\n"
		"FROM Img AS First\nFROM FIRST\nFROM $NOPE\n");
	expect_text(root, "stages[0].from.registry", "localhost");
	expect_text(root, "stages[0].from.name", "app");
	expect_absent(root, "stages[1].from.registry");
	expect_text(root, "stages[1].from.name", "library/nginx");
	expect_absent(root, "stages[1].from.tag");
	expect_text(root, "stages[2].from.registry", "host:5000");
	expect_text(root, "stages[2].from.name", "img");
	expect_text(root, "stages[2].from.tag", "tag");
	expect_text(root, "stages[3].from.registry", "ghcr.io");
	expect_text(root, "stages[3].from.name", "o/r");
	expect_absent(root, "stages[3].from.tag");
	expect_text(root, "stages[3].from.digest", "sha256:ab");
	expect_text(root, "stages[4].name", "first");
	expect_bool(root, "stages[5].from.is_stage", 1);
	expect_int(root, "stages[5].from.stage_index", 4);
	expect_bool(root, "stages[6].from.unresolved", 1);
	expect_text(root, "stages[6].from.image", "$NOPE");
}

Test(dockerfile, from_refers_only_to_earlier_stages)
{
	const tmdk_node *root = parse_df("FROM later\nFROM a AS later\n");
	expect_bool(root, "stages[0].from.is_stage", 0);
}

/* ---- stages and users ----------------------------------------------- */

Test(dockerfile, effective_user_per_stage)
{
	const tmdk_node *root = parse_fixture("dockerfile/multistage.Dockerfile");
	/* deps sets USER node */
	expect_text(root, "stages[0].user", "node");
	expect_bool(root, "stages[0].user_explicit", 1);
	expect_pos(root, "stages[0].user", 14, 6);
	/* build inherits it from deps */
	expect_text(root, "stages[1].user", "node");
	expect_bool(root, "stages[1].user_explicit", 0);
	/* runtime: USER root then USER 10001:10001, the last one counts */
	expect_text(root, "stages[2].user", "10001:10001");
	expect_pos(root, "stages[2].user", 27, 6);
	/* export never sets a user: root by default, no key */
	expect_absent(root, "stages[3].user");
	expect_bool(root, "stages[3].user_explicit", 0);
	cr_expect_eq(tmdk_node_path(root, "stages[2].user"), tmdk_node_path(root, "stages[2].instructions[4].value"),
		"the stage user is the USER instruction's value node");
}

Test(dockerfile, user_root_later_in_the_stage)
{
	const tmdk_node *root = parse_df("FROM a\nUSER app\nRUN x\nUSER root\n");
	expect_text(root, "stages[0].user", "root");
	expect_bool(root, "stages[0].final", 1);
}

Test(dockerfile, instructions_before_from_belong_to_no_stage)
{
	unsigned int line, column;
	const tmdk_node *root = parse_df("ARG A\nLABEL x=y\nFROM a\n");
	expect_int(root, "instructions[1].stage", -1);
	cr_expect_eq(tmdk_node_size(need(root, "stages[0].instructions")), 1);
	cr_assert_eq(tmdk_artifact_warning_count(art), 1);
	cr_expect(strstr(warning_text(0, &line, &column), "LABEL before the first FROM") != NULL);
	cr_expect_eq(line, 2);
}

/* ---- other instructions --------------------------------------------- */

Test(dockerfile, onbuild_has_its_inner_instruction)
{
	const tmdk_node *root = parse_df("FROM a\nONBUILD COPY --chown=1 . /app\nONBUILD RUN [\"make\"]\nONBUILD\n");
	expect_text(root, "instructions[1].inner.keyword", "COPY");
	expect_text(root, "instructions[1].inner.flags.chown", "1");
	expect_text(root, "instructions[1].inner.destination", "/app");
	expect_pos(root, "instructions[1].inner", 2, 9);
	cr_expect_eq(tmdk_node_size(need(root, "instructions[1].args")), 0);
	expect_text(root, "instructions[2].inner.form", "exec");
	expect_text(root, "instructions[2].inner.exec[0]", "make");
	expect_absent(root, "instructions[3].inner");
	expect_error("FROM a\nONBUILD ONBUILD RUN x\n", 2, 9, "ONBUILD ONBUILD");
}

Test(dockerfile, healthcheck_none_and_options)
{
	const tmdk_node *root = parse_df(
		"FROM a\nHEALTHCHECK NONE\nHEALTHCHECK --interval=5m --timeout=3s --start-period=1s --start-interval=2s --retries=3 \\\n"
		"  CMD curl -f http://localhost/ || exit 1\nHEALTHCHECK CMD [\"/bin/check\"]\nHEALTHCHECK\n");
	expect_bool(root, "instructions[1].none", 1);
	expect_absent(root, "instructions[1].command");
	expect_bool(root, "instructions[2].none", 0);
	expect_text(root, "instructions[2].type", "CMD");
	expect_text(root, "instructions[2].command", "curl -f http://localhost/ || exit 1");
	expect_text(root, "instructions[2].form", "shell");
	expect_text(root, "instructions[2].flags.interval", "5m");
	expect_text(root, "instructions[2].flags.start-interval", "2s");
	expect_text(root, "instructions[2].flags.retries", "3");
	expect_text(root, "instructions[3].form", "exec");
	expect_text(root, "instructions[3].exec[0]", "/bin/check");
	expect_absent(root, "instructions[4].none");
	expect_text(root, "instructions[4].form", "none");
}

Test(dockerfile, unknown_instruction_is_kept)
{
	unsigned int line, column;
	const tmdk_node *root = parse_df("FROM a\nFROBNICATE the thing\n");
	expect_text(root, "instructions[1].keyword", "FROBNICATE");
	expect_bool(root, "instructions[1].unknown", 1);
	expect_text(root, "instructions[1].value", "the thing");
	expect_text(root, "instructions[1].args[0]", "");
	cr_assert_eq(tmdk_artifact_warning_count(art), 1);
	cr_expect(strstr(warning_text(0, &line, &column), "unknown instruction: FROBNICATE") != NULL);
	cr_expect_eq(line, 2);
	cr_expect_eq(column, 1);
}

Test(dockerfile, shell_and_maintainer_and_stopsignal)
{
	const tmdk_node *root = parse_df("FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nMAINTAINER Jane <j@x>\nSTOPSIGNAL SIGTERM\n");
	expect_text(root, "instructions[1].command", "/bin/bash -o pipefail -c");
	expect_text(root, "instructions[2].value", "Jane <j@x>");
	expect_text(root, "instructions[3].value", "SIGTERM");
}

/* ---- errors and limits ------------------------------------------------ */

Test(dockerfile, no_instructions)
{
	expect_error("", 1, 1, "file with no instructions");
	expect_error("# just\n\n# comments\n", 3, 1, "file with no instructions");
}

Test(dockerfile, nested_json_is_an_error)
{
	expect_error("FROM a\nCMD [ \"echo\", [ \"nested json\" ] ]\n", 2, 15, "must hold only strings");
	expect_error("FROM a\nRUN [\"a\", null]\n", 2, 11, "must hold only strings");
	expect_error("FROM a\nCOPY [\"a\", 1] /x\n", 2, 12, "must hold only strings");
}

Test(dockerfile, binary_input)
{
	static const char nul[] = "FROM a\nRUN a\0b\n";
	expect_error_opts(nul, sizeof(nul) - 1, NULL, TMDK_EPARSE, 2, 6, "NUL byte");
	expect_error("FROM a\nLABEL x=\"caf\xe9\"\n", 2, 13, "invalid UTF-8 (byte 0xE9)");
	expect_error("\xEF\xBB\xBF" "FROM \xC3\x28\n", 1, 6, "invalid UTF-8");
}

Test(dockerfile, limit_max_line_length)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	const char *text = "FROM a\nRUN 0123456789 \\\n  0123456789\n";
	o.kind = TMDK_KIND_DOCKERFILE;
	o.max_line_length = 20;
	expect_error_opts(text, strlen(text), &o, TMDK_ELIMIT, 2, 1, "(max_line_length)");
	o.max_line_length = 40;
	{
		tmdk_artifact *a = NULL;
		tmdk_error err;
		cr_expect_eq(tmdk_artifact_parse_buffer(&a, "Dockerfile", text, strlen(text), &o, &err), TMDK_OK);
		tmdk_artifact_free(a);
	}
}

Test(dockerfile, limit_max_instructions)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	const char *text = "FROM a\nRUN a\n\nRUN b\n";
	o.kind = TMDK_KIND_DOCKERFILE;
	o.max_instructions = 2;
	expect_error_opts(text, strlen(text), &o, TMDK_ELIMIT, 4, 1, "more than 2 instructions (max_instructions)");
}

Test(dockerfile, limit_max_heredoc_bytes)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	const char *text = "FROM a\nRUN <<EOF\n12345\n67890\nEOF\n";
	o.kind = TMDK_KIND_DOCKERFILE;
	o.max_heredoc_bytes = 8;
	expect_error_opts(text, strlen(text), &o, TMDK_ELIMIT, 3, 1, "(max_heredoc_bytes)");
}

Test(dockerfile, limit_json_depth)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	const char *text = "FROM a\nCMD [[[[\"x\"]]]]\n";
	o.kind = TMDK_KIND_DOCKERFILE;
	o.max_depth = 3;
	expect_error_opts(text, strlen(text), &o, TMDK_ELIMIT, 2, 8, "(max_depth)");
}

Test(dockerfile, limit_items_per_instruction)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	char text[512];
	int i, n = snprintf(text, sizeof(text), "FROM a\nEXPOSE");
	for (i = 0; i < 40; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, " %d", i);
	snprintf(text + n, sizeof(text) - (size_t)n, "\n");
	o.kind = TMDK_KIND_DOCKERFILE;
	o.max_instructions = 2; /* 32 items */
	expect_error_opts(text, strlen(text), &o, TMDK_ELIMIT, 2, 91,
		"more than 32 arguments, flags, mount fields and heredocs in all (16 per instruction allowed by max_instructions)");
	o.max_instructions = 3;
	{
		tmdk_artifact *a = NULL;
		tmdk_error err;
		cr_expect_eq(tmdk_artifact_parse_buffer(&a, "Dockerfile", text, strlen(text), &o, &err), TMDK_OK, "%s", err.message);
		tmdk_artifact_free(a);
	}
}

/* ---- robustness ------------------------------------------------------ */

static unsigned long long rng_state = 0x9E3779B97F4A7C15ull;

static unsigned int rnd(unsigned int n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned int)(rng_state % n);
}

static const char *const fragments[] = {
	"FROM ", "RUN ", "COPY ", "ADD ", "ENV ", "LABEL ", "ARG ", "ONBUILD ", "HEALTHCHECK ", "USER ",
	"CMD ", "EXPOSE ", "SHELL ", "WORKDIR ", " AS ", "--mount=", "--from=", "--", "type=cache,target=",
	"\\\n", "`\n", "\n", "\r\n", "# escape=`\n", "# syntax=x\n", "#", " ", "\t", "<<EOF", "<<-'E'", "EOF\n",
	"[", "]", "\"", "'", ",", "=", "$", "${", "}", ":-", ":+", "#", "%%", "/", "\\", "\xC3\xA9", "\xE2\x80\xA8",
	"scratch", "a", "0", "{", "null", "1e5", "\\u00", "\\ud800",
};

Test(dockerfile, random_input_never_crashes)
{
	char buf[512];
	int i, ok = 0, failed = 0;
	for (i = 0; i < 3000; i++) {
		size_t n = 0, parts = rnd(40);
		tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
		tmdk_artifact *a = NULL;
		tmdk_error err;
		int rc;
		while (parts-- && n < sizeof(buf) - 16) {
			if (rnd(8) == 0) {
				buf[n++] = (char)(rnd(255) + 1); /* any byte but NUL */
			} else {
				const char *f = fragments[rnd(sizeof(fragments) / sizeof(fragments[0]))];
				size_t k = strlen(f);
				if (n + k >= sizeof(buf))
					break;
				memcpy(buf + n, f, k);
				n += k;
			}
		}
		o.kind = TMDK_KIND_DOCKERFILE;
		o.max_depth = 8;
		rc = tmdk_artifact_parse_buffer(&a, "fuzz", buf, n, &o, &err);
		if (rc == TMDK_OK) {
			ok++;
			cr_assert_not_null(view_of(a, 0));
		} else {
			failed++;
			cr_assert(rc == TMDK_EPARSE || rc == TMDK_ELIMIT, "unexpected code %d: %s", rc, err.message);
			cr_assert_gt(err.line, 0, "error without a line: %s", err.message);
			cr_assert_null(a);
		}
		tmdk_artifact_free(a);
	}
	cr_expect_gt(ok, 100, "too few random inputs parsed (%d)", ok);
	cr_expect_gt(failed, 10, "too few random inputs failed (%d)", failed);
}

Test(dockerfile, random_bytes_never_crash)
{
	char buf[256];
	int i;
	for (i = 0; i < 2000; i++) {
		size_t n = rnd(sizeof(buf)), k;
		tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
		tmdk_artifact *a = NULL;
		tmdk_error err;
		for (k = 0; k < n; k++)
			buf[k] = (char)rnd(256);
		o.kind = TMDK_KIND_DOCKERFILE;
		if (tmdk_artifact_parse_buffer(&a, "bytes", buf, n, &o, &err) != TMDK_OK)
			cr_assert_null(a);
		tmdk_artifact_free(a);
	}
}

/* Fail the n-th allocation; every failure must be clean (ENOMEM, nothing leaked). */

static void fail_every_allocation(const char *rel)
{
	size_t len;
	char *text = read_file(fixture(rel), &len);
	long n;
	int done = 0;
	cr_assert_not_null(text, "%s", rel);
	failing_install(1);
	for (n = 0; n < 100000 && !done; n++) {
		tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
		tmdk_artifact *a = NULL;
		tmdk_error err;
		int rc;
		o.kind = TMDK_KIND_DOCKERFILE;
		failing_left = n;
		failing_live = 0;
		rc = tmdk_artifact_parse_buffer(&a, "Dockerfile", text, len, &o, &err);
		if (rc == TMDK_OK) {
			done = 1;
			tmdk_artifact_free(a);
		} else {
			cr_assert_eq(rc, TMDK_ENOMEM, "%s, allocation %ld: code %d (%s)", rel, n, rc, err.message);
			cr_assert_null(a);
		}
		cr_assert_eq(failing_live, 0, "%s, allocation %ld: %ld blocks leaked", rel, n, failing_live);
	}
	tmdk_set_allocator(NULL, NULL, NULL);
	free(text);
	cr_assert(done, "%s: the parse never succeeded", rel);
	cr_assert_gt(n, 1, "%s: no allocation failed: is the allocator in use?", rel); /* n counts the run that succeeded */
}

Test(dockerfile, out_of_memory_at_every_allocation)
{
	fail_every_allocation("dockerfile/multistage.Dockerfile");
	fail_every_allocation("dockerfile/heredocs.Dockerfile");
	fail_every_allocation("dockerfile/windows-backtick.Dockerfile");
}
