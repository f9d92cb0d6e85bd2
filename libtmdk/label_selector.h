/*
 * libtmdk — Kubernetes label selectors, private to the library: the one
 * matcher behind ClusterRole aggregation (aggregationRule.clusterRoleSelectors),
 * NetworkPolicy pod selection (podSelector) and Service → pod selection
 * (spec.selector, a plain map).
 */
#ifndef TMDK_LABEL_SELECTOR_H
#define TMDK_LABEL_SELECTOR_H

#include "internal.h"

/**
 * Does the LabelSelector `sel` (a map with `matchLabels` and/or
 * `matchExpressions`, as in metav1.LabelSelector) select an object whose
 * labels are `labels` (a map of scalars; NULL or not a map: no labels)?
 *
 * As Kubernetes: an empty selector (`{}`) selects everything; the
 * requirements are ANDed; `In`/`NotIn` compare against `values`, `Exists`/
 * `DoesNotExist` test the key. A selector the API server would reject (an
 * unknown operator, a non-map, a non-scalar label value, `In` without values)
 * selects nothing. A NULL `sel` is the caller's to interpret (absent
 * podSelector selects everything, absent Service selector nothing); here it
 * is treated as empty.
 * @return 1 when selected, 0 otherwise.
 */
int tmdk__label_selector_matches(const tmdk_node *sel, const tmdk_node *labels);

/**
 * Does a plain map selector (`matchLabels`, a Service's `spec.selector`)
 * select `labels`: every key present with an equal value. An empty map
 * selects everything; a non-map selects nothing.
 * @return 1 when selected, 0 otherwise.
 */
int tmdk__label_map_matches(const tmdk_node *sel_map, const tmdk_node *labels);

/** True when `sel` is NULL, `{}`, or has only empty matchLabels/matchExpressions. */
int tmdk__label_selector_is_empty(const tmdk_node *sel);

#endif
