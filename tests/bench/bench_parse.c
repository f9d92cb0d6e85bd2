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
 * catalog. Then the process's peak RSS. Public API only (<tmdk.h>), plus
 * libyaml.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

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

/* One pass of libtmdk over a folder; returns the seconds taken. */
static double run_tmdk(folder *f, int first_round)
{
	double t0 = now();
	size_t i;

	for (i = 0; i < f->count; i++) {
		tmdk_artifact *a = NULL;
		tmdk_error err;
		int rc = tmdk_artifact_parse_buffer(&a, f->files[i].name, f->files[i].data, f->files[i].len, NULL, &err);
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

static double mb(size_t bytes)
{
	return (double)bytes / (1024.0 * 1024.0);
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_parse [-n ROUNDS] CORPUS_DIR\n");
}

int main(int argc, char **argv)
{
	folder folders[] = {
		{ "dockerfiles", "dockerfile", 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ "kubernetes", "kubernetes", 1, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ "compose", "compose", 1, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
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

	for (i = 1; i < (size_t)argc; i++) {
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
			t = run_tmdk(f, j == 0);
			if (j == 0 || t < f->best_tmdk)
				f->best_tmdk = t;
			if (f->yaml) {
				t = run_libyaml(f);
				if (j == 0 || t < f->best_libyaml)
					f->best_libyaml = t;
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
	return 0;
}
