#!/bin/sh
# The deployment-unit invariant (README, "Deployment units") on the real
# projects of the public corpus ($TMDK_CORPUS/projects, i.e.
# ../shared/corpus/projects beside the source tree): for each project and
# for every folder in it that holds an artifact, scanning that folder alone
# gives, for every unit rooted inside the folder, exactly the findings
# (pattern, path, line, column, message, unit) and suppressed findings the
# whole-repository scan gives for that unit, and the same units. Scans run
# from the project's folder with -j2 and the JSON format; python3 compares.
# Skips (exit 77) when the corpus or python3 is absent.
# Run: TMDK_BUILDDIR=build-dir TMDK_CORPUS=../shared/corpus sh tests/check-units-invariant.sh
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
PY=
for p in /usr/bin/python3 python3; do
	if command -v "$p" > /dev/null 2>&1 && "$p" -c 'import json' 2> /dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "SKIP: python3 is needed to compare the reports"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "${TMDK_SRCDIR:-$(dirname "$0")/..}/tests/tool-wrapper.sh"
mkdir "$tmp/bin"
scan=$(wrap_tool "$scan" "$tmp/bin")

"$PY" - "$scan" "$projects" "$tmp" <<'PY'
import collections, json, os, subprocess, sys

scan, projects, tmp = sys.argv[1:4]
failures = 0
checked = 0

def run(cwd, path):
    p = subprocess.run([scan, "--no-config", "-j2", "--severity-threshold", "none", "-f", "json", path],
                       cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode not in (0, 1, 2):
        raise SystemExit(f"tmdk-scan {path} in {cwd}: exit {p.returncode}: {p.stderr.decode()[:500]}")
    return json.loads(p.stdout)

def key(u):
    return (u["kind"], u["path"])

def per_unit(d):
    out = collections.defaultdict(collections.Counter)
    for which in ("findings", "suppressed"):
        for f in d[which]:
            out[key(f["unit"])][(which, f["pattern_id"], f["path"], f["line"], f["column"], f["message"])] += 1
    return out

def root_of(u):
    if u["kind"] in ("compose-project", "file"):
        return os.path.dirname(u["path"]) or "."
    return u["path"]

def inside(path, folder):
    return folder == "." or path == folder or path.startswith(folder + "/")

for name in sorted(os.listdir(projects)):
    top = os.path.join(projects, name)
    if not os.path.isdir(top):
        continue
    whole = run(top, ".")
    whole_units = {key(u): u for u in whole["units"]}
    whole_findings = per_unit(whole)
    folders = sorted({os.path.dirname(f["path"]) or "." for f in whole["files"]
                      if f["kind"] != "unknown" and not f["path"].startswith("../")})
    bad = 0
    for folder in folders:
        part = run(top, folder)
        checked += 1
        expect = sorted(k for k, u in whole_units.items() if inside(root_of(u), folder))
        got = sorted(key(u) for u in part["units"])
        if got != expect:
            bad += 1
            print(f"FAIL - {name}/{folder}: units differ: only in the folder scan {sorted(set(got) - set(expect))[:5]}, "
                  f"only in the whole scan {sorted(set(expect) - set(got))[:5]}")
            continue
        part_findings = per_unit(part)
        for k in expect:
            if part_findings.get(k, collections.Counter()) != whole_findings.get(k, collections.Counter()):
                a, b = part_findings.get(k, collections.Counter()), whole_findings.get(k, collections.Counter())
                bad += 1
                print(f"FAIL - {name}/{folder}: unit {k}: only alone {list((a - b).elements())[:3]}, "
                      f"only in the whole {list((b - a).elements())[:3]}")
    failures += bad
    print(f"{'ok' if not bad else 'FAIL'} - {name}: {len(folders)} folders, {len(whole['units'])} units, "
          f"{len(whole['findings'])} findings, {len(whole['errors'])} errors, {len(whole['notes'])} notes")
print(f"{checked} folder scans compared, {failures} failures")
sys.exit(1 if failures else 0)
PY
