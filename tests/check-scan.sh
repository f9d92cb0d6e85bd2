#!/bin/sh
# End-to-end tests of tmdk-scan on the fixture projects in tests/fixtures/scan/
# (with their own small catalog, so results do not move with the built-in
# one): exit codes 0/1/2 and 2 over 1, standard input, folder walking and its
# skips, a symbolic link loop, unreadable and malformed inputs, deterministic
# output with -j1 and -j4, every format (SARIF checked against the SARIF
# 2.1.0 schema when Python's jsonschema is installed), --explain,
# --list-patterns, the filters, --output and --color.
set -u
src=${TMDK_SRCDIR:-.}
build=${TMDK_BUILDDIR:-.}
scan="$build/examples/tmdk-scan"
fx="$src/tests/fixtures/scan"
if [ ! -x "$scan" ]; then
	echo "SKIP: $scan is not built"; exit 77
fi
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
. "$src/tests/tool-wrapper.sh"
mkdir "$tmp/bin"
scan=$(wrap_tool "$scan" "$tmp/bin")
embed=$(wrap_tool "$build/examples/embed" "$tmp/bin")
threads=$(wrap_tool "$build/examples/threads" "$tmp/bin")
pass=0 fail=0 skip=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
ko() { fail=$((fail + 1)); echo "FAIL - $1"; }
skipped() { skip=$((skip + 1)); echo "skip - $1"; }
show() { sed 's/^/    | /' "$1" | head -n 30; }

