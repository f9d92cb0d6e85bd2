/* The version of the library actually loaded. */
#include "internal.h"

const char *tmdk_version(int *major, int *minor, int *patch)
{
	if (major)
		*major = TMDK_VERSION_MAJOR;
	if (minor)
		*minor = TMDK_VERSION_MINOR;
	if (patch)
		*patch = TMDK_VERSION_PATCH;
	return TMDK_VERSION;
}
