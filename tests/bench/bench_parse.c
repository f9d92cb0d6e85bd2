/*
 * bench_parse: how fast libtmdk turns corpus files into documents.
 *
 *   bench_parse [-n ROUNDS] CORPUS_DIR
 *
 * Loads every file of CORPUS_DIR/{dockerfiles,kubernetes,compose} into
 * memory once, then, ROUNDS times, parses each file with
 * tmdk_artifact_parse_buffer (kind detected, as tmdk-scan would; the name
 * given is the file's original base name, the part after the last "__").
 * For each folder it prints the best round: files, MB, files/s and MB/s.
 * For the YAML folders it also times libyaml's raw event parser over the
 * same bytes in the same run (yaml_parser_parse until STREAM_END, no
 * nodes built): the floor any YAML-based loader stands on. Then, in the
 * same rounds, parse + scan with the built-in catalog (one scanner reused,
 * as a tmdk-scan worker does), and the time to compile the built-in
 * catalog, and the parse again with TMDK_PARSE_LIBYAML_ONLY (YAML through
 * libyaml alone, the loader libtmdk used before its own). Then the
 * process's peak RSS. Public API only (<tmdk.h>), plus libyaml.
 *
 *   bench_parse [-n ROUNDS] --scan TMDK_SCAN CORPUS_DIR
 *
 * also measures whole processes, as a user would see them: `tmdk-scan -j1
 * --format json` over CORPUS_DIR/kubernetes against a process that only
 * reads the same files and pulls libyaml events from them (this program
 * run again as `bench_parse --libyaml-events DIR`), rounds interleaved, the
 * median of each; their MB/s, ratio and peak RSS (wait4). Then -j2 against
 * -j1 over the whole corpus (median), with the machine's own two-core
 * ceiling measured in the same rounds (two -j1 processes at once: twice
 * their throughput over one's), the part of a -j2 run on one thread (from
 * its -v phases) and the speed-up Amdahl's law leaves -j2 with it at that
 * ceiling, and the peak RSS of tmdk-scan on the
 * largest Kubernetes file (the argo-cd install manifest). The report goes
 * to /dev/null; the processes' exit statuses are checked.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tmdk.h>
#include <yaml.h>

typedef struct input {
	char *name;              /* the original base name, used for detection */
	char *data;
	size_t len;
} input;

typedef struct folder {
	const char *dir;         /* corpus sub-folder */
	const char *label;
	int yaml;                /* also time libyaml on it */
	input *files;
	size_t count, cap, bytes;
	/* results */
	double best_tmdk, best_libyaml, best_scan;
	double best_tmdk_libyaml;   /* parsed with TMDK_PARSE_LIBYAML_ONLY */
	size_t failures, documents, findings;
} folder;

static tmdk_scanner *scanner;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			char *p;
			cap = cap ? cap * 2 : 65536;
			p = realloc(buf, cap);
			if (!p) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*len = n;
	return buf;
}

/* "owner__repo__dir__Dockerfile.alpine" -> "Dockerfile.alpine". */
static char *original_name(const char *corpus_name)
{
	const char *p = corpus_name, *sep;
	while ((sep = strstr(p, "__")) != NULL && sep[2])
		p = sep + 2;
	return strdup(p);
}

static int load_folder(const char *corpus, folder *f)
{
	char dir[4096], path[8192];
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/%s", corpus, f->dir);
	d = opendir(dir);
	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		input *in;
		if (e->d_name[0] == '.')
			continue;
		if (f->count == f->cap) {
			input *p;
			f->cap = f->cap ? f->cap * 2 : 64;
			p = realloc(f->files, f->cap * sizeof(*p));
			if (!p)
				return -1;
			f->files = p;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		in = &f->files[f->count];
		in->data = slurp(path, &in->len);
		in->name = original_name(e->d_name);
		if (!in->data || !in->name) {
			fprintf(stderr, "bench_parse: cannot read %s: %s\n", path, strerror(errno));
			free(in->data);
			free(in->name);
			continue;
		}
		f->bytes += in->len;
		f->count++;
	}
	closedir(d);
	return 0;
}

/* One pass of libtmdk over a folder (parse flags: 0 or
 * TMDK_PARSE_LIBYAML_ONLY); returns the seconds taken. */
