#!/bin/sh
# Adopting tmdk-scan on an existing repository, end to end: the
# configuration file (every key, valid and invalid, errors at file:line:col,
# where it is looked for, the command line winning, --print-config read
# back), baselines (write, rescan: exit 0; a line added above a finding:
# still baseline; a new risk: exit 1; JSON and SARIF baselines, duplicates
# counted, bad baselines), and suppression hygiene (unknown ids in --ignore,
# the configuration and inline ignores; reason-less and unused inline
# ignores). Uses the small catalog of tests/fixtures/scan/.
set -u
src=${TMDK_SRCDIR:-.}
build=${TMDK_BUILDDIR:-.}
scan="$build/examples/tmdk-scan"
fx="$src/tests/fixtures/scan"
if [ ! -x "$scan" ]; then
	echo "SKIP: $scan is not built"; exit 77
fi
scan=$(cd "$(dirname "$scan")" && pwd)/tmdk-scan   # runs from the project folder
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/tool-wrapper.sh"
mkdir "$tmp/bin"
scan=$(wrap_tool "$scan" "$tmp/bin")
cat_yaml=$(cd "$fx" && pwd)/catalog.yaml
pass=0 fail=0 skip=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
ko() { fail=$((fail + 1)); echo "FAIL - $1"; }
skipped() { skip=$((skip + 1)); echo "skip - $1"; }
show() { sed 's/^/    | /' "$1" | head -n 30; }

# run DESC WANT_EXIT ARGS...: tmdk-scan with the test catalog, from $tmp/p; stdout in $tmp/out, stderr in $tmp/err.
run() {
	desc=$1 want=$2
	shift 2
	(cd "$tmp/p" && "$scan" --no-builtin --catalog "$cat_yaml" "$@") > "$tmp/out" 2> "$tmp/err" < /dev/null
	got=$?
	if [ "$got" = "$want" ]; then ok "$desc"; else ko "$desc (exit $got, expected $want)"; show "$tmp/err"; show "$tmp/out"; fi
}
has() { # has DESC FILE TEXT
	if grep -qF -- "$3" "$2"; then ok "$1"; else ko "$1: no '$3' in $2"; show "$2"; fi
}
lacks() {
	if grep -qF -- "$3" "$2"; then ko "$1: unexpected '$3' in $2"; show "$2"; else ok "$1"; fi
}
PY=
for p in python3 /usr/bin/python3; do
	if command -v "$p" > /dev/null 2>&1 && "$p" -c 'import json' 2> /dev/null; then PY=$p; break; fi
