#!/bin/sh
# tmdk-scan as a CI tool on real repositories: each project of the public
# corpus ($TMDK_CORPUS/projects, i.e. ../shared/corpus/projects beside the
# source tree) scanned with the README's CI recipe (--severity-threshold none)
# exits 0 with no error, finds artifacts, and lists what it skipped and why
# (-v). Broken or template files that are not named as artifacts (Helm
# templates in microservices-demo, tsconfig.json with comments in
# awesome-compose) are skipped, never errors; with --unparseable error the
# unparseable ones are errors again (Helm templates never are). Skips (exit 77) when the corpus is absent.
# Run: TMDK_BUILDDIR=build-dir TMDK_CORPUS=../shared/corpus sh tests/check-corpus-projects.sh
set -u
build=${TMDK_BUILDDIR:-.}
scan="$build/examples/tmdk-scan"
if [ ! -x "$scan" ]; then
	echo "SKIP: $scan is not built"; exit 77
fi
case $scan in /*) ;; *) scan="$(pwd)/$scan" ;; esac
projects=${TMDK_CORPUS:-${TMDK_SRCDIR:-.}/../shared/corpus}/projects
if [ ! -d "$projects" ]; then
	echo "SKIP: no corpus projects at $projects (set TMDK_CORPUS to the corpus folder)"; exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "${TMDK_SRCDIR:-$(dirname "$0")/..}/tests/tool-wrapper.sh"
mkdir "$tmp/bin"
scan=$(wrap_tool "$scan" "$tmp/bin")
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
ko() { fail=$((fail + 1)); echo "FAIL - $1"; }
show() { sed 's/^/    | /' "$1" | head -n 30; }
PY=
for p in /usr/bin/python3 python3; do
	if command -v "$p" > /dev/null 2>&1 && "$p" -c 'import json' 2> /dev/null; then PY=$p; break; fi
done

# project|a skipped path|its reason (the start of it)
cat > "$tmp/expect" <<'EOF2'
microservices-demo|helm-chart/templates/frontend.yaml|Helm template (not rendered)
awesome-compose|angular/angular/tsconfig.json|JSON with comments (JSONC), not JSON
kubernetes-examples|_archived/openshift-origin/secret.json|empty file
EOF2
while IFS='|' read -r name path reason; do
	dir="$projects/$name"
	if [ ! -d "$dir" ]; then
		skip=$((skip + 1)); echo "skip - $name (not in the corpus)"; continue
	fi
	# As a user would: from the project's folder.
	( cd "$dir" && "$scan" --severity-threshold none -v . ) > "$tmp/$name.txt" 2> "$tmp/$name.err"
	rc=$?
	[ "$rc" = 0 ] && ok "$name: --severity-threshold none exits 0" || { ko "$name: exit $rc, expected 0"; show "$tmp/$name.txt"; }
	if grep -E 'Sanitizer|Segmentation|runtime error:|Aborted' "$tmp/$name.err" > /dev/null; then ko "$name: a crash"; show "$tmp/$name.err"; fi
	grep -q ': error: ' "$tmp/$name.txt" && { ko "$name: errors in the report"; grep ': error: ' "$tmp/$name.txt" | head; } \
		|| ok "$name: no error"
	grep -F "  $path" "$tmp/$name.txt" | grep -qF "skipped: $reason" && ok "$name: -v lists $path ($reason)" \
		|| { ko "$name: no '$path: skipped: $reason'"; sed -n '/^Skipped/,/^Summary/p' "$tmp/$name.txt" | head; }
	grep -qE "findings in [1-9][0-9]* files? scanned \([0-9]+ skipped, [1-9][0-9]* of them with a reason\), 0 suppressed, 0 errors" \
		"$tmp/$name.txt" && ok "$name: the summary counts artifacts, skips and no error" || { ko "$name: summary"; tail -n 2 "$tmp/$name.txt"; }
	( cd "$dir" && "$scan" --severity-threshold none -f json . ) > "$tmp/$name.json" 2> /dev/null
	if [ -n "$PY" ]; then
		"$PY" - "$tmp/$name.json" "$path" > "$tmp/$name.check" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
paths = [s["path"] for s in d["skipped"]]
assert d["errors"] == [], d["errors"]
assert paths == sorted(paths), "skipped not sorted"
assert sys.argv[2] in paths, paths
assert all(s["reason"] for s in d["skipped"])
assert d["stats"]["skipped"] == len(paths)
assert not set(paths) & set(f["path"] for f in d["files"])
print(len(paths))
PY
		[ $? = 0 ] && ok "$name: JSON skipped list ($(cat "$tmp/$name.check") files), no errors" || { ko "$name: JSON"; show "$tmp/$name.check"; }
	fi
	# The strict option turns them back into errors (exit 2).
	( cd "$dir" && "$scan" --severity-threshold none --unparseable error . ) > /dev/null 2>&1
	rc=$?
	case $name in
	kubernetes-examples) [ "$rc" = 0 ] && ok "$name: --unparseable error: nothing unparseable, exits 0" || ko "$name: --unparseable error exits $rc" ;;
	microservices-demo) [ "$rc" = 0 ] && ok "$name: --unparseable error: Helm templates are never errors" || ko "$name: --unparseable error exits $rc" ;;
	*) [ "$rc" = 2 ] && ok "$name: --unparseable error exits 2" || ko "$name: --unparseable error exits $rc, expected 2" ;;
	esac
done < "$tmp/expect"
# Excluding the skipped folders: nothing skipped with a reason is left in microservices-demo.
if [ -d "$projects/microservices-demo" ]; then
	( cd "$projects/microservices-demo" && "$scan" --severity-threshold none --exclude helm-chart -f json . ) > "$tmp/ex.json" 2> /dev/null
	if [ -n "$PY" ]; then
		"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["skipped"] == [] and not [f for f in d["files"] if f["path"].startswith("helm-chart/")] else 1)' \
			"$tmp/ex.json" && ok "microservices-demo: --exclude helm-chart leaves nothing of it" || ko "microservices-demo: --exclude helm-chart"
	fi
fi
echo "corpus projects: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
