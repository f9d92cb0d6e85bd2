#!/bin/sh
# tmdk-scan on a project where some inputs are bad: a scan of many files with
# some unreadable, truncated, binary, non-UTF-8 or enormous ones reports each
# (with its line and column when the parser knows them, and what is wrong) and
# finishes the rest; the folder walk survives permission errors, dangling
# links, link loops and FIFOs. Everything is built here at run time: 20 good
# artifacts of every kind (whose findings must be exactly those of a scan
# without the bad files), 13 bad ones among them, links, a FIFO and
# unreadable files and folders (chmod 000 does not stop root: as root, those
# checks run as nobody through setpriv, or are skipped). Checked in the text
# and JSON formats, with -j1 and -j4, file by file on the command line and
# through standard input; with --unparseable error (every file that does not
# parse is an error) and by default (YAML/JSON not named as an artifact that
# does not parse is skipped, with the reason). Run: TMDK_BUILDDIR=build-dir sh tests/check-bad-inputs.sh
set -u
build=${TMDK_BUILDDIR:-.}
scan="$build/examples/tmdk-scan"
if [ ! -x "$scan" ]; then
	echo "SKIP: $scan is not built"; exit 77
fi
case $scan in /*) ;; *) scan="$(pwd)/$scan" ;; esac
umask 022
tmp=$(mktemp -d)
trap 'chmod -R u+rwx "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
# make check-valgrind runs tmdk-scan under valgrind (tests/tool-wrapper.sh), much slower.
. "${TMDK_SRCDIR:-$(dirname "$0")/..}/tests/tool-wrapper.sh"
mkdir "$tmp/bin"
scan=$(wrap_tool "$scan" "$tmp/bin")
# Reports name inputs as given: scan from $tmp, so they read tree/svc/api/Dockerfile.
cd "$tmp" || exit 99
pass=0 fail=0 skip=0

ok() { pass=$((pass + 1)); echo "ok - $1"; }
ko() { fail=$((fail + 1)); echo "FAIL - $1"; }
skipped() { skip=$((skip + 1)); echo "skip - $1"; }
show() { sed 's/^/    | /' "$1" | head -n 30; }

if ! command -v timeout > /dev/null 2>&1; then T=
elif [ -n "${TMDK_TOOL_WRAPPER:-}" ]; then T="timeout 3600"
else T="timeout 60"; fi
RUNAS=   # a command prefix that drops root, for the permission checks

# sr NAME WANT DESC ARGS...: run tmdk-scan (at most 60 s) with standard input from
# $inp; stdout in NAME.out, stderr in NAME.err. Checks that it ended with exit
# status WANT and that its standard error shows no crash.
sr() {
	name=$1 want=$2 desc=$3
	shift 3
	$T $RUNAS "$scan" "$@" > "$name.out" 2> "$name.err" < "$inp"
	got=$?
	case $got in
	"$want") ok "$desc: exits $want" ;;
	124) ko "$desc: still running after 60 s (exit 124)" ;;
	*)
		if [ "$got" -gt 128 ]; then ko "$desc: killed by signal $((got - 128))"
		else ko "$desc: exit $got, expected $want"; fi
		show "$name.err" ;;
	esac
	if grep -E -e 'Sanitizer|Segmentation|core dumped|runtime error:|Aborted|double free|stack smashing|Assertion' \
		"$name.err" > "$name.crash"; then
		ko "$desc: a crash on stderr"; show "$name.crash"
	else
		ok "$desc: no crash on stderr"
	fi
}
inp=/dev/null

PY=   # (the system's first: a pyenv shim costs 0.2 s a call)
for p in /usr/bin/python3 python3; do
	if command -v "$p" > /dev/null 2>&1 && "$p" -c 'import json' 2> /dev/null; then PY=$p; break; fi
done
# Expectation files, one per line, fields separated by |:
#   error|PATH|LINE|COLUMN|TEXT      PATH is reported at LINE:COLUMN (0: unknown) with TEXT in the message
#   finding|PATH|ID|LINE|COLUMN      pattern ID reports PATH at LINE:COLUMN
#   eq|DESC|EXPR|VALUE               (JSON only) the Python expression EXPR over the report `d` is VALUE
cat > check.py <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for line in open(sys.argv[2]):
    f = line.rstrip("\n").split("|")
    if f[0] == "error":
        path, l, c, text = f[1], int(f[2]), int(f[3]), f[4]
        hit = [e for e in d["errors"] if e["path"] == path]
        good = any(e["line"] == l and e["column"] == c and text in e["message"] for e in hit)
        desc = "%s reported at %d:%d with '%s'" % (path, l, c, text)
        print(("ok|" if good else "ko|") + desc + ("" if good else ": got %r" % hit))
    elif f[0] == "finding":
        path, pid, l, c = f[1], f[2], int(f[3]), int(f[4])
        good = any(x["path"] == path and x["pattern_id"] == pid and x["line"] == l and x["column"] == c
                   for x in d["findings"])
        desc = "%s %s at %d:%d" % (path, pid, l, c)
        got = sorted("%s@%d:%d" % (x["pattern_id"], x["line"], x["column"]) for x in d["findings"] if x["path"] == path)
        print(("ok|" if good else "ko|") + desc + ("" if good else ": got %s" % got))
    elif f[0] == "eq":
        val = str(eval(f[2]))
        print(("ok|" if val == f[3] else "ko|") + f[1] + ("" if val == f[3] else ": %s is %r, expected %r" % (f[2], val, f[3])))
PY
# json_checks LABEL JSON EXPECT: the checks of EXPECT on the JSON report.
json_checks() {
	if [ -z "$PY" ]; then skipped "$1: JSON checks (no python3 to read JSON)"; return; fi
	if ! "$PY" check.py "$2" "$3" > results 2>&1; then ko "$1: the JSON report does not parse, or a check failed to run"; grep -v "^ok|" results | show /dev/stdin; return; fi
	while IFS='|' read -r res desc; do
		if [ "$res" = ok ]; then ok "$1: $desc"; else ko "$1: $desc"; fi
	done < results
}
# text_checks LABEL TEXT EXPECT: the error and finding checks of EXPECT on a text report
# ("path:line:col: error: message" and "path:line:col  SEVERITY  ID  message").
text_checks() {
	while IFS='|' read -r _w _a _b _c _d; do
		case $_w in
		error)
			if [ "$_b" = 0 ]; then _at="$_a: error: "; else _at="$_a:$_b:$_c: error: "; fi
			if grep -F -- "$_at" "$2" | grep -qF -- "$_d"; then ok "$1: $_at...$_d"
			else ko "$1: no '$_at...$_d' in $2"; grep -F -- "$_a" "$2" | head -n 5; fi ;;
		finding)
			if grep -F -- " $_a:$_c:$_d  " "$2" | grep -qF -- "  $_b  "; then ok "$1: $_a:$_c:$_d $_b"
			else ko "$1: no '$_a:$_c:$_d ... $_b' in $2"; grep -F -- " $_a:" "$2" | head -n 5; fi ;;
		esac
	done < "$3"
}
# same DESC A B: the reports A and B are the same but for the duration (JSON or text).
norm() { sed -e 's/"duration_ms": [0-9]*/"duration_ms": 0/' -e 's/[0-9]*\.[0-9][0-9][0-9] s$/X s/' "$1"; }
same() {
	norm "$2" > "$2.norm"; norm "$3" > "$3.norm"
	if [ -s "$2.norm" ] && cmp -s "$2.norm" "$3.norm"; then ok "$1"
	else ko "$1"; diff "$2.norm" "$3.norm" | head -n 20; fi
}

