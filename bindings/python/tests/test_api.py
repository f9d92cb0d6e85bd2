"""The Python API behaves as the CLI and as Python users expect: errors
collected with the findings (raise_on_error to raise), the JSON contract's
names, vocabulary values equal to their strings, readable error codes,
one call to JSON, cheap pickling of catalogs and results, scan timeouts."""

import json
import os
import pickle
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import helpers  # noqa: E402

import tmdk  # noqa: E402
from tmdk import _catalog  # noqa: E402

# A compose file (its name marks it as an artifact) that does not parse: an error, as for tmdk-scan.
BROKEN = "services:\n  web: {image: x\n"


class TestErrorsAsTheCli(unittest.TestCase):
    def setUp(self) -> None:
        self.project = helpers.Project({"Dockerfile": helpers.DOCKERFILE, "k8s/deploy.yaml": helpers.DEPLOYMENT,
                                        "compose.yaml": BROKEN,
                                        "chart/templates/x.yaml": "{{ .Values.x }}\nkind: Pod\n"})
        self.addCleanup(self.project.close)
        self.catalog = tmdk.Catalog.loads(helpers.CATALOG, builtin=False)

    def test_errors_are_collected_by_default_and_the_rest_is_scanned(self) -> None:
        r = self.catalog.scan(self.project.root)
        self.assertEqual([e.path for e in r.errors], [self.project.path("compose.yaml")])
        e = r.errors[0]
        self.assertIsInstance(e, tmdk.ParseError)
        self.assertEqual(e.code, "parse error")
        self.assertEqual(e.code_value, tmdk.native.TMDK_EPARSE)
        self.assertEqual((e.line, e.column), (3, 1))
        self.assertIn("path=%r" % self.project.path("compose.yaml"), repr(e))
        self.assertIn("code='parse error'", repr(e))
        self.assertEqual(sorted(f.pattern_id for f in r), ["PY-001", "PY-002", "PY-003"])
        self.assertEqual([s.path for s in r.skipped], [self.project.path("chart", "templates", "x.yaml")])
        self.assertTrue(r.skipped[0].reason)
        self.assertIn(self.project.path("Dockerfile"), r.files)

    def test_raise_on_error_raises_the_first(self) -> None:
        with self.assertRaises(tmdk.ParseError) as cm:
            self.catalog.scan(self.project.root, raise_on_error=True)
        self.assertEqual(cm.exception.path, self.project.path("compose.yaml"))
        with self.assertRaises(TypeError):
            self.catalog.scan(self.project.root, raise_on_error="yes")  # type: ignore[arg-type]

    def test_missing_path_is_a_file_error_with_its_code_name(self) -> None:
        r = self.catalog.scan([self.project.path("missing"), self.project.path("Dockerfile")])
        self.assertEqual([(type(e), e.code) for e in r.errors], [(tmdk.FileError, "input/output error")])
        self.assertEqual(len(r), 1)

    def test_errors_match_the_json_report(self) -> None:
        r = self.catalog.scan(self.project.root)
        data = json.loads(tmdk.report(r, format="json"))
        self.assertEqual(data["errors"], [e.to_dict() for e in r.errors])
        self.assertEqual(data["skipped"], [s.to_dict() for s in r.skipped])
        ours = [f.to_dict() for f in r]
        report_findings = [{k: v for k, v in f.items() if k in ours[0]} for f in data["findings"]]
        ours = [{k: v for k, v in f.items() if k in report_findings[0]} for f in ours]
        self.assertEqual(report_findings, ours)
        self.assertEqual([f["pattern_id"] for f in data["findings"]], [f.pattern_id for f in r])