static double run_tmdk(folder *f, int first_round, unsigned int flags)
{
	double t0 = now();
	size_t i;
	tmdk_parse_options opts = TMDK_PARSE_OPTIONS_INIT;

	opts.flags = flags;
	for (i = 0; i < f->count; i++) {
		tmdk_artifact *a = NULL;
		tmdk_error err;
		int rc = tmdk_artifact_parse_buffer(&a, f->files[i].name, f->files[i].data, f->files[i].len, &opts, &err);
		if (first_round) {
			if (rc != TMDK_OK)
				f->failures++;
			else
				f->documents += tmdk_artifact_document_count(a);
		}
		tmdk_artifact_free(a);
	}
	return now() - t0;
}

static int count_finding(const tmdk_finding *f, void *payload)
{
	(void)f;
	++*(size_t *)payload;
	return 0;
}

/* One pass of parse + scan over a folder; returns the seconds taken. */
static double run_scan(folder *f, int first_round)
{
	double t0 = now();
	size_t i, findings = 0;

	for (i = 0; i < f->count; i++) {
		tmdk_artifact *a = NULL;
		tmdk_error err;
		if (tmdk_artifact_parse_buffer(&a, f->files[i].name, f->files[i].data, f->files[i].len, NULL, &err) == TMDK_OK)
			tmdk_scanner_scan(scanner, a, count_finding, &findings, &err);
		tmdk_artifact_free(a);
	}
	if (first_round)
		f->findings = findings;
	return now() - t0;
}

/* Best time to compile the built-in catalog. */
static double time_catalog_load(long rounds, size_t *patterns)
{
	double best = 0;
	long r;
	for (r = 0; r < rounds * 4; r++) {
		tmdk_catalog *cat = NULL;
		tmdk_error err;
		double t0 = now(), t;
		if (tmdk_catalog_load_builtin(&cat, &err) != TMDK_OK) {
			fprintf(stderr, "bench: built-in catalog: %s\n", err.message);
			return -1;
		}
		t = now() - t0;
		if (r == 0 || t < best)
			best = t;
		*patterns = tmdk_catalog_pattern_count(cat);
		tmdk_catalog_free(cat);
	}
	return best;
}

/* One pass of libyaml's event parser over a folder's bytes. */
static double run_libyaml(const folder *f)
{
	double t0 = now();
	size_t i;

	for (i = 0; i < f->count; i++) {
		yaml_parser_t parser;
		yaml_event_t event;
		int done = 0;

		if (!yaml_parser_initialize(&parser))
			continue;
		yaml_parser_set_input_string(&parser, (const unsigned char *)f->files[i].data, f->files[i].len);
		while (!done) {
			if (!yaml_parser_parse(&parser, &event))
				break;
			done = event.type == YAML_STREAM_END_EVENT;
			yaml_event_delete(&event);
		}
		yaml_parser_delete(&parser);
	}
	return now() - t0;
}

/* ---- whole processes ---------------------------------------------------------- */

/* --libyaml-events DIR: read every file of DIR and pull its libyaml events. */
static int libyaml_events_main(const char *dir)
{
	char path[8192];
	struct dirent *e;
	DIR *d = opendir(dir);
	if (!d)
		return 1;
	while ((e = readdir(d)) != NULL) {
		yaml_parser_t parser;
		yaml_event_t event;
		size_t len;
		char *data;
		int done = 0;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!(data = slurp(path, &len)) || !yaml_parser_initialize(&parser)) {
			free(data);
			continue;
		}
		yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
		while (!done && yaml_parser_parse(&parser, &event)) {
			done = event.type == YAML_STREAM_END_EVENT;
			yaml_event_delete(&event);
		}
		yaml_parser_delete(&parser);
		free(data);
	}
	closedir(d);
	return 0;
}

/* Start argv with stdout on /dev/null, stderr on err_fd (-1: /dev/null too); its pid, or -1. */
static pid_t start_with_stderr(char *const *argv, int err_fd)
{
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0)
			dup2(fd, STDOUT_FILENO);
		if (err_fd >= 0 || fd >= 0)
			dup2(err_fd >= 0 ? err_fd : fd, STDERR_FILENO);
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static pid_t start_quiet(char *const *argv)
{
	return start_with_stderr(argv, -1);
}

