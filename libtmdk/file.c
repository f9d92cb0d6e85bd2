/* Reading a whole file into memory, with a size limit (artifacts and catalogs). */
#include "internal.h"
#include "array.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int tmdk__read_file(const char *path, size_t max, const char *limit_name, char **buf_out, size_t *len_out,
	tmdk_error *err)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	struct stat st;
	FILE *f;

	*buf_out = NULL;
	*len_out = 0;
	f = fopen(path, "rb");
	if (!f)
		return tmdk__error_set(err, TMDK_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
	if (fstat(fileno(f), &st) != 0)
		st.st_mode = 0;
	if (S_ISDIR(st.st_mode)) {
		fclose(f);
		return tmdk__error_set(err, TMDK_EIO, path, 0, 0, "is a directory");
	}
	/* A regular file: one buffer of its size (and the NUL and one byte to
	 * see the end), not a chain of doublings, each a copy and fresh pages. */
	if (S_ISREG(st.st_mode) && st.st_size >= 0 && (unsigned long long)st.st_size < (unsigned long long)max &&
	    (unsigned long long)st.st_size < SIZE_MAX / 2 &&
	    TMDK__ARRAY_RESERVE_N(buf, len, cap, (size_t)st.st_size + 2, 0) != TMDK_OK) {
		fclose(f);
		return tmdk__error_set(err, TMDK_ENOMEM, path, 0, 0, "out of memory");
	}
	if (buf)
		tmdk__prefault(buf, (size_t)st.st_size + 1); /* the kernel fills it: no trap per page */
	for (;;) {
		size_t n;
		/* at least a byte to read into, and the NUL */
		if (TMDK__ARRAY_RESERVE_N(buf, len, cap, 2, 65536) != TMDK_OK) {
			tmdk__free(buf);
			fclose(f);
			return tmdk__error_set(err, TMDK_ENOMEM, path, 0, 0, "out of memory");
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (len > max) {
			tmdk__free(buf);
			fclose(f);
			return tmdk__error_set(err, TMDK_ELIMIT, path, 0, 0,
				"file is over the limit of %zu bytes (%s)", max, limit_name);
		}
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		int e = errno;
		tmdk__free(buf);
		fclose(f);
		return tmdk__error_set(err, TMDK_EIO, path, 0, 0, "read error: %s", strerror(e));
	}
	fclose(f);
	buf[len] = '\0';
	*buf_out = buf;
	*len_out = len;
	return TMDK_OK;
}
