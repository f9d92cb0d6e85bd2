/* A JSON string on standard output, for the test dump programs (compose_dump, kustomize_dump). */
#ifndef TMDK_TESTS_JSON_OUT_H
#define TMDK_TESTS_JSON_OUT_H

#include <stdio.h>

static void json_put_string(const char *s, size_t len)
{
	size_t i;
	putchar('"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

#endif
