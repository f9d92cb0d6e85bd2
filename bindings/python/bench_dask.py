"""Repositories per second: one process (tmdk.dask.scan_sequential) vs a
two-worker distributed.LocalCluster (tmdk.dask.scan_repositories), and
Dask's overhead per repository.

    PYTHONPATH=<build>/bindings/python/stage python3 bench_dask.py [--repos N] [--workers W] [CORPUS]

The repositories are N generated ones (a Dockerfile, a compose file, a
Kubernetes Deployment) plus the projects of CORPUS/projects when present.
Overhead per repository: (cluster seconds x workers - sequential seconds) / N,
the worker time a repository costs beyond its scan; and the cost of an empty
task (a no-op submitted per repository), Dask's own share of it.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from typing import List

# This folder holds the package's sources (without the built extension): import the staged or installed one.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]

import tmdk  # noqa: E402
import tmdk.dask  # noqa: E402

DOCKERFILE = "FROM alpine:3.%d\nRUN apk add curl\n%s"
COMPOSE = "services:\n  web:\n    image: nginx:1.%d\n    ports: ['80:80']\n"
DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web%d, namespace: shop}
spec:
  template:
    spec:
      containers:
        - name: web
          image: nginx:1.%d
"""


def generate(root: str, count: int) -> List[str]:
    """`count` small repositories under root."""
    paths = []
    for i in range(count):
        repo = os.path.join(root, "repo-%04d" % i)
        os.makedirs(os.path.join(repo, "k8s"))
        for name, text in (("Dockerfile", DOCKERFILE % (i % 20, "USER app\n" if i % 2 else "")),
                           ("compose.yaml", COMPOSE % i), ("k8s/deploy.yaml", DEPLOYMENT % (i, i))):
            with open(os.path.join(repo, name), "w", encoding="utf-8") as f:
                f.write(text)
        paths.append(repo)
    return paths


def noop(path: str) -> str:
    """An empty task: what Dask costs per repository without any scan."""
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                                                  "shared", "corpus"))
    parser.add_argument("--repos", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    try:
        import distributed
    except ImportError:
        print("python3-distributed is not installed")
        return 77
    root = tempfile.mkdtemp(prefix="tmdk-bench-dask-")
    try:
        projects = os.path.join(args.corpus, "projects")
        paths = generate(root, args.repos)
        if os.path.isdir(projects):
            paths += sorted(os.path.join(projects, d) for d in os.listdir(projects))
        catalog = tmdk.Catalog.builtin()
        tmdk.dask.scan_sequential(paths[:5], catalog)  # warm the page cache
        start = time.monotonic()
        sequential = tmdk.dask.scan_sequential(paths, catalog)
        seq = time.monotonic() - start
        with distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                                      dashboard_address=None, silence_logs=40) as cluster, \
                distributed.Client(cluster) as client:
            tmdk.dask.scan_repositories(paths[:args.workers * 2], client, catalog)  # workers compile once
            start = time.monotonic()
            scans = tmdk.dask.scan_repositories(paths, client, catalog)
            par = time.monotonic() - start
            start = time.monotonic()
            client.gather(client.map(noop, paths, pure=False))
            empty = time.monotonic() - start
        n = len(paths)
        print("%d repositories, %d findings, identical to sequential: %s" % (n, len(scans.merged),
                                                                             scans == sequential))
        print("one process:        %7.2f s  %7.1f repos/s  (%.1f ms per repository)" % (seq, n / seq,
                                                                                         1000 * seq / n))
        print("%d-worker cluster:   %7.2f s  %7.1f repos/s" % (args.workers, par, n / par))
        print("overhead per repository: %.1f ms of worker time; an empty task: %.1f ms" % (
            1000 * (par * args.workers - seq) / n, 1000 * empty / n))
        return 0 if scans == sequential else 1
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
