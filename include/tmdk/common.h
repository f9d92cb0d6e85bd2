/*
 * libtmdk — common definitions shared by every public header.
 */
#ifndef TMDK_COMMON_H
#define TMDK_COMMON_H

#include <stddef.h>

#ifdef __cplusplus
# define TMDK_BEGIN_DECL extern "C" {
# define TMDK_END_DECL }
#else
# define TMDK_BEGIN_DECL
# define TMDK_END_DECL
#endif

/** Marks a symbol as part of the public, exported API. */
#if defined(_WIN32)
# if defined(TMDK_BUILDING_LIBRARY)
#  define TMDK_API __declspec(dllexport)
# else
#  define TMDK_API __declspec(dllimport)
# endif
#elif defined(__GNUC__) && __GNUC__ >= 4
# define TMDK_API __attribute__((visibility("default")))
#else
# define TMDK_API
#endif

/** Constructors and loaders: ignoring their result is a bug. */
#if defined(__GNUC__)
# define TMDK_WARN_UNUSED __attribute__((warn_unused_result))
#else
# define TMDK_WARN_UNUSED
#endif

#endif /* TMDK_COMMON_H */