class TestNames(unittest.TestCase):
    def test_severity_is_its_string_and_orders_by_severity(self) -> None:
        S = tmdk.Severity
        self.assertIs(S("high"), S.HIGH)
        self.assertIs(S("HIGH"), S.HIGH)
        self.assertIs(S(3), S.HIGH)
        self.assertEqual(S.HIGH, "high")
        self.assertNotEqual(S.HIGH, "low")
        self.assertEqual(hash(S.HIGH), hash("high"))
        self.assertIn("medium", {S.MEDIUM})
        self.assertTrue(S.CRITICAL > S.HIGH > S.MEDIUM > S.LOW > S.INFO)
        self.assertTrue(S.HIGH > "medium" and S.LOW < "medium")
        self.assertEqual(sorted(["high", "info", "critical", "low"], key=S), ["info", "low", "high", "critical"])
        self.assertEqual(int(S.CRITICAL), 4)
        self.assertEqual(json.dumps([S.HIGH]), '["high"]')
        with self.assertRaises(ValueError):
            S("severe")
        with self.assertRaises(TypeError):
            S.HIGH < "severe"  # noqa: B015

    def test_question_and_risk_are_their_slugs(self) -> None:
        q = tmdk.Question("what-can-go-wrong")
        self.assertEqual(q, "what-can-go-wrong")
        self.assertIs(q, tmdk.QUESTIONS[1])
        self.assertEqual((q.slug, q.position), ("what-can-go-wrong", 1))
        self.assertTrue(q.title)
        r = tmdk.Risk("latest-tag")
        self.assertEqual(r, "latest-tag")
        self.assertIsInstance(r.question, tmdk.Question)
        self.assertLess(tmdk.QUESTIONS[0], tmdk.QUESTIONS[3])
        self.assertIs(pickle.loads(pickle.dumps(r)), r)
        self.assertEqual(json.dumps({"q": q}), '{"q": "what-can-go-wrong"}')
        with self.assertRaises(ValueError):
            tmdk.Risk("nope")

    def test_finding_names_follow_the_json_contract(self) -> None:
        catalog = tmdk.Catalog.loads(helpers.CATALOG, builtin=False)
        f = [f for f in catalog.scan_bytes(helpers.DEPLOYMENT, name="d.yaml") if f.id == "PY-001"][0]
        self.assertEqual((f.pattern_id, f.id), ("PY-001", "PY-001"))
        self.assertEqual(f.severity, "medium")
        self.assertEqual(f.question, "what-are-we-going-to-do")
        self.assertEqual(f.risk, "latest-tag")
        self.assertEqual(f.to_dict()["pattern_id"], "PY-001")
        self.assertEqual(catalog["PY-001"].pattern_id, "PY-001")


class TestJson(unittest.TestCase):
    def test_one_call_serialises_everything(self) -> None:
        project = helpers.Project({"k8s/deploy.yaml": helpers.DEPLOYMENT, "compose.yaml": BROKEN})
        self.addCleanup(project.close)
        catalog = tmdk.Catalog.loads(helpers.CATALOG, builtin=False)
        r = catalog.scan(project.root)
        data = json.loads(json.dumps(r, default=tmdk.to_json))
        self.assertEqual(data, tmdk.to_json(r))
        self.assertEqual(sorted(data), ["errors", "files", "findings", "skipped", "suppressed"])
        self.assertEqual([f["pattern_id"] for f in data["findings"]], [f.pattern_id for f in r])
        self.assertEqual(data["errors"][0]["code"], "parse error")
        self.assertEqual({f["kind"] for f in data["files"]}, {"kubernetes"})
        self.assertEqual(json.loads(json.dumps(r[0], default=tmdk.to_json)), r[0].to_dict())
        pattern = json.loads(json.dumps(catalog["PY-001"], default=tmdk.to_json))
        self.assertEqual((pattern["id"], pattern["severity"], pattern["risk"]), ("PY-001", "medium", "latest-tag"))
        self.assertEqual(len(tmdk.to_json(catalog)["patterns"]), len(catalog))
        self.assertEqual(tmdk.to_json(r.errors[0])["path"], project.path("compose.yaml"))
        with self.assertRaises(TypeError):
            json.dumps(object(), default=tmdk.to_json)


