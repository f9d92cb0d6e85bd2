#!/bin/sh
# The system model (docs/system-model.md) of examples/demo and of three
# corpus projects, through `tmdk-scan --format model`: components, images and
# how each is linked to its Dockerfile, the runtime user, exposures, zones,
# data and flows, compared with expectations written by reading the files
# (each check says which file line decides it). Not a snapshot: only the
# facts below are compared. Named files are one unit (one model).
# The corpus part skips (its checks only) when ../shared/corpus is absent;
# the whole test skips (77) without python3.
# Run: TMDK_BUILDDIR=build-dir TMDK_SRCDIR=src sh tests/check-model.sh
set -u
build=${TMDK_BUILDDIR:-.}
src=${TMDK_SRCDIR:-$(dirname "$0")/..}
scan="$build/examples/tmdk-scan"
if [ ! -x "$scan" ]; then
	echo "SKIP: $scan is not built"; exit 77
fi
PY=
for p in /usr/bin/python3 python3; do
	if command -v "$p" > /dev/null 2>&1 && "$p" -c 'import json' 2> /dev/null; then PY=$p; break; fi
done
if [ -z "$PY" ]; then
	echo "SKIP: no python3 to read the model JSON"; exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$src/tests/tool-wrapper.sh"
mkdir "$tmp/bin"
scan=$(wrap_tool "$scan" "$tmp/bin")
corpus=${TMDK_CORPUS:-$src/../shared/corpus}/projects
fail=0

# model NAME FILE... : the model JSON of the files, as one unit, in $tmp/NAME.json
model() {
	name=$1; shift
	"$scan" --format model --severity-threshold none "$@" > "$tmp/$name.json" 2> "$tmp/$name.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "FAIL - $name: tmdk-scan --format model exited $rc"; sed 's/^/    | /' "$tmp/$name.err" | head -20
		fail=1; return 1
	fi
	return 0
}

# check NAME < python: the python reads `m` (the one unit's model) and calls ok()/ko()
check() {
	"$PY" - "$tmp/$1.json" "$1" <<'EOF' || fail=1
import json, sys
doc = json.load(open(sys.argv[1]))
name = sys.argv[2]
assert doc["format_version"] == 1, "format_version"
assert len(doc["units"]) == 1, "one unit expected, got %d" % len(doc["units"])
m = doc["units"][0]["model"]
comps = {c["id"]: c for c in m["components"]}
bad = 0
def ok(cond, what):
    global bad
    print(("ok - " if cond else "FAIL - ") + name + ": " + what)
    if not cond:
        bad = 1
def comp(cid):
    c = comps.get(cid)
    if c is None:
        ok(False, "component %s exists (have %s)" % (cid, sorted(comps)))
    return c or {"images": [], "user": {}, "host": [], "exposures": [], "networks": [], "data": []}
def image(cid, ref):
    for i in comp(cid)["images"]:
        if i["ref"] == ref:
            return i
    ok(False, "%s runs image %s" % (cid, ref))
    return {"dockerfile": None, "link": None}
def exposure(eid):
    for e in m["exposures"]:
        if e["id"] == eid:
            return e
    ok(False, "exposure %s exists (have %s)" % (eid, [e["id"] for e in m["exposures"]]))
    return {}
def flows():
    return sorted((f["from"], f["to"], f["kind"]) for f in m["flows"])
def data(did):
    for d in m["data"]:
        if d["id"] == did:
            return d
    ok(False, "data %s exists" % did)
    return {"used_by": []}
exec(open(sys.argv[1] + ".py").read())
sys.exit(bad)
EOF
}

# ---- examples/demo: compose.yaml, Dockerfile, deployment.yaml ----------------
demo=$src/examples/demo
if model demo "$demo/compose.yaml" "$demo/Dockerfile" "$demo/deployment.yaml"; then
	cat > "$tmp/demo.json.py" <<EOF