# ---- the project: 20 good artifacts --------------------------------------------------------
t=tree
mkdir -p $t/svc/api $t/svc/worker $t/svc/web $t/svc/db $t/svc/cache $t/svc/queue $t/svc/legacy $t/tools \
	$t/k8s/apps $t/k8s/rbac $t/host/node1 $t/host/node2 $t/host/containers $t/weird/Dockerfile
# Dockerfiles (one in a folder named Dockerfile)
printf 'FROM node:latest\nUSER root\nCMD ["node", "server.js"]\n' > $t/svc/api/Dockerfile
printf 'FROM python:3.12-slim\nRUN curl -sSL https://example.com/install.sh | sh\nUSER 1000\n' > $t/svc/worker/Dockerfile
printf 'FROM ubuntu\nRUN apt-get update && apt-get install -y sudo\nUSER 1000\n' > $t/svc/legacy/Containerfile
printf 'FROM golang:1.22 AS build\nENV AWS_SECRET_ACCESS_KEY=abcd1234abcd1234abcd1234abcd1234abcd1234\nFROM alpine:3.19\nUSER 1000\n' \
	> $t/tools/build.Dockerfile
printf 'FROM alpine:latest\nADD http://example.com/tool.tgz /opt/\nUSER 1000\n' > $t/weird/Dockerfile/Dockerfile
# compose files
printf 'services:\n  web:\n    image: nginx:1.25\n    privileged: true\n' > $t/svc/web/compose.yaml
printf 'services:\n  db:\n    image: postgres:16\n    volumes:\n      - /var/run/docker.sock:/var/run/docker.sock\n' \
	> $t/svc/db/docker-compose.yml
