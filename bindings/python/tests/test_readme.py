"""The examples of bindings/python/README.md run as doctests (in a folder
holding the files they name), so the README cannot drift from the package."""

import doctest
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import helpers  # noqa: E402

README = os.path.join(helpers.SRCDIR, "bindings", "python", "README.md")


class TestReadme(unittest.TestCase):
    def test_readme_examples(self) -> None:
        project = helpers.Project({
            "deploy.yaml": helpers.DEPLOYMENT,
            "repo/Dockerfile": "FROM nginx:latest\n",
            "repo/k8s/deploy.yaml": helpers.DEPLOYMENT,
            "repo/compose.yaml": "services:\n  web: {image: x\n",
            "repo/chart/Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.0.0\n",
            "repo/chart/templates/pod.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {{ .Values.name }}\n",
        })
        self.addCleanup(project.close)
        cwd = os.getcwd()
        os.chdir(project.root)
        self.addCleanup(os.chdir, cwd)
        result = doctest.testfile(README, module_relative=False, report=True,
                                  optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        self.assertGreater(result.attempted, 10)
        self.assertEqual(result.failed, 0)


if __name__ == "__main__":
    helpers.run(__name__)
