"""Catalog.scan against tmdk-scan --format json on the corpus projects.

The same files (and kinds), errors and skipped files always. The same
findings wherever the CLI's deployment units make no difference: every
finding of a project without kustomizations or Helm charts, and every
finding of a file that is a unit of its own. The bindings do not decide
units yet (README, "Not yet: deployment units"): findings of kustomizations
(built, patched documents), of folders (cross-document patterns scoped to
the folder) and of files the CLI only uses as patches or components may
differ; the test prints how many."""

import collections
import json
import os
import subprocess
import sys
import unittest
from typing import Any, Dict, List, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import helpers  # noqa: E402

import tmdk  # noqa: E402

TMDK_SCAN = os.path.join(helpers.BUILDDIR, "examples", "tmdk-scan")
PROJECTS = os.path.join(helpers.CORPUS, "projects")
UNIT_KINDS_THAT_CHANGE_FINDINGS = {"kustomization", "helm-chart", "folder"}
# The combination patterns read the system model. tmdk-scan derives one model
# per deployment unit (with the Dockerfiles its compose files build); Python
# derives one for the whole scanned tree, until the bindings make units too.
MODEL_PATTERNS = "TMDK-SYS-"

Key = Tuple[str, int, int, str, str]


def key(f: Dict[str, Any]) -> Key:
    return (f["path"], f["line"], f["column"], f["pattern_id"], f["message"])


@unittest.skipUnless(os.path.isdir(PROJECTS), "corpus projects not found: %s" % PROJECTS)
@unittest.skipUnless(os.access(TMDK_SCAN, os.X_OK), "tmdk-scan not built: %s" % TMDK_SCAN)
class TestSameAsTmdkScan(unittest.TestCase):
    catalog: tmdk.Catalog

    @classmethod
    def setUpClass(cls) -> None:
        cls.catalog = tmdk.Catalog.builtin()

    def compare(self, project: str) -> Tuple[int, int]:
        path = os.path.join(PROJECTS, project)
        proc = subprocess.run([TMDK_SCAN, "--format", "json", path], stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, check=False)
        self.assertIn(proc.returncode, (0, 1, 2), project)
        cli = json.loads(proc.stdout)
        result = self.catalog.scan(path)
        data = tmdk.to_json(result)

        self.assertEqual(sorted((f["path"], f["kind"]) for f in cli["files"]),
                         sorted((f["path"], f["kind"]) for f in data["files"]), project)
        self.assertEqual([(e["path"], e["line"], e["column"], e["code"]) for e in cli["errors"]],
                         [(e["path"], e["line"], e["column"], e["code"]) for e in data["errors"]], project)
        self.assertEqual(cli["skipped"], data["skipped"], project)

        units: Dict[str, List[str]] = collections.defaultdict(list)
        for unit in cli["units"]:
            for member in unit["members"]:
                units[member["path"]].append(unit["kind"])
        theirs = collections.Counter(key(f) for f in cli["findings"] if not f["pattern_id"].startswith(MODEL_PATTERNS))
        ours = collections.Counter(key(f) for f in data["findings"] if not f["pattern_id"].startswith(MODEL_PATTERNS))
        differing = (theirs - ours) + (ours - theirs)
        if not any(u["kind"] in UNIT_KINDS_THAT_CHANGE_FINDINGS - {"folder"} for u in cli["units"]):
            self.assertEqual(ours, theirs, project)
        for k in differing:
            kinds = set(units.get(k[0], []))
            self.assertTrue(not kinds or kinds & UNIT_KINDS_THAT_CHANGE_FINDINGS,
                            "%s: %s differs in a unit of kind %s" % (project, k, sorted(kinds)))
        for p, unit_kinds in units.items():
            if set(unit_kinds) == {"file"}:
                self.assertEqual(sorted(k for k in theirs.elements() if k[0] == p),
                                 sorted(k for k in ours.elements() if k[0] == p), p)
        return sum((theirs - ours).values()), sum((ours - theirs).values())

    def test_corpus_projects(self) -> None:
        projects = sorted(d for d in os.listdir(PROJECTS) if os.path.isdir(os.path.join(PROJECTS, d)))
        self.assertTrue(projects)
        for project in projects:
            only_cli, only_python = self.compare(project)
            print("\n%s: %d findings only from tmdk-scan, %d only from Python (deployment units)"
                  % (project, only_cli, only_python), end="")
        print()


if __name__ == "__main__":
    helpers.run(__name__)
