#!/usr/bin/env python3
"""Compare libtmdk's compose merge (tests/compose-dump) with `docker-compose
config` (docker-compose 1.29) on every compose project under the given roots.

Both merged models are brought to one form: per service, scalars as strings,
environment/labels as maps, ports as (host_ip, published, target, protocol)
sets, volumes as (source, target, read_only) sets with bind sources made
absolute, unordered lists (cap_add, dns, expose …) as sets, depends_on and
networks as name sets. docker-compose 1.29 also interpolates ${VAR}, makes
paths absolute and rebases the paths of extended services; values holding
`$` are not compared, relative bind sources are made absolute from the
project folder. Known differences of docker-compose 1.29 (see
docs/compose-projects.md) are reported as explained; anything else fails.

usage: compose-compare.py COMPOSE-DUMP ROOT...
"""
import json
import os
import subprocess
import sys

import yaml

MAINS = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
OVERRIDES = {"compose.yaml": "compose.override.yaml", "compose.yml": "compose.override.yml",
             "docker-compose.yml": "docker-compose.override.yml",
             "docker-compose.yaml": "docker-compose.override.yaml"}
# Fixtures docker-compose 1.29 cannot read: the feature came later.
UNSUPPORTED_1_29 = {"reset-override": "!reset and !override tags (compose v2.24)",
                    "include": "include (compose v2.20)"}
SETS = ("cap_add", "cap_drop", "dns", "dns_search", "dns_opt", "expose", "security_opt", "tmpfs",
        "external_links", "links", "group_add", "devices", "volumes_from", "profiles")
SCALARS = ("image", "privileged", "read_only", "user", "restart", "network_mode", "pid", "ipc", "working_dir",
           "hostname", "container_name", "init", "stop_signal", "tty", "stdin_open", "platform", "userns_mode",
           "cgroup_parent", "mem_limit", "cpus", "shm_size")


def scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return None
    if isinstance(v, (int, float)):
        return str(v)
    return v


def canon(v):
    if isinstance(v, dict):
        return {str(k): canon(x) for k, x in v.items()}
    if isinstance(v, list):
        return [canon(x) for x in v]
    return scalar(v)


def has_dollar(v):
    return "$" in json.dumps(v, default=lambda x: sorted(map(str, x)))


def as_map(v):
    if isinstance(v, dict):
        return {str(k): scalar(x) for k, x in v.items()}
    out = {}
    for item in v or []:
        item = str(item)
        if "=" in item:
            k, x = item.split("=", 1)
            out[k] = x
        else:
            out[item] = None
    return out


def ports(v):
    out = set()
    for p in v or []:
        if isinstance(p, dict):
            out.add((scalar(p.get("host_ip")) or "", scalar(p.get("published")) or "", scalar(p.get("target")) or "",
                     scalar(p.get("protocol")) or "tcp"))
            continue
        s, proto = str(p), "tcp"
        if "/" in s:
            s, proto = s.rsplit("/", 1)
        parts = s.rsplit(":", 2)
        target = parts[-1]
        published = parts[-2] if len(parts) > 1 else ""
        ip = parts[-3].strip("[]") if len(parts) > 2 else ""
        out.add((ip, published, target, proto))
    return out


def abspath(src, base):
    if src.startswith("~"):
        return os.path.expanduser(src)
    if src.startswith((".", "/")):
        return norm_target(os.path.normpath(os.path.join(base, src)))
    return src


def norm_target(t):
    """docker-compose 1.29 writes paths without a trailing slash."""
    return t.rstrip("/") or t if isinstance(t, str) else t


def volumes(v, base):
    out = set()
    for m in v or []:
        if isinstance(m, dict):
            src = scalar(m.get("source")) or ""
            if m.get("type") == "bind" or src.startswith((".", "/", "~")):
                src = abspath(src, base)
            out.add((src, norm_target(scalar(m.get("target"))), scalar(m.get("read_only")) == "true"))
            continue
        parts = str(m).split(":")
        if len(parts) == 1:
            out.add(("", norm_target(parts[0]), False))
            continue
        mode = parts[2] if len(parts) > 2 else ""
        out.add((abspath(parts[0], base), norm_target(parts[1]), "ro" in mode.split(",")))
    return out