printf 'services:\n  cache:\n    image: redis:7\n    network_mode: host\n' > $t/svc/cache/compose.yml
printf 'services:\n  queue:\n    image: rabbitmq:3\n    cap_add: [ALL]\n' > $t/svc/queue/docker-compose.override.yaml
# Kubernetes manifests (a two-document stream, a JSON List)
printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  containers:\n    - name: app\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n' \
	> $t/k8s/pod.yaml
printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      hostNetwork: true\n      hostPID: true\n      containers:\n        - name: web\n          image: nginx:1.25\n' \
	> $t/k8s/apps/deploy.yaml
printf 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: all\nrules:\n  - apiGroups: ["*"]\n    resources: ["*"]\n    verbs: ["*"]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: all\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: all}\nsubjects:\n  - {kind: ServiceAccount, name: default, namespace: default}\n' \
	> $t/k8s/rbac/rbac.yaml
printf '{"apiVersion": "v1", "kind": "List", "items": [\n  {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"},\n   "spec": {"hostIPC": true, "containers": [{"name": "a", "image": "redis"}]}}\n]}\n' \
	> $t/k8s/apps/list.json
printf 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: migrate\n          image: flyway/flyway:10\n          securityContext:\n            runAsUser: 0\n            allowPrivilegeEscalation: true\n' \
	> $t/k8s/apps/job.yml
printf 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n  selector: {app: web}\n  ports: [{port: 80, nodePort: 30080}]\n' \
	> $t/k8s/apps/service.yaml
# daemon.json and docker inspect output
printf '{\n  "hosts": ["unix:///var/run/docker.sock", "tcp://0.0.0.0:2375"]\n}\n' > $t/host/node1/daemon.json
printf '{\n  "icc": true,\n  "userland-proxy": true,\n  "live-restore": false\n}\n' > $t/host/node2/daemon.json
printf '[{"Id": "a1", "Name": "/web", "Config": {"Image": "nginx:latest", "User": ""},\n  "HostConfig": {"Privileged": true}}]\n' \
	> $t/host/containers/web.json
printf '[{"Id": "b2", "Name": "/agent", "Config": {"Image": "agent:1", "User": "root"},\n  "HostConfig": {"Binds": ["/var/run/docker.sock:/var/run/docker.sock"]}}]\n' \
	> $t/host/containers/agent.json
printf '[{"Id": "c3", "Name": "/cache", "Config": {"Image": "redis:7", "User": "999"},\n  "HostConfig": {"NetworkMode": "host", "PidMode": "host"}}]\n' \
	> $t/host/containers/cache.json
# not artifacts: skipped and counted as such
printf '# the project\n' > $t/README.md
: > $t/k8s/empty.yaml

# What each good file must still report (the construct each was written for).
cat > good.expect <<'EOF'
finding|tree/svc/api/Dockerfile|TMDK-DF-040|1|1
finding|tree/svc/api/Dockerfile|TMDK-DF-042|2|6
finding|tree/svc/worker/Dockerfile|TMDK-DF-008|2|5
finding|tree/svc/legacy/Containerfile|TMDK-DF-040|1|1
finding|tree/tools/build.Dockerfile|TMDK-DF-022|2|5
finding|tree/weird/Dockerfile/Dockerfile|TMDK-DF-009|2|5
finding|tree/svc/web/compose.yaml|TMDK-DC-023|4|17
finding|tree/svc/db/docker-compose.yml|TMDK-DC-017|5|9
finding|tree/svc/cache/compose.yml|TMDK-DC-024|4|19
finding|tree/svc/queue/docker-compose.override.yaml|TMDK-DC-030|4|15
finding|tree/k8s/pod.yaml|TMDK-K8S-030|10|21
finding|tree/k8s/apps/deploy.yaml|TMDK-K8S-033|10|20
finding|tree/k8s/apps/deploy.yaml|TMDK-K8S-031|11|16
finding|tree/k8s/rbac/rbac.yaml|TMDK-RBAC-004|7|17
finding|tree/k8s/rbac/rbac.yaml|TMDK-RBAC-017|16|34
finding|tree/k8s/apps/list.json|TMDK-K8S-032|3|24
finding|tree/k8s/apps/job.yml|TMDK-K8S-039|13|24
finding|tree/k8s/apps/service.yaml|TMDK-K8S-006|6|9
finding|tree/host/node1/daemon.json|TMDK-DJ-006|2|44
finding|tree/host/node2/daemon.json|TMDK-DJ-007|2|10
finding|tree/host/containers/web.json|TMDK-DI-021|2|32
finding|tree/host/containers/agent.json|TMDK-DI-014|2|28
finding|tree/host/containers/cache.json|TMDK-DI-022|2|33
EOF

