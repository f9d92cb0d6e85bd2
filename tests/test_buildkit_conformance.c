/*
 * BuildKit conformance: our Dockerfile model, printed in BuildKit's
 * `Node.Dump()` s-expression format, must equal the `result` files of
 * BuildKit's parser test cases byte for byte (corpus buildkit-parser/, see
 * ../shared/corpus/SOURCES.md "Format of `result`"). The dumper below reads
 * only the public node API: keyword, flag_list, args, inner.
 *
 * Also: BuildKit's negative cases are rejected with a located error, the
 * line spans of testfile-line match BuildKit's, and every Dockerfile of the
 * corpus parses.
 */
#include "helpers.h"

#include <dirent.h>
#include <sys/stat.h>

/* ---- Go's strconv.Quote --------------------------------------------- */

typedef struct sbuf {
	char *p;
	size_t n, cap;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		cr_assert_not_null(b->p);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static void sb_str(sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

/* Decode one UTF-8 character; -1 for an invalid byte. */
static long decode(const unsigned char *s, size_t n, size_t *len)
{
	size_t k = s[0] < 0x80 ? 1 : s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
	long cp;
	size_t i;
	*len = 1;
	if (k == 0 || k > n)
		return -1;
	cp = k == 1 ? s[0] : k == 2 ? (s[0] & 0x1F) : k == 3 ? (s[0] & 0x0F) : (s[0] & 0x07);
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	*len = k;
	return cp;
}

/* Go's unicode.IsPrint, closely enough for the corpus: the non-printing
 * characters are controls, format characters and non-ASCII spaces. */
static int is_print(long cp)
{
	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return 0;
	if (cp == 0xA0 || cp == 0xAD || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200F) ||
	    (cp >= 0x2028 && cp <= 0x202F) || (cp >= 0x205F && cp <= 0x206F) || cp == 0x3000 ||
	    cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFB) || (cp >= 0xD800 && cp < 0xE000))
		return 0;
	return 1;
}

static void go_quote(sbuf *b, const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, len;
	char tmp[24];
	sb_str(b, "\"");
	while (i < n) {
		long cp = decode(s + i, n - i, &len);
		if (cp == '"' || cp == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)cp;
			sb_put(b, tmp, 2);
		} else if (cp >= 0 && is_print(cp)) {
			sb_put(b, text + i, len);
		} else if (cp == '\a' || cp == '\b' || cp == '\f' || cp == '\n' || cp == '\r' || cp == '\t' || cp == '\v') {
			const char *e = cp == '\a' ? "\\a" : cp == '\b' ? "\\b" : cp == '\f' ? "\\f" : cp == '\n' ? "\\n"
				: cp == '\r' ? "\\r" : cp == '\t' ? "\\t" : "\\v";
			sb_str(b, e);
		} else if (cp < 0 || cp < 0x20 || cp == 0x7F) {
			snprintf(tmp, sizeof(tmp), "\\x%02x", cp < 0 ? s[i] : (unsigned int)cp);
			sb_str(b, tmp);
		} else if (cp < 0x10000) {
			snprintf(tmp, sizeof(tmp), "\\u%04lx", cp);
			sb_str(b, tmp);
		} else {
			snprintf(tmp, sizeof(tmp), "\\U%08lx", cp);
			sb_str(b, tmp);
		}
		i += len;
	}
	sb_str(b, "\"");
}

/* ---- the dumper ----------------------------------------------------- */

static void dump_instruction(sbuf *b, const tmdk_node *in)
{
	const tmdk_node *flags = tmdk_node_get(in, "flag_list");
	const tmdk_node *args = tmdk_node_get(in, "args");
	const char *kw = tmdk_node_text(tmdk_node_get(in, "keyword"), NULL);
	size_t i, len;

	cr_assert_not_null(kw);
	for (; *kw; kw++) {
		char c = (char)(*kw >= 'A' && *kw <= 'Z' ? *kw + 32 : *kw);
		sb_put(b, &c, 1);
	}
	if (tmdk_node_size(flags)) {
		sb_str(b, " [");
		for (i = 0; i < tmdk_node_size(flags); i++) {
			const char *t = tmdk_node_text(tmdk_node_at(flags, i), &len);
			if (i)
				sb_str(b, " ");
			go_quote(b, t, len);
		}
		sb_str(b, "]");
	}
	if (tmdk_node_get(in, "inner")) {
		sb_str(b, " (");
		dump_instruction(b, tmdk_node_get(in, "inner"));
		sb_str(b, ")");
	}
	for (i = 0; i < tmdk_node_size(args); i++) {
		const char *t = tmdk_node_text(tmdk_node_at(args, i), &len);
		sb_str(b, " ");
		go_quote(b, t, len);
	}
}