def names(v):
    if isinstance(v, dict):
        return set(v)
    return set(str(x) for x in v or [])


def secrets(v):
    out = set()
    for s in v or []:
        out.add(str(s["source"]) if isinstance(s, dict) else str(s))
    return out


def service(svc, base):
    """The comparable form of a service, and the fields left out (interpolated)."""
    out, skipped = {}, []
    svc = dict(svc or {})
    svc.pop("extends", None)
    for k, v in svc.items():
        if k in ("environment", "labels", "sysctls", "annotations"):
            out[k] = as_map(v)
        elif k == "ports":
            out[k] = ports(v)
        elif k == "volumes":
            out[k] = volumes(v, base)
        elif k in ("depends_on", "networks"):
            out[k] = names(v)
        elif k in ("secrets", "configs"):
            out[k] = secrets(v)
        elif k in SETS:
            out[k] = set(str(scalar(x)) for x in (v if isinstance(v, list) else [v]))
        elif k == "env_file":
            out[k] = set(abspath(str(x if not isinstance(x, dict) else x.get("path")), base)
                         for x in (v if isinstance(v, list) else [v]))
        elif k == "build":
            b = v if isinstance(v, dict) else {"context": v}
            ctx = str(b.get("context", "."))
            if "://" not in ctx and not ctx.startswith("git@"):
                ctx = os.path.normpath(os.path.join(base, ctx))
            out[k] = {"context": ctx, "dockerfile": b.get("dockerfile"), "target": b.get("target")}
        elif k == "healthcheck":
            out[k] = canon((v or {}).get("test"))
        elif k in SCALARS:
            out[k] = scalar(v)
        else:
            out[k] = canon(v)
    return out, skipped


def model(doc, base):
    doc = doc or {}
    services = {}
    for name, svc in (doc.get("services") or {}).items():
        services[name] = service(svc, base)[0]
    top = {k: set((doc.get(k) or {}).keys()) for k in ("networks", "volumes", "secrets", "configs")}
    return services, top


