/*
 * Helm charts: rendering a chart with `helm template` (when helm is on PATH,
 * or given with --helm / `helm:`), and splitting a rendered stream into one
 * artifact per template by helm's `# Source: CHART/templates/x.yaml`
 * comments, so each finding names the template that produced it. Line
 * numbers are those of the template's rendered output (the document after
 * its `# Source:` comment), since the template itself is not YAML.
 */
#include "tmdk-scan.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define HELM_OUTPUT_MAX ((size_t)256 * 1024 * 1024)

static const char SOURCE[] = "# Source: ";

/* A line of data[at..len): its length without the newline; *next the start of the next. */
static size_t line_at(const char *data, size_t len, size_t at, size_t *next)
{
	const char *nl = memchr(data + at, '\n', len - at);
	size_t end = nl ? (size_t)(nl - data) : len;
	*next = nl ? end + 1 : len;
	if (end > at && data[end - 1] == '\r')
		end--;
	return end - at;
}

int helm_is_stream(const char *data, size_t len)
{
	size_t at = 0, next;
	/* The first non-blank, non-"---" line is a `# Source:` comment. */
	while (at < len) {
		size_t n = line_at(data, len, at, &next);
		const char *l = data + at;
		while (n && (*l == ' ' || *l == '\t')) {
			l++;
			n--;
		}
		if (n && !(n == 3 && !memcmp(l, "---", 3)))
			return n >= sizeof(SOURCE) - 1 && !memcmp(l, SOURCE, sizeof(SOURCE) - 1);
		at = next;
	}
	return 0;
}

static void set_err(tmdk_error *err, int code, unsigned int line, const char *fmt, const char *arg)
{
	tmdk_error_clear(err);
	err->code = code;
	err->line = line;
	err->column = line ? 1 : 0;
	snprintf(err->message, sizeof(err->message), fmt, arg ? arg : "");
}

/* "chart/templates/x.yaml" -> CHART_DIR/templates/x.yaml (the chart's name is helm's, the folder ours). */
static char *template_path(const char *chart_dir, const char *source, size_t n)
{
	const char *slash = memchr(source, '/', n);
	size_t rest, dir = strlen(chart_dir);
	char *out;
	if (!slash || slash == source || (size_t)(slash - source) + 1 >= n)
		return NULL;
	rest = n - (size_t)(slash - source) - 1;
	if (!(out = malloc(dir + rest + 2)))
		return NULL;
	memcpy(out, chart_dir, dir);
	out[dir] = '/';
	memcpy(out + dir + 1, slash + 1, rest);
	out[dir + rest + 1] = '\0';
	return out;
}

typedef struct chunk {
	char *path;
	char *text;
	size_t len, cap;
} chunk;

static int chunk_append(chunk *c, const char *s, size_t n)
{
	if (c->len + n + 1 > c->cap) {
		size_t cap = c->cap ? c->cap : 256;
		char *grown;
		while (cap < c->len + n + 1)
			cap *= 2;
		if (!(grown = realloc(c->text, cap)))
			return -1;
		c->text = grown;
		c->cap = cap;
	}
	memcpy(c->text + c->len, s, n);
	c->len += n;
	c->text[c->len] = '\0';
	return 0;
}

