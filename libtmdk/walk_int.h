/* Internal: folder listings in byte order, shared by tmdk_walk and the catalog loader. */
#ifndef TMDK_WALK_INT_H
#define TMDK_WALK_INT_H

#include <stddef.h>

#include "tmdk/errors.h"

/* What readdir says an entry is, when the file system says (d_type): a
 * walk need not stat a plain file or folder to know what it is. */
enum {
	TMDK__ENTRY_UNKNOWN = 0,     /* not said: stat it */
	TMDK__ENTRY_FILE,
	TMDK__ENTRY_FOLDER,
	TMDK__ENTRY_LINK,
	TMDK__ENTRY_OTHER
};

typedef struct tmdk__folder_entry {
	const char *name;            /* in the listing's names */
	unsigned char type;          /* TMDK__ENTRY_* */
} tmdk__folder_entry;

/* A folder's entries; the names are in one block (one allocation, not one per name). */
typedef struct tmdk__listing {
	tmdk__folder_entry *entries;
	size_t count;
	char *names;
} tmdk__listing;

/**
 * The entries of a folder but "." and "..", sorted by name with strcmp
 * (byte order, never the locale). @return TMDK_OK, TMDK_EIO (err: "cannot
 * open folder: …") or TMDK_ENOMEM; out is empty unless TMDK_OK. Free with
 * tmdk__listing_free.
 */
int tmdk__list_folder(const char *path, tmdk__listing *out, tmdk_error *err);
void tmdk__listing_free(tmdk__listing *l);

#endif
