/*
 * libFuzzer harness: tmdk-scan's configuration parser
 * (examples/scan/config.c, compiled in here with the library), then
 * --print-config of what it read, which must parse again with the same
 * result. Errors are expected; a crash, a leak or a printed configuration
 * that does not read back is not.
 */
#include "fuzz_common.h"

#include "../../examples/scan/config.c"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void init(scan_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->format = TMDK_REPORT_TEXT;
	cfg->builtin = 1;
	cfg->threshold = TMDK_SEVERITY_LOW;
	cfg->min_severity = TMDK_SEVERITY_INFO;
	cfg->inline_ignores = 1;
}

static void release(scan_config *cfg)
{
	config_free(cfg); /* every list a configuration fills */
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	scan_config cfg, again;
	char *printed = NULL, *reprinted = NULL;
	size_t plen = 0, rlen = 0;
	FILE *out;

	init(&cfg);
	if (config_parse(&cfg, "fuzz/.tmdk.yaml", (const char *)data, size, NULL) >= 0) {
		release(&cfg);
		return 0;
	}
	/* What --print-config prints reads back to the same settings. */
	out = open_memstream(&printed, &plen);
	if (!out || config_print(&cfg, out) != 0 || fclose(out) != 0)
		abort();
	init(&again);
	if (config_parse(&again, "printed.yaml", printed, plen, NULL) >= 0)
		abort();
	out = open_memstream(&reprinted, &rlen);
	if (!out || config_print(&again, out) != 0 || fclose(out) != 0)
		abort();
	/* The first line names the file read: compare the rest. */
	if (strcmp(strchr(printed, '\n'), strchr(reprinted, '\n')) != 0)
		abort();
	free(printed);
	free(reprinted);
	release(&cfg);
	release(&again);
	return 0;
}
