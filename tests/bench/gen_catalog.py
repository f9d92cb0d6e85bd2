#!/usr/bin/env python3
"""Generate a catalog of N synthetic patterns for the pattern-index benchmark.

    tests/bench/gen_catalog.py N > catalog.yaml

Patterns cover every artifact kind with varied selectors (entry points,
$doc filters on kind, root paths, nested for-each) and predicates (equals,
one-of, matches, exists, absent, contains, gt, truthy, some/none/any/not),
in proportions close to the built-in catalog's (Kubernetes first). Values
are chosen so that some patterns find things in the corpus and most do not,
as in a real catalog. Deterministic: the same N gives the same file.
"""
import sys

K8S_KINDS = ["Deployment", "Service", "ConfigMap", "ClusterRole", "Role", "RoleBinding",
             "ClusterRoleBinding", "StatefulSet", "DaemonSet", "Job", "CronJob", "Ingress",
             "ServiceAccount", "Secret", "NetworkPolicy", "CustomResourceDefinition", "Pod",
             "PodDisruptionBudget", "HorizontalPodAutoscaler", "Namespace"]
WORDS = ["alpha", "beta", "gamma", "nginx", "redis", "latest", "admin", "debug", "proxy", "cache",
         "metrics", "agent", "operator", "controller", "webhook", "sidecar", "init", "worker"]


def k8s(i):
    kind = K8S_KINDS[i % len(K8S_KINDS)]
    w = WORDS[i % len(WORDS)]
    t = (i // 7) % 8
    if t == 0:
        return {"for-each": "@containers",
                "where": {"all": [{"path": "image", "matches": f"(?i){w}[0-9]*:"},
                                  {"not": {"path": "securityContext.runAsUser", "gt": i % 1000}}]}}
    if t == 1:
        return {"for-each": f'$doc[?kind == {kind}].metadata.labels.*',
                "where": {"path": "$", "equals": f"{w}-{i}"}}
    if t == 2:
        return {"where": {"all": [{"path": "kind", "one-of": [kind, K8S_KINDS[(i + 3) % len(K8S_KINDS)]]},
                                  {"path": "metadata.annotations", "absent": True}]}}
    if t == 3:
        return {"for-each": "@containers",
                "where": {"any": [{"path": f"env[?name == {w.upper()}_{i}]", "exists": True},
                                  {"path": "args", "contains": f"--{w}-{i}"}]}}
    if t == 4:
        return {"for-each": '$doc[?kind =~ "^(Cluster)?Role$"].rules[*]',
                "where": {"all": [{"path": "verbs", "contains": w},
                                  {"path": "resources", "contains": f"{w}s"}]}}
    if t == 5:
        return {"where": {"all": [{"path": "$doc.kind", "equals": kind},
                                  {"path": "metadata.name", "matches": f"^{w}"}]}}
    if t == 6:
        return {"for-each": "@pod-spec",
                "where": {"all": [{"path": "hostNetwork", "truthy": True},
                                  {"path": "serviceAccountName", "equals": f"{w}{i}"}]}}
    return {"where": {"all": [{"path": "metadata.namespace", "equals": f"{w}-{i}"},
                              {"path": "metadata.name", "exists": True}]}}


def dockerfile(i):
    w = WORDS[i % len(WORDS)]
    t = (i // 5) % 4
    if t == 0:
        return {"for-each": "@run", "where": {"path": "args", "contains": f"{w}-{i}"}}
    if t == 1:
        return {"for-each": "@final-stage", "where": {"path": "base_image", "matches": f"(?i)^{w}{i % 10}:"}}
    if t == 2:
        return {"for-each": "@instructions",
                "where": {"all": [{"path": "keyword", "equals": "LABEL"}, {"path": "args", "contains": f"{w}{i}"}]}}
    return {"for-each": "@env", "where": {"path": "name", "equals": f"{w.upper()}_{i}"}}


def compose(i):
    w = WORDS[i % len(WORDS)]
    t = (i // 3) % 3
    if t == 0:
        return {"for-each": "@services", "where": {"path": "image", "matches": f"(?i)^{w}{i % 10}:"}}
    if t == 1:
        return {"for-each": "@services", "where": {"some": "ports[*]", "where": {"path": "$", "contains": f"{i}:"}}}
    return {"for-each": "$doc.volumes.*", "where": {"path": "driver", "equals": f"{w}{i}"}}


def daemon(i):
    return {"where": {"path": f"log-opts.{WORDS[i % len(WORDS)]}{i}", "exists": True}}


def inspect(i):
    return {"for-each": "@env", "where": {"path": "name", "equals": f"{WORDS[i % len(WORDS)].upper()}_{i}"}}


# Kubernetes 60 %, Dockerfile 15 %, compose 15 %, daemon.json 5 %, docker inspect 5 %.
MIX = [("kubernetes", k8s)] * 12 + [("dockerfile", dockerfile)] * 3 + [("compose", compose)] * 3 + \
      [("daemon-json", daemon), ("docker-inspect", inspect)]


def scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return "'" + str(v).replace("'", "''") + "'"


def emit(node, indent, out):
    pad = " " * indent
    if isinstance(node, dict):
        for k, v in node.items():
            if isinstance(v, (dict, list)):
                out.append(f"{pad}{k}:")
                emit(v, indent + 2, out)
            else:
                out.append(f"{pad}{k}: {scalar(v)}")
    else:
        for v in node:
            if isinstance(v, (dict, list)):
                sub = []
                emit(v, indent + 2, sub)
                out.append(f"{pad}- {sub[0].lstrip()}")
                out.extend(sub[1:])
            else:
                out.append(f"{pad}- {scalar(v)}")


def main():
    n = int(sys.argv[1])
    out = ["catalog:", "  name: bench-generated", "  version: 1.0.0", "patterns:"]
    for i in range(n):
        kind, make = MIX[i % len(MIX)]
        p = {"id": f"BENCH-{i:05d}", "title": f"Generated pattern {i}", "question": "what-can-go-wrong",
             "risk": "sensitive-data", "severity": "low", "description": "A generated pattern for the benchmark.",
             "mitigation": "None: a benchmark.", "applies-to": [kind], "match": make(i),
             "message": f"generated pattern {i} matched"}
        sub = []
        emit(p, 4, sub)
        out.append("  - " + sub[0].lstrip())
        out.extend(sub[1:])
    print("\n".join(out))


main()