/* Run argv: wall seconds, peak RSS in MB; -1 when it failed. */
static double spawn(char *const *argv, double *rss_mb)
{
	struct rusage ru;
	double t0 = now();
	int status;
	pid_t pid = start_quiet(argv);
	if (pid < 0)
		return -1;
	if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -1;
	*rss_mb = (double)ru.ru_maxrss / 1024.0;
	return now() - t0;
}

/*
 * Run argv (a tmdk-scan -v): wall seconds, and in *serial the seconds of its
 * one-thread parts, whatever -j says: the walk, deciding the units, filling
 * and writing the report (its -v "seconds:" line), and what the phases do
 * not cover (start: loading, the catalog; exit). -1 when it failed.
 */
static double spawn_serial(char *const *argv, double *serial)
{
	static const char *const keys[] = { "walk", "parse", "units", "deciding", "models", "match", "report",
		"write" };
	double t0 = now(), wall, v[8] = { 0 }, phases;
	char line[1024];
	int status, found = 0;
	size_t k;
	FILE *err = tmpfile();
	pid_t pid;

	if (!err)
		return -1;
	pid = start_with_stderr(argv, fileno(err));
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fclose(err);
		return -1;
	}
	wall = now() - t0;
	rewind(err);
	while (fgets(line, sizeof(line), err)) {
		const char *at = strstr(line, " seconds: ");
		if (!at)
			continue;
		for (k = 0; k < 8; k++) {
			char key[32];
			const char *p;
			snprintf(key, sizeof(key), "%s ", keys[k]);
			if ((p = strstr(at, key)) != NULL && sscanf(p + strlen(key), "%lf", &v[k]) == 1)
				found++;
		}
	}
	fclose(err);
	if (found != 8)
		return -1;
	phases = v[0] + v[1] + v[2] + v[4] + v[5] + v[6] + v[7];
	*serial = v[0] + v[3] + v[6] + v[7] + (wall > phases ? wall - phases : 0);
	return wall;
}

/* Run argv twice at once: wall seconds until both end; -1 when one failed. */
static double spawn_pair(char *const *argv)
{
	double t0 = now();
	pid_t pid[2];
	int i, status, ok = 1;
	for (i = 0; i < 2; i++)
		if ((pid[i] = start_quiet(argv)) < 0)
			return -1;
	for (i = 0; i < 2; i++)
		if (waitpid(pid[i], &status, 0) != pid[i] || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			ok = 0;
	return ok ? now() - t0 : -1;
}

static int compare_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), compare_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Bytes of the regular files under dir (recursively), and the largest one's path. */
static size_t dir_bytes(const char *dir, char *largest, size_t largest_size, size_t *largest_len)
{
	char path[8192];
	struct dirent *e;
	struct stat st;
	size_t total = 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			total += dir_bytes(path, largest, largest_size, largest_len);
		} else if (S_ISREG(st.st_mode)) {
			total += (size_t)st.st_size;
			if (largest && (size_t)st.st_size > *largest_len) {
				*largest_len = (size_t)st.st_size;
				snprintf(largest, largest_size, "%s", path);
			}
		}
	}
	closedir(d);
	return total;
}

#define MAX_ROUNDS 64

static double mb(size_t bytes);

