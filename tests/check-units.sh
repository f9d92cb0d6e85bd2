#!/bin/sh
# Deployment units (include/tmdk/unit.h, README "Deployment units") on the
# fixture trees of tests/fixtures/units: compose projects and overrides,
# kustomizations (bases outside the scanned folder, components, patches,
# remote resources), plain folders, Helm charts with and without helm,
# rendered streams on standard input, the configuration keys, and the same
# output for any -j.
#
# Helm cannot be installed on the build machines: the rendering path runs
# a stand-in `helm` shell script put first on PATH by this test, which prints
# tests/fixtures/units/chart/rendered.out — a fixture in `helm template`'s
# documented output format (documents separated by `---`, each after a
# `# Source: CHART/templates/FILE` comment) — or fails, or prints a bad stream.
set -u
build=${TMDK_BUILDDIR:-.}
src=${TMDK_SRCDIR:-$(dirname "$0")/..}
scan="$build/examples/tmdk-scan"
[ -x "$scan" ] || { echo "SKIP: $scan is not built"; exit 77; }
case $scan in /*) ;; *) scan="$(pwd)/$scan" ;; esac
case $src in /*) ;; *) src="$(pwd)/$src" ;; esac
PY=
for p in /usr/bin/python3 python3; do
	if command -v "$p" > /dev/null 2>&1 && "$p" -c 'import json' 2> /dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "SKIP: python3 is needed to read the JSON reports"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/tool-wrapper.sh"
mkdir "$tmp/bin" "$tmp/helmbin"
scan=$(wrap_tool "$scan" "$tmp/bin")
fx="$src/tests/fixtures/units"
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
ko() { fail=$((fail + 1)); echo "FAIL - $1"; }
show() { sed 's/^/    | /' "$1" | head -n 20; }
# run DESC WANTED-EXIT ARGS...: from the fixture folder, no configuration unless given, PATH without helm
run() {
	desc=$1 want=$2
	shift 2
	( cd "$fx" && PATH="$NOHELM_PATH" "$scan" --severity-threshold none -f json "$@" ) > "$tmp/out" 2> "$tmp/err" < /dev/null
	got=$?
	if [ "$got" = "$want" ]; then ok "$desc"; else ko "$desc (exit $got, expected $want)"; show "$tmp/err"; fi
}
json_eq() {
	val=$("$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$2" "$3" 2>&1)
	if [ "$val" = "$4" ]; then ok "$1"; else ko "$1: $3 is '$val', expected '$4'"; fi
}
has() { if grep -qF -- "$3" "$2"; then ok "$1"; else ko "$1: no '$3' in $2"; show "$2"; fi; }

# A PATH with the tools the scan (a libtool wrapper) needs and no helm: /usr/bin and /bin, where
# helm is not installed on the build machines (a helm there would change the results: skip then).
NOHELM_PATH=/usr/bin:/bin
if PATH=$NOHELM_PATH command -v helm > /dev/null 2>&1; then
	echo "SKIP: a helm is installed in /usr/bin or /bin: the helm-less results cannot be checked"; exit 77
fi
unit_of() { printf "[sorted(set((f['path'], f['unit']['kind'], f['unit']['path']) for f in d['findings'] if f['path'].startswith('%s')))]" "$1"; }

# ---- compose projects ----------------------------------------------------------------
run "compose: a tree of projects" 0 --no-config compose
json_eq "compose: one unit per main file, others their own, a lone override a unit with a note" "$tmp/out" \
	"[(u['kind'], u['path'], [(m['path'], m['role']) for m in u['members']]) for u in d['units']]" \
	"[('compose-project', 'compose/app/compose.prod.yaml', [('compose/app/compose.prod.yaml', 'scanned')]), ('compose-project', 'compose/app/compose.yaml', [('compose/app/compose.yaml', 'scanned'), ('compose/app/compose.override.yaml', 'override')]), ('compose-project', 'compose/lone/docker-compose.override.yml', [('compose/lone/docker-compose.override.yml', 'override')]), ('compose-project', 'compose/other/docker-compose.prod.yml', [('compose/other/docker-compose.prod.yml', 'scanned')])]"
json_eq "compose: the merged project's finding names the override that set the value" "$tmp/out" \
	"[(f['path'], f['line'], f['unit']['path']) for f in d['findings'] if f['pattern_id'] == 'TMDK-DC-023' and 'app' in f['path']]" \
	"[('compose/app/compose.override.yaml', 3, 'compose/app/compose.yaml')]"
json_eq "compose: an override alone is never scanned" "$tmp/out" \
	"[f['path'] for f in d['findings'] if 'lone' in f['path']]" "[]"
json_eq "compose: the lone override's note" "$tmp/out" \
	"[n['unit']['path'] for n in d['notes'] if 'without a main compose file' in n['message']]" \
	"['compose/lone/docker-compose.override.yml']"
printf 'compose_overrides: ["compose.prod.yaml"]\n' > "$tmp/overrides.yaml"
run "compose: compose_overrides in the configuration" 0 --config "$tmp/overrides.yaml" compose/app
json_eq "compose: a configured override joins its folder's project" "$tmp/out" \
	"[(u['path'], [(m['path'], m['role']) for m in u['members']]) for u in d['units']]" \
	"[('compose/app/compose.yaml', [('compose/app/compose.yaml', 'scanned'), ('compose/app/compose.override.yaml', 'override'), ('compose/app/compose.prod.yaml', 'override')])]"
json_eq "compose: the configured override's value is merged (network_mode host, at its line)" "$tmp/out" \
	"[(f['path'], f['line']) for f in d['findings'] if f['pattern_id'] == 'TMDK-DC-024']" "[('compose/app/compose.prod.yaml', 3)]"

# ---- kustomize ---------------------------------------------------------------------
run "kustomize: a base, an overlay and a component" 0 --no-config kustomize
json_eq "kustomize: a unit per Kustomization, none for the Component" "$tmp/out" \
	"[(u['kind'], u['path']) for u in d['units']]" "[('kustomization', 'kustomize/base'), ('kustomization', 'kustomize/overlay')]"
json_eq "kustomize: the overlay's members (base, component, patch)" "$tmp/out" \
	"[(m['path'], m['role']) for m in d['units'][1]['members']]" \
	"[('kustomize/overlay/kustomization.yaml', 'config'), ('kustomize/base/kustomization.yaml', 'config'), ('kustomize/base/deploy.yaml', 'scanned'), ('kustomize/comp/kustomization.yaml', 'config'), ('kustomize/comp/netpol.yaml', 'scanned'), ('kustomize/overlay/patch.yaml', 'patch')]"
json_eq "kustomize: a patch is never scanned as a complete object (no folder unit, no absence findings of its own)" "$tmp/out" \
	"[f['pattern_id'] for f in d['findings'] if f['path'].endswith('patch.yaml') and f['unit']['kind'] != 'kustomization']" "[]"
json_eq "kustomize: built natively: the patch's value is found at the patch's line, in the overlay" "$tmp/out" \
	"[(f['path'], f['line'], f['unit']['path']) for f in d['findings'] if f['pattern_id'] == 'TMDK-K8S-031']" \
	"[('kustomize/overlay/patch.yaml', 8, 'kustomize/overlay')]"
json_eq "kustomize: the remote resource is a note" "$tmp/out" \
	"[n['unit']['path'] for n in d['notes'] if 'remote resource' in n['message']]" "['kustomize/overlay']"
json_eq "kustomize: the base file gets the base's findings and the overlay's" "$tmp/out" \
	"sorted(set(f['unit']['path'] for f in d['findings'] if f['path'] == 'kustomize/base/deploy.yaml'))" \
	"['kustomize/base', 'kustomize/overlay']"
cp "$tmp/out" "$tmp/kustomize.json"
run "kustomize: the overlay alone follows ../base and ../comp" 0 --no-config kustomize/overlay
json_eq "kustomize: the overlay alone has the overlay's findings of the whole scan" "$tmp/out" \
	"sorted((f['pattern_id'], f['path'], f['line'], f['column']) for f in d['findings']) == sorted((f['pattern_id'], f['path'], f['line'], f['column']) for f in json.load(open('$tmp/kustomize.json'))['findings'] if f['unit']['path'] == 'kustomize/overlay')" "True"
json_eq "kustomize: the files followed outside the folder are members" "$tmp/out" \
	"[m['path'] for m in d['units'][0]['members'] if m['role'] == 'scanned']" \
	"['kustomize/base/deploy.yaml', 'kustomize/comp/netpol.yaml']"
run "kustomize: a Component alone is no unit" 0 --no-config kustomize/comp
json_eq "kustomize: nothing is scanned for an unused Component" "$tmp/out" "(len(d['units']), len(d['findings']))" "(0, 0)"

# ---- plain folders -----------------------------------------------------------------
run "plain: a folder of manifests" 1 --no-config --severity-threshold low plain
json_eq "plain: one folder unit with both files" "$tmp/out" \
	"[(u['kind'], u['path'], len(u['members'])) for u in d['units']]" "[('folder', 'plain', 2)]"

# ---- Helm --------------------------------------------------------------------------
run "helm: without helm, a note and no error" 0 --no-config chart
json_eq "helm: the chart unit: Chart.yaml and crds/" "$tmp/out" \
	"[(u['kind'], u['path'], [(m['path'], m['role']) for m in u['members']]) for u in d['units']]" \
	"[('helm-chart', 'chart/mychart', [('chart/mychart/Chart.yaml', 'config'), ('chart/mychart/crds/crd.yaml', 'scanned')])]"
json_eq "helm: the note says how to render" "$tmp/out" "'helm template chart/mychart | tmdk-scan --stdin-name chart/mychart -' in d['notes'][0]['message']" "True"
json_eq "helm: no error" "$tmp/out" "len(d['errors'])" "0"
json_eq "helm: not rendered, its templates are skipped with the reason" "$tmp/out" \
	"[(s['path'], s['reason']) for s in d['skipped']]" "[('chart/mychart/templates/pod.yaml', 'Helm template (not rendered)')]"
run "helm: --helm required without helm is an error" 2 --no-config --helm required chart
json_eq "helm: the error names the chart" "$tmp/out" "[(e['path'], 'not rendered' in e['message']) for e in d['errors']]" "[('chart/mychart', True)]"
printf 'helm: required\n' > "$tmp/required.yaml"
run "helm: helm: required in the configuration, without helm, is an error" 2 --config "$tmp/required.yaml" chart

# The stand-in helm: HELM_MODE=ok prints the fixture, fail exits 1, bad prints a stream without CHART/ paths.
cat > "$tmp/helmbin/helm" <<EOF
#!/bin/sh
# A stand-in for helm (not installable here): \`helm template CHART [--values F]...\` in helm's output format.
echo "\$@" > "$tmp/helm-args"
[ "\$1" = template ] || exit 64
case "\${HELM_MODE:-ok}" in
ok) cat "$fx/chart/rendered.out" ;;
fail) echo "Error: chart requires kubeVersion: >=1.30" >&2; exit 1 ;;
bad) cat "$fx/chart/bad-rendered.out" ;;
esac
EOF
chmod +x "$tmp/helmbin/helm"
WITH_HELM="$tmp/helmbin"
runh() { # runh DESC WANTED MODE ARGS...
	desc=$1 want=$2 mode=$3
	shift 3
	( cd "$fx" && HELM_MODE=$mode PATH="$WITH_HELM:$NOHELM_PATH" "$scan" --severity-threshold none -f json "$@" ) > "$tmp/out" 2> "$tmp/err" < /dev/null
	got=$?
	if [ "$got" = "$want" ]; then ok "$desc"; else ko "$desc (exit $got, expected $want)"; show "$tmp/err"; fi
}
runh "helm (stand-in on PATH): the chart is rendered" 0 ok --no-config chart
json_eq "helm: findings name the templates, from the # Source: comments" "$tmp/out" \
	"sorted(set((f['path'], f['unit']['kind']) for f in d['findings']))" \
	"[('chart/mychart/templates/pod.yaml', 'helm-chart'), ('chart/mychart/templates/service.yaml', 'helm-chart')]"
json_eq "helm: the privileged container, at its line in the rendered template" "$tmp/out" \
	"[(f['path'], f['line']) for f in d['findings'] if f['pattern_id'] == 'TMDK-K8S-030']" "[('chart/mychart/templates/pod.yaml', 10)]"
json_eq "helm: the templates are members" "$tmp/out" \
	"[m['path'] for m in d['units'][0]['members'] if m['role'] == 'template']" \
	"['chart/mychart/templates/service.yaml', 'chart/mychart/templates/pod.yaml']"
json_eq "helm: no note once rendered" "$tmp/out" "len(d['notes'])" "0"
json_eq "helm: rendered, its templates are not listed as skipped" "$tmp/out" "d['skipped']" "[]"
runh "helm: a chart scanned as ./chart" 0 ok --no-config ./chart
json_eq "helm: ./chart: rendered, no template skipped" "$tmp/out" "(len(d['skipped']), len(d['notes']))" "(0, 0)"
has "helm: helm template CHART was run" "$tmp/helm-args" "template chart/mychart"
printf 'helm_values: [values.yaml, missing.yaml]\n' > "$tmp/values.yaml"
runh "helm: helm_values" 0 ok --config "$tmp/values.yaml" chart
has "helm: values files relative to the chart, missing ones left out" "$tmp/helm-args" "template chart/mychart --values chart/mychart/values.yaml"
runh "helm: a failing helm found on PATH is a note" 0 fail --no-config chart
json_eq "helm: the note gives helm's message" "$tmp/out" "['chart requires kubeVersion' in n['message'] for n in d['notes']]" "[True]"
runh "helm: a failing helm named with --helm is an error" 2 fail --no-config --helm "$WITH_HELM/helm" chart
json_eq "helm: the error gives helm's message" "$tmp/out" "['exit 1' in e['message'] and 'kubeVersion' in e['message'] for e in d['errors']]" "[True]"
runh "helm: a bad # Source: stream from helm is a note" 0 bad --no-config chart
json_eq "helm: the bad stream's note" "$tmp/out" "['not a helm' in n['message'] for n in d['notes']]" "[True]"
runh "helm: a bad stream with helm: required is an error" 2 bad --config "$tmp/required.yaml" chart
runh "helm: --helm never leaves the chart unrendered" 0 ok --no-config --helm never chart
json_eq "helm: never: a note" "$tmp/out" "(len(d['notes']), len(d['errors']))" "(1, 0)"

# ---- a rendered stream on standard input ----------------------------------------------------
( cd "$fx" && PATH="$NOHELM_PATH" "$scan" --severity-threshold none -f json --stdin-name chart/mychart - < chart/rendered.out ) > "$tmp/out" 2> "$tmp/err"
[ $? = 0 ] && ok "stdin: a rendered stream" || { ko "stdin: a rendered stream"; show "$tmp/err"; }
json_eq "stdin: findings name the templates" "$tmp/out" "sorted(set(f['path'] for f in d['findings']))" \
	"['chart/mychart/templates/pod.yaml', 'chart/mychart/templates/service.yaml']"
( cd "$fx" && PATH="$NOHELM_PATH" "$scan" -f json - < chart/bad-rendered.out ) > "$tmp/out" 2> "$tmp/err"
[ $? = 2 ] && ok "stdin: a bad # Source: stream is an error" || { ko "stdin: a bad stream"; show "$tmp/err"; }
json_eq "stdin: the error's line" "$tmp/out" "[(e['path'], e['line']) for e in d['errors']]" "[('<stdin>', 2)]"
printf -- '---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: Pod\nmetadata: {name: [\n' > "$tmp/broken.out"
( cd "$fx" && PATH="$NOHELM_PATH" "$scan" -f json --stdin-name c - < "$tmp/broken.out" ) > "$tmp/out" 2> "$tmp/err"
[ $? = 2 ] && ok "stdin: a template that does not parse is an error" || { ko "stdin: unparseable template"; show "$tmp/err"; }
json_eq "stdin: the error names the template" "$tmp/out" "['c/templates/a.yaml' in e['message'] for e in d['errors']]" "[True]"

# ---- configuration errors ----------------------------------------------------------------
cfg_error() { # DESC YAML EXPECTED-TEXT
	printf '%s\n' "$2" > "$tmp/bad.yaml"
	( cd "$fx" && PATH="$NOHELM_PATH" "$scan" --config "$tmp/bad.yaml" plain ) > /dev/null 2> "$tmp/err"
	if [ $? = 2 ] && grep -qF -- "$3" "$tmp/err"; then ok "$1"; else ko "$1"; show "$tmp/err"; fi
}
cfg_error "config: compose_overrides holds names, not paths" 'compose_overrides: ["a/compose.prod.yaml"]' "bad.yaml:1:21: error: \`compose_overrides\` holds file-name globs"
cfg_error "config: compose_overrides is a list (or one value)" 'compose_overrides: {compose.yaml: compose.prod.yaml}' "bad.yaml:1:20: error: \`compose_overrides\` must be a list (or one value)"
cfg_error "config: helm_values are relative" 'helm_values: [/etc/values.yaml]' "bad.yaml:1:15: error: \`helm_values\` paths are relative to each chart"
cfg_error "config: helm is a string" 'helm: [helm]' "bad.yaml:1:7: error:"
cfg_error "config: helm cannot be empty" 'helm: ""' "bad.yaml:1:7: error: \`helm\` must be a non-empty string"
cfg_error "config: a misspelt key" 'helm_value: [a.yaml]' "did you mean \`helm_values\`"
printf 'helm: tools/helm\nhelm_values: [values-prod.yaml]\ncompose_overrides: ["compose.*.yaml"]\n' > "$tmp/good.yaml"
( cd "$fx" && "$scan" --config "$tmp/good.yaml" --print-config plain ) > "$tmp/printed" 2> "$tmp/err"
has "config: --print-config shows helm (relative to the file)" "$tmp/printed" "helm: \"$tmp/tools/helm\""
has "config: --print-config shows helm_values" "$tmp/printed" "values-prod.yaml"
has "config: --print-config shows compose_overrides" "$tmp/printed" "compose.*.yaml"
( cd "$fx" && "$scan" --config "$tmp/good.yaml" --helm never --print-config plain ) > "$tmp/printed" 2> "$tmp/err"
has "config: --helm wins over the file" "$tmp/printed" 'helm: "never"'
run "options: --helm needs a value" 2 --helm= plain

# ---- the whole tree: units as a property of the tree, any -j ------------------------------------
run "whole tree, -j1" 0 --no-config -j1 .
sed 's/"duration_ms": [0-9]*/"duration_ms": 0/' "$tmp/out" > "$tmp/j1.json"
run "whole tree, -j2" 0 --no-config -j2 .
sed 's/"duration_ms": [0-9]*/"duration_ms": 0/' "$tmp/out" > "$tmp/j2.json"
cmp -s "$tmp/j1.json" "$tmp/j2.json" && ok "the same report for -j1 and -j2" || ko "-j1 and -j2 differ"
json_eq "whole tree: the same overlay unit as when scanned alone" "$tmp/out" \
	"[len(u['members']) for u in d['units'] if u['path'] == 'kustomize/overlay']" "[6]"
