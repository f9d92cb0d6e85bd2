"""Runs examples/scan_repo.py (as `make check` does) and checks what it prints."""

import os
import subprocess
import sys
import unittest
from typing import Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import helpers  # noqa: E402

import tmdk  # noqa: E402

SCRIPT = os.path.join(helpers.SRCDIR, "examples", "scan_repo.py")
DEMO = os.path.join(helpers.SRCDIR, "examples", "demo")


def run(*args: str) -> Tuple[int, str, str]:
    proc = subprocess.run([sys.executable, SCRIPT] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, check=False)
    return proc.returncode, proc.stdout, proc.stderr


class TestScanRepo(unittest.TestCase):
    def test_demo_summary_per_question_and_custom_check(self) -> None:
        code, out, err = run(DEMO)
        self.assertEqual((code, err), (0, ""))
        result = tmdk.Catalog.builtin().scan(DEMO)
        self.assertIn("Scanned 3 files with %d patterns: %d findings" % (len(tmdk.Catalog.builtin()), len(result)),
                      out)
        for question in tmdk.QUESTIONS:
            self.assertIn(question.title, out)
        self.assertIn("Custom check (Python)", out)
        self.assertIn("compose.yaml:16:12  service agent: image `example/agent:latest` is not from an allowed "
                      "registry", out)

    def test_allowed_registries_and_extra_catalog(self) -> None:
        project = helpers.Project({"cat.yaml": helpers.CATALOG, "app/Dockerfile": helpers.DOCKERFILE})
        self.addCleanup(project.close)
        code, out, _ = run("--catalog", project.path("cat.yaml"), "--allow", "alpine", project.path("app"))
        self.assertEqual(code, 0)
        self.assertIn("0 problems", out)
        self.assertIn("privilege-escalation", out)

    def test_unreadable_input_exits_2(self) -> None:
        code, _, err = run(os.path.join(DEMO, "missing"))
        self.assertEqual(code, 2)
        self.assertIn("cannot open", err)


if __name__ == "__main__":
    helpers.run(__name__)
