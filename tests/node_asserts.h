/* Assertions on document-model nodes, shared by the normalizer tests. */
#ifndef TMDK_TESTS_NODE_ASSERTS_H
#define TMDK_TESTS_NODE_ASSERTS_H

#include "helpers.h"

static inline const char *text_of(const tmdk_node *n)
{
	const char *t = tmdk_node_text(n, NULL);
	return t ? t : "(none)";
}

static inline void expect_text(const tmdk_node *n, const char *text, const char *what)
{
	cr_expect(tmdk_node_text_equals(n, text), "%s: got '%s', expected '%s'", what, text_of(n), text);
}

static inline void expect_at(const tmdk_node *n, unsigned int line, unsigned int column, const char *what)
{
	cr_expect_eq(tmdk_node_line(n), line, "%s: line %u, expected %u", what, tmdk_node_line(n), line);
	cr_expect_eq(tmdk_node_column(n), column, "%s: column %u, expected %u", what, tmdk_node_column(n), column);
}

static inline int bool_of(const tmdk_node *n)
{
	int b = -1;
	cr_assert_eq(tmdk_node_as_bool(n, &b), TMDK_OK, "not a bool: '%s'", text_of(n));
	return b;
}

#endif
