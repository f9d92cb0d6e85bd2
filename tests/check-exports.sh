#!/bin/sh
# The shared library exports exactly the symbols listed in tests/tmdk.exports
# (jansson's check-exports): accidental API growth or loss fails the test.
set -u
src=${TMDK_SRCDIR:-.}
build=${TMDK_BUILDDIR:-.}
nm=${NM:-nm}
lib=$(ls "$build"/.libs/libtmdk.so.* 2>/dev/null | head -n 1)
if [ -z "$lib" ]; then
	echo "SKIP: no shared libtmdk built"; exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
$nm -D --defined-only "$lib" | awk '$2 ~ /^[TDRB]$/ { sub(/@.*/, "", $3); print $3 }' | LC_ALL=C sort -u > "$tmp/actual" || {
	echo "SKIP: nm -D does not work here"; exit 77; }
LC_ALL=C sort -u "$src/tests/tmdk.exports" > "$tmp/expected"
if ! diff -u "$tmp/expected" "$tmp/actual"; then
	echo "FAIL: exported symbols differ from tests/tmdk.exports (- expected, + actual)"
	exit 1
fi
bad=$(grep -v '^tmdk_' "$tmp/actual" | grep -v '^TMDK_' || true)
if [ -n "$bad" ]; then
	echo "FAIL: symbols outside the tmdk_ namespace: $bad"; exit 1
fi
echo "$(wc -l < "$tmp/actual") passed, 0 failed (exported symbols)"
