"""tmdk.dask on a distributed.LocalCluster with two worker processes: the
corpus projects and 200 generated repositories give the same results, one
by one and merged, as a sequential scan; a repository past its timeout is
retried, then reported as a failure. Skipped without python3-distributed."""

import os
import pickle
import sys
import time
import unittest
from typing import Any, List

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import helpers  # noqa: E402

import tmdk  # noqa: E402
import tmdk.dask  # noqa: E402

try:
    import distributed
except ImportError:  # pragma: no cover - depends on the machine
    distributed = None

COMPOSE = """services:
  web:
    image: nginx:{tag}
    privileged: {privileged}
    ports: ["80:80"]
"""


def generated_repositories(root: str, count: int) -> List[str]:
    """`count` small repositories, each a little different (findings differ by index)."""
    paths = []
    for i in range(count):
        repo = os.path.join(root, "repo-%03d" % i)
        files = {
            "Dockerfile": "FROM alpine:3.%d\n%s" % (i % 20, "USER app\n" if i % 3 else ""),
            "compose.yaml": COMPOSE.format(tag="latest" if i % 2 else "1.25", privileged="true" if i % 5 == 0
                                           else "false"),
            "k8s/deploy.yaml": helpers.DEPLOYMENT.replace("nginx:latest", "nginx:1.%d" % i if i % 4 else
                                                          "nginx:latest"),
        }
        if i % 7 == 0:
            files["svc/compose.yaml"] = "services: [\n"  # an error of this repository, as for tmdk-scan
        for name, content in files.items():
            path = os.path.join(repo, name)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w", encoding="utf-8") as f:
                f.write(content)
        paths.append(repo)
    return paths


def corpus_projects() -> List[str]:
    base = os.path.join(helpers.CORPUS, "projects")
    if not os.path.isdir(base):
        return []
    return sorted(os.path.join(base, d) for d in os.listdir(base) if os.path.isdir(os.path.join(base, d)))


@unittest.skipIf(distributed is None, "python3-distributed is not installed")
@unittest.skipIf(helpers.SANITIZED, "worker processes do not inherit the sanitizer runtimes")
class TestDask(unittest.TestCase):
    client: Any
    cluster: Any
    project: helpers.Project

    @classmethod
    def setUpClass(cls) -> None:
        cls.cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                               dashboard_address=None, silence_logs=40)
        cls.client = distributed.Client(cls.cluster)
        cls.project = helpers.Project({})

    @classmethod
    def tearDownClass(cls) -> None:
        cls.client.close()
        cls.cluster.close()
        cls.project.close()

    def test_same_as_sequential_on_the_corpus_and_200_repositories(self) -> None:
        paths = corpus_projects() + generated_repositories(self.project.path("gen"), 200)
        catalog = tmdk.Catalog.builtin()
        start = time.monotonic()
        sequential = tmdk.dask.scan_sequential(paths, catalog)
        seq_seconds = time.monotonic() - start
        scans = tmdk.dask.scan_repositories(paths, self.client, catalog, timeout=120, retries=1)
        self.assertEqual(scans, sequential)
        self.assertEqual(list(scans), paths)
        self.assertEqual(scans.failures, {})
        for path in paths:
            self.assertEqual(scans[path], catalog.scan(path), path)
        self.assertEqual(scans.merged, sequential.merged)
        self.assertEqual(scans.merged.to_dict(), sequential.merged.to_dict())
        self.assertEqual(len(scans.merged), sum(len(scans[p]) for p in paths))
        self.assertGreater(len(scans.merged), 200)
        self.assertGreaterEqual(len([e for e in scans.merged.errors if e.code == "parse error"]), 29)
        self.assertEqual(tmdk.to_json(scans)["merged"], scans.merged.to_dict())
        # A second run reuses the workers' compiled catalog.
        again = tmdk.dask.scan_repositories(paths, self.client, catalog)
        self.assertEqual(again, sequential)
        print("\n%d repositories (%d corpus projects): sequential %.2f s (%.1f repos/s), "
              "2-worker LocalCluster %.2f s (%.1f repos/s), again %.2f s" % (
                  len(paths), len(corpus_projects()), seq_seconds, len(paths) / seq_seconds, scans.seconds,
                  len(paths) / scans.seconds, again.seconds))

    def test_a_repository_past_its_timeout_is_retried_then_a_failure(self) -> None:
        big = self.project.path("big")
        for i in range(400):
            p = os.path.join(big, "k8s", "d%03d.yaml" % i)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w", encoding="utf-8") as f:
                f.write(helpers.DEPLOYMENT)
        small = generated_repositories(self.project.path("small"), 3)
        scans = tmdk.dask.scan_repositories([big], self.client, timeout=0.0005, retries=2)
        self.assertEqual((list(scans), list(scans.failures)), ([], [big]))
        self.assertIsInstance(scans.failures[big], tmdk.ScanTimeout)
        self.assertEqual(scans.failures[big].path, big)
        self.assertEqual(scans.merged.errors, [scans.failures[big]])
        self.assertEqual(tmdk.to_json(scans)["failures"][0]["path"], big)
        # Given time, the same repository scans, as the others do.
        scans = tmdk.dask.scan_repositories([big] + small, self.client, timeout=120, retries=2)
        self.assertEqual((list(scans), scans.failures), ([big] + small, {}))
        self.assertEqual(len(scans[big].files), 400)
        with self.assertRaises(ValueError):
            tmdk.dask.scan_repositories(small, self.client, retries=-1)

    def test_the_catalog_travels_as_its_recipe(self) -> None:
        catalog = tmdk.Catalog.loads(helpers.CATALOG, builtin=False)
        self.assertLess(len(pickle.dumps(catalog)), len(helpers.CATALOG) + 300)
        repos = generated_repositories(self.project.path("custom"), 5)
        scans = tmdk.dask.scan_repositories(repos, self.client, catalog)
        self.assertEqual(scans, tmdk.dask.scan_sequential(repos, catalog))
        self.assertEqual({f.pattern_id for f in scans.merged} <= {"PY-001", "PY-002", "PY-003"}, True)


class TestSequential(unittest.TestCase):
    def test_merge_and_failures_without_dask(self) -> None:
        project = helpers.Project({})
        self.addCleanup(project.close)
        repos = generated_repositories(project.path("r"), 4)
        missing = project.path("missing")
        scans = tmdk.dask.scan_sequential(repos + [missing, repos[0]])
        self.assertEqual(list(scans), repos + [missing])  # duplicates scanned once
        self.assertEqual(scans.failures, {})
        self.assertEqual(scans[missing].errors[0].code, "input/output error")
        merged = tmdk.dask.merge(scans[p] for p in scans)
        self.assertEqual(merged, scans.merged)


if __name__ == "__main__":
    helpers.run(__name__)
