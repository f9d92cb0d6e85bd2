/* Error codes, their names, and filling the caller's tmdk_error. */
#include "internal.h"

#include <stdio.h>
#include <string.h>

const char *tmdk_strerror(int code)
{
	switch (code) {
	case TMDK_OK: return "success";
	case TMDK_ERROR: return "error";
	case TMDK_ENOMEM: return "out of memory";
	case TMDK_EINVAL: return "invalid argument";
	case TMDK_EIO: return "input/output error";
	case TMDK_EPARSE: return "parse error";
	case TMDK_ESCHEMA: return "schema error";
	case TMDK_EREGEX: return "regular expression error";
	case TMDK_ELIMIT: return "limit exceeded";
	case TMDK_EUSER: return "aborted by callback";
	case TMDK_ENOTFOUND: return "not found";
	case TMDK_EFORMAT: return "bad compiled catalog";
	default: return "unknown error";
	}
}

void tmdk_error_clear(tmdk_error *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

int tmdk__error_setv(tmdk_error *err, int code, const char *source,
	unsigned int line, unsigned int column, const char *fmt, va_list ap)
{
	if (!err)
		return code;
	err->code = code;
	err->line = line;
	err->column = column;
	if (source)
		snprintf(err->source, sizeof(err->source), "%s", source);
	else
		err->source[0] = '\0';
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	return code;
}

int tmdk__error_set(tmdk_error *err, int code, const char *source,
	unsigned int line, unsigned int column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tmdk__error_setv(err, code, source, line, column, fmt, ap);
	va_end(ap);
	return code;
}