int helm_split(const scan_config *cfg, const char *chart_dir, const char *data, size_t len, tmdk_artifact ***out,
	size_t *count, tmdk_error *err)
{
	chunk *chunks = NULL;
	size_t chunk_count = 0, at = 0, next, i;
	unsigned int line = 0;
	long current = -1;
	int rc = TMDK_OK;

	*out = NULL;
	*count = 0;
	while (at < len && rc == TMDK_OK) {
		size_t n = line_at(data, len, at, &next);
		const char *l = data + at;
		line++;
		if (n >= sizeof(SOURCE) - 1 && !memcmp(l, SOURCE, sizeof(SOURCE) - 1)) {
			char *path = template_path(chart_dir, l + sizeof(SOURCE) - 1, n - (sizeof(SOURCE) - 1));
			if (!path) {
				char what[256];
				snprintf(what, sizeof(what), "%.*s", (int)(n < 200 ? n : 200), l);
				set_err(err, TMDK_EPARSE, line, "not a helm `# Source: CHART/PATH` comment: %s", what);
				rc = TMDK_EPARSE;
				break;
			}
			for (i = 0; i < chunk_count && strcmp(chunks[i].path, path) != 0; i++)
				;
			if (i == chunk_count) {
				chunk *grown = realloc(chunks, (chunk_count + 1) * sizeof(*chunks));
				if (!grown) {
					free(path);
					rc = TMDK_ENOMEM;
					break;
				}
				chunks = grown;
				memset(&chunks[chunk_count], 0, sizeof(*chunks));
				chunks[chunk_count++].path = path;
			} else {
				free(path);
				if (chunk_append(&chunks[i], "---\n", 4) != 0)
					rc = TMDK_ENOMEM;
			}
			current = (long)i;
		} else if (n == 3 && !memcmp(l, "---", 3)) {
			current = current >= 0 ? current : -1;
		} else if (current < 0) {
			size_t k;
			for (k = 0; k < n && (l[k] == ' ' || l[k] == '\t'); k++)
				;
			if (k < n && l[k] != '#') {
				set_err(err, TMDK_EPARSE, line, "%s", "a rendered Helm stream: a document before its `# Source:` comment");
				rc = TMDK_EPARSE;
			}
		} else if (chunk_append(&chunks[current], l, next - at) != 0) {
			rc = TMDK_ENOMEM;
		}
		at = next;
	}
	if (rc == TMDK_OK && !chunk_count) {
		set_err(err, TMDK_EPARSE, 0, "%s", "a rendered Helm stream without any `# Source:` comment");
		rc = TMDK_EPARSE;
	}
	if (rc == TMDK_OK && !(*out = calloc(chunk_count + 1, sizeof(**out))))
		rc = TMDK_ENOMEM;
	for (i = 0; rc == TMDK_OK && i < chunk_count; i++) {
		tmdk_parse_options o = TMDK_PARSE_OPTIONS_INIT;
		tmdk_artifact *a = NULL;
		apply_parse_limits(&o, cfg);
		o.kind = TMDK_KIND_KUBERNETES;
		rc = tmdk_artifact_parse_buffer(&a, chunks[i].path, chunks[i].text ? chunks[i].text : "", chunks[i].len,
			&o, err);
		if (rc != TMDK_OK) {
			/* name the template in the error */
			char message[sizeof(err->message)];
			memcpy(message, err->message, sizeof(message));
			message[160] = '\0';
			snprintf(err->message, sizeof(err->message), "%.160s (rendered template %.120s)", message, chunks[i].path);
			break;
		}
		(*out)[(*count)++] = a;
	}
	if (rc == TMDK_ENOMEM)
		set_err(err, TMDK_ENOMEM, 0, "%s", "out of memory");
	if (rc != TMDK_OK) {
		for (i = 0; *out && i < *count; i++)
			tmdk_artifact_free((*out)[i]);
		free(*out);
		*out = NULL;
		*count = 0;
	}
	for (i = 0; i < chunk_count; i++) {
		free(chunks[i].path);
		free(chunks[i].text);
	}
	free(chunks);
	return rc;
}

/* The helm program to run: --helm/`helm:` PATH, else `helm` on PATH, else NULL. */
static const char *helm_program(const scan_config *cfg, char *buf, size_t size)
{
	const char *path = getenv("PATH");
	if (cfg->helm && strcmp(cfg->helm, "required") != 0 && strcmp(cfg->helm, "auto") != 0)
		return strcmp(cfg->helm, "never") == 0 ? NULL : cfg->helm;
	while (path && *path) {
		const char *colon = strchr(path, ':');
		size_t n = colon ? (size_t)(colon - path) : strlen(path);
		if (n && (size_t)snprintf(buf, size, "%.*s/helm", (int)n, path) < size && access(buf, X_OK) == 0)
			return buf;
		path = colon ? colon + 1 : NULL;
	}
	return NULL;
}

