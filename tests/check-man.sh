#!/bin/sh
# The man pages document exactly the options that --help lists, for
# tmdk-scan and tmdk-check: an option added to one and not the other fails.
set -u
src=${TMDK_SRCDIR:-.}
build=${TMDK_BUILDDIR:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# Options of --help: the option lines start with blanks and a dash.
help_options() {
	"$build/examples/$1" --help | grep -E '^ +-' | grep -oE -- '(^ +|, )--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[ ,]*//' | LC_ALL=C sort -u
}

# Options of the man page: the tag line after each .TP in the OPTIONS section.
man_options() {
	awk '/^\.SH /{ in_opts = ($2 == "OPTIONS") } in_opts && prev == ".TP" { print } { prev = $0 }' "$src/man/$1.1" |
		sed 's/\\-/-/g; s/\\f[BIRP]//g' | grep -oE -- '(^|, )--?[a-zA-Z][a-zA-Z-]*' | sed 's/^[ ,]*//' | LC_ALL=C sort -u
}

for prog in tmdk-scan tmdk-check; do
	if [ ! -x "$build/examples/$prog" ]; then
		echo "SKIP: $prog is not built"; exit 77
	fi
	help_options "$prog" > "$tmp/help"
	man_options "$prog" > "$tmp/man"
	if [ ! -s "$tmp/help" ] || [ ! -s "$tmp/man" ]; then
		echo "FAIL - $prog: no options found (help: $(wc -l < "$tmp/help"), man: $(wc -l < "$tmp/man"))"
		fail=$((fail + 1))
	elif diff -u "$tmp/help" "$tmp/man" > "$tmp/diff"; then
		echo "ok - $prog: --help and man/$prog.1 list the same $(wc -l < "$tmp/help" | tr -d ' ') options"
		pass=$((pass + 1))
	else
		echo "FAIL - $prog: --help (-) and man/$prog.1 (+) differ:"
		cat "$tmp/diff"
		fail=$((fail + 1))
	fi
done
echo "man: $pass passed, $fail failed"
[ "$fail" = 0 ]