static char *dump_model(const tmdk_node *root)
{
	const tmdk_node *list = tmdk_node_get(root, "instructions");
	sbuf b = { NULL, 0, 0 };
	size_t i;
	sb_str(&b, "");
	for (i = 0; i < tmdk_node_size(list); i++) {
		sb_str(&b, "(");
		dump_instruction(&b, tmdk_node_at(list, i));
		sb_str(&b, ")\n");
	}
	return b.p;
}

/* ---- corpus access -------------------------------------------------- */

static const char *need_corpus(void)
{
	const char *dir = corpus_dir();
	if (!dir)
		cr_skip_test("corpus not found: set TMDK_CORPUS to the public corpus folder");
	return dir;
}

static int is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Sorted entries of a folder (NULL-terminated, caller frees). */
static char **list_dir(const char *path, size_t *count)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, i, j;
	cr_assert_not_null(d, "cannot open %s", path);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		names = realloc(names, (n + 2) * sizeof(*names));
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char *t = names[j];
			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	if (names)
		names[n] = NULL;
	*count = n;
	return names;
}

static void free_list(char **names, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int parse_dockerfile(const char *path, tmdk_artifact **out, tmdk_error *err)
{
	tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
	o.kind = TMDK_KIND_DOCKERFILE;
	return tmdk_artifact_parse_file(out, path, &o, err);
}

/* ---- tests ---------------------------------------------------------- */

Test(buildkit_conformance, positive_cases_dump_like_buildkit)
{
	const char *corpus = need_corpus();
	char dir[4096], path[4200];
	size_t count, i, matched = 0, total = 0;
	char **cases;

	snprintf(dir, sizeof(dir), "%s/buildkit-parser/testfiles", corpus);
	cases = list_dir(dir, &count);
	for (i = 0; i < count; i++) {
		tmdk_artifact *a = NULL;
		tmdk_error err;
		char *expected, *got;
		int rc;

		snprintf(path, sizeof(path), "%s/%s", dir, cases[i]);
		if (!is_dir(path))
			continue;
		total++;
		snprintf(path, sizeof(path), "%s/%s/result", dir, cases[i]);
		expected = read_file(path, NULL);
		cr_assert_not_null(expected, "cannot read %s", path);
		snprintf(path, sizeof(path), "%s/%s/Dockerfile", dir, cases[i]);
		rc = parse_dockerfile(path, &a, &err);
		cr_expect_eq(rc, TMDK_OK, "%s: %s:%u:%u: %s", cases[i], err.source, err.line, err.column, err.message);
		if (rc == TMDK_OK) {
			got = dump_model(view_of(a, 0));
			if (strcmp(got, expected) == 0)
				matched++;
			else
				cr_expect_str_eq(got, expected, "case %s differs", cases[i]);
			free(got);
		}
		free(expected);
		tmdk_artifact_free(a);
	}
	free_list(cases, count);
	cr_log_info("%zu/%zu positive cases match", matched, total);
	printf("buildkit conformance: %zu/%zu positive cases match\n", matched, total);
	cr_assert_eq(total, 33, "expected the 33 BuildKit cases, found %zu", total);
	cr_assert_eq(matched, total);
}

Test(buildkit_conformance, negative_cases_are_rejected_with_a_position)
{
	const char *corpus = need_corpus();
	char dir[4096], path[4200];
	size_t count, i, rejected = 0, total = 0;
	char **cases;

	snprintf(dir, sizeof(dir), "%s/buildkit-parser/testfiles-negative", corpus);
	cases = list_dir(dir, &count);
	for (i = 0; i < count; i++) {
		tmdk_artifact *a = NULL;
		tmdk_error err;
		int rc;

		snprintf(path, sizeof(path), "%s/%s/Dockerfile", dir, cases[i]);
		total++;
		rc = parse_dockerfile(path, &a, &err);
		cr_expect_eq(rc, TMDK_EPARSE, "%s: expected a parse error, got %d", cases[i], rc);
		cr_expect_null(a);
		/* the empty file has no line 1; we still point at 1:1 */
		cr_expect_gt(err.line, 0, "%s: error without a line: %s", cases[i], err.message);
		cr_expect_gt(err.column, 0, "%s: error without a column: %s", cases[i], err.message);
		if (rc == TMDK_EPARSE && err.line > 0)
			rejected++;
		if (strcmp(cases[i], "env_no_value") == 0) {
			cr_expect(strstr(err.message, "ENV must have two arguments") != NULL, "%s", err.message);
			cr_expect_eq(err.line, 3);
		} else if (strcmp(cases[i], "shykes-nested-json") == 0) {
			cr_expect(strstr(err.message, "only strings") != NULL, "%s", err.message);
			cr_expect_eq(err.line, 1);
			cr_expect_eq(err.column, 15);
		} else {
			cr_expect(strstr(err.message, "file with no instructions") != NULL, "%s: %s", cases[i], err.message);
		}
		tmdk_artifact_free(a);
	}
	free_list(cases, count);
	cr_log_info("%zu/%zu negative cases rejected", rejected, total);
	printf("buildkit conformance: %zu/%zu negative cases rejected\n", rejected, total);
	cr_assert_eq(total, 4);
	cr_assert_eq(rejected, total);
}

Test(buildkit_conformance, line_spans_match_testfile_line)
{
	static const unsigned int spans[3][2] = { { 5, 5 }, { 11, 12 }, { 17, 31 } };
	const char *corpus = need_corpus();
	const tmdk_node *list, *root;
	tmdk_artifact *a = NULL;
	tmdk_error err;
	char path[4200];
	size_t i;

	snprintf(path, sizeof(path), "%s/buildkit-parser/testfile-line/Dockerfile", corpus);
	cr_assert_eq(parse_dockerfile(path, &a, &err), TMDK_OK, "%s", err.message);
	root = view_of(a, 0);
	list = tmdk_node_get(root, "instructions");
	cr_assert_eq(tmdk_node_size(list), 3);
	cr_expect_eq(tmdk_document_line(tmdk_artifact_document(a, 0)), 5);
	for (i = 0; i < 3; i++) {
		const tmdk_node *in = tmdk_node_at(list, i);
		long long start, end;
		cr_assert_eq(tmdk_node_as_int(tmdk_node_get(in, "line"), &start), TMDK_OK);
		cr_assert_eq(tmdk_node_as_int(tmdk_node_get(in, "end_line"), &end), TMDK_OK);
		cr_expect_eq(start, spans[i][0], "instruction %zu starts on %lld", i, start);
		cr_expect_eq(end, spans[i][1], "instruction %zu ends on %lld", i, end);
		cr_expect_eq(tmdk_node_line(in), spans[i][0]);
	}
	/* the upper-case ESCAPE directive is a directive */
	cr_expect(tmdk_node_text_equals(tmdk_node_path(root, "directives.escape"), "\\"));
	tmdk_artifact_free(a);
}

Test(buildkit_conformance, every_corpus_dockerfile_parses)
{
	const char *corpus = need_corpus();
	char dir[4096], path[4200];
	size_t count, i, ok = 0, instructions = 0, stages = 0;
	char **files;

	snprintf(dir, sizeof(dir), "%s/dockerfiles", corpus);
	files = list_dir(dir, &count);
	for (i = 0; i < count; i++) {
		tmdk_artifact *a = NULL;
		tmdk_error err;
		int rc;
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		rc = parse_dockerfile(path, &a, &err);
		cr_expect_eq(rc, TMDK_OK, "%s:%u:%u: %s", files[i], err.line, err.column, err.message);
		if (rc == TMDK_OK) {
			ok++;
			instructions += tmdk_node_size(tmdk_node_get(view_of(a, 0), "instructions"));
			stages += tmdk_node_size(tmdk_node_get(view_of(a, 0), "stages"));
		}
		tmdk_artifact_free(a);
	}
	free_list(files, count);
	cr_log_info("%zu/%zu corpus Dockerfiles parse (%zu instructions, %zu stages)", ok, count, instructions, stages);
	printf("buildkit conformance: %zu/%zu corpus Dockerfiles parse (%zu instructions, %zu stages)\n",
		ok, count, instructions, stages);
	cr_assert_eq(count, 329);
	cr_assert_eq(ok, count);
}