def without_interpolated(key, ours, theirs):
    """Leave out what docker-compose interpolated (${VAR} in our raw value)."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        gone = [k for k, v in ours.items() if has_dollar(v) or "$" in k]
        return ({k: v for k, v in ours.items() if k not in gone},
                {k: v for k, v in theirs.items() if k not in gone}, bool(gone))
    if isinstance(ours, set) and isinstance(theirs, set):
        gone = set(x for x in ours if has_dollar(list(x) if isinstance(x, tuple) else x))
        if not gone:
            return ours, theirs, False
        if key == "volumes":
            targets = set(x[1] for x in gone)
            return ours - gone, set(x for x in theirs if x[1] not in targets), True
        return ours - gone, theirs, True
    if ours is not None and has_dollar(ours):
        return None, None, True
    return ours, theirs, False


def explain(key, ours, theirs, svc_ours, svc_theirs):
    """Why a field differs, when docker-compose 1.29 is the reason; else None."""
    if key in ("secrets", "configs") and ours is not None and theirs is not None and ours <= theirs:
        return "docker-compose 1.29 merges %s by source, the compose specification by target" % key
    if key == "configs" and not theirs:
        return "docker-compose 1.29 drops service configs (swarm only)"
    if key == "env_file" and ours and theirs is None:
        return "docker-compose 1.29 reads env_file into environment"
    if key == "environment" and "env_file" in svc_ours and isinstance(theirs, dict) and \
            all(theirs.get(k) == v for k, v in (ours or {}).items()):
        return "docker-compose 1.29 reads env_file into environment"
    return None


def projects(root):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        if os.sep + "errors" in dirpath[len(root):] or os.path.basename(dirpath) == "errors":
            dirnames[:] = []
            continue
        for main in MAINS:
            if main in filenames:
                yield dirpath, main
                break


def run(dump, root, fixtures):
    stats = {"projects": 0, "identical": 0, "explained": 0, "unsupported": 0, "failed": 0}
    reasons = {}
    for d, main in projects(root):
        name = os.path.relpath(d, root)
        stats["projects"] += 1
        extra = []
        if fixtures:
            extra = sorted(f for f in os.listdir(d) if f.startswith("compose.") and f.endswith((".yaml", ".yml"))
                           and f not in MAINS and f != OVERRIDES.get(main) and "override" not in f)
        files = [main]
        if os.path.exists(os.path.join(d, OVERRIDES[main])):
            files.append(OVERRIDES[main])
        files += extra
        env = dict(os.environ)
        env.pop("COMPOSE_FILE", None)
        dc = subprocess.run(["docker-compose"] + sum([["-f", f] for f in files], []) + ["config"], cwd=d,
                            capture_output=True, text=True, env=env)
        ours = subprocess.run([dump, os.path.join(d, main)] + [os.path.join(d, f) for f in extra],
                              capture_output=True, text=True)
        if ours.returncode != 0:
            print("FAIL %s: libtmdk: %s" % (name, ours.stderr.strip()))
            stats["failed"] += 1
            continue
        if dc.returncode != 0:
            first = (dc.stderr.strip().splitlines() or ["?"])[-1]
            if fixtures and name in UNSUPPORTED_1_29:
                print("unsupported %s: docker-compose 1.29 lacks %s" % (name, UNSUPPORTED_1_29[name]))
                stats["unsupported"] += 1
            else:
                print("unsupported %s: docker-compose 1.29 cannot read it: %s" % (name, first))
                stats["unsupported"] += 1
                reasons.setdefault("docker-compose 1.29 cannot read the project", []).append(name)
            continue
        mine_s, mine_t = model(json.loads(ours.stdout), d)
        their_s, their_t = model(yaml.safe_load(dc.stdout), d)
        diffs, explained = [], []
        if set(mine_s) != set(their_s):
            diffs.append("services %s vs %s" % (sorted(mine_s), sorted(their_s)))
        for k in mine_t:
            if mine_t[k] != their_t[k] and not (k == "configs" and not their_t[k]):
                diffs.append("top-level %s %s vs %s" % (k, sorted(mine_t[k]), sorted(their_t[k])))
        for s in sorted(set(mine_s) & set(their_s)):
            a, b = mine_s[s], their_s[s]
            for k in sorted(set(a) | set(b)):
                if k in ("version",):
                    continue
                if k not in b and k in a and a[k] in ({}, set(), [], None):
                    continue
                x, y, interpolated = without_interpolated(k, a.get(k), b.get(k))
                if interpolated:
                    explained.append("docker-compose interpolates ${VAR} (not compared)")
                if x != y:
                    why = explain(k, x, y, a, b)
                    if why:
                        explained.append(why)
                    else:
                        diffs.append("%s.%s: ours %r, docker-compose %r" % (s, k, a.get(k), b.get(k)))
        if diffs:
            stats["failed"] += 1
            print("FAIL %s:" % name)
            for x in diffs:
                print("    " + x)
        elif explained:
            stats["explained"] += 1
            print("explained %s: %s" % (name, "; ".join(sorted(set(explained)))))
            for why in set(explained):
                reasons.setdefault(why, []).append(name)
        else:
            stats["identical"] += 1
            print("ok %s" % name)
    return stats, reasons


def main():
    dump, roots = sys.argv[1], sys.argv[2:]
    failed = 0
    for i, root in enumerate(roots):
        stats, reasons = run(dump, os.path.abspath(root), fixtures=(i == 0))
        print("== %s: %d projects, %d identical, %d with explained differences, %d not readable by "
              "docker-compose 1.29, %d failed" % (root, stats["projects"], stats["identical"], stats["explained"],
                                                   stats["unsupported"], stats["failed"]))
        for why, where in sorted(reasons.items()):
            print("   %s: %s" % (why, ", ".join(where)))
        failed += stats["failed"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
