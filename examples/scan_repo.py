#!/usr/bin/env python3
"""Scan a folder with libtmdk and print a per-question threat-model summary,
then run a custom check written in Python on the parsed artifacts.

    scan_repo.py [--catalog PATH]... [--allow REGISTRY]... [FOLDER]

The custom check, allowed_registries(), is the part to copy: it walks the
normalized documents (Dockerfile stages, compose services, Kubernetes
containers) and reports every image that does not come from an allowed
registry, with its line and column. Exit status: 0, or 2 when an input or
a catalog could not be read.
"""

import argparse
import collections
import sys
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

import tmdk


def images(artifact: tmdk.Artifact) -> Iterator[Tuple[Any, str]]:
    """(image node, what it belongs to) for every image an artifact names."""
    for doc in artifact:
        if artifact.kind == "dockerfile":
            for stage in doc.get("stages", []):
                source = stage["from"]
                if not source.get("is_stage") and not source.get("is_scratch"):
                    yield source.get("image") or source["raw"], "stage %s" % stage["index"]
        elif artifact.kind == "compose":
            for service in doc.get("services", []):
                if "image" in service["spec"]:
                    yield service["spec"]["image"], "service %s" % service["name"]
        elif artifact.kind == "kubernetes":
            for container in doc.get("containers", []):
                if "image" in container:
                    yield container["image"], "container %s" % container["name"]


def allowed_registries(paths: Iterable[str], allowed: Sequence[str]) -> List[str]:
    """A custom check: images must come from one of the allowed registries."""
    problems = []
    for path in paths:
        artifact = tmdk.parse(path)
        for image, owner in images(artifact):
            if not str(image).startswith(tuple(allowed)):
                problems.append("%s:%d:%d  %s: image `%s` is not from an allowed registry"
                                % (artifact.path, image.line, image.column, owner, image))
    return problems


def summary(result: tmdk.ScanResult) -> List[str]:
    """Findings per question, with severities and the risks they fall under."""
    by_question: Dict[str, List[tmdk.Finding]] = collections.defaultdict(list)
    for finding in result:
        if not finding.suppressed:
            by_question[finding.question].append(finding)
    lines = []
    for question in tmdk.QUESTIONS:
        found = by_question[question.slug]
        severities = collections.Counter(str(f.severity) for f in found)
        detail = ", ".join("%s %d" % (s, severities[str(s)]) for s in reversed(tmdk.Severity)
                           if severities[str(s)])
        lines.append("%-40s %3d finding%s%s" % (question.title, len(found), "" if len(found) == 1 else "s",
                                                 "  (%s)" % detail if detail else ""))
        for risk, count in sorted(collections.Counter(f.risk for f in found).items()):
            lines.append("    %-36s %3d" % (risk, count))
    return lines


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=".")
    parser.add_argument("--catalog", action="append", default=[], help="extra catalog file or folder")
    parser.add_argument("--allow", action="append", default=[], help="allowed registry prefix")
    args = parser.parse_args(argv)

    try:
        catalog = tmdk.Catalog.load(*args.catalog) if args.catalog else tmdk.Catalog.builtin()
    except tmdk.CatalogError as e:
        print(e, file=sys.stderr)
        return 2
    result = catalog.scan(args.folder)
    for error in result.errors:
        print("error: %s" % error, file=sys.stderr)

    print("Scanned %d files with %d patterns: %d findings (%d suppressed), %d errors\n"
          % (len(result.files), len(catalog), len(result), result.suppressed, len(result.errors)))
    print("\n".join(summary(result)))

    allowed = args.allow or ["registry.example.com/"]
    problems = allowed_registries(result.files, allowed)
    print("\nCustom check (Python): images from %s only: %d problem%s"
          % (", ".join(allowed), len(problems), "" if len(problems) == 1 else "s"))
    for line in problems:
        print("    " + line)
    return 2 if result.errors else 0


if __name__ == "__main__":
    sys.exit(main())
