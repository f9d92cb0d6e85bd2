/* libFuzzer harness: the Dockerfile parser (the whole input is the file,
 * its RUN commands split by the shell splitter), and the splitter alone on
 * the whole input as shell text. */
#include "fuzz_common.h"
#include "libtmdk/shell_split.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	tmdk_artifact *a = fuzz_parse("Dockerfile", data, size, TMDK_KIND_DOCKERFILE);
	tmdk__sh_split sp = TMDK__SH_SPLIT_INIT;
	tmdk_artifact_free(a);
	(void)tmdk__sh_split_text(&sp, (const char *)data, size, 0);
	tmdk__sh_split_free(&sp);
	return 0;
}
