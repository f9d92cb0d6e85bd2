#!/usr/bin/env python3
"""How much the Python binding costs: the same corpus parsed and scanned
from C programs and from Python, in the same run.

    PYTHONPATH=<build>/bindings/python/stage python3 bench.py \\
        [--rounds N] [--tmdk-parse PROG] [--tmdk-scan PROG] CORPUS

(`make python-bench` runs it on ../shared/corpus.) Each figure is the best
of N interleaved rounds, in wall time and in CPU time (user + system, the C
program's included), which a busy machine disturbs less:

  parse  C       tmdk-parse CORPUS (walks, parses, prints a summary per file)
  parse  Python  the package's folder walk + tmdk.parse() on every candidate
  scan   C       tmdk-scan -j1 --format json CORPUS (catalog compile included)
  scan   Python  Catalog.builtin() + catalog.scan(CORPUS) + tmdk.report(json),
                 one thread, the same work as the line above
  scan   Python  without the report; then the corpus files split in two
                 halves scanned one after the other, and by 2 threads at once
                 (sharing one catalog), to show the GIL is released

The C programs are separate processes, so their figures include process
start-up (about a millisecond); the Python figures exclude the interpreter's
start-up and `import tmdk` (printed separately).
"""

import argparse
import os
import resource
import subprocess
import sys
import threading
import time

# This file sits next to the source package, which has no native module:
# import the staged (or installed) package instead, as PYTHONPATH says.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != _HERE]

import tmdk  # noqa: E402
from tmdk._catalog import _Walker  # noqa: E402


def cpu_seconds():
    """CPU time (user + system) of this process and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(fn):
    """Wall seconds and CPU seconds of one call (a C program's included)."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    fn()
    return time.perf_counter() - wall, cpu_seconds() - cpu


def run_quiet(argv):
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def corpus_files(corpus):
    """The files a scan of the corpus reads (the package's own walk)."""
    walker = _Walker(lambda error: None)
    walker.add_argument(corpus)
    return [path for path, _ in walker.files]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tmdk-parse", help="path of the tmdk-parse program")
    parser.add_argument("--tmdk-scan", help="path of the tmdk-scan program (default: next to tmdk-parse)")
    args = parser.parse_args()
    if not os.path.isdir(args.corpus):
        print("bench.py: corpus not found: %s" % args.corpus, file=sys.stderr)
        return 2
    tmdk_scan = args.tmdk_scan or (args.tmdk_parse and os.path.join(os.path.dirname(args.tmdk_parse),
                                                                    "tmdk-scan"))
    files = corpus_files(args.corpus)
    size = sum(os.path.getsize(f) for f in files)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import tmdk"], check=True)
    import_time = time.perf_counter() - start
    print("corpus %s: %d candidate files, %.1f MB; libtmdk %s; Python %s; best of %d rounds"
          % (args.corpus, len(files), size / 1e6, tmdk.__version__, sys.version.split()[0], args.rounds))
    print("(python -c 'import tmdk' takes %.0f ms, not counted below)\n" % (import_time * 1e3))

    def py_parse():
        for f in files:
            try:
                tmdk.parse(f)
            except tmdk.Error:
                pass

    def py_scan(report=True):
        catalog = tmdk.Catalog.builtin()
        result = catalog.scan(args.corpus)
        if report:
            tmdk.report(result, "json")
        return result

    shared = tmdk.Catalog.builtin()
    halves = [files[0::2], files[1::2]]

    def halves_one_thread():
        for h in halves:
            shared.scan(h)

    def halves_two_threads():
        threads = [threading.Thread(target=shared.scan, args=(h,), kwargs={"errors": "collect"})
                   for h in halves]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    # (task, who, function, index of the line it is compared with)
    tasks = []
    if args.tmdk_parse and os.access(args.tmdk_parse, os.X_OK):
        tasks.append(("parse", "C: tmdk-parse", lambda: run_quiet([args.tmdk_parse, args.corpus]), None))
    tasks.append(("parse", "Python: walk + tmdk.parse()", py_parse, 0 if tasks else None))
    if tmdk_scan and os.access(tmdk_scan, os.X_OK):
        c_scan = len(tasks)
        tasks.append(("scan", "C: tmdk-scan -j1 --format json",
                      lambda: run_quiet([tmdk_scan, "-j1", "--format", "json", args.corpus]), None))
    else:
        c_scan = None
    tasks.append(("scan", "Python: builtin() + scan() + report(json)", py_scan, c_scan))
    tasks.append(("scan", "Python: builtin() + scan()", lambda: py_scan(False), c_scan))
    tasks.append(("scan", "Python: 2 halves, one after the other", halves_one_thread, None))
    tasks.append(("scan", "Python: 2 halves, 2 threads at once", halves_two_threads, len(tasks) - 1))

    # Rounds interleave the tasks, so that a change in the machine's load
    # affects all of them alike; each keeps its best wall and best CPU time.
    best = [[float("inf"), float("inf")] for _ in tasks]
    for _ in range(args.rounds):
        for i, task in enumerate(tasks):
            wall, cpu = timed(task[2])
            best[i] = [min(best[i][0], wall), min(best[i][1], cpu)]
    print("%-6s %-44s %9s %8s %9s %8s %9s" % ("", "", "wall", "vs", "CPU", "vs", "CPU/wall"))
    for i, (task, who, _, base) in enumerate(tasks):
        wall, cpu = best[i]
        vs_wall = "" if base is None else "%+6.1f%%" % ((wall / best[base][0] - 1) * 100)
        vs_cpu = "" if base is None else "%+6.1f%%" % ((cpu / best[base][1] - 1) * 100)
        print("%-6s %-44s %7.3f s %8s %7.3f s %8s %9.2f" % (task, who, wall, vs_wall, cpu, vs_cpu, cpu / wall))

    findings = py_scan(False)
    print("\n%d files, %d findings, %d errors. vs: time over the line it is compared with, minus one."
          "\nCPU/wall above 1 means threads ran at the same time (the GIL was released); on a busy"
          "\nmachine it stays below 1 whatever the code does, and the CPU column is the fairer one."
          % (len(files), len(findings), len(findings.errors)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