class TestPickle(unittest.TestCase):
    def test_a_catalog_pickles_as_its_recipe_and_compiles_once(self) -> None:
        builtin = tmdk.Catalog.builtin()
        data = pickle.dumps(builtin)
        self.assertLess(len(data), 300)
        first = pickle.loads(data)
        self.assertIs(pickle.loads(data), first)  # compiled once per process
        self.assertEqual(list(first), list(builtin))
        text = tmdk.Catalog.loads(helpers.CATALOG, builtin=False)
        again = pickle.loads(pickle.dumps(text))
        self.assertEqual([p.id for p in again], [p.id for p in text])

    def test_a_catalog_whose_original_is_gone_compiles_from_its_recipe(self) -> None:
        import gc
        data = pickle.dumps(tmdk.Catalog.loads(helpers.CATALOG, "gone.yaml", builtin=False, strict=True))
        gc.collect()
        catalog = pickle.loads(data)
        self.assertEqual(catalog["PY-001"].file, "gone.yaml")
        self.assertIs(pickle.loads(pickle.dumps(catalog["PY-001"])), catalog["PY-001"])

    def test_a_loaded_catalog_pickles_its_paths(self) -> None:
        project = helpers.Project({"rules/cat.yaml": helpers.CATALOG})
        self.addCleanup(project.close)
        catalog = tmdk.Catalog.load(project.path("rules"), builtin=False)
        data = pickle.dumps(catalog)
        self.assertNotIn(b"PY-001", data)
        self.assertEqual([p.id for p in pickle.loads(data)], [p.id for p in catalog])

    def test_results_pickle_whole(self) -> None:
        project = helpers.Project({"k8s/deploy.yaml": helpers.DEPLOYMENT, "compose.yaml": BROKEN})
        self.addCleanup(project.close)
        r = tmdk.Catalog.loads(helpers.CATALOG, builtin=False).scan(project.root)
        back = pickle.loads(pickle.dumps(r))
        self.assertEqual(back, r)
        self.assertEqual(back.to_dict(), r.to_dict())
        self.assertEqual(back.errors[0].code, "parse error")


class TestTimeout(unittest.TestCase):
    def test_a_scan_past_its_timeout_raises_scan_timeout(self) -> None:
        project = helpers.Project({"k8s/d%03d.yaml" % i: helpers.DEPLOYMENT for i in range(300)})
        self.addCleanup(project.close)
        catalog = tmdk.Catalog.loads(helpers.CATALOG, builtin=False)
        with self.assertRaises(tmdk.ScanTimeout) as cm:
            catalog.scan(project.root, timeout=0.0005)
        self.assertIsInstance(cm.exception, TimeoutError)
        self.assertEqual(cm.exception.path, project.root)
        self.assertEqual(catalog.scan(project.root, timeout=60), catalog.scan(project.root))
        with self.assertRaises(ValueError):
            catalog.scan(project.root, timeout=0)


class TestDocstrings(unittest.TestCase):
    def test_every_public_name_has_a_docstring(self) -> None:
        import inspect

        import tmdk.dask
        missing = []
        for module in (tmdk, tmdk.dask):
            for name in module.__all__:
                obj = getattr(module, name)
                if not (inspect.isclass(obj) or inspect.isfunction(obj)):
                    continue
                if not inspect.getdoc(obj):
                    missing.append(name)
                if inspect.isclass(obj):
                    for attr, value in vars(obj).items():
                        if attr.startswith("_") or not (inspect.isfunction(value) or isinstance(
                                value, (property, classmethod, staticmethod))):
                            continue
                        if not inspect.getdoc(getattr(obj, attr)):
                            missing.append("%s.%s" % (name, attr))
        self.assertEqual(missing, [])


if __name__ == "__main__":
    _catalog  # the private module is imported to check it loads on its own
    helpers.run(__name__)