/* The whole-process comparisons; scan is the tmdk-scan binary. */
static int whole_process(const char *self, const char *scan, const char *corpus, long rounds)
{
	char k8s[4096], largest[8192] = "";
	char *scan1[] = { (char *)scan, "-j1", "--no-config", "--format", "json", "--severity-threshold", "none",
		k8s, NULL };
	char *events[] = { (char *)self, "--libyaml-events", k8s, NULL };
	/* The whole corpus: its artifact folders (buildkit-parser holds the parser's negative tests). */
	char dk[4096], co[4096], pr[4096];
	char *all1[] = { (char *)scan, "-j1", "--no-config", "--format", "json", "--severity-threshold", "none",
		k8s, dk, co, pr, NULL };
	char *all2[] = { (char *)scan, "-j2", "--no-config", "--format", "json", "--severity-threshold", "none",
		k8s, dk, co, pr, NULL };
	char *all2v[] = { (char *)scan, "-j2", "-v", "--no-config", "--format", "json", "--severity-threshold", "none",
		k8s, dk, co, pr, NULL };
	char *big[] = { (char *)scan, "-j1", "--no-config", "--format", "json", "--severity-threshold", "none",
		largest, NULL };
	double t_scan[MAX_ROUNDS], t_yaml[MAX_ROUNDS], t_j1[MAX_ROUNDS], t_j2[MAX_ROUNDS], t_pair[MAX_ROUNDS];
	double t_serial[MAX_ROUNDS];
	double rss_scan = 0, rss_yaml = 0, rss_big = 0, rss, m_scan, m_yaml, m_j1, m_j2, m_pair, t_big;
	double ceiling, m_serial, bound;
	size_t bytes, largest_len = 0, all_bytes;
	long r, n = rounds < MAX_ROUNDS ? rounds : MAX_ROUNDS;

	snprintf(k8s, sizeof(k8s), "%s/kubernetes", corpus);
	snprintf(dk, sizeof(dk), "%s/dockerfiles", corpus);
	snprintf(co, sizeof(co), "%s/compose", corpus);
	snprintf(pr, sizeof(pr), "%s/projects", corpus);
	bytes = dir_bytes(k8s, largest, sizeof(largest), &largest_len);
	all_bytes = bytes + dir_bytes(dk, NULL, 0, NULL) + dir_bytes(co, NULL, 0, NULL) + dir_bytes(pr, NULL, 0, NULL);
	if (!bytes) {
		printf("\nwhole process: no %s\n", k8s);
		return 0;
	}
	for (r = 0; r < n; r++) {
		if ((t_scan[r] = spawn(scan1, &rss)) < 0)
			goto failed;
		if (rss > rss_scan)
			rss_scan = rss;
		if ((t_yaml[r] = spawn(events, &rss)) < 0)
			goto failed;
		if (rss > rss_yaml)
			rss_yaml = rss;
	}
	m_scan = median(t_scan, (size_t)n);
	m_yaml = median(t_yaml, (size_t)n);
	printf("\nwhole process over %s (%.2f MB), median of %ld\n\n", k8s, mb(bytes), n);
	printf("%-44s %9s %9s %10s\n", "process", "seconds", "MB/s", "peak RSS");
	printf("%-44s %9.3f %9.1f %7.1f MB\n", "tmdk-scan -j1 --format json", m_scan, mb(bytes) / m_scan, rss_scan);
	printf("%-44s %9.3f %9.1f %7.1f MB\n", "read + libyaml events only", m_yaml, mb(bytes) / m_yaml, rss_yaml);
	printf("ratio (tmdk-scan throughput / libyaml's): %.2fx\n", m_yaml / m_scan);

	/* The machine's own ceiling for two cores: two -j1 processes at once
	 * share nothing but the hardware (caches, memory bandwidth, the
	 * hypervisor), so twice their throughput over one's bounds any -j2. */
	for (r = 0; r < n; r++) {
		if ((t_j1[r] = spawn(all1, &rss)) < 0 || (t_j2[r] = spawn(all2, &rss)) < 0 ||
		    (t_pair[r] = spawn_pair(all1)) < 0 || spawn_serial(all2v, &t_serial[r]) < 0)
			goto failed;
	}
	m_j1 = median(t_j1, (size_t)n);
	m_j2 = median(t_j2, (size_t)n);
	m_pair = median(t_pair, (size_t)n);
	m_serial = median(t_serial, (size_t)n);
	ceiling = 2 * m_j1 / m_pair;
	printf("\nwhole corpus %s/{kubernetes,dockerfiles,compose,projects} (%.2f MB), median of %ld:\n"
		"  -j1 %.3f s, -j2 %.3f s, speed-up %.2fx\n", corpus,
		mb(all_bytes), n, m_j1, m_j2, m_j1 / m_j2);
	printf("  two -j1 processes at once %.3f s: this machine's two-core ceiling %.2fx; -j2 reaches %.0f%% of it\n",
		m_pair, ceiling, 100.0 * (m_j1 / m_j2) / ceiling);
	/* Amdahl: the one-thread part does not shrink with -j2; the rest at
	 * best by the ceiling. */
	bound = m_j1 / (m_serial + (m_j1 > m_serial ? m_j1 - m_serial : 0) / ceiling);
	printf("  one-thread part of -j2 (walk, deciding the units, report, write, start and exit) %.3f s:\n"
		"  with the rest scaling at the ceiling, -j2 could reach %.2fx; it reaches %.0f%% of that\n",
		m_serial, bound, 100.0 * (m_j1 / m_j2) / bound);

	if ((t_big = spawn(big, &rss_big)) < 0)
		goto failed;
	printf("largest Kubernetes file %s (%.2f MB): %.3f s, peak RSS %.1f MB\n", largest, mb(largest_len), t_big,
		rss_big);
	return 0;
failed:
	fprintf(stderr, "bench: a whole-process run failed (%s)\n", scan);
	return 1;
}

