#!/bin/sh
# Every public header compiles on its own, as C99 and as C++, with
# -Wall -Wextra -pedantic -Werror (libgit2's headertest).
set -u
src=${TMDK_SRCDIR:-.}
build=${TMDK_BUILDDIR:-.}
cc=${CC:-cc}
cxx=${CXX:-c++}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
# version.h is generated in the build tree; in an in-tree build the glob has it already.
extra="$build/include/tmdk/version.h"
[ -f "$src/include/tmdk/version.h" ] && extra=
for h in "$src"/include/tmdk.h "$src"/include/tmdk/*.h $extra; do
	[ -f "$h" ] || continue
	case "$h" in *.h.in) continue ;; esac
	rel=${h##*/include/}
	printf '#include <%s>\nint tmdk_header_test_dummy;\n' "$rel" > "$tmp/t.c"
	cp "$tmp/t.c" "$tmp/t.cpp"
	if ! $cc -std=c99 -Wall -Wextra -pedantic -Werror -I"$build/include" -I"$src/include" -c "$tmp/t.c" -o "$tmp/t.o"; then
		echo "FAIL: $rel does not compile alone as C99"; fail=$((fail + 1))
	fi
	if ! $cxx -Wall -Wextra -pedantic -Werror -I"$build/include" -I"$src/include" -c "$tmp/t.cpp" -o "$tmp/t.o"; then
		echo "FAIL: $rel does not compile alone as C++"; fail=$((fail + 1))
	fi
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "FAIL: no headers found under $src/include"; exit 1; }
echo "$((n * 2 - fail)) passed, $fail failed (headers: $n, as C99 and C++)"
[ "$fail" -eq 0 ]