d = "$demo"
web, agent, db = "compose:%s/compose.yaml#web" % d, "compose:%s/compose.yaml#agent" % d, "compose:%s/compose.yaml#db" % d
k8s = "k8s:default/Deployment/web"
ok(sorted(comps) == sorted([web, agent, db, k8s]), "4 components: 3 compose services, 1 Deployment")
# compose.yaml:9 'build: .' -> Dockerfile of the folder, last stage (FROM node:latest, index 1, unnamed)
i = image(web, "demo-web")
ok(i["link"] == "compose build" and i["dockerfile"] == {"file": "%s/Dockerfile" % d, "stage": 1}, "web is built by the demo Dockerfile's final stage")
# Dockerfile: no USER in the final stage, compose sets no user -> root, decided by the Dockerfile
ok(comp(web)["user"]["runs_as_root"] is True and comp(web)["user"]["source"] == "dockerfile", "web runs as root (Dockerfile)")
# compose.yaml:11 '8080:8080' on all interfaces
e = exposure("published-port:8080@" + web)
ok(e.get("interface") == "0.0.0.0" and e.get("internet") is True, "web publishes 8080 on 0.0.0.0")
ok(comp(web)["internet_exposed"] is True, "web is internet-exposed")
# compose.yaml:17,19 privileged + docker.sock
ok(comp(agent)["privileged"] is True, "agent is privileged")
ok(["docker-socket", "/var/run/docker.sock"] in [[h["kind"], h["detail"]] for h in comp(agent)["host"]], "agent mounts the Docker socket")
ok(comp(agent)["exposed"] is False and comp(db)["exposed"] is False, "agent and db publish nothing")
ok(image(db, "postgres:16")["link"] is None, "postgres:16 has no Dockerfile in the set")
# deployment.yaml:15,24 hostNetwork + privileged; images example/web:1.4.2 and example/web (no compose builds them)
ok(comp(k8s)["privileged"] is True and "host-network" in [h["kind"] for h in comp(k8s)["host"]], "the Deployment is privileged on the host network")
ok(exposure("host-network:-@" + k8s).get("internet") is False, "hostNetwork exposes the pod on the node, not to the internet")
ok(comp(k8s)["service_account"] == {"name": "default", "namespace": "default", "automount": True}, "the Deployment runs as default/default with the token mounted")
ok(image(k8s, "example/web")["link"] is None, "example/web is not the image compose builds (demo-web)")
ok(flows() == [("internet", web, "network")], "one flow: the internet to web")
z = {z["id"]: z for z in m["zones"]}
ok(z["host"]["components"] == [agent, k8s], "host zone: agent and the Deployment")
ok(z["compose:%s/compose.yaml#network:default" % d]["components"] == [web, agent, db], "the compose default network holds the 3 services")
EOF
	check demo
fi

# ---- examples/demo walked: one model per unit, Dockerfiles as context ---------
if "$scan" --format model --severity-threshold none "$demo" > "$tmp/units.json" 2> "$tmp/units.err" &&
   "$scan" --format json --severity-threshold none "$demo" > "$tmp/findings.json" 2>> "$tmp/units.err"; then
	"$PY" - "$tmp/units.json" "$tmp/findings.json" "$demo" <<'EOF' || fail=1
import json, os, sys
units = json.load(open(sys.argv[1]))["units"]
findings = json.load(open(sys.argv[2]))["findings"]
# Unit names are lexically normal paths; findings keep the path as given
# (an out-of-tree build passes ".../build/../src/examples/demo"): compare
# both normalised.
norm = os.path.normpath
def norm_component(c):
    if c and c.startswith("compose:") and "#" in c:
        path, _, rest = c[len("compose:"):].partition("#")
        return "compose:%s#%s" % (norm(path), rest)
    return c
d = norm(sys.argv[3])
for f in findings:
    f["path"] = norm(f["path"])
    f["component"] = norm_component(f["component"])
bad = 0
def ok(cond, what):
    global bad
    print(("ok - " if cond else "FAIL - ") + "demo walked: " + what)
    bad |= not cond
by = {norm(u["name"]): u for u in units}
ok(sorted(by) == sorted([d, d + "/Dockerfile", d + "/compose.yaml"]), "three units: the folder, the Dockerfile, the compose project")
web = [c for c in by[d + "/compose.yaml"]["model"]["components"] if c["name"] == "web"][0]
ok(web["images"][0]["link"] == "compose build", "the compose project's model sees the Dockerfile under its folder")
ok([c["id"] for c in by[d]["model"]["components"]] == ["k8s:default/Deployment/web"], "the folder unit: the Deployment only")
def at(pid, name, line):
    return [f for f in findings if f["pattern_id"] == pid and f["path"] == d + "/" + name and f["line"] == line]
