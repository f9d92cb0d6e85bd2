"""Shared helpers of the Python tests: a small catalog whose behaviour does not
change when the built-in catalog grows, throw-away project folders, and a
unittest runner that ends with a 'N passed, N failed' line CI can read."""

import os
import shutil
import sys
import tempfile
import textwrap
import unittest
from typing import Dict, NoReturn, Union

SRCDIR = os.environ.get("TMDK_SRCDIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", "..", ".."))
BUILDDIR = os.environ.get("TMDK_BUILDDIR") or SRCDIR
CORPUS = os.environ.get("TMDK_CORPUS") or os.path.join(SRCDIR, "..", "shared", "corpus")
SANITIZED = os.environ.get("TMDK_SANITIZERS") == "1"

# Three patterns: one per artifact kind used below, one cross-document.
CATALOG = textwrap.dedent('''\
    catalog: {name: pytest, version: 1.0.0}
    patterns:
      - id: PY-001
        title: Image uses the latest tag
        question: what-are-we-going-to-do
        risk: latest-tag
        severity: medium
        stride: [tampering]
        description: A mutable tag can change under you.
        mitigation: Pin the image by digest.
        references: [{url: "https://example.com/latest", title: Latest}]
        applies-to: [kubernetes]
        match: {for-each: "@containers", where: {path: image, matches: ":latest$"}}
        message: "container `{name}` uses `{image}`"
        examples:
          - {kind: kubernetes, expect: positive, content: "apiVersion: v1\\nkind: Pod\\nmetadata: {name: p}\\nspec: {containers: [{name: a, image: x:latest}]}\\n"}
          - {kind: kubernetes, expect: negative, content: "apiVersion: v1\\nkind: Pod\\nmetadata: {name: p}\\nspec: {containers: [{name: a, image: x:1}]}\\n"}
      - id: PY-002
        title: Final stage runs as root
        question: what-are-we-going-to-do
        risk: privilege-escalation
        severity: high
        description: Without USER the container runs as root.
        mitigation: Add a USER instruction.
        applies-to: [dockerfile]
        match: {for-each: "@final-stage", where: {path: user, absent: true}}
        message: "the final stage runs as root"
        examples:
          - {kind: dockerfile, expect: positive, content: "FROM alpine\\n"}
          - {kind: dockerfile, expect: negative, content: "FROM alpine\\nUSER app\\n"}
      - id: PY-003
        title: Namespace without a NetworkPolicy
        question: did-we-do-enough
        risk: policy-enforcement
        severity: low
        description: Nothing restricts the namespace's traffic.
        mitigation: Add a NetworkPolicy.
        applies-to: [kubernetes]
        match:
          for-each: "$doc[?kind == \\"Deployment\\"]"
          as: d
          where:
            none: "$set[?kind == \\"NetworkPolicy\\"]"
            where: {path: namespace, same-as: $d.namespace}
        message: "namespace `{namespace}` has no NetworkPolicy"
        examples:
          - {kind: kubernetes, expect: positive, content: "apiVersion: apps/v1\\nkind: Deployment\\nmetadata: {name: d, namespace: n}\\nspec: {template: {spec: {containers: [{name: a, image: x}]}}}\\n"}
          - {kind: kubernetes, expect: negative, content: "apiVersion: v1\\nkind: Pod\\nmetadata: {name: p}\\nspec: {containers: [{name: a, image: x}]}\\n"}
    ''')

DEPLOYMENT = textwrap.dedent('''\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      namespace: shop
    spec:
      replicas: 3
      template:
        spec:
          hostNetwork: false
          containers:
            - name: web
              image: nginx:latest
              ports:
                - containerPort: 8080
              env:
                - {name: PORT, value: "8080"}
                - {name: RATIO, value: 0.5}
    ''')

NETPOL = textwrap.dedent('''\
    apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: deny, namespace: shop}
    spec: {podSelector: {}}
    ''')

DOCKERFILE = "FROM alpine:3.19\nRUN echo hi\n"


class Project:
    """A throw-away project folder: Project({"a/b.yaml": "text"})."""

    def __init__(self, files: Dict[str, Union[str, bytes]]) -> None:
        self.root = tempfile.mkdtemp(prefix="tmdk-py-")
        for name, content in files.items():
            self.write(name, content)

    def write(self, name: str, content: Union[str, bytes]) -> str:
        path = os.path.join(self.root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content.encode() if isinstance(content, str) else content)
        return path

    def path(self, *parts: str) -> str:
        return os.path.join(self.root, *parts)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


def standard_project() -> Project:
    """Dockerfile + deployment + NetworkPolicy, plus copies where the walk must not go."""
    return Project({
        "Dockerfile": DOCKERFILE,
        "k8s/deploy.yaml": DEPLOYMENT,
        "k8s/netpol.yaml": NETPOL,
        "README.md": "# not an artifact\n",
        "notes.yaml": "just: some yaml\n",
        ".git/Dockerfile": DOCKERFILE,
        "node_modules/pkg/Dockerfile": DOCKERFILE,
        "vendor/lib/Dockerfile": DOCKERFILE,
        ".hidden/Dockerfile": DOCKERFILE,
    })


def run(module_name: str) -> NoReturn:
    """Run the module's tests; print a closing line CI recognises; exit 0 or 1."""
    module = sys.modules[module_name]
    suite = unittest.defaultTestLoader.loadTestsFromModule(module)
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=2).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    sys.exit(0 if result.wasSuccessful() else 1)
