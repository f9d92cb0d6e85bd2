/*
 * libtmdk — error codes and the caller-owned error record.
 *
 * Every fallible function returns an int: TMDK_OK (0) on success, a negative
 * tmdk_error_code on failure. Details go into a tmdk_error the caller owns
 * (usually on its stack); every function accepts NULL for it. The library
 * keeps no thread-local error state.
 */
#ifndef TMDK_ERRORS_H
#define TMDK_ERRORS_H

#include "common.h"

TMDK_BEGIN_DECL

typedef enum tmdk_error_code {
	TMDK_OK = 0,
	TMDK_ERROR = -1,     /**< generic failure */
	TMDK_ENOMEM = -2,    /**< an allocation failed */
	TMDK_EINVAL = -3,    /**< invalid argument or options (bad version field) */
	TMDK_EIO = -4,       /**< a file could not be read */
	TMDK_EPARSE = -5,    /**< syntax error in YAML, JSON or a Dockerfile */
	TMDK_ESCHEMA = -6,   /**< a catalog is well-formed YAML but not a valid catalog */
	TMDK_EREGEX = -7,    /**< a regular expression did not compile or failed to match */
	TMDK_ELIMIT = -8,    /**< a configured resource limit was reached */
	TMDK_EUSER = -9,     /**< a user callback asked to abort */
	TMDK_ENOTFOUND = -10, /**< the requested item does not exist */
	TMDK_EFORMAT = -11   /**< a compiled catalog is corrupt, truncated or from another libtmdk version */
} tmdk_error_code;

#define TMDK_ERROR_SOURCE_MAX 256
#define TMDK_ERROR_MESSAGE_MAX 320

/**
 * Where and why something failed. Lines and columns count from 1; 0 means
 * "not known". `source` is the file name (or the name given with a buffer).
 */
typedef struct tmdk_error {
	int code;                              /**< a tmdk_error_code */
	unsigned int line;
	unsigned int column;
	char source[TMDK_ERROR_SOURCE_MAX];
	char message[TMDK_ERROR_MESSAGE_MAX];
} tmdk_error;

/** A static, human-readable name for an error code ("parse error"). */
TMDK_API const char *tmdk_strerror(int code);

/** Reset an error record to "no error". Accepts NULL. */
TMDK_API void tmdk_error_clear(tmdk_error *err);

TMDK_END_DECL

#endif /* TMDK_ERRORS_H */
