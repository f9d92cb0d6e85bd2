#!/bin/sh
# The default catalog validates with tmdk-check (every example of every
# pattern behaves as declared), and tmdk-check itself reports bad catalogs
# with GCC-style diagnostics and the right exit status.
set -u
src=${TMDK_SRCDIR:-.}
build=${TMDK_BUILDDIR:-.}
check="$build/examples/tmdk-check"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/tool-wrapper.sh"
check=$(wrap_tool "$check" "$tmp")
pass=0
fail=0
ok() { pass=$((pass + 1)); }
ko() { echo "FAIL: $*"; fail=$((fail + 1)); }

# 1. The bundled catalog is clean, strictly (no warnings either).
if "$check" --strict "$src/patterns" > "$tmp/out" 2>&1; then ok; else ko "patterns/ does not pass tmdk-check --strict"; cat "$tmp/out"; fi
grep -q "every example behaves as declared" "$tmp/out" && ok || ko "no example summary"
cat "$tmp/out"

# 2. A broken catalog: exit 1 and file:line:col diagnostics.
cat > "$tmp/bad.yaml" <<'YAML'
catalog: {name: bad, version: '1'}
patterns:
  - id: BAD-1
    title: t
    question: what-are-we-going-to-do
    risk: no-such-risk
    severity: high
    description: d
    mitigation: m
    applies-to: [kubernetes]
    match: {path: kind, equals: Pod}
    message: m
YAML
"$check" "$tmp/bad.yaml" > "$tmp/out" 2>&1
[ $? -eq 1 ] && ok || ko "bad catalog should exit 1"
grep -q "bad.yaml:6:11: error: \[BAD-1\] unknown risk 'no-such-risk'" "$tmp/out" && ok || { ko "diagnostic format"; cat "$tmp/out"; }

# 3. Warnings pass unless --strict.
sed 's/no-such-risk/privilege-escalation/' "$tmp/bad.yaml" > "$tmp/warn.yaml"
"$check" "$tmp/warn.yaml" > "$tmp/out" 2>&1 && ok || ko "warnings alone should pass"
grep -q "warning: \[BAD-1\] pattern has no examples" "$tmp/out" && ok || ko "missing-examples warning"
"$check" --strict "$tmp/warn.yaml" > /dev/null 2>&1
[ $? -eq 1 ] && ok || ko "--strict should fail on warnings"

# 4. Unreadable input and usage errors exit 2.
"$check" "$tmp/missing.yaml" > /dev/null 2>&1
[ $? -eq 2 ] && ok || ko "missing file should exit 2"
"$check" --bogus > /dev/null 2>&1
[ $? -eq 2 ] && ok || ko "unknown option should exit 2"
"$check" --help | grep -q "usage: tmdk-check" && ok || ko "--help"

# 5. The custom catalog shown in the README is valid and its examples behave.
awk '/custom-catalog:/ {on = 1; next} on && /^```yaml/ {grab = 1; next} grab && /^```/ {exit} grab {print}' \
	"$src/README.md" > "$tmp/readme-catalog.yaml"
[ -s "$tmp/readme-catalog.yaml" ] && ok || ko "README has no custom-catalog block"
"$check" --strict "$tmp/readme-catalog.yaml" > "$tmp/out" 2>&1 && ok || { ko "README catalog does not pass tmdk-check"; cat "$tmp/out"; }

# 6. --compile -o: a clean catalog is saved compiled; tmdk-check loads it
# back; a truncated or changed one is an error naming the offset; errors
# write nothing; --compile needs -o.
"$check" --compile -o "$tmp/readme.tmdkc" "$tmp/readme-catalog.yaml" > "$tmp/out" 2>&1 && ok || { ko "--compile failed"; cat "$tmp/out"; }
[ -s "$tmp/readme.tmdkc" ] && ok || ko "--compile wrote nothing"
"$check" "$tmp/readme.tmdkc" > "$tmp/out" 2>&1 && grep -q "compiled catalog of .* patterns" "$tmp/out" && ok ||
	{ ko "the compiled catalog does not load"; cat "$tmp/out"; }
head -c 100 "$tmp/readme.tmdkc" > "$tmp/cut.tmdkc"
"$check" "$tmp/cut.tmdkc" > "$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "cut.tmdkc: error: compiled catalog: .*offset 32.*truncated" "$tmp/out" && ok ||
	{ ko "a truncated compiled catalog should exit 1 with the offset"; cat "$tmp/out"; }
"$check" --compile -o "$tmp/bad.tmdkc" "$tmp/bad.yaml" > /dev/null 2>&1
[ $? -eq 1 ] && [ ! -e "$tmp/bad.tmdkc" ] && ok || ko "--compile of a bad catalog should exit 1 and write nothing"
"$check" --compile "$tmp/warn.yaml" > /dev/null 2>&1
[ $? -eq 2 ] && ok || ko "--compile without -o should exit 2"

echo "$pass passed, $fail failed (tmdk-check)"
[ "$fail" -eq 0 ]
