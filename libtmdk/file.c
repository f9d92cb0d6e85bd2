/* Reading a whole file into memory, with a size limit (artifacts and catalogs). */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef O_CLOEXEC
# define O_CLOEXEC 0
#endif

/*
 * A file's text is a block of the chunk pool (chunk_pool.c), its bytes after
 * a header that says which region it came from: when a program turned the
 * huge-page regions on, the text of a tree's files sits in huge pages beside
 * its nodes instead of in 4 KB pages of a thread's malloc heap, which on a
 * virtual machine cost three times as much to fault in.
 */
#define TEXT_HEADER ((sizeof(tmdk__region *) + 15) & ~(size_t)15)

/* Room for `size` bytes of text, or NULL. */
static char *text_block(size_t size)
{
	tmdk__region *region;
	char *p;

	if (size > SIZE_MAX - TEXT_HEADER || !(p = tmdk__chunk_get(TEXT_HEADER + size, &region)))
		return NULL;
	memcpy(p, &region, sizeof(region));
	return p + TEXT_HEADER;
}

tmdk__region *tmdk__text_region(const char *buf)
{
	tmdk__region *region = NULL;
	if (buf)
		memcpy(&region, buf - TEXT_HEADER, sizeof(region));
	return region;
}

void tmdk__text_free(char *buf)
{
	tmdk__region *region;

	if (!buf)
		return;
	memcpy(&region, buf - TEXT_HEADER, sizeof(region));
	tmdk__chunk_put(buf - TEXT_HEADER, region);
}

/* Room for `more` bytes after the first `len` of *buf (capacity *cap):
 * doubled from 64 KB, the text moved. @return TMDK_OK or TMDK_ENOMEM. */
static int text_reserve(char **buf, size_t len, size_t *cap, size_t more)
{
	size_t ncap = *cap > 65536 ? *cap : 65536;
	char *grown;

	if (more <= *cap - len)
		return TMDK_OK;
	while (ncap - len < more) {
		if (ncap > SIZE_MAX / 2)
			return TMDK_ENOMEM;
		ncap *= 2;
	}
	if (!(grown = text_block(ncap)))
		return TMDK_ENOMEM;
	if (len)
		memcpy(grown, *buf, len);
	tmdk__text_free(*buf);
	*buf = grown;
	*cap = ncap;
	return TMDK_OK;
}

/* The fd's bytes to its end, into *buf (capacity *cap, grown), as
 * tmdk__read_file wants them. @return TMDK_OK, ENOMEM, ELIMIT or EIO. */
static int read_all(int fd, size_t max, char **buf, size_t *len, size_t *cap)
{
	for (;;) {
		ssize_t n;
		/* at least a byte to read into, and the NUL */
		if (text_reserve(buf, *len, cap, 2) != TMDK_OK)
			return TMDK_ENOMEM;
		n = read(fd, *buf + *len, *cap - *len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return TMDK_EIO;
		*len += (size_t)n;
		if (*len > max)
			return TMDK_ELIMIT;
		if (n == 0)
			return TMDK_OK;
	}
}

/* open and read, not stdio: a FILE costs two allocations (itself and a 4 KB
 * buffer), a second fstat and a copy through that buffer, for each of the
 * thousands of files of a tree. */
int tmdk__read_file(const char *path, size_t max, const char *limit_name, char **buf_out, size_t *len_out,
	tmdk_error *err)
{
	size_t len = 0, cap = 0;
	char *buf = NULL;
	struct stat st;
	int fd, rc, e;

	*buf_out = NULL;
	*len_out = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tmdk__error_set(err, TMDK_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) != 0)
		st.st_mode = 0;
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return tmdk__error_set(err, TMDK_EIO, path, 0, 0, "is a directory");
	}
	/* A regular file: one buffer of its size exactly (and the NUL and one
	 * byte to see the end), not a chain of doublings, each a copy and fresh
	 * pages, nor the next power of two (the array's growth, a third more
	 * memory on a corpus). */
	if (S_ISREG(st.st_mode) && st.st_size >= 0 && (unsigned long long)st.st_size < (unsigned long long)max &&
	    (unsigned long long)st.st_size < SIZE_MAX / 2) {
		cap = (size_t)st.st_size + 2;
		if (!(buf = text_block(cap))) {
			close(fd);
			return tmdk__error_set(err, TMDK_ENOMEM, path, 0, 0, "out of memory");
		}
	}
	rc = read_all(fd, max, &buf, &len, &cap);
	e = errno;
	close(fd);
	if (rc != TMDK_OK) {
		tmdk__text_free(buf);
		if (rc == TMDK_ENOMEM)
			return tmdk__error_set(err, TMDK_ENOMEM, path, 0, 0, "out of memory");
		if (rc == TMDK_ELIMIT)
			return tmdk__error_set(err, TMDK_ELIMIT, path, 0, 0, "file is over the limit of %zu bytes (%s)", max,
				limit_name);
		return tmdk__error_set(err, TMDK_EIO, path, 0, 0, "read error: %s", strerror(e));
	}
	buf[len] = '\0';
	*buf_out = buf;
	*len_out = len;
	return TMDK_OK;
}