# The baseline: the good files alone.
sr base 1 "baseline (good files only)" -f json -j1 tree
cp good.expect base.expect
echo 'eq|baseline: 20 files scanned, 2 skipped, no error|(d["stats"]["files_scanned"], d["stats"]["files_skipped"], d["errors"])|(20, 2, [])' >> base.expect
json_checks baseline base.out base.expect

# ---- the bad inputs, among the good ones -----------------------------------------------------
mkdir -p $t/host/node3 $t/big $t/links
printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cut\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          ima' \
	> $t/k8s/apps/truncated.yaml                                   # cut in the middle of a mapping
printf 'services:\n  queue:\n    image: "rabbitmq:3\n    ports:\n      - 5672:5672\n' > $t/svc/queue/compose.yaml  # unterminated quote
printf 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ci\n  labels: [ci, build\n' > $t/k8s/rbac/flow.yaml  # unclosed flow
printf '{\n  "hosts": ["tcp://0.0.0.0:2375"],\n  "debug": tr' > $t/host/node3/daemon.json      # truncated JSON
printf '[{"Id": "d4", "Name": "/db", "HostConfig": {"Privileged": true,\n' > $t/host/containers/truncated.json
printf '\211PNG\r\n\032\n\0\0\0\rIHDR\0\0\0\020\0\0\0\020\010\006\0\0\0\037\363\377a' > $t/k8s/deploy.yaml  # binary
printf '\037\213\010\0\0\0\0\0\0\003\313H\315\311\311\347\002\0' > $t/svc/cache/Dockerfile                 # gzip data
printf 'FROM debian:12\nLABEL maintainer="Jos\351 Garc\355a"\nUSER root\n' > $t/svc/legacy/Dockerfile   # Latin-1
printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: motd\ndata:\n  motd: "Willkommen, gr\374\337 Gott"\n' > $t/k8s/latin1.yaml
printf 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: n\0ul\n' > $t/k8s/nul.yaml
printf 'FROM alpine:3.19\nRUN <<EOF\necho unterminated\n' > $t/svc/worker/Dockerfile.heredoc           # truncated Dockerfile
: > $t/svc/web/Dockerfile                                                                         # empty
# Just over max_input_bytes (64 MiB by default; tmdk-scan has no option to lower it): sparse, so cheap.
dd if=/dev/zero of=$t/big/deploy.yaml bs=1 count=0 seek=67108865 2> /dev/null
[ "$(wc -c < $t/big/deploy.yaml)" -eq 67108865 ] || ko "could not make a 64 MiB + 1 file"
# Links: dangling, a loop of two, a folder link to its parent and one to the root; a FIFO.
ln -s ../nowhere.yaml $t/links/ghost.yaml
ln -s b.yaml $t/links/a.yaml
ln -s a.yaml $t/links/b.yaml
ln -s .. $t/k8s/rbac/up
ln -s .. $t/links/root
if mkfifo $t/k8s/pipe.yaml 2> /dev/null; then fifo=1; else fifo=0; fi

# path|line|column|kind for --kind|what the message must say
cat > bad.table <<'EOF'
k8s/apps/truncated.yaml|11|1|kubernetes|could not find expected ':', while scanning a simple key (which starts at line 10, column 11)
svc/queue/compose.yaml|6|1|compose|found unexpected end of stream, while scanning a quoted scalar (which starts at line 3, column 12)
k8s/rbac/flow.yaml|6|1|kubernetes|did not find expected ',' or ']', while parsing a flow sequence (which starts at line 5, column 11)
host/node3/daemon.json|4|1|daemon-json|did not find expected ',' or '}', while parsing a flow mapping
host/containers/truncated.json|2|1|docker-inspect|did not find expected node content
k8s/deploy.yaml|1|1|kubernetes|invalid UTF-8 (byte 0x89)
svc/cache/Dockerfile|1|4|dockerfile|NUL byte in a Dockerfile (binary input?)
svc/legacy/Dockerfile|2|22|dockerfile|invalid UTF-8 (byte 0xE9)
k8s/latin1.yaml|6|24|kubernetes|invalid UTF-8 (byte 0xFC)
k8s/nul.yaml|4|10|kubernetes|control characters are not allowed (found U+0000)
svc/worker/Dockerfile.heredoc|2|5|dockerfile|unterminated heredoc: no line "EOF" before the end of the file
svc/web/Dockerfile|1|1|dockerfile|file with no instructions
big/deploy.yaml|0|0|compose|over the limit of 67108864 bytes (max_input_bytes)
EOF
nbad=$(wc -l < bad.table | tr -d ' ')
sed 's/^\([^|]*\)|\([^|]*\)|\([^|]*\)|[^|]*|\(.*\)$/error|tree\/\1|\2|\3|\4/' bad.table > tree.expect
cat good.expect >> tree.expect

# ---- the whole tree, text and JSON ---------------------------------------------------------------
# With --unparseable error every file that does not parse is an error; the
# default (skip unparseable YAML/JSON not named as artifacts) is checked after.
U="--unparseable error"
sr text 2 "tree, text" $U tree
text_checks "tree, text" text.out tree.expect
n=$(sed -n '/^Errors/,/^Summary/p' text.out | grep -c ': error: ')
[ "$n" = "$nbad" ] && ok "tree, text: $nbad errors listed" || { ko "tree, text: $n errors listed, expected $nbad"; show text.out; }
findings=$("${PY:-false}" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' base.out 2> /dev/null)
if [ -n "$findings" ]; then
	grep -qF "  $findings findings in 20 files scanned (2 skipped, 1 of them with a reason: -v lists them), 0 suppressed, $nbad errors," text.out \
		&& ok "tree, text: summary counts $findings findings, 20 files, 2 skipped, $nbad errors" \
		|| { ko "tree, text: summary"; tail -n 3 text.out; }
else
	grep -qF " findings in 20 files scanned (2 skipped, 1 of them with a reason: -v lists them), 0 suppressed, $nbad errors," text.out \
		&& ok "tree, text: summary counts 20 files, 2 skipped, $nbad errors" || { ko "tree, text: summary"; tail -n 3 text.out; }
fi
[ ! -s text.err ] && ok "tree, text: errors only in the report" || { ko "tree, text: unexpected stderr"; show text.err; }

sr json 2 "tree, json" $U -f json tree
cp tree.expect json.expect
cat >> json.expect <<EOF
eq|every bad file is reported, nothing else|sorted(e["path"] for e in d["errors"]) == sorted("tree/" + l.split(chr(124))[0] for l in open("bad.table"))|True
eq|parse errors are "parse error", the enormous file "limit exceeded"|sorted(set((e["code"], e["line"] > 0) for e in d["errors"]))|[('limit exceeded', False), ('parse error', True)]
eq|20 files scanned, 2 skipped, $nbad errors|(d["stats"]["files_scanned"], d["stats"]["files_skipped"], d["stats"]["errors"])|(20, 2, $nbad)
eq|the files scanned are the good ones|d["files"] == json.load(open("base.out"))["files"]|True
eq|no bad file among the scanned files|[f["path"] for f in d["files"] if f["path"] in [e["path"] for e in d["errors"]]]|[]
eq|the good files' findings are exactly those of the baseline|d["findings"] == json.load(open("base.out"))["findings"]|True
EOF
json_checks "tree, json" json.out json.expect
for p in $(sed 's/|.*//' bad.table); do
	if grep -F -- "tree/$p" json.err | grep -qF ": error: "; then ok "tree, json: tree/$p echoed on stderr"
	else ko "tree, json: tree/$p not echoed on stderr"; fi
done

# ---- the walk: what is skipped, and why (-v) --------------------------------------------------------
sr verbose 2 "tree, -v" $U -v -f json tree
for s in "tree/README.md (not an artifact name)" "tree/k8s/empty.yaml (empty file)" \
	"tree/links/ghost.yaml (broken symbolic link)" "tree/links/a.yaml (symbolic link loop)" \
	"tree/links/b.yaml (symbolic link loop)" "tree/k8s/rbac/up (folder already walked" "tree/links/root (folder already walked"; do
	grep -qF "skipped $s" verbose.err && ok "-v: skipped $s" || { ko "-v: no 'skipped $s'"; show verbose.err; }
done
if [ "$fifo" = 1 ]; then
	grep -qF "skipped tree/k8s/pipe.yaml (not a regular file)" verbose.err && ok "-v: a FIFO is skipped, not read (no hang)" \
		|| { ko "-v: FIFO"; show verbose.err; }
else
	skipped "FIFO (mkfifo failed)"
fi
same "-v changes no report" json.out verbose.out

# ---- -j1 and -j4 ----------------------------------------------------------------------------------------
sr j1 2 "tree, -j1" $U -f json -j1 tree
sr j4 2 "tree, -j4" $U -f json -j4 tree
same "json: the same report with -j1 and -j4" j1.out j4.out
sr j1t 2 "tree, text -j1" $U -j1 tree
sr j4t 2 "tree, text -j4" $U -j4 tree
same "text: the same report with -j1 and -j4" j1t.out j4t.out

# ---- the default: unparseable YAML/JSON not named as an artifact is skipped, with the reason -------------
sr dflt 2 "tree, default (--unparseable skip)" -f json tree
cat > dflt.expect <<'EOF'
eq|named artifacts that do not parse and the enormous file stay errors|sorted(e["path"] for e in d["errors"])|['tree/big/deploy.yaml', 'tree/host/node3/daemon.json', 'tree/svc/cache/Dockerfile', 'tree/svc/legacy/Dockerfile', 'tree/svc/queue/compose.yaml', 'tree/svc/web/Dockerfile', 'tree/svc/worker/Dockerfile.heredoc']
eq|the others are skipped, sorted by path, each with its reason and position|[(x["path"], x["line"], x["column"], x["reason"].split(":")[0]) for x in d["skipped"]]|[('tree/host/containers/truncated.json', 2, 1, 'not valid JSON'), ('tree/k8s/apps/truncated.yaml', 11, 1, 'not valid YAML'), ('tree/k8s/deploy.yaml', 0, 0, 'binary file (contains NUL bytes)'), ('tree/k8s/empty.yaml', 0, 0, 'empty file'), ('tree/k8s/latin1.yaml', 6, 24, 'not UTF-8 text (another encoding?)'), ('tree/k8s/nul.yaml', 0, 0, 'binary file (contains NUL bytes)'), ('tree/k8s/rbac/flow.yaml', 6, 1, 'not valid YAML')]
eq|the parser's message follows the reason|[x["reason"] for x in d["skipped"] if x["path"] == "tree/k8s/apps/truncated.yaml"]|["not valid YAML: could not find expected ':', while scanning a simple key (which starts at line 10, column 11)"]
eq|counted: 20 scanned, 8 skipped (7 with a reason), 7 errors|(d["stats"]["files_scanned"], d["stats"]["files_skipped"], d["stats"]["skipped"], d["stats"]["errors"])|(20, 8, 7, 7)
eq|the good files' findings are still those of the baseline|d["findings"] == json.load(open("base.out"))["findings"]|True
EOF
json_checks "tree, default" dflt.out dflt.expect
grep -q 'skipped' dflt.err && { ko "tree, default: skips on stderr without -v"; show dflt.err; } || ok "tree, default: skips not on stderr without -v"
sr dfltv 2 "tree, default, -v" -v tree
grep -qF "  tree/k8s/rbac/flow.yaml:6:1: skipped: not valid YAML: did not find expected ',' or ']'" dfltv.out \
	&& ok "text -v lists the skipped files with their reasons" || { ko "text -v: no skipped list"; show dfltv.out; }
grep -qF "(8 skipped, 7 of them with a reason)" dfltv.out && ok "text summary counts the skipped files" \
	|| { ko "text summary: skipped count"; tail -n 2 dfltv.out; }
sr dfltt 2 "tree, default, text" tree
grep -qF "(8 skipped, 7 of them with a reason: -v lists them)" dfltt.out && ok "text without -v: the count and a hint" \
	|| { ko "text without -v: skipped count"; tail -n 2 dfltt.out; }
grep -q ': skipped: ' dfltt.out && ko "text without -v lists skipped files" || ok "text without -v does not list them"
for f in sarif markdown html; do
	sr dflt$f 2 "tree, default, $f" -f $f tree
	grep -q 'tree/k8s/rbac/flow.yaml' dflt$f.out && ok "$f lists the skipped files" || ko "$f: no skipped file listed"
done

# ---- each bad file alone on the command line, and through standard input ------------------------------
while IFS='|' read -r p l c k m; do
	echo "error|tree/$p|$l|$c|$m" > one.expect
	echo "eq|nothing scanned|(d[\"stats\"][\"files_scanned\"], len(d[\"errors\"]), d[\"findings\"])|(0, 1, [])" >> one.expect
	sr one 2 "tree/$p alone, json" $U -f json "tree/$p"
	json_checks "tree/$p alone, json" one.out one.expect
	sr one 2 "tree/$p alone, text" $U "tree/$p"
	text_checks "tree/$p alone, text" one.out one.expect
	echo "error|<stdin>|$l|$c|$m" > one.expect
	inp=tree/$p
	sr one 2 "tree/$p on stdin, --kind $k" -f json --kind "$k" -
	inp=/dev/null
	json_checks "tree/$p on stdin, --kind $k" one.out one.expect
	grep -qF -- "$m" one.err && ok "tree/$p on stdin: echoed on stderr" || { ko "tree/$p on stdin: not on stderr"; show one.err; }
done < bad.table
echo 'error|<stdin>|1|1|invalid UTF-8 (byte 0x89)' > one.expect
inp=tree/k8s/deploy.yaml
sr one 2 "binary on stdin without --kind" -f json -
inp=/dev/null
json_checks "binary on stdin without --kind" one.out one.expect
# A stream larger than the limit: read up to the limit, reported, and the writer is not waited for.
if [ -n "$T" ]; then
	dd if=/dev/zero bs=1048576 count=80 2> /dev/null | $T "$scan" -f json --kind kubernetes - > one.out 2> one.err
	[ $? = 2 ] && ok "an 80 MiB stream on stdin: exits 2" || { ko "an 80 MiB stream on stdin"; show one.err; }
	echo 'error|<stdin>|0|0|over the limit of 67108864 bytes (max_input_bytes)' > one.expect
	json_checks "an 80 MiB stream on stdin" one.out one.expect
else
	skipped "an 80 MiB stream on stdin (no timeout)"
fi
# A lower limit from the command line, where tmdk-scan has --limit.
if "$scan" --help 2> /dev/null | grep -q -- '--limit NAME=N'; then
	mkdir limit
	{ cat tree/k8s/pod.yaml; i=0; while [ $i -lt 100 ]; do echo "# padding $i"; i=$((i + 1)); done; } > limit/pod.yaml
	sr one 2 "--limit max_input_bytes=1024" -f json --limit max_input_bytes=1024 limit/pod.yaml tree/svc/api/Dockerfile
	printf '%s\n' 'error|limit/pod.yaml|0|0|over the limit of 1024 bytes (max_input_bytes)' \
		'finding|tree/svc/api/Dockerfile|TMDK-DF-042|2|6' > one.expect
	json_checks "--limit max_input_bytes=1024" one.out one.expect
	inp=limit/pod.yaml
	sr one 2 "--limit max_input_bytes=1024, stdin" -f json --limit max_input_bytes=1024 --kind kubernetes -
	inp=/dev/null
	echo 'error|<stdin>|0|0|over the limit of 1024 bytes (max_input_bytes)' > one.expect
	json_checks "--limit max_input_bytes=1024, stdin" one.out one.expect
	# Regression: standard input was read up to the default limit's buffer (128 MiB) whatever
	# --limit said, so the end of a larger input allowed by --limit was dropped without a word.
	awk 'BEGIN { l = "#"; while (length(l) < 1023) l = l "x"; for (i = 0; i < 1024; i++) print l }' > limit/block
	{ echo 'FROM node:latest'; i=0; while [ $i -lt 129 ]; do cat limit/block; i=$((i + 1)); done; echo 'USER root'; } \
		| $T "$scan" -f json --limit max_input_bytes=200000000 --kind dockerfile - > one.out 2> one.err
	[ $? = 1 ] && ok "a 129 MiB Dockerfile on stdin under --limit max_input_bytes=200000000: exits 1" \
		|| { ko "a 129 MiB Dockerfile on stdin under a higher --limit"; show one.err; }
	echo 'finding|<stdin>|TMDK-DF-042|132098|6' > one.expect
	json_checks "a 129 MiB Dockerfile on stdin: read to its end" one.out one.expect
	rm -f limit/block
else
	skipped "--limit max_input_bytes (tmdk-scan has no --limit)"
fi
# The other odd paths, named on the command line.
sr one 2 "a dangling link named" -f json tree/links/ghost.yaml
echo 'error|tree/links/ghost.yaml|0|0|cannot open: No such file or directory' > one.expect
json_checks "a dangling link named" one.out one.expect
sr one 2 "a link loop named" -f json tree/links/a.yaml
echo 'error|tree/links/a.yaml|0|0|cannot open: Too many levels of symbolic links' > one.expect
json_checks "a link loop named" one.out one.expect
sr one 1 "a folder named Dockerfile, named (walked)" -f json --kind dockerfile tree/weird/Dockerfile
echo 'eq|its Dockerfile scanned|[f["path"] for f in d["files"]]|['"'"'tree/weird/Dockerfile/Dockerfile'"'"']' > one.expect
json_checks "a folder named Dockerfile" one.out one.expect
sr one 2 "a folder link loop named (k8s/, bad files included)" $U -f json tree/k8s/rbac/up
echo 'eq|each file once|len(d["files"]) == len(set(f["path"] for f in d["files"])) and len(d["files"]) > 0|True' > one.expect
json_checks "a folder link loop named" one.out one.expect
if [ "$fifo" = 1 ] && [ -n "$T" ]; then
	# A FIFO named on the command line is read (the user asked for it).
	$T sh -c 'cat "$1" > "$2"' sh tree/k8s/pod.yaml tree/k8s/pipe.yaml &
	writer=$!
	sr one 1 "a FIFO named, with a writer" -f json tree/k8s/pipe.yaml
	wait "$writer"
	echo 'finding|tree/k8s/pipe.yaml|TMDK-K8S-030|10|21' > one.expect
	json_checks "a FIFO named" one.out one.expect
else
	skipped "a FIFO named on the command line (no mkfifo or no timeout)"
fi

# ---- unreadable files and folders -----------------------------------------------------------------------
mkdir -p perm/secret perm/locked perm/nox
printf 'FROM node:latest\nUSER root\n' > perm/Dockerfile
cp tree/svc/web/compose.yaml perm/secret/compose.yaml
cp tree/k8s/pod.yaml perm/locked/pod.yaml
cp tree/k8s/pod.yaml perm/nox/pod.yaml
ln -s locked/pod.yaml perm/link.yaml
chmod 000 perm/secret/compose.yaml perm/locked
chmod 644 perm/nox   # listed, but its entries cannot be reached
if [ "$(id -u)" = 0 ]; then
	# root reads chmod 000 files: drop to nobody when setpriv can, or skip.
	# (nobody must reach $tmp and run the scanner, and must not read the chmod 000 file).
	RUNAS="setpriv --reuid=65534 --regid=65534 --clear-groups"
	chmod 755 "$tmp"
	runas_ok=
	if command -v setpriv > /dev/null 2>&1; then
		$RUNAS "$scan" -f json tree/svc/api/Dockerfile > /dev/null 2>&1
		if [ $? = 1 ] && ! $RUNAS cat perm/secret/compose.yaml > /dev/null 2>&1; then runas_ok=1; fi
	fi
	[ -n "$runas_ok" ] || RUNAS=
else
	runas_ok=1
fi
if [ -n "${runas_ok:-}" ]; then
	[ -n "$RUNAS" ] && echo "# running as root: the permission checks run as nobody ($RUNAS)"
	cat > perm.expect <<'EOF'
error|perm/secret/compose.yaml|0|0|cannot open: Permission denied
error|perm/locked|0|0|cannot open folder: Permission denied
error|perm/nox/pod.yaml|0|0|cannot read: Permission denied
error|perm/link.yaml|0|0|cannot read: Permission denied
finding|perm/Dockerfile|TMDK-DF-042|2|6
EOF
	cat tree.expect >> perm.expect
	cp perm.expect permj.expect
	cat >> permj.expect <<EOF
eq|21 files scanned, $nbad + 4 errors|(d["stats"]["files_scanned"], d["stats"]["errors"])|(21, $((nbad + 4)))
eq|the good files' findings are still those of the baseline|[f for f in d["findings"] if f["path"].startswith("tree/")] == json.load(open("base.out"))["findings"]|True
EOF
	sr perm 2 "unreadable files and folders, json" $U -f json tree perm
	json_checks "unreadable, json" perm.out permj.expect
	sr perm 2 "unreadable files and folders, text" $U -v tree perm
	text_checks "unreadable, text" perm.out perm.expect
	lacks_link=$(grep -c 'perm/link.yaml (broken symbolic link)' perm.err)
	[ "$lacks_link" = 0 ] && ok "a link to an unreadable file is an error, not a broken link" || ko "link to an unreadable file called broken"
	sr perm 2 "an unreadable file named" -f json perm/secret/compose.yaml tree/svc/api/Dockerfile
	printf '%s\n' 'error|perm/secret/compose.yaml|0|0|cannot open: Permission denied' \
		'finding|tree/svc/api/Dockerfile|TMDK-DF-042|2|6' > one.expect
	json_checks "an unreadable file named" perm.out one.expect
	RUNAS=
else
	skipped "chmod 000 files and folders (running as root, who can read them, and setpriv cannot drop to nobody)"
fi

echo "bad inputs: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