ok(len(at("TMDK-SYS-008", "Dockerfile", 11)) == 1, "TMDK-SYS-008 on the final FROM: the root image is deployed internet-exposed")
ok(len(at("TMDK-SYS-012", "Dockerfile", 15)) == 1, "TMDK-SYS-012 on EXPOSE 22")
w = at("TMDK-SYS-010", "compose.yaml", 7)
ok(len(w) == 1 and w[0]["component"] == "compose:%s/compose.yaml#web" % d, "TMDK-SYS-010 on service web (published, root image), component web")
ok(not at("TMDK-SYS-003", "compose.yaml", 7), "TMDK-SYS-003 leaves the internet-exposed web to TMDK-SYS-010")
ok(all(f["component"] for f in findings if f["path"].endswith("compose.yaml")), "every compose finding names its service's component")
ok(all(f["component"] is None for f in findings if f["path"].endswith("Dockerfile")), "Dockerfile findings concern no component")
agent = [f for f in findings if f["path"].endswith("compose.yaml") and f["line"] == 19]
ok(agent and all(f["component"] == "compose:%s/compose.yaml#agent" % d for f in agent), "the docker.sock finding (line 19) is agent's")
sys.exit(bad)
EOF
else
	echo "FAIL - demo walked: tmdk-scan failed"; sed 's/^/    | /' "$tmp/units.err" | head; fail=1
fi

# ---- the demo's Dockerfile: the same findings however its path is spelled ----
# Its compose project (the folder above it) links it to the service it
# builds (TMDK-SYS-008 on its FROM): scanned as ".", by absolute path, as
# "../proj" and named alone, the Dockerfile gets the same findings. A
# relative spelling had lost the link (the compose context was read by its
# real path, the Dockerfile by the spelled one).
mkdir -p "$tmp/spell/proj/.git" "$tmp/spell/other"
cp "$demo/Dockerfile" "$demo/compose.yaml" "$tmp/spell/proj/"
spelled() { # spelled NAME DIR PATH: the Dockerfile's (pattern, line, column) list in $tmp/spell-NAME
	(cd "$2" && "$scan" --no-config --severity-threshold none -f json "$3") > "$tmp/spell.json" 2> /dev/null
	"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(sorted((f["pattern_id"], f["line"], f["column"]) for f in d["findings"] if f["path"].endswith("Dockerfile")))' \
		"$tmp/spell.json" > "$tmp/spell-$1"
}
spelled dot "$tmp/spell/proj" .
spelled absolute "$tmp" "$tmp/spell/proj"
spelled parent "$tmp/spell/other" ../proj
spelled named "$tmp/spell/proj" Dockerfile
if grep -q "TMDK-SYS-008" "$tmp/spell-dot"; then
	echo "ok - spelling: scanned as '.', the Dockerfile has TMDK-SYS-008"
else
	echo "FAIL - spelling: scanned as '.', no TMDK-SYS-008 on the Dockerfile: $(cat "$tmp/spell-dot")"; fail=1
fi
for how in absolute parent named; do
	if cmp -s "$tmp/spell-dot" "$tmp/spell-$how"; then
		echo "ok - spelling: the Dockerfile's findings are the same scanned as '.' and $how"
	else
		echo "FAIL - spelling: '.' gives $(cat "$tmp/spell-dot"), $how gives $(cat "$tmp/spell-$how")"; fail=1
	fi
done

# ---- tests/fixtures/model/shop.yaml: ingress, gateway route, policy, data ----
if model shop "$src/tests/fixtures/model/shop.yaml"; then
	cat > "$tmp/shop.json.py" <<'EOF'
web, api, backup = "k8s:shop/Deployment/web", "k8s:shop/StatefulSet/api", "k8s:shop/CronJob/backup"
ok(list(comps) == [web, api, backup], "Deployment, StatefulSet and CronJob are components (Namespace, Services, Secret are not)")
ok(comps[web]["exposures"] == ["host-port:8080@" + web, "ingress:k8s:shop/Ingress/shop:80@" + web], "web: its hostPort and the Ingress")
ok(exposure("ingress:k8s:shop/Ingress/shop:80@" + web).get("host") == "shop.example.com", "the Ingress rule's host")
ok(exposure("host-port:8080@" + web).get("internet") is False, "a hostPort is exposed, not internet")
ok(comps[api]["exposures"] == ["gateway-route:k8s:shop/HTTPRoute/admin:9000@" + api], "the HTTPRoute reaches the StatefulSet through Service api")
ok(comps[backup]["exposed"] is False, "nothing exposes the CronJob")
ok(comps[web]["service_account"] == {"name": "default", "namespace": "shop", "automount": False}, "web: pod-level automountServiceAccountToken: false")
ok(comps[api]["service_account"]["name"] == "api", "api runs as service account api")
ok(comps[api]["user"]["runs_as_root"] is False and comps[api]["user"]["run_as_non_root"] is True, "api: pod runAsNonRoot")
ok(comps[backup]["user"]["runs_as_root"] is True and comps[backup]["user"]["uid"] == 0, "backup: runAsUser 0")
ok(comps[web]["user"]["runs_as_root"] is None, "web: nothing decides its user (unknown)")
ok([h["kind"] for h in comps[backup]["host"]] == ["host-path", "capability"], "backup: hostPath and SYS_ADMIN cross into the host")
ok(flows() == sorted([("internet", web, "ingress"), ("internet", api, "ingress"), (web, api, "service"), (web, api, "network-policy")]), "flows: two routes in, web -> api by env host and by policy")
ok([u["how"] for u in data("k8s:shop/Secret/web-session")["used_by"]] == ["env"], "web-session read through env valueFrom")
ok([u["how"] for u in data("k8s:shop/ConfigMap/web-config")["used_by"]] == ["env"], "web-config read through envFrom")
ok([u["how"] for u in data("k8s:shop/Secret/api-tls")["used_by"]] == ["file"], "api-tls mounted as a file")
ok(data("k8s:shop/PersistentVolumeClaim/data")["used_by"][0]["component"] == api, "the claim template is api's")
EOF
	check shop