# run DESC WANT_EXIT ARGS...: run tmdk-scan with the test catalog; stdout in $tmp/out, stderr in $tmp/err.
run() {
	desc=$1 want=$2
	shift 2
	"$scan" --no-builtin --catalog "$fx/catalog.yaml" "$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
	got=$?
	if [ "$got" = "$want" ]; then ok "$desc"; else ko "$desc (exit $got, expected $want)"; show "$tmp/err"; fi
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
# json_eq DESC FILE EXPR VALUE: a Python expression over the parsed JSON `d`.
json_eq() {
	if [ -z "$PY" ]; then skipped "$1 (no python3 to read JSON)"; return; fi
	val=$("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$2" "$3" 2>&1)
	if [ "$val" = "$4" ]; then ok "$1"; else ko "$1: $3 is '$val', expected '$4'"; fi
}

# ---- options ------------------------------------------------------------------
"$scan" --version > "$tmp/out" 2>&1 && grep -q '^tmdk-scan (libtmdk) ' "$tmp/out" && ok "--version" || ko "--version"
"$scan" --help > "$tmp/out" 2>&1 && grep -q '^usage: tmdk-scan' "$tmp/out" && ok "--help" || ko "--help"
run "unknown option is a usage error" 2 --bogus .
has "usage error names the option" "$tmp/err" "unknown option '--bogus'"
run "unknown format is a usage error" 2 --format xml "$fx/clean"
run "bad -j is a usage error" 2 -j 0 "$fx/clean"
run "unknown severity is a usage error" 2 --severity-threshold huge "$fx/clean"
run "unknown risk is a usage error" 2 --risk no-such-risk "$fx/clean"
"$scan" > /dev/null 2> "$tmp/err"; [ $? = 2 ] && ok "no PATH is a usage error" || ko "no PATH is a usage error"
"$scan" --no-builtin "$fx/clean" > /dev/null 2>&1; [ $? = 2 ] && ok "--no-builtin without --catalog is a usage error" || ko "--no-builtin alone"

# ---- exit codes ------------------------------------------------------------------
run "clean project exits 0" 0 "$fx/clean"
has "clean project says so" "$tmp/out" "No findings."
run "findings at or above the threshold exit 1" 1 "$fx/project"
run "findings below the threshold exit 0" 0 --severity-threshold critical --ignore SCAN-K8S-001 "$fx/project"
run "--severity-threshold none never exits 1" 0 --severity-threshold none "$fx/project"
run "malformed input exits 2 although there are findings (2 wins over 1)" 2 --unparseable error "$fx/broken"
has "malformed input reported with its position" "$tmp/out" "bad.yaml:5:5: error:"
has "the other inputs are still scanned" "$tmp/out" "broken/Dockerfile:1:6  MEDIUM    SCAN-DF-001"
run "malformed YAML not named as an artifact is skipped by default" 1 "$fx/broken"
has "the skip is counted" "$tmp/out" "(1 skipped, 1 of them with a reason: -v lists them)"
run "-v lists it with the reason and position" 1 -v "$fx/broken"
has "the skip, listed" "$tmp/out" "bad.yaml:5:5: skipped: not valid YAML: "
run "--unparseable skip is the default" 1 --unparseable skip "$fx/broken"
run "--unparseable takes skip or error" 2 --unparseable maybe "$fx/broken"
has "--unparseable: the usage error says what is expected" "$tmp/err" "invalid --unparseable 'maybe' (expected skip or error)"
# ---- --exclude and --stdin-name --------------------------------------------------------
run "--exclude a folder: not read, so not skipped" 1 -f json --exclude broken "$fx/broken" "$fx/project"
json_eq "--exclude: the folder's files are gone" "$tmp/out" "(d['skipped'], [f['path'] for f in d['files'] if 'broken/' in f['path']])" "([], [])"
run "--exclude is repeatable, globs with ** and names at any depth" 1 -f json --exclude '**/bad.yaml' --exclude 'deploy/*.yaml' "$fx/broken" "$fx/project"
json_eq "--exclude: the matching files are gone, the others scanned" "$tmp/out" \
	"(d['skipped'], sorted(set(f['path'].split('fixtures/scan/')[-1] for f in d['findings'])))" "([], ['broken/Dockerfile', 'project/Dockerfile'])"
run "--exclude matches the path relative to the folder scanned" 1 -f json --exclude 'Dockerfile' "$fx/project"
json_eq "--exclude: relative" "$tmp/out" "[f['path'] for f in d['files'] if f['path'].endswith('Dockerfile')]" "[]"
run "--exclude without a glob is a usage error" 2 --exclude= "$fx/project"
has "--exclude: the usage error" "$tmp/err" "--exclude needs a glob"
run "--exclude=GLOB form" 0 --severity-threshold none --exclude=deploy "$fx/project"
mkdir -p "$tmp/ex/keep" "$tmp/ex/fixtures/locked"
printf 'services:\n  web:\n    image: "nginx\n' > "$tmp/ex/fixtures/locked/compose.yaml"
printf 'services:\n  web:\n    image: "nginx\n' > "$tmp/ex/fixtures/compose.yaml"
printf 'FROM alpine:latest\n' > "$tmp/ex/keep/Dockerfile"
chmod 000 "$tmp/ex/fixtures/locked"
run "named artifacts that do not parse are errors" 2 -f json "$tmp/ex"
run "excluded, a broken named artifact and an unreadable folder are never read" 1 -f json --exclude '**/fixtures/**' "$tmp/ex"
json_eq "--exclude: no error" "$tmp/out" "(d['errors'], d['skipped'], len(d['findings']) > 0)" "([], [], True)"
chmod 755 "$tmp/ex/fixtures/locked"

printf 'services:\n  web:\n    image: nginx:latest\n' > "$tmp/compose.in"
"$scan" --no-builtin --catalog "$fx/catalog.yaml" --severity-threshold none -f json --stdin-name deploy/compose.yaml - < "$tmp/compose.in" > "$tmp/out" 2> "$tmp/err"
[ $? = 0 ] && ok "--stdin-name: exits 0" || { ko "--stdin-name: exit status"; show "$tmp/err"; }
json_eq "--stdin-name: the path of standard input, and its kind by name" "$tmp/out" "[(f['path'], f['kind']) for f in d['files']]" "[('deploy/compose.yaml', 'compose')]"
json_eq "--stdin-name: the scope" "$tmp/out" "d['scope']" "deploy/compose.yaml"
"$scan" --no-builtin --catalog "$fx/catalog.yaml" -f sarif --stdin-name deploy/compose.yaml - < "$tmp/compose.in" > "$tmp/out" 2> /dev/null
lacks "--stdin-name: no <stdin> in SARIF" "$tmp/out" "stdin"
printf 'FROM alpine:latest\n' | "$scan" --no-builtin --catalog "$fx/catalog.yaml" --stdin-name build/Dockerfile - > "$tmp/out" 2> "$tmp/err"
[ $? = 1 ] && ok "--stdin-name Dockerfile: detected by name" || { ko "--stdin-name Dockerfile"; show "$tmp/err"; }
has "--stdin-name: the path in text" "$tmp/out" "build/Dockerfile:1:6  MEDIUM    SCAN-DF-001"
printf 'a: [\n' | "$scan" --no-builtin --catalog "$fx/catalog.yaml" -v --stdin-name notes.yaml - > "$tmp/out" 2> "$tmp/err"
[ $? = 0 ] && ok "--stdin-name: an unparseable YAML not named as an artifact is skipped" || { ko "--stdin-name skip"; show "$tmp/err"; }
has "--stdin-name: the skip, listed under its name" "$tmp/out" "notes.yaml:2:1: skipped: not valid YAML"
printf 'services: [\n' | "$scan" --no-builtin --catalog "$fx/catalog.yaml" -f json --stdin-name compose.yaml - > "$tmp/out" 2> "$tmp/err"
[ $? = 2 ] && ok "--stdin-name: a named artifact that does not parse exits 2" || { ko "--stdin-name: named artifact error"; show "$tmp/err"; }
has "--stdin-name: the error names it" "$tmp/err" "compose.yaml:2:1: error:"
printf 'a: [\n' | "$scan" --no-builtin --catalog "$fx/catalog.yaml" --unparseable error --stdin-name notes.yaml - > /dev/null 2>&1
[ $? = 2 ] && ok "--stdin-name with --unparseable error: an error" || ko "--stdin-name with --unparseable error"
run "--stdin-name without a name is a usage error" 2 --stdin-name= -

run "a missing path exits 2, the others are scanned" 2 -f json "$tmp/no-such-file" "$fx/project"
has "missing path reported on stderr" "$tmp/err" "no-such-file: error: cannot open: No such file or directory"
json_eq "missing path in errors" "$tmp/out" "d['errors'][0]['message']" "cannot open: No such file or directory"
json_eq "findings of the other inputs kept" "$tmp/out" "len(d['findings'])" "3"
mkdir "$tmp/empty"
run "an empty folder exits 0" 0 "$tmp/empty"
has "an empty folder: no findings" "$tmp/out" "0 findings in 0 files scanned"

# ---- standard input ---------------------------------------------------------------
"$scan" --no-builtin -c "$fx/catalog.yaml" -f json --kind kubernetes - < "$fx/project/deploy/pod.yaml" > "$tmp/out" 2> "$tmp/err"
[ $? = 1 ] && ok "stdin with --kind" || { ko "stdin with --kind"; show "$tmp/err"; }
json_eq "stdin findings are named <stdin>" "$tmp/out" "d['findings'][0]['path']" "<stdin>"
"$scan" --no-builtin -c "$fx/catalog.yaml" -f json - < "$fx/project/Dockerfile" > "$tmp/out" 2> "$tmp/err"
[ $? = 1 ] && ok "stdin detected by content" || { ko "stdin detected by content"; show "$tmp/err"; }
json_eq "stdin Dockerfile detected" "$tmp/out" "d['files'][0]['kind']" "dockerfile"
printf 'just some words\n' | "$scan" --no-builtin -c "$fx/catalog.yaml" - > "$tmp/out" 2> "$tmp/err"
[ $? = 2 ] && ok "undetectable stdin is an error" || ko "undetectable stdin is an error"
has "undetectable stdin: says to use --kind" "$tmp/out" "use --kind"

# ---- walking ----------------------------------------------------------------------
run "verbose walk" 1 -v -f json "$fx/project"
has "skips node_modules" "$tmp/err" "project/node_modules (folder skipped by default)"
has "skips vendor" "$tmp/err" "project/vendor (folder skipped by default)"
has "skips hidden folders" "$tmp/err" "project/.hidden (folder skipped by default)"
has "lists files that are not artifacts" "$tmp/err" "README.md (not an artifact name)"
has "lists sniffed files that are not artifacts" "$tmp/err" "docs/NOTES (not a recognised artifact)"
if grep -Eq "^tmdk-scan: seconds: walk [0-9.]+, parse [0-9.]+, units [0-9.]+ \(deciding [0-9.]+\), models [0-9.]+, match [0-9.]+, report [0-9.]+, write [0-9.]+$" "$tmp/err"; then
	ok "-v says where the time went, phase by phase"
else
	ko "-v says where the time went, phase by phase"
fi
json_eq "files scanned" "$tmp/out" "[f['path'].split('project/')[1] for f in d['files']]" \
	"['Dockerfile', 'app/config.yaml', 'deploy/namespace.yaml', 'deploy/pod.yaml']"
json_eq "files skipped" "$tmp/out" "d['stats']['files_skipped']" "2"
# app/ and deploy/ are two folder units: the ConfigMap of app/ does not see deploy/'s Namespace.
json_eq "cross-document pattern sees its unit only" "$tmp/out" \
	"[f['pattern_id'] for f in d['findings'] if f['path'].endswith('app/config.yaml')]" "[]"
json_eq "units: one per Kubernetes folder, one per Dockerfile" "$tmp/out" \
	"[(u['kind'], u['path'].split('project')[1]) for u in d['units']]" \
	"[('file', '/Dockerfile'), ('folder', '/app'), ('folder', '/deploy')]"
json_eq "each finding names its unit" "$tmp/out" \
	"sorted(set((f['unit']['kind'], f['path'].split('project/')[1]) for f in d['findings']))" \
	"[('file', 'Dockerfile'), ('folder', 'deploy/pod.yaml')]"
json_eq "inline suppression with its reason" "$tmp/out" "d['suppressed'][0]['suppression']" \
	"comment (line 14): the log shipper is capped by its node agent"
run "files named on the command line are one unit, as one set" 0 -f json "$fx/project/app/config.yaml" "$fx/project/deploy/namespace.yaml"
json_eq "named files: the cross-document pattern sees them together" "$tmp/out" \
	"[(f['pattern_id'], f['unit']) for f in d['findings'] if f['path'].endswith('app/config.yaml')]" \
	"[('SCAN-SET-001', {'kind': 'files', 'path': '(command line)'})]"

mkdir "$tmp/big"
dd if=/dev/zero of="$tmp/big/blob" bs=1024 count=2048 2> /dev/null
cp "$fx/clean/Dockerfile" "$tmp/big/Dockerfile"
run "large files without an extension are not read" 0 -v "$tmp/big"
has "large files without an extension: listed with -v" "$tmp/err" "blob (too large to be a Dockerfile)"

mkdir -p "$tmp/loop/a/b"
cp "$fx/project/Dockerfile" "$tmp/loop/a/b/Dockerfile"
ln -s .. "$tmp/loop/a/b/up"
ln -s "$tmp/loop" "$tmp/loop/a/root"
if command -v timeout > /dev/null 2>&1; then T="timeout 60"; else T=; fi
$T "$scan" --no-builtin -c "$fx/catalog.yaml" -v -f json "$tmp/loop" > "$tmp/out" 2> "$tmp/err"
[ $? = 1 ] && ok "symbolic link loop: the walk ends" || { ko "symbolic link loop"; show "$tmp/err"; }
json_eq "symbolic link loop: the file is scanned once" "$tmp/out" "len(d['files'])" "1"
has "symbolic link loop: reported with -v" "$tmp/err" "folder already walked"

# ---- unreadable inputs --------------------------------------------------------------
mkdir -p "$tmp/unreadable"
cp "$fx/project/Dockerfile" "$tmp/unreadable/Dockerfile"
cp "$fx/clean/Dockerfile" "$tmp/unreadable/Dockerfile.ok"
if [ "$(id -u)" != 0 ]; then
	chmod 000 "$tmp/unreadable/Dockerfile"
	run "unreadable file exits 2" 2 -f json "$tmp/unreadable"
	json_eq "unreadable file reported" "$tmp/out" "d['errors'][0]['message']" "cannot open: Permission denied"
	json_eq "readable neighbour still scanned" "$tmp/out" "[f['path'].split('/')[-1] for f in d['files']]" "['Dockerfile.ok']"
	chmod 644 "$tmp/unreadable/Dockerfile"
	mkdir "$tmp/unreadable/locked"
	chmod 000 "$tmp/unreadable/locked"
	run "unreadable folder exits 2" 2 "$tmp/unreadable"
	has "unreadable folder reported, walk goes on" "$tmp/out" "locked: error: cannot open folder: Permission denied"
	chmod 755 "$tmp/unreadable/locked"
else
	skipped "chmod 000 file and folder (running as root, who can read them)"
fi
if [ -r /proc/self/mem ]; then
	# Readable by name, but read(2) fails: an unreadable input even for root.
	run "a file whose read fails exits 2" 2 -f json --kind dockerfile /proc/self/mem "$fx/project/Dockerfile"
	json_eq "read failure reported" "$tmp/out" "d['errors'][0]['path']" "/proc/self/mem"
	json_eq "read failure: the other file still scanned" "$tmp/out" "len(d['findings'])" "2"
else
	skipped "read failure (/proc/self/mem not available)"
fi

# ---- determinism ------------------------------------------------------------------------
for fmt in text json sarif markdown html; do
	"$scan" --no-builtin -c "$fx/catalog.yaml" -f "$fmt" -j1 --unparseable error "$fx/project" "$fx/broken" 2> /dev/null \
		| sed -e 's/"duration_ms": [0-9]*/"duration_ms": 0/' -e 's/[0-9]*\.[0-9][0-9][0-9] s/X s/' > "$tmp/j1.$fmt"
	"$scan" --no-builtin -c "$fx/catalog.yaml" -f "$fmt" -j4 --unparseable error "$fx/project" "$fx/broken" 2> /dev/null \
		| sed -e 's/"duration_ms": [0-9]*/"duration_ms": 0/' -e 's/[0-9]*\.[0-9][0-9][0-9] s/X s/' > "$tmp/j4.$fmt"
	if cmp -s "$tmp/j1.$fmt" "$tmp/j4.$fmt" && [ -s "$tmp/j1.$fmt" ]; then ok "$fmt output is the same with -j1 and -j4"
	else ko "$fmt output differs between -j1 and -j4"; diff "$tmp/j1.$fmt" "$tmp/j4.$fmt" | head -n 20; fi
done

# ---- formats -------------------------------------------------------------------------------
has "text: path:line:col  SEVERITY  ID  message" "$tmp/j1.text" "project/deploy/pod.yaml:11:21  CRITICAL  SCAN-K8S-001  container \`app\` is privileged"
has "text: evidence line" "$tmp/j1.text" "     11 | privileged: true"
has "text: summary" "$tmp/j1.text" "4 findings in 5 files scanned (2 skipped), 1 suppressed, 1 error, 5 patterns checked"
if [ -n "$PY" ] && "$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/j1.json" 2> /dev/null; then ok "json parses"; else ko "json parses"; fi
json_eq "json: DESIGN.md contract fields" "$tmp/j1.json" \
	"sorted(k for k in d['findings'][0] if k in ('pattern_id','title','question','risk','severity','path','line','column','message'))" \
	"['column', 'line', 'message', 'path', 'pattern_id', 'question', 'risk', 'severity', 'title']"
json_eq "json: errors with path and line" "$tmp/j1.json" "(d['errors'][0]['path'].endswith('bad.yaml'), d['errors'][0]['line'])" "(True, 5)"
# Markdown escapes `_` and `*` in paths (a distcheck build lives under _build).
mdfx=$(printf '%s' "$fx" | sed 's/[_*]/\\&/g')
has "markdown: a threat model" "$tmp/j1.markdown" "# Threat model: $mdfx/project, $mdfx/broken"
has "markdown: the four questions" "$tmp/j1.markdown" "## Did we do a good enough job?"
has "html: a whole page" "$tmp/j1.html" "</html>"
has "html: the counts" "$tmp/j1.html" 'id="count-findings" data-count="4"'

SCHEMA="$src/tests/fixtures/sarif/sarif-schema-2.1.0.json"
JSPY=
for p in python3 /usr/bin/python3; do
	if command -v "$p" > /dev/null 2>&1 && "$p" -c 'import jsonschema' 2> /dev/null; then JSPY=$p; break; fi
done
if [ -n "$JSPY" ]; then
	# With a skipped file: its notification (level note) and the run's skipped count.
	"$scan" --no-builtin -c "$fx/catalog.yaml" -f sarif "$fx/broken" > "$tmp/skip.sarif" 2> /dev/null
	grep -q '"level": "note"' "$tmp/skip.sarif" && ok "sarif: a skipped file is a note" || ko "sarif: no note for the skipped file"
	for f in "$tmp/j1.sarif" "$tmp/skip.sarif"; do
		if "$JSPY" - "$SCHEMA" "$f" > "$tmp/val" 2>&1 <<'PY'
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
cls = jsonschema.validators.validator_for(schema)
errors = sorted(cls(schema).iter_errors(log), key=lambda e: list(e.path))
for e in errors[:10]:
    print("/".join(str(p) for p in e.path), e.message)
sys.exit(1 if errors else 0)
PY
		then ok "sarif validates against the SARIF 2.1.0 schema"; else ko "sarif does not validate"; show "$tmp/val"; fi
	done
	"$scan" -f sarif "$src/examples/demo" > "$tmp/demo.sarif" 2> /dev/null
	if "$JSPY" -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' \
		"$SCHEMA" "$tmp/demo.sarif" > "$tmp/val" 2>&1; then ok "sarif of the demo with the built-in catalog validates"
	else ko "sarif of the demo does not validate"; show "$tmp/val"; fi
else
	skipped "SARIF schema validation (install python3-jsonschema)"
fi
json_eq "sarif: one run, rules, results" "$tmp/j1.sarif" \
	"(d['version'], len(d['runs']), len(d['runs'][0]['tool']['driver']['rules']), len(d['runs'][0]['results']))" "('2.1.0', 1, 5, 5)"
json_eq "sarif: suppression" "$tmp/j1.sarif" "[r['suppressions'][0]['kind'] for r in d['runs'][0]['results'] if 'suppressions' in r]" "['inSource']"
json_eq "sarif: security-severity" "$tmp/j1.sarif" \
	"[r['properties']['security-severity'] for r in d['runs'][0]['tool']['driver']['rules'] if r['id'] == 'SCAN-K8S-001']" "['9.5']"

# ---- --explain and --list-patterns ------------------------------------------------------
run "--explain" 0 --explain SCAN-DF-002
has "--explain: description" "$tmp/out" "A script is downloaded and run without verification."
has "--explain: mitigation" "$tmp/out" "Download, verify a checksum, then run."
has "--explain: references" "$tmp/out" "https://example.com/verify"
has "--explain: examples" "$tmp/out" "fires on (dockerfile, line 2)"
"$scan" --explain TMDK-DF-001 > "$tmp/out" 2>&1 < /dev/null
has "--explain of a built-in pattern shows its examples" "$tmp/out" "fires on (dockerfile"
run "--explain of an unknown pattern exits 2" 2 --explain NOPE-1
has "--explain: unknown pattern named" "$tmp/err" "no pattern 'NOPE-1'"
run "--list-patterns" 0 --list-patterns
has "--list-patterns lists ids" "$tmp/out" "SCAN-K8S-002"
has "--list-patterns counts (with the engine's meta patterns TMDK-META-001 to 003)" "$tmp/out" "8 of 8 patterns selected"
run "--list-patterns with a filter" 0 --list-patterns --risk privilege-escalation,latest-tag
has "--list-patterns filtered" "$tmp/out" "2 of 8 patterns selected"
"$scan" --list-patterns > "$tmp/out" 2>&1 && ok "--list-patterns of the built-in catalog" || ko "--list-patterns of the built-in catalog"

# ---- filters ------------------------------------------------------------------------------
run "--question" 1 -f json --question 3 "$fx/project"
json_eq "--question keeps one question" "$tmp/out" "sorted(set(f['question'] for f in d['findings']))" "['what-are-we-going-to-do']"
run "--risk" 1 -f json --risk tamperproof-dockerfile "$fx/project"
json_eq "--risk keeps one risk" "$tmp/out" "[f['pattern_id'] for f in d['findings']]" "['SCAN-DF-002']"
run "--ignore" 1 -f json --ignore SCAN-K8S-001 --ignore SCAN-DF-001,SCAN-SET-001 "$fx/project"
json_eq "--ignore drops patterns" "$tmp/out" "[f['pattern_id'] for f in d['findings']]" "['SCAN-DF-002']"
run "--min-severity" 1 -f json --min-severity high "$fx/project"
json_eq "--min-severity hides lower findings" "$tmp/out" "sorted(f['severity'] for f in d['findings'])" "['critical', 'high']"
run "--no-inline-ignores" 1 -f json --no-inline-ignores "$fx/project"
json_eq "--no-inline-ignores: the suppressed finding counts" "$tmp/out" "(len(d['findings']), len(d['suppressed']))" "(4, 0)"

# ---- output and colour ---------------------------------------------------------------------
run "--output" 1 -o "$tmp/report.md" -f markdown "$fx/project"
has "--output writes the file" "$tmp/report.md" "# Threat model: $mdfx/project"
[ ! -s "$tmp/out" ] && ok "--output: nothing on stdout" || ko "--output: nothing on stdout"
run "--output to an impossible place exits 2" 2 -o "$tmp/no/such/dir/x" "$fx/project"
run "--color always" 1 --color always "$fx/project"
if grep -q "$(printf '\033')\[" "$tmp/out"; then ok "--color always colours"; else ko "--color always colours"; fi
NO_COLOR=1 "$scan" --no-builtin -c "$fx/catalog.yaml" --color auto "$fx/project" > "$tmp/out" 2>&1
if grep -q "$(printf '\033')" "$tmp/out"; then ko "NO_COLOR"; else ok "NO_COLOR and a pipe: no colour"; fi
run "--color never" 1 --color never "$fx/project"
if grep -q "$(printf '\033')" "$tmp/out"; then ko "--color never"; else ok "--color never"; fi

# ---- catalogs -------------------------------------------------------------------------------
"$scan" --no-builtin -c "$fx/catalog.yaml" -c "$fx/broken-catalog.yaml" -f json "$fx/project" > "$tmp/out" 2> "$tmp/err"
[ $? = 2 ] && ok "a broken catalog exits 2" || ko "a broken catalog exits 2"
has "broken catalog diagnostics GCC-style" "$tmp/err" "broken-catalog.yaml:6:11: error:"
json_eq "broken catalog in errors" "$tmp/out" "d['errors'][0]['path'].endswith('broken-catalog.yaml')" "True"
json_eq "the good catalog is still used" "$tmp/out" "len(d['findings'])" "3"
"$scan" -c "$fx/catalog.yaml" -f json "$src/examples/demo" > "$tmp/out" 2> "$tmp/err"
st=$?
[ $st -le 1 ] && ok "--catalog adds to the built-in catalog (exit $st)" || { ko "--catalog with the built-in catalog (exit $st)"; show "$tmp/err"; }
json_eq "built-in and added patterns run together" "$tmp/out" \
	"any(f['pattern_id'].startswith('SCAN-') for f in d['findings']) and any(f['pattern_id'].startswith('TMDK-') for f in d['findings'])" "True"

# ---- --limit: every library limit from the command line ----------------------------------
: > "$tmp/pods.yaml"
for i in 1 2 3 4 5 6; do
	printf -- '---\napiVersion: v1\nkind: Pod\nmetadata: {name: p%s, namespace: ns}\nspec: {containers: [{name: c, image: app:1}]}\n' "$i" >> "$tmp/pods.yaml"
done
"$scan" -f json --limit max_set_visits=3 "$tmp/pods.yaml" > "$tmp/out" 2> "$tmp/err"
[ $? = 2 ] && ok "--limit max_set_visits: exit 2" || ko "--limit max_set_visits: exit 2"
json_eq "--limit max_set_visits: the error names the limit" "$tmp/out" "'(max_set_visits)' in d['errors'][0]['message']" "True"
json_eq "--limit max_set_visits: other patterns still report" "$tmp/out" "len(d['findings']) > 20" "True"
"$scan" -f json --limit max_findings=3 "$tmp/pods.yaml" > "$tmp/out" 2> "$tmp/err"
[ $? = 2 ] && ok "--limit max_findings: exit 2" || ko "--limit max_findings: exit 2"
json_eq "--limit max_findings: the findings up to the limit are reported" "$tmp/out" "len(d['findings'])" "3"
"$scan" --kind kubernetes --limit max_input_bytes=100 - < "$tmp/pods.yaml" > "$tmp/out" 2> "$tmp/err"
[ $? = 2 ] && ok "--limit max_input_bytes on standard input: exit 2" || ko "--limit max_input_bytes: exit 2"
has "--limit max_input_bytes: named in the error" "$tmp/out" "max_input_bytes"
"$scan" --limit max_documents=2,max_depth=64 "$tmp/pods.yaml" > "$tmp/out" 2> "$tmp/err"
[ $? = 2 ] && ok "--limit with two limits, comma-separated" || ko "--limit max_documents=2,max_depth=64"
has "--limit max_documents: named in the error" "$tmp/out" "max_documents"
"$scan" --no-builtin -c "$fx/catalog.yaml" --limit max_patterns=1 "$fx/clean" > "$tmp/out" 2> "$tmp/err"
[ $? = 2 ] && ok "--limit max_patterns applies to catalogs" || ko "--limit max_patterns"
has "--limit max_patterns: named in the diagnostic" "$tmp/err" "max_patterns"
run "an unknown limit is a usage error" 2 --limit max_nothing=1 "$fx/clean"
has "an unknown limit: the known ones are listed" "$tmp/err" "max_set_visits"
run "a zero limit is a usage error" 2 --limit max_depth=0 "$fx/clean"
run "a limit too large for its field is a usage error" 2 --limit max_depth=4294967296 "$fx/clean"
run "--limit without = is a usage error" 2 --limit max_depth "$fx/clean"

# ---- the embedding examples --------------------------------------------------------------
if [ -x "$build/examples/embed" ] && [ -x "$build/examples/threads" ]; then
	"$embed" "$src/examples/demo/Dockerfile" "$src/examples/demo/compose.yaml" > "$tmp/out" 2>&1
	[ $? = 1 ] && grep -q '^.*examples/demo/compose.yaml:[0-9]*:[0-9]*: [a-z]*: \[TMDK-' "$tmp/out" &&
		ok "examples/embed prints findings and exits 1" || { ko "examples/embed"; show "$tmp/out"; }
	set -- "$src"/examples/demo/* "$fx"/project/deploy/*.yaml "$fx"/project/app/*.yaml
	"$threads" 1 "$@" > "$tmp/t1" 2>&1
	"$threads" 3 "$@" > "$tmp/t3" 2>&1
	if [ -s "$tmp/t1" ] && cmp -s "$tmp/t1" "$tmp/t3"; then ok "examples/threads: same findings on 1 and 3 threads"
	else ko "examples/threads: 1 and 3 threads differ"; diff "$tmp/t1" "$tmp/t3" | head; fi
else
	skipped "examples/embed and examples/threads not built"
fi

echo "scan: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