( cd "$fx" && PATH="$NOHELM_PATH" "$scan" --no-config --severity-threshold none . ) > "$tmp/text" 2>&1
has "text: a finding's unit" "$tmp/text" "unit: kustomization kustomize/overlay"
has "text: a finding in two units is listed once, with both" "$tmp/text" "units: kustomization kustomize/base, kustomization kustomize/overlay"
n=$(grep -c "deploy.yaml:" "$tmp/text"); m=$(python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print(sum(1 for f in d['findings'] if f['path'].endswith('deploy.yaml')))" "$tmp/j2.json")
[ "$n" -lt "$m" ] && ok "text: $n entries for the $m findings of deploy.yaml in JSON (one per unit)" || ko "text lists $n entries for $m findings"
has "text: the notes" "$tmp/text" "helm-chart chart/mychart: Helm chart not rendered"
has "text: the count of units" "$tmp/text" "deployment units, "
( cd "$fx" && PATH="$NOHELM_PATH" "$scan" --no-config --severity-threshold none -f sarif . ) > "$tmp/sarif" 2>&1
json_eq "sarif: the unit as a logical location" "$tmp/sarif" \
	"sorted(set(l['logicalLocations'][0]['fullyQualifiedName'] for r in d['runs'][0]['results'] for l in r['locations']))[:2]" \
	"['compose-project:compose/app/compose.prod.yaml', 'compose-project:compose/app/compose.yaml']"
json_eq "sarif: notes as notifications" "$tmp/sarif" \
	"len([n for n in d['runs'][0]['invocations'][0]['toolExecutionNotifications'] if n.get('descriptor', {}).get('id') == 'unit-note'])" "3"
( cd "$fx" && PATH="$NOHELM_PATH" "$scan" --no-config --severity-threshold none -f markdown . ) > "$tmp/md" 2>&1
has "markdown: the units section" "$tmp/md" "## Deployment units"
has "markdown: a finding's unit" "$tmp/md" "  - unit: kustomization \`kustomize/overlay\`"
( cd "$fx" && PATH="$NOHELM_PATH" "$scan" --no-config --severity-threshold none -f html . ) > "$tmp/html" 2>&1
has "html: the units section" "$tmp/html" '<section id="units">'

echo "# $pass passed, $fail failed"
[ "$fail" = 0 ]