fi

# ---- corpus: microservices-demo (Online Boutique) ----------------------------
if [ -d "$corpus/microservices-demo" ]; then
	p=$corpus/microservices-demo
	files=$(ls "$p"/kubernetes-manifests/*.yaml | grep -v kustomization.yaml)
	if model boutique $files "$p/skaffold.yaml" $(find "$p/src" -name Dockerfile | LC_ALL=C sort); then
		cat > "$tmp/boutique.json.py" <<EOF
p = "$p"
svc = ["adservice", "cartservice", "checkoutservice", "currencyservice", "emailservice", "frontend", "loadgenerator",
       "paymentservice", "productcatalogservice", "recommendationservice", "shippingservice"]
ids = ["k8s:-/Deployment/" + s for s in svc] + ["k8s:-/Deployment/redis-cart"]
ok(sorted(comps) == sorted(ids), "12 Deployments (11 services and redis-cart), no namespace")
# skaffold.yaml build.artifacts: image emailservice, context src/emailservice (Dockerfile: 3 stages, 'without-grpc-health-probe-bin' last)
ok(image("k8s:-/Deployment/emailservice", "emailservice")["link"] == "skaffold", "emailservice is linked through skaffold.yaml")
ok(image("k8s:-/Deployment/cartservice", "cartservice")["dockerfile"]["file"] == p + "/src/cartservice/src/Dockerfile", "cartservice: skaffold context src/cartservice/src")
ok(image("k8s:-/Deployment/redis-cart", "redis:alpine")["link"] is None, "redis:alpine is a public image")
# every pod: securityContext runAsUser 1000, runAsNonRoot true
ok(all(c["user"] == dict(c["user"], runs_as_root=False, uid=1000, source="manifest", run_as_non_root=True) for c in comps.values()), "every pod runs as uid 1000 (manifest), runAsNonRoot enforced")
# src/cartservice/src/Dockerfile: USER 1000 in the final stage
ok(comps["k8s:-/Deployment/cartservice"]["user"]["dockerfile_user"] == "1000", "cartservice's Dockerfile says USER 1000")
# frontend.yaml: Service frontend-external, type LoadBalancer, port 80
ok([c for c in comps if comps[c]["internet_exposed"]] == ["k8s:-/Deployment/frontend"], "only the frontend is internet-exposed")
ok(exposure("load-balancer:k8s:-/Service/frontend-external:80@k8s:-/Deployment/frontend").get("internet") is True, "frontend-external is a LoadBalancer on port 80")
ok(len(m["exposures"]) == 2, "2 exposures: the load balancer and its node port")
# env *_ADDR values: frontend calls 7 services, checkout 6, recommendation 1, cart redis, loadgenerator the frontend
f = flows()
def out(s):
    return sorted(t.split("/")[-1] for (a, t, k) in f if a == "k8s:-/Deployment/" + s and k == "service")
ok(out("frontend") == ["adservice", "cartservice", "checkoutservice", "currencyservice", "productcatalogservice", "recommendationservice", "shippingservice"], "frontend -> 7 services")
ok(out("checkoutservice") == ["cartservice", "currencyservice", "emailservice", "paymentservice", "productcatalogservice", "shippingservice"], "checkoutservice -> 6 services")
ok(out("recommendationservice") == ["productcatalogservice"] and out("cartservice") == ["redis-cart"] and out("loadgenerator") == ["frontend"], "recommendation, cart and loadgenerator flows")
ok(len(f) == 17 and ("internet", "k8s:-/Deployment/frontend", "service") in f, "17 flows, one from the internet")
EOF
		check boutique
	fi
else
	echo "ok - microservices-demo: SKIP (no corpus)"
fi

# ---- corpus: awesome-compose/nginx-flask-mysql --------------------------------
if [ -d "$corpus/awesome-compose/nginx-flask-mysql" ]; then
	p=$corpus/awesome-compose/nginx-flask-mysql
	if model nfm "$p/compose.yaml" "$p/backend/Dockerfile" "$p/proxy/Dockerfile"; then
		cat > "$tmp/nfm.json.py" <<EOF
p = "$p"
c = lambda s: "compose:%s/compose.yaml#%s" % (p, s)
ok(sorted(comps) == sorted([c("db"), c("backend"), c("proxy")]), "3 services")
# compose.yaml: backend build {context: backend, target: builder}; proxy build: proxy (one unnamed stage)
i = image(c("backend"), "nginx-flask-mysql-backend")
ok(i["link"] == "compose build" and i["dockerfile"] == {"file": p + "/backend/Dockerfile", "stage": "builder"}, "backend: backend/Dockerfile, target builder")
ok(image(c("proxy"), "nginx-flask-mysql-proxy")["dockerfile"] == {"file": p + "/proxy/Dockerfile", "stage": 0}, "proxy: proxy/Dockerfile stage 0")
ok(comps[c("proxy")]["user"]["runs_as_root"] is True, "proxy: nginx:1.13-alpine with no USER runs as root")
ok(comps[c("db")]["user"]["runs_as_root"] is None, "db: mariadb's own USER is not in the set (unknown)")
ok(sorted(e["id"] for e in m["exposures"]) == sorted(["published-port:8000@" + c("backend"), "published-port:80@" + c("proxy")]), "backend 8000 and proxy 80 published")
net = lambda n: "compose:%s/compose.yaml#network:%s" % (p, n)
ok(comps[c("db")]["networks"] == [net("backnet")] and comps[c("backend")]["networks"] == [net("backnet"), net("frontnet")] and comps[c("proxy")]["networks"] == [net("frontnet")], "networks: backnet, both, frontnet")
ok(flows() == sorted([(c("backend"), c("db"), "depends-on"), (c("proxy"), c("backend"), "depends-on"), ("internet", c("backend"), "network"), ("internet", c("proxy"), "network")]), "depends_on flows and two from the internet")
ok(sorted(u["component"] for u in data("compose:%s/compose.yaml#secret:db-password" % p)["used_by"]) == sorted([c("db"), c("backend")]), "the db-password secret is read by db and backend")
ok([u["component"] for u in data("compose:%s/compose.yaml#volume:db-data" % p)["used_by"]] == [c("db")], "db-data is db's volume")
EOF
		check nfm
	fi
else
	echo "ok - awesome-compose: SKIP (no corpus)"
fi

# ---- corpus: kubernetes-examples (guestbook, tensorflow serving behind an Ingress) ----
if [ -d "$corpus/kubernetes-examples/web/guestbook" ]; then
	p=$corpus/kubernetes-examples
	if model guestbook "$p"/web/guestbook/*.yaml; then
		cat > "$tmp/guestbook.json.py" <<'EOF'
ok(sorted(comps) == ["k8s:-/Deployment/frontend", "k8s:-/Deployment/redis-master", "k8s:-/Deployment/redis-replica"], "3 Deployments")
# frontend-service.yaml: type NodePort, port 80, selector app: guestbook, tier: frontend
ok([e["id"] for e in m["exposures"]] == ["node-port:k8s:-/Service/frontend:80@k8s:-/Deployment/frontend"], "the frontend NodePort is the one exposure")
ok(comps["k8s:-/Deployment/frontend"]["exposed"] is True and comps["k8s:-/Deployment/frontend"]["internet_exposed"] is False, "a NodePort is exposed, not internet")
ok(flows() == [], "no flows: the env values are 'dns', the hosts are in the images")
EOF
		check guestbook
	fi
	if model tfserving "$p"/AI/model-serving-tensorflow/*.yaml; then
		cat > "$tmp/tfserving.json.py" <<'EOF'
t = "k8s:-/Deployment/tf-serving"
ok(list(comps) == [t], "one Deployment")
# ingress.yaml: backend service tf-serving port 8501, no host
e = exposure("ingress:k8s:-/Ingress/tf-serving-ingress:8501@" + t)
ok(e.get("internet") is True and e.get("host") is None, "the Ingress reaches tf-serving on 8501")
ok(flows() == [("internet", t, "ingress")], "one flow: the internet through the Ingress")
ok([u["component"] for u in data("k8s:-/PersistentVolumeClaim/my-model-pvc")["used_by"]] == [t], "my-model-pvc is mounted by tf-serving")
EOF
		check tfserving
	fi
else
	echo "ok - kubernetes-examples: SKIP (no corpus)"
fi

exit $fail
