#!/bin/sh
# The coverage matrices (patterns/COVERAGE*.md): every row names existing
# catalog patterns or says why the peer rule is out of scope, and the totals
# tables agree with the rows (tests/coverage-matrix.py). Then the checker's
# own failures: an unknown id, a row with neither pattern nor reason, wrong
# totals, all must fail.
set -u
src=${TMDK_SRCDIR:-.}
build=${TMDK_BUILDDIR:-.}
command -v python3 > /dev/null 2>&1 || { echo "SKIP: python3 not found"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/tool-wrapper.sh"
scan=$(wrap_tool "$build/examples/tmdk-scan" "$tmp")
checker="python3 $src/tests/coverage-matrix.py"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

# The ids of the source catalog (what the matrices name), meta patterns included.
if "$scan" --no-builtin --catalog "$src/patterns" --list-patterns > "$tmp/list" 2> "$tmp/err"; then ok; else ko "tmdk-scan --list-patterns failed"; cat "$tmp/err"; fi
awk 'NR > 1 && $1 ~ /^TMDK-/ { print $1 }' "$tmp/list" > "$tmp/ids"
[ "$(wc -l < "$tmp/ids")" -gt 100 ] && ok || ko "too few pattern ids listed"

# 1. The real matrices.
set -- "$src"/patterns/COVERAGE*.md
[ -f "$1" ] && ok || ko "no patterns/COVERAGE*.md"
if $checker "$tmp/ids" "$@" > "$tmp/out" 2>&1; then ok; else ko "coverage matrices have problems"; fi
cat "$tmp/out"

# 2. Self-tests: the checker must fail on bad rows.
head='| peer | rule id | what it checks | tmdk pattern(s) or out of scope |
| --- | --- | --- | --- |'
known=$(head -n 1 "$tmp/ids")
printf '%s\n| tool | R1 | a | `%s` |\n| tool | R2 | b | out of scope: style only |\n' "$head" "$known" > "$tmp/good.md"
$checker "$tmp/ids" "$tmp/good.md" > "$tmp/out" 2>&1 && ok || { ko "a good matrix was rejected"; cat "$tmp/out"; }

printf '%s\n| tool | R1 | a | `%s`, `TMDK-NOPE-999` |\n' "$head" "$known" > "$tmp/unknown.md"
$checker "$tmp/ids" "$tmp/unknown.md" > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "unknown pattern TMDK-NOPE-999" "$tmp/out" && ok || { ko "an unknown id was accepted"; cat "$tmp/out"; }

printf '%s\n| tool | R1 | a |  |\n| tool | R2 | b | out of scope: |\n| tool | R3 | c | TMDK-DF-001 |\n' "$head" > "$tmp/empty.md"
$checker "$tmp/ids" "$tmp/empty.md" > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "R1 names no pattern and no reason" "$tmp/out" \
  && grep -q "R2 is out of scope without a reason" "$tmp/out" \
  && grep -q "neither a backticked pattern id" "$tmp/out" && ok || { ko "rows without a pattern or reason were accepted"; cat "$tmp/out"; }

printf '| peer | rules | in scope | covered | out of scope |\n| --- | --- | --- | --- | --- |\n| tool | 3 | 1 | 1 | 1 |\n\n%s\n| tool | R1 | a | `%s` |\n| tool | R2 | b | out of scope: style only |\n' "$head" "$known" > "$tmp/totals.md"
$checker "$tmp/ids" "$tmp/totals.md" > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "totals for tool say (3, 1, 1, 1), the rows give (2, 1, 1, 1)" "$tmp/out" && ok || { ko "wrong totals were accepted"; cat "$tmp/out"; }

printf '# nothing here\n' > "$tmp/none.md"
$checker "$tmp/ids" "$tmp/none.md" > "$tmp/out" 2>&1
[ $? -eq 1 ] && ok || ko "a file without rows was accepted"

echo "check-coverage: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