static double mb(size_t bytes)
{
	return (double)bytes / (1024.0 * 1024.0);
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_parse [-n ROUNDS] [--scan TMDK_SCAN] CORPUS_DIR\n");
}

int main(int argc, char **argv)
{
	folder folders[] = {
		{ "dockerfiles", "dockerfile", 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ "kubernetes", "kubernetes", 1, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ "compose", "compose", 1, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
	};
	const size_t nfolders = sizeof(folders) / sizeof(folders[0]);
	const char *corpus = NULL;
	size_t all_files = 0, all_bytes = 0, yaml_bytes = 0, i, j;
	double all_best = 0, yaml_tmdk = 0, yaml_libyaml = 0;
	struct rusage ru;
	long rounds = 5;
	int found = 0;
	tmdk_catalog *catalog = NULL;
	tmdk_error err;
	double all_scan = 0, load_time;
	size_t patterns = 0, all_findings = 0;
	const char *scan_bin = NULL;
	int rc = 0;

	if (argc == 3 && strcmp(argv[1], "--libyaml-events") == 0)
		return libyaml_events_main(argv[2]);
	for (i = 1; i < (size_t)argc; i++) {
		if (strcmp(argv[i], "--scan") == 0 && i + 1 < (size_t)argc) {
			scan_bin = argv[++i];
			continue;
		}
		if (strcmp(argv[i], "-n") == 0 && i + 1 < (size_t)argc) {
			char *end;
			rounds = strtol(argv[++i], &end, 10);
			if (*end || rounds < 1) {
				usage();
				return 2;
			}
		} else if (argv[i][0] == '-') {
			usage();
			return 2;
		} else {
			corpus = argv[i];
		}
	}
	if (!corpus) {
		usage();
		return 2;
	}
	for (i = 0; i < nfolders; i++)
		found += load_folder(corpus, &folders[i]) == 0 && folders[i].count > 0;
	if (!found) {
		printf("bench_parse: no corpus at %s (expected dockerfiles/, kubernetes/, compose/); nothing to measure\n", corpus);
		return 0;
	}

	load_time = time_catalog_load(rounds, &patterns);
	if (load_time < 0 || tmdk_catalog_load_builtin(&catalog, &err) != TMDK_OK ||
	    tmdk_scanner_new(&scanner, catalog, NULL, &err) != TMDK_OK) {
		fprintf(stderr, "bench: cannot set up the built-in catalog: %s\n", err.message);
		return 1;
	}

	/* Rounds interleave the folders so that each sees the same machine state. */
	for (j = 0; j < (size_t)rounds; j++) {
		for (i = 0; i < nfolders; i++) {
			folder *f = &folders[i];
			double t;
			if (!f->count)
				continue;
			t = run_tmdk(f, j == 0, 0);
			if (j == 0 || t < f->best_tmdk)
				f->best_tmdk = t;
			if (f->yaml) {
				t = run_libyaml(f);
				if (j == 0 || t < f->best_libyaml)
					f->best_libyaml = t;
				t = run_tmdk(f, 0, TMDK_PARSE_LIBYAML_ONLY);
				if (j == 0 || t < f->best_tmdk_libyaml)
					f->best_tmdk_libyaml = t;
			}
			t = run_scan(f, j == 0);
			if (j == 0 || t < f->best_scan)
				f->best_scan = t;
		}
	}

	printf("libtmdk %s parse benchmark: %s, best of %ld round%s\n\n", tmdk_version(NULL, NULL, NULL), corpus,
		rounds, rounds == 1 ? "" : "s");
	printf("%-12s %6s %6s %6s %9s %10s %9s | %12s %9s\n", "kind", "files", "failed", "docs", "MB",
		"files/s", "MB/s", "libyaml MB/s", "ratio");
	printf("%-12s %6s %6s %6s %9s %10s %9s | %12s %9s\n", "------------", "------", "------", "------",
		"---------", "----------", "---------", "------------", "---------");
	for (i = 0; i < nfolders; i++) {
		const folder *f = &folders[i];
		if (!f->count)
			continue;
		printf("%-12s %6zu %6zu %6zu %9.2f %10.0f %9.1f | ", f->label, f->count, f->failures, f->documents,
			mb(f->bytes), (double)f->count / f->best_tmdk, mb(f->bytes) / f->best_tmdk);
		if (f->yaml)
			printf("%12.1f %8.2fx\n", mb(f->bytes) / f->best_libyaml, f->best_libyaml / f->best_tmdk);
		else
			printf("%12s %9s\n", "-", "-");
		all_files += f->count;
		all_bytes += f->bytes;
		all_best += f->best_tmdk;
		if (f->yaml) {
			yaml_bytes += f->bytes;
			yaml_tmdk += f->best_tmdk;
			yaml_libyaml += f->best_libyaml;
		}
	}
	printf("%-12s %6zu %6s %6s %9.2f %10.0f %9.1f |\n", "all", all_files, "", "", mb(all_bytes),
		(double)all_files / all_best, mb(all_bytes) / all_best);
	if (yaml_bytes)
		printf("%-12s %6s %6s %6s %9.2f %10s %9.1f | %12.1f %8.2fx\n", "all YAML", "", "", "", mb(yaml_bytes),
			"", mb(yaml_bytes) / yaml_tmdk, mb(yaml_bytes) / yaml_libyaml, yaml_libyaml / yaml_tmdk);
	printf("\nratio = libtmdk speed / libyaml event-parse speed on the same bytes (1.00x = as fast as\n"
		"the raw tokenizer; libtmdk also builds nodes, positions, comments, detection and views).\n");
	printf("\nthe same parse with YAML loaded through libyaml alone (TMDK_PARSE_LIBYAML_ONLY), same rounds:\n");
	for (i = 0; i < nfolders; i++) {
		const folder *f = &folders[i];
		if (f->count && f->yaml)
			printf("  %-10s %7.1f MB/s through libyaml, %7.1f MB/s with libtmdk's YAML loader: %.2fx\n",
				f->label, mb(f->bytes) / f->best_tmdk_libyaml, mb(f->bytes) / f->best_tmdk,
				f->best_tmdk_libyaml / f->best_tmdk);
	}

	printf("\nparse + scan with the built-in catalog (%zu patterns; compiled in %.2f ms, best of %ld)\n\n",
		patterns, load_time * 1000.0, rounds * 4);
	printf("%-12s %6s %9s %10s %9s %9s %12s\n", "kind", "files", "findings", "files/s", "MB/s", "parse MB/s",
		"scan adds");
	printf("%-12s %6s %9s %10s %9s %9s %12s\n", "------------", "------", "---------", "----------",
		"---------", "---------", "------------");
	for (i = 0; i < nfolders; i++) {
		const folder *f = &folders[i];
		if (!f->count)
			continue;
		printf("%-12s %6zu %9zu %10.0f %9.1f %9.1f %11.0f%%\n", f->label, f->count, f->findings,
			(double)f->count / f->best_scan, mb(f->bytes) / f->best_scan, mb(f->bytes) / f->best_tmdk,
			(f->best_scan / f->best_tmdk - 1.0) * 100.0);
		all_scan += f->best_scan;
		all_findings += f->findings;
	}
	printf("%-12s %6zu %9zu %10.0f %9.1f %9.1f %11.0f%%\n", "all", all_files, all_findings,
		(double)all_files / all_scan, mb(all_bytes) / all_scan, mb(all_bytes) / all_best,
		(all_scan / all_best - 1.0) * 100.0);
	printf("\nscan adds = time of parse + scan over time of parse alone, minus one (the matching cost).\n");
	tmdk_scanner_free(scanner);
	tmdk_catalog_free(catalog);
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		printf("peak RSS: %.1f MB (corpus held in memory: %.1f MB)\n", (double)ru.ru_maxrss / 1024.0, mb(all_bytes));

	for (i = 0; i < nfolders; i++) {
		for (j = 0; j < folders[i].count; j++) {
			free(folders[i].files[j].data);
			free(folders[i].files[j].name);
		}
		free(folders[i].files);
	}
	if (scan_bin) {
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		if (n <= 0) {
			fprintf(stderr, "bench: cannot find this program (/proc/self/exe)\n");
			return 1;
		}
		self[n] = '\0';
		rc = whole_process(self, scan_bin, corpus, rounds);
	}
	return rc;
}
