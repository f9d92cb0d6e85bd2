/* Internal: folder listings in byte order, shared by tmdk_walk and the catalog loader. */
#ifndef TMDK_WALK_INT_H
#define TMDK_WALK_INT_H

#include <stddef.h>

#include "tmdk/errors.h"

/**
 * The names in a folder but "." and "..", sorted by strcmp (byte order,
 * never the locale). @return TMDK_OK, TMDK_EIO (err: "cannot open folder: …")
 * or TMDK_ENOMEM. Free with tmdk__names_free.
 */
int tmdk__list_folder(const char *path, char ***names_out, size_t *count_out, tmdk_error *err);
void tmdk__names_free(char **names, size_t count);

#endif