int helm_required(const scan_config *cfg)
{
	return cfg->helm && strcmp(cfg->helm, "auto") != 0 && strcmp(cfg->helm, "never") != 0;
}

/* Read a file descriptor to the end (at most max bytes). */
static char *read_all(int fd, size_t max, size_t *len_out)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap + 1);
	while (buf) {
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len > max)
			break;
		if (len == cap) {
			char *grown = realloc(buf, cap * 2 + 1);
			if (!grown) {
				free(buf);
				return NULL;
			}
			buf = grown;
			cap *= 2;
		}
	}
	if (buf) {
		buf[len] = '\0';
		*len_out = len;
	}
	return buf;
}

int helm_render(const scan_config *cfg, const char *chart, char **out, size_t *len_out, char *why, size_t why_size)
{
	char found[4096], errfile[] = "/tmp/tmdk-helm-XXXXXX";
	const char *program = helm_program(cfg, found, sizeof(found));
	const char **argv;
	posix_spawn_file_actions_t actions;
	int pipefd[2], errfd, status = 0, rc;
	size_t i, argc = 0, len = 0;
	pid_t pid;
	char *data;

	*out = NULL;
	*len_out = 0;
	if (!program) {
		snprintf(why, why_size, "%s", cfg->helm && strcmp(cfg->helm, "never") == 0 ? "helm: never" :
			"helm is not on PATH (--helm PATH names it)");
		return 1;
	}
	if (!(argv = calloc(cfg->helm_value_count * 2 + 5, sizeof(*argv))))
		return -1;
	argv[argc++] = program;
	argv[argc++] = "template";
	argv[argc++] = chart;
	/* values files, relative to the chart; those a chart does not have are left out */
	for (i = 0; i < cfg->helm_value_count; i++) {
		char path[4096];
		struct stat st;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", chart, cfg->helm_values[i]) >= sizeof(path) ||
		    stat(path, &st) != 0)
			continue;
		argv[argc++] = "--values";
		if (!(argv[argc++] = strdup(path))) {
			argc -= 2;
			break;
		}
	}
	argv[argc] = NULL;
	if (pipe(pipefd) != 0 || (errfd = mkstemp(errfile)) < 0) {
		snprintf(why, why_size, "cannot run %s: %s", program, strerror(errno));
		for (i = 4; i < argc; i += 2)
			free((void *)argv[i]);
		free((void *)argv);
		return 2;
	}
	unlink(errfile);
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, pipefd[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&actions, errfd, STDERR_FILENO);
	posix_spawn_file_actions_addclose(&actions, pipefd[0]);
	posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	rc = posix_spawnp(&pid, program, &actions, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	close(pipefd[1]);
	for (i = 4; i < argc; i += 2)
		free((void *)argv[i]);
	free((void *)argv);
	if (rc != 0) {
		snprintf(why, why_size, "cannot run %s: %s", program, strerror(rc));
		close(pipefd[0]);
		close(errfd);
		return 2;
	}
	data = read_all(pipefd[0], HELM_OUTPUT_MAX, &len);
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!data) {
		close(errfd);
		return -1;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || len > HELM_OUTPUT_MAX) {
		char message[512] = "";
		ssize_t n;
		lseek(errfd, 0, SEEK_SET);
		n = read(errfd, message, sizeof(message) - 1);
		message[n > 0 ? n : 0] = '\0';
		message[strcspn(message, "\r\n")] = '\0';
		if (len > HELM_OUTPUT_MAX)
			snprintf(why, why_size, "`%s template %s`: output over %zu bytes", program, chart, HELM_OUTPUT_MAX);
		else if (WIFEXITED(status))
			snprintf(why, why_size, "`%s template %s` failed (exit %d)%s%s", program, chart, WEXITSTATUS(status),
				message[0] ? ": " : "", message);
		else
			snprintf(why, why_size, "`%s template %s` was killed", program, chart);
		free(data);
		close(errfd);
		return 2;
	}
	close(errfd);
	*out = data;
	*len_out = len;
	return 0;
}