done
json_eq() { # json_eq DESC FILE EXPR VALUE
	if [ -z "$PY" ]; then skipped "$1 (no python3 to read JSON)"; return; fi
	val=$("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$2" "$3" 2>&1 | tail -n 1)
	if [ "$val" = "$4" ]; then ok "$1"; else ko "$1: $3 is '$val', expected '$4'"; fi
}
# conf DESC WANT_EXIT TEXT [ERROR]: a .tmdk.yaml at the scan root, then a scan of it.
conf() {
	printf '%b' "$3" > "$tmp/p/proj/.tmdk.yaml"
	run "config: $1" "$2" proj
	if [ $# -ge 4 ]; then has "config: $1: the error" "$tmp/err" "$4"; fi
}

fresh() {
	rm -rf "$tmp/p"
	mkdir -p "$tmp/p/proj/deploy" "$tmp/p/proj/test/fixtures"
	cp "$fx/project/Dockerfile" "$tmp/p/proj/Dockerfile"
	cp "$fx/project/deploy/pod.yaml" "$tmp/p/proj/deploy/pod.yaml"
	cp "$fx/project/deploy/pod.yaml" "$tmp/p/proj/test/fixtures/pod.yaml"
}
fresh

# ---- configuration keys: valid ----------------------------------------------------------
conf "empty file" 1 ""
conf "version 1" 1 "version: 1\n"
conf "severity_threshold none" 0 "severity_threshold: none\n"
conf "severity_threshold critical" 1 "severity_threshold: critical\n"
conf "min_severity critical hides the rest" 1 "min_severity: critical\nseverity_threshold: high\n"
lacks "min_severity: no medium finding shown" "$tmp/out" "SCAN-DF-001"
conf "questions" 1 "questions: [what-are-we-building]\n"
lacks "questions: others not run" "$tmp/out" "SCAN-K8S-001"
conf "questions by number (4: nothing unsuppressed here)" 0 "questions: 4\nseverity_threshold: info\n"
conf "risks" 0 "risks: [health-and-limits]\nseverity_threshold: medium\n"
conf "ignore with reason" 0 "severity_threshold: medium\nignore:\n  - {id: SCAN-K8S-001, reason: lab cluster}\n  - {id: SCAN-DF-002, reason: trusted installer}\n  - {id: SCAN-DF-001, reason: pinned by renovate}\n"
conf "format json" 1 "format: json\n"
has "format json: JSON on stdout" "$tmp/out" '"format_version": 1'
conf "output relative to the file" 1 "output: report.txt\n"
[ -s "$tmp/p/proj/report.txt" ] && ok "output: written beside the configuration" || ko "output: not written"
rm -f "$tmp/p/proj/report.txt"
printf 'patterns: []\ncatalog: {name: empty, version: 1.0.0}\n' > "$tmp/p/proj/extra.yaml"
sed -n '1,200p' "$cat_yaml" > "$tmp/p/proj/extra.yaml"
sed -i 's/SCAN-/EXTRA-/' "$tmp/p/proj/extra.yaml"
conf "catalogs relative to the file" 1 "catalogs: [extra.yaml]\n"
has "catalogs: the extra patterns ran" "$tmp/out" "EXTRA-"
rm -f "$tmp/p/proj/extra.yaml"
conf "builtin: false (with the test catalog)" 1 "builtin: false\n"
conf "exclude (parsed)" 1 "exclude: ['test/**', '*.md']\n"
conf "unparseable skip" 1 "unparseable: skip\n"
conf "unparseable error" 1 "unparseable: error\n"
conf "inline_ignores false" 1 "inline_ignores: false\nformat: json\n"
json_eq "inline_ignores false: nothing suppressed" "$tmp/out" "len(d['suppressed'])" "0"
conf "report_unused_ignores" 1 "report_unused_ignores: true\n"
conf "strict" 1 "strict: true\n"
conf "paths with an entry reason" 1 "format: json\npaths:\n  'test/**': {ignore: [SCAN-K8S-001], reason: test fixtures}\n"
json_eq "paths: the fixture's finding is suppressed" "$tmp/out" \
	"[(f['path'], f['suppression']) for f in d['suppressed'] if f['pattern_id'] == 'SCAN-K8S-001']" \
	"[('proj/test/fixtures/pod.yaml', 'configuration proj/.tmdk.yaml (line 3): test fixtures')]"
json_eq "paths: the real one is not" "$tmp/out" "[f['path'] for f in d['findings'] if f['pattern_id'] == 'SCAN-K8S-001']" "['proj/deploy/pod.yaml']"
conf "paths with item reasons" 1 "paths:\n  fixtures: {ignore: [{id: SCAN-K8S-001, reason: fixtures}]}\n"
run "a baseline for the baseline key" 1 --no-config --write-baseline proj/base.json proj
conf "baseline key (relative to the file)" 0 "baseline: base.json\n"
rm -f "$tmp/p/proj/base.json"
rm -f "$tmp/p/proj/.tmdk.yaml"

# ---- configuration keys: invalid ----------------------------------------------------------
conf "not a map" 2 "- a\n" ".tmdk.yaml:1:1: error: the configuration must be a map"
conf "YAML syntax" 2 "a: [\n" "proj/.tmdk.yaml:2:1: error:"
conf "unknown key with a suggestion" 2 "version: 1\nseverity_treshold: high\n" \
	"proj/.tmdk.yaml:2:1: error: unknown key \`severity_treshold\` (did you mean \`severity_threshold\`?)"
conf "dashes are not underscores" 2 "min-severity: low\n" "did you mean \`min_severity\`?"
conf "unknown key" 2 "colour: red\n" "unknown key \`colour\` (expected version"
conf "duplicate key" 2 "strict: true\nstrict: false\n" "2:1: error: duplicate key \`strict\`"
conf "bad version" 2 "version: 2\n" "1:10: error: unsupported \`version\`"
conf "bad severity_threshold" 2 "severity_threshold: urgent\n" "1:21: error: unknown severity \`urgent\`"
conf "min_severity none" 2 "min_severity: none\n" "unknown severity \`none\`"
conf "severity as a list" 2 "severity_threshold: [high]\n" "must be a non-empty string"
conf "bad question" 2 "questions: [why]\n" "1:13: error: unknown question \`why\`"
conf "bad risk" 2 "risks: [everything]\n" "unknown risk \`everything\`"
conf "ignore without reason" 2 "ignore:\n  - {id: SCAN-K8S-001}\n" "2:5: error: ignoring SCAN-K8S-001 needs a \`reason\`"
conf "ignore as a bare id" 2 "ignore: [SCAN-K8S-001]\n" "a reason is required"
conf "ignore item with an unknown key" 2 "ignore:\n  - {id: SCAN-K8S-001, reason: r, until: 2030}\n" "unknown key \`until\` in an ignore item"
conf "ignore without id" 2 "ignore:\n  - {reason: r}\n" "needs an \`id\`"
conf "ignore of an unknown id" 2 "ignore:\n  - {id: SCAN-K8S-01, reason: r}\n" \
	"proj/.tmdk.yaml:2:10: error: unknown pattern id \`SCAN-K8S-01\` (did you mean \`SCAN-K8S-001\`?)"
conf "ignore as a map" 2 "ignore: {id: x}\n" "must be a list"
conf "catalogs: a missing file" 2 "catalogs: [nope.yaml]\n"
conf "catalogs: not strings" 2 "catalogs: [{a: b}]\n" "must be a non-empty string"
conf "builtin not a boolean" 2 "builtin: yes\n" "1:10: error: \`builtin\` must be true or false"
conf "quoted boolean" 2 "strict: 'true'\n" "must be true or false"
conf "exclude: null" 2 "exclude:\n" "must be a list"
conf "paths: not a map" 2 "paths: [a]\n" "\`paths\` must be a map"
conf "paths: no ignore" 2 "paths:\n  test: {reason: r}\n" "needs \`ignore: [ID, ...]\`"
conf "paths: an empty ignore list (it would suppress nothing)" 2 "paths:\n  test: {ignore: [], reason: r}\n" "needs \`ignore: [ID, ...]\`"
conf "paths: no reason" 2 "paths:\n  test: {ignore: [SCAN-K8S-001]}\n" "a reason is required"
conf "paths: unknown key" 2 "paths:\n  test: {ignore: [SCAN-K8S-001], reason: r, owner: me}\n" "unknown key \`owner\` in a \`paths\` entry"
conf "paths: unknown id" 2 "paths:\n  test: {ignore: [SCAN-DF-00], reason: r}\n" \
	"proj/.tmdk.yaml:2:19: error: unknown pattern id \`SCAN-DF-00\` (did you mean \`SCAN-DF-001\`?)"
conf "paths: empty glob" 2 "paths:\n  '': {ignore: [SCAN-DF-001], reason: r}\n" "must not be empty"
conf "unparseable: bad value" 2 "unparseable: ignore\n" "\`unparseable\` must be skip or error"
conf "format: bad value" 2 "format: xml\n" "unknown format \`xml\`"
conf "output: empty" 2 "output: ''\n" "\`output\` must be a non-empty string"
conf "baseline: missing file" 2 "baseline: nope.json\n" "cannot read the baseline proj/nope.json"
conf "two documents" 2 "strict: true\n---\nstrict: false\n" "one YAML document"
conf "strict: bad" 2 "strict: 1\n" "must be true or false"
conf "report_unused_ignores: bad" 2 "report_unused_ignores: null\n" "must be true or false"
conf "inline_ignores: bad" 2 "inline_ignores: []\n" "must be true or false"
rm -f "$tmp/p/proj/.tmdk.yaml"

# ---- where the configuration is found; the command line wins ----------------------------------
printf 'severity_threshold: none\n' > "$tmp/p/proj/.tmdk.yaml"
run "config at the scan root is read" 0 proj
run "--no-config" 1 --no-config proj
run "the command line wins" 1 --severity-threshold low proj
run "several paths: the current folder's .tmdk.yaml (none here)" 1 proj/Dockerfile proj/deploy
cp "$tmp/p/proj/.tmdk.yaml" "$tmp/p/.tmdk.yaml"
run "several paths: the current folder's .tmdk.yaml" 0 proj/Dockerfile proj/deploy
rm -f "$tmp/p/.tmdk.yaml"
printf 'severity_threshold: critical\n' > "$tmp/p/other.yaml"
run "--config FILE" 1 --config other.yaml proj
run "--config FILE replaces .tmdk.yaml" 1 --config=other.yaml proj/deploy
run "--config of a missing file" 2 --config nope.yaml proj
has "--config of a missing file: said" "$tmp/err" "cannot read the configuration nope.yaml"
run "--config with --no-config" 2 --config other.yaml --no-config proj
run "--config of a folder" 2 --config proj proj
has "--config of a folder: said" "$tmp/err" "cannot read the configuration proj"
head -c 1100000 /dev/zero | tr '\0' '#' > "$tmp/p/big.yaml"
run "--config of more than 1 MiB" 2 --config big.yaml proj
has "--config of more than 1 MiB: said" "$tmp/err" "larger than 1 MiB"
rm -f "$tmp/p/big.yaml"
run "a bad configuration does not stop --help" 0 --config nope.yaml --help
printf 'format: json\nignore:\n  - {id: SCAN-DF-001, reason: "pinned: see \\"renovate\\""}\npaths:\n  "test/**": {ignore: [SCAN-K8S-001], reason: fixtures}\nexclude: [vendor]\nstrict: true\n' > "$tmp/p/proj/.tmdk.yaml"
run "--print-config" 0 --print-config --ignore SCAN-DF-002 proj
has "--print-config: from the file" "$tmp/out" '{id: "SCAN-DF-001", reason: "pinned: see \"renovate\""}'
has "--print-config: from the command line" "$tmp/out" '{id: "SCAN-DF-002", reason: "given on the command line"}'
has "--print-config: strict turns on unused ignores" "$tmp/out" "report_unused_ignores: true"
has "--print-config: strict makes unparseable files errors" "$tmp/out" "unparseable: error"
has "--print-config: paths" "$tmp/out" '"test/**":'
has "--print-config: the format" "$tmp/out" "format: json"
cp "$tmp/out" "$tmp/p/printed.yaml"
run "--print-config output is a valid configuration" 0 --config printed.yaml --print-config proj
# (catalogs differ: the test's --catalog adds up with the printed one)
if diff "$tmp/p/printed.yaml" "$tmp/out" | grep -v '^[<>] # ' | grep -v '^[<>] catalogs:' | grep -q '^[<>]'; then
	ko "--print-config read back gives the same settings"; diff "$tmp/p/printed.yaml" "$tmp/out"
else ok "--print-config read back gives the same settings"; fi
# Found by fuzzing: a glob holding YAML line breaks (NEL, written \N) and other escapes printed raw did not read back.
printf 'paths:\n  "a\\Nb\\x01\\u2028\\ufeff\\"": {ignore: [SCAN-DF-001], reason: "r\\x85"}\n' > "$tmp/p/proj/.tmdk.yaml"
run "--print-config of escapes" 0 --print-config proj
cp "$tmp/out" "$tmp/p/printed.yaml"
run "--print-config of escapes reads back" 0 --config printed.yaml --print-config proj
has "--print-config of escapes: NEL escaped" "$tmp/out" '"a\x85b\x01\u2028\uFEFF\""'
rm -f "$tmp/p/proj/.tmdk.yaml"

# ---- baselines ----------------------------------------------------------------------------------
run "first run writes a baseline" 1 --write-baseline base.json proj
json_eq "the baseline has fingerprints" "$tmp/p/base.json" "all(len(f['fingerprint']) > 17 for f in d['findings'])" "True"
run "rescan with the baseline: exit 0" 0 --baseline base.json proj
has "text: no new findings" "$tmp/out" "No new findings"
has "text: counted apart" "$tmp/out" "(0 new, 4 in the baseline)"
lacks "text: baseline findings not listed" "$tmp/out" "SCAN-K8S-001"
run "text -v lists the baseline findings apart" 0 -v --baseline base.json proj
has "text -v: the section" "$tmp/out" "In the baseline (unchanged)"
has "text -v: a finding" "$tmp/out" "SCAN-K8S-001"
run "json with the baseline" 0 --baseline base.json -f json proj
json_eq "json: every finding unchanged" "$tmp/out" "sorted(set(f['baseline_state'] for f in d['findings']))" "['unchanged']"
json_eq "json: stats" "$tmp/out" "(d['stats']['new'], d['stats']['baseline'])" "(0, 4)"
run "sarif with the baseline" 0 --baseline base.json -f sarif -o "$tmp/b.sarif" proj
json_eq "sarif: baselineState" "$tmp/b.sarif" "sorted(set(r.get('baselineState') for r in d['runs'][0]['results'] if 'suppressions' not in r))" "['unchanged']"
json_eq "sarif and json fingerprints agree" "$tmp/b.sarif" \
	"sorted(r['partialFingerprints']['tmdkFindingHash/v1'] for r in d['runs'][0]['results']) == sorted(f['fingerprint'] for f in json.load(open('$tmp/p/base.json'))['findings'] + json.load(open('$tmp/p/base.json'))['suppressed'])" "True"
if [ -n "$PY" ] && "$PY" -c 'import jsonschema' 2> /dev/null; then
	if "$PY" -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
		"$src/tests/fixtures/sarif/sarif-schema-2.1.0.json" "$tmp/b.sarif" > "$tmp/val" 2>&1
	then ok "sarif with baselineState validates against the SARIF 2.1.0 schema"
	else ko "sarif with baselineState does not validate"; show "$tmp/val"; fi
else
	skipped "SARIF schema validation (install python3-jsonschema)"
fi
run "a SARIF baseline" 0 --baseline "$tmp/b.sarif" proj
if [ -n "$PY" ]; then
	"$PY" - "$tmp/b.sarif" "$tmp/nofp.sarif" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["runs"][0]["results"]:
    del r["partialFingerprints"]
json.dump(d, open(sys.argv[2], "w"))
PY
	run "a SARIF baseline without fingerprints (computed)" 0 --baseline "$tmp/nofp.sarif" proj
	"$PY" - "$tmp/p/base.json" "$tmp/nofp.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for f in d["findings"] + d["suppressed"]:
    del f["fingerprint"]
json.dump(d, open(sys.argv[2], "w"))
PY
	run "a JSON baseline without fingerprints (computed)" 0 --baseline "$tmp/nofp.json" proj
fi
printf '# a comment\n\n# another\n' | cat - "$tmp/p/proj/Dockerfile" > "$tmp/df" && mv "$tmp/df" "$tmp/p/proj/Dockerfile"
sed -i 's/^metadata:/# moved\nmetadata:/' "$tmp/p/proj/deploy/pod.yaml"
run "lines added above the findings: still baseline" 0 --baseline base.json proj
printf 'RUN wget -qO- https://x.example/get | bash\n' >> "$tmp/p/proj/Dockerfile"
run "a new risk: exit 1" 1 --baseline base.json proj
has "the new finding is listed" "$tmp/out" "SCAN-DF-002"
has "counted as new" "$tmp/out" "(1 new, 4 in the baseline)"
run "json: the new one is new" 1 --baseline base.json -f json proj
json_eq "json: one new" "$tmp/out" "[f['line'] for f in d['findings'] if f['baseline_state'] == 'new']" "[7]"
run "the threshold applies to new findings" 0 --baseline base.json --severity-threshold critical proj
# Two identical findings: a baseline with one covers one.
fresh
printf 'FROM node:latest\n' > "$tmp/p/proj/Dockerfile"
run "one finding" 1 --write-baseline one.json proj
printf 'FROM node:latest\nFROM node:latest\n' > "$tmp/p/proj/Dockerfile"
run "a duplicate is new" 1 --baseline one.json -f json proj
json_eq "duplicates are counted" "$tmp/out" "sorted(f['baseline_state'] for f in d['findings'] if f['pattern_id'] == 'SCAN-DF-001')" "['new', 'unchanged']"
run "a baseline with both covers both" 1 --write-baseline two.json proj
run "a baseline with both covers both: exit 0" 0 --baseline two.json proj
fresh
# Bad baselines.
printf '{"findings": [' > "$tmp/p/bad.json"
run "a baseline that does not parse" 2 --baseline bad.json proj
has "baseline parse error: position" "$tmp/err" "bad.json:2:1: error:"
printf '[]\n' > "$tmp/p/bad.json"
run "a baseline that is not an object" 2 --baseline bad.json proj
has "baseline not an object: said" "$tmp/err" "a baseline is a tmdk-scan JSON report or a SARIF log"
printf '{"version": "2.1.0"}\n' > "$tmp/p/bad.json"
run "a baseline without findings or runs" 2 --baseline bad.json proj
printf '{"findings": [{"fingerprint": 3}]}\n' > "$tmp/p/bad.json"
run "a baseline with a bad fingerprint" 0 --baseline bad.json --severity-threshold none proj
printf '{"findings": [{"fingerprint": [3]}]}\n' > "$tmp/p/bad.json"
run "a baseline with a fingerprint that is not a string" 2 --baseline bad.json proj
has "bad fingerprint: position" "$tmp/err" "bad.json:1:31: error: a fingerprint must be a string"
printf '{"findings": [{"path": "x"}]}\n' > "$tmp/p/bad.json"
run "a baseline finding without pattern_id" 2 --baseline bad.json proj
printf '{"runs": [{"results": [{"message": {"text": "x"}}]}]}\n' > "$tmp/p/bad.json"
run "a SARIF result without rule or location" 2 --baseline bad.json proj
printf '{"runs": {}}\n' > "$tmp/p/bad.json"
run "SARIF runs not an array" 2 --baseline bad.json proj
run "a missing baseline" 2 --baseline nope.json proj
run "a baseline that is a folder" 2 --baseline proj proj
has "a baseline that is a folder: said" "$tmp/err" "cannot read the baseline proj"
run "an unwritable --write-baseline" 2 --write-baseline /nonexistent/dir/b.json proj

# ---- suppression hygiene ---------------------------------------------------------------------
run "--ignore of an unknown id is a usage error" 2 --ignore SCAN-K8S-01 proj
has "--ignore: nearest id" "$tmp/err" "unknown pattern id 'SCAN-K8S-01' (did you mean 'SCAN-K8S-001'?)"
run "--ignore of a far-off id: no suggestion" 2 --ignore TMDK-NOPE-1 proj
lacks "--ignore far-off: no suggestion" "$tmp/err" "did you mean"
run "--ignore of a known id" 1 --ignore SCAN-K8S-001 proj
run "--ignore of a meta pattern" 1 --ignore TMDK-META-001 proj
# A reason-less inline ignore on a critical finding does not hide it.
sed -i 's/privileged: true/privileged: true  # tmdk:ignore=SCAN-K8S-001/' "$tmp/p/proj/deploy/pod.yaml"
run "reason-less ignore: the critical finding still fails the threshold" 1 --severity-threshold high -f json proj
json_eq "reason-less ignore: active" "$tmp/out" "[f['pattern_id'] for f in d['findings'] if f['severity'] == 'critical']" "['SCAN-K8S-001', 'SCAN-K8S-001']"
json_eq "reason-less ignore: reported" "$tmp/out" "[(f['path'], f['line']) for f in d['findings'] if f['pattern_id'] == 'TMDK-META-001']" "[('proj/deploy/pod.yaml', 11)]"
fresh
sed -i 's/privileged: true/privileged: true  # tmdk:ignore=SCAN-K8S-01 typo/' "$tmp/p/proj/deploy/pod.yaml"
run "unknown inline id" 1 -f json proj
json_eq "unknown inline id: META-002 at its position with the nearest id" "$tmp/out" \
	"[(f['line'], f['column'], f['message']) for f in d['findings'] if f['pattern_id'] == 'TMDK-META-002']" \
	"[(11, 41, 'suppression of an unknown pattern \`SCAN-K8S-01\` (did you mean \`SCAN-K8S-001\`?)')]"
fresh
sed -i 's/image: registry.example.com\/web:1.4.2/image: registry.example.com\/web:1.4.2  # tmdk:ignore=SCAN-DF-001 not here/' "$tmp/p/proj/deploy/pod.yaml"
run "unused ignores are not reported by default" 1 -f json proj
json_eq "unused: none by default" "$tmp/out" "[f for f in d['findings'] if f['pattern_id'] == 'TMDK-META-003']" "[]"
run "--report-unused-ignores" 1 -f json --report-unused-ignores proj
json_eq "unused: the stale ignores are reported (the used one is not)" "$tmp/out" \
	"sorted((f['path'], f['line'], f['message']) for f in d['findings'] if f['pattern_id'] == 'TMDK-META-003')" \
	"[('proj/deploy/pod.yaml', 9, 'suppression of \`SCAN-DF-001\` suppresses nothing here: remove it')]"
printf 'strict: true\n' > "$tmp/p/proj/.tmdk.yaml"
run "strict turns on unused ignores" 1 -f json proj
json_eq "strict: reported" "$tmp/out" "len([f for f in d['findings'] if f['pattern_id'] == 'TMDK-META-003'])" "1"
printf 'strict: true\nreport_unused_ignores: false\n' > "$tmp/p/proj/.tmdk.yaml"
run "strict with report_unused_ignores: false" 1 -f json proj
json_eq "strict overridden: not reported" "$tmp/out" "len([f for f in d['findings'] if f['pattern_id'] == 'TMDK-META-003'])" "0"
rm -f "$tmp/p/proj/.tmdk.yaml"

# ---- the README's example configuration is valid (with the built-in catalog) ------------------------
awk '/^# \.tmdk\.yaml$/ { f = 1 } f && /^```$/ { exit } f' "$src/README.md" | grep -v '^catalogs:\|^baseline:' > "$tmp/p/readme.yaml"
(cd "$tmp/p" && "$scan" --config readme.yaml proj) > "$tmp/out" 2> "$tmp/err"
got=$?
if [ -s "$tmp/p/readme.yaml" ] && [ "$got" != 2 ]; then ok "the README's .tmdk.yaml is valid"
else ko "the README's .tmdk.yaml (exit $got)"; show "$tmp/err"; fi

echo "config: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
