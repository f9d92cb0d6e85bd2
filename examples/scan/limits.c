/*
 * --limit NAME=N: every resource limit of the library (README, "Limits"),
 * by the name of its options field, applied to the parse, compile and scan
 * options tmdk-scan builds. The PCRE2 limits go to both the compile options
 * (the catalog's own) and the scan options (the override).
 */
#include "tmdk-scan.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum target { PARSE = 1, COMPILE = 2, SCAN = 4 };

typedef struct limit_spec {
	const char *name;
	unsigned int targets;
	int is_size_t;               /* else unsigned int */
	size_t parse_off, compile_off, scan_off;
} limit_spec;

#define P(f) offsetof(tmdk_parse_options, f)
#define C(f) offsetof(tmdk_compile_options, f)
#define S(f) offsetof(tmdk_scan_options, f)

static const limit_spec limits[LIMIT_COUNT] = {
	{ "max_input_bytes", PARSE, 1, P(max_input_bytes), 0, 0 },
	{ "max_depth", PARSE, 0, P(max_depth), 0, 0 },
	{ "max_alias_nodes", PARSE, 1, P(max_alias_nodes), 0, 0 },
	{ "max_documents", PARSE, 0, P(max_documents), 0, 0 },
	{ "max_line_length", PARSE, 1, P(max_line_length), 0, 0 },
	{ "max_instructions", PARSE, 0, P(max_instructions), 0, 0 },
	{ "max_heredoc_bytes", PARSE, 1, P(max_heredoc_bytes), 0, 0 },
	{ "max_catalog_bytes", COMPILE, 1, 0, C(max_catalog_bytes), 0 },
	{ "max_patterns", COMPILE, 0, 0, C(max_patterns), 0 },
	{ "max_regex_length", COMPILE, 1, 0, C(max_regex_length), 0 },
	{ "regex_match_limit", COMPILE | SCAN, 0, 0, C(regex_match_limit), S(regex_match_limit) },
	{ "regex_depth_limit", COMPILE | SCAN, 0, 0, C(regex_depth_limit), S(regex_depth_limit) },
	{ "max_findings", SCAN, 1, 0, 0, S(max_findings) },
	{ "max_set_visits", SCAN, 1, 0, 0, S(max_set_visits) },
};

static void usage(const char *fmt, const char *arg)
{
	size_t i;
	fprintf(stderr, "%s: ", PROGRAM);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nlimits:");
	for (i = 0; i < LIMIT_COUNT; i++)
		fprintf(stderr, " %s", limits[i].name);
	fprintf(stderr, "\nTry '%s --help' for more information.\n", PROGRAM);
}

int parse_limit(scan_config *cfg, const char *item)
{
	const char *eq = strchr(item, '=');
	char *end;
	unsigned long long v;
	size_t i;

	if (!eq) {
		usage("invalid --limit '%s' (expected NAME=N)", item);
		return EXIT_TROUBLE;
	}
	for (i = 0; i < LIMIT_COUNT; i++)
		if (strlen(limits[i].name) == (size_t)(eq - item) && strncmp(limits[i].name, item, (size_t)(eq - item)) == 0)
			break;
	if (i == LIMIT_COUNT) {
		usage("unknown limit in '%s'", item);
		return EXIT_TROUBLE;
	}
	errno = 0;
	v = strtoull(eq + 1, &end, 10);
	if (!eq[1] || *end || eq[1] == '-' || errno || v == 0 ||
	    v > (limits[i].is_size_t ? (unsigned long long)SIZE_MAX : (unsigned long long)UINT_MAX)) {
		usage("invalid value in --limit '%s' (expected a whole number from 1)", item);
		return EXIT_TROUBLE;
	}
	cfg->limits[i] = (size_t)v;
	return -1;
}

static void set_field(void *options, size_t offset, int is_size_t, size_t value)
{
	char *field = (char *)options + offset;
	if (is_size_t) {
		memcpy(field, &value, sizeof(value));
	} else {
		unsigned int u = (unsigned int)value;
		memcpy(field, &u, sizeof(u));
	}
}

static void apply(const scan_config *cfg, void *options, enum target t)
{
	size_t i;
	for (i = 0; i < LIMIT_COUNT; i++) {
		size_t off = t == PARSE ? limits[i].parse_off : t == COMPILE ? limits[i].compile_off : limits[i].scan_off;
		if (cfg->limits[i] && (limits[i].targets & t))
			set_field(options, off, limits[i].is_size_t, cfg->limits[i]);
	}
}

void apply_parse_limits(tmdk_parse_options *o, const scan_config *cfg) { apply(cfg, o, PARSE); }
void apply_compile_limits(tmdk_compile_options *o, const scan_config *cfg) { apply(cfg, o, COMPILE); }
void apply_scan_limits(tmdk_scan_options *o, const scan_config *cfg) { apply(cfg, o, SCAN); }
