"""Catalogs of risk patterns, and scanning artifacts with them."""

import collections
import os
import queue
import stat
import threading

from . import native as _native
from ._document import PARSE_LIMITS, Artifact, as_bytes, parse_options, set_limit
from ._errors import CatalogError, Diagnostic, Error, FileError
from ._findings import Finding, Pattern
from ._taxonomy import Severity, _one_or_many, question_mask, risk_mask

__all__ = ["Catalog", "ScanResult", "ScanIterator", "Skipped", "SKIPPED_FOLDERS"]

_n = _native._native

#: Folders never entered when walking (hidden folders are skipped too): the
#: library's rule (tmdk_walk, include/tmdk/walk.h), shown here for reference.
SKIPPED_FOLDERS = frozenset({".git", "node_modules", "vendor"})

_COMPILE_LIMITS = ("max_catalog_bytes", "max_patterns", "regex_match_limit", "regex_depth_limit",
                   "max_regex_length")


class Skipped(collections.namedtuple("Skipped", "path reason line column")):
    """A file read as a candidate and skipped for a reason, not an error: a
    YAML or JSON file that does not parse and whose name does not mark it as
    an artifact, a Helm template, an empty, binary or UTF-16 file.
    ``line`` and ``column`` count from 1 (0: not known)."""
    __slots__ = ()


class _Walker:
    """Expands scan() arguments into files with the library's walk
    (tmdk_walk): the same files, in the same (byte) order, as tmdk-scan;
    .git, node_modules, vendor and hidden folders skipped; excluded paths
    never read; symbolic links followed, link loops ended; Helm templates
    skipped with a reason."""

    def __init__(self, on_error, excludes=()):
        self.on_error = on_error
        self.excludes = tuple(excludes)
        self.files = []      # (path, named: the user gave it, candidate flags)
        self.skipped = []    # paths looked at and not read
        self.skips = []      # Skipped: candidates skipped with a reason

    def add_argument(self, path):
        try:
            st = os.stat(path)
        except OSError as e:
            self.on_error(FileError("cannot open: %s" % (e.strerror or e), path=path))
            return
        if not stat.S_ISDIR(st.st_mode):
            named = _n.detect_kind(path, b"") != _n.TMDK_KIND_UNKNOWN
            self.files.append((path, True, _n.TMDK_CANDIDATE_NAMED if named else 0))  # named files are always read
            return
        for path, _rel, status, flags, _folder, reason, code in _n.py_walk(path, self.excludes, 0):
            if status == _n.TMDK_WALK_CANDIDATE:
                self.files.append((path, False, flags))
            elif status == _n.TMDK_WALK_OTHER:
                self.skipped.append(path)
            elif status == _n.TMDK_WALK_SKIPPED:
                self.skips.append(Skipped(path, reason, 0, 0))
            elif status == _n.TMDK_WALK_ERROR:
                self.on_error(FileError(reason, path=path))


def _inputs(paths):
    """Normalize scan()'s argument to a list of Artifacts and path strings."""
    if isinstance(paths, (bytes, bytearray, memoryview)):
        raise TypeError("scan() takes paths; use scan_bytes() for content")
    if isinstance(paths, (str, os.PathLike, Artifact)):
        paths = [paths]
    items = []
    for p in paths:
        if isinstance(p, Artifact):
            items.append(p)
        elif isinstance(p, (str, os.PathLike)):
            items.append(os.fspath(p))
        else:
            raise TypeError("expected a path (str or os.PathLike) or a tmdk.Artifact, not %s"
                            % type(p).__name__)
    return items


class _ScanPlan:
    """Everything one scan needs, validated before any work starts."""

    def __init__(self, catalog, inputs, kind, errors, limits, options, exclude=(), unparseable="skip"):
        if errors not in ("raise", "collect"):
            raise ValueError("errors must be 'raise' or 'collect', not %r" % (errors,))
        if unparseable not in ("skip", "error"):
            raise ValueError("unparseable must be 'skip' or 'error', not %r" % (unparseable,))
        if isinstance(exclude, (str, bytes)):
            exclude = (exclude,)
        self.exclude = tuple(exclude)
        if not all(isinstance(g, str) and g for g in self.exclude):
            raise TypeError("exclude must hold non-empty str globs")
        self.candidate_flags = _n.TMDK_CANDIDATE_UNPARSEABLE_ERROR if unparseable == "error" else 0
        unknown = set(limits) - set(PARSE_LIMITS)
        if unknown:
            raise TypeError("unexpected keyword argument%s: %s" % ("s" if len(unknown) > 1 else "",
                                                                  ", ".join(sorted(unknown))))
        self.catalog = catalog
        self.inputs = inputs
        self.explicit_opts = parse_options(kind, limits)
        self.walked_opts = parse_options(None, limits)
        self.errors_mode = errors
        self.scan_opts, self.ignore = _scan_options(**options)
        self.errors = []
        self.files = []
        self.skipped = []
        self.skips = []
        self.file_kinds = []
        self.scope = " ".join(i.path or "" if isinstance(i, Artifact) else os.fsdecode(i) for i in inputs)

    def _fail(self, error):
        if self.errors_mode == "raise":
            try:
                raise error
            finally:
                error = None  # no cycle error -> traceback -> this frame -> error
        # A kept traceback would keep this frame, and every artifact parsed so far, alive.
        error.__traceback__ = None
        self.errors.append(error)

    def artifacts(self, stop=None):
        """Parse every input (the GIL is released while parsing); skip unknown kinds.
        ``stop``, a threading.Event, ends the work early when set."""
        arts = []
        walker = _Walker(self._fail, self.exclude)
        for item in self.inputs:
            if isinstance(item, Artifact):
                arts.append(item)
                continue
            walker.files = []
            walker.add_argument(item)
            for path, named, flags in walker.files:
                if stop is not None and stop.is_set():
                    break
                try:
                    status, ptr, reason, line, column = _n.py_parse_candidate(
                        path, flags | self.candidate_flags, self.explicit_opts if named else self.walked_opts)
                except Error as e:
                    self._fail(e)
                    continue
                if status == _n.TMDK_CANDIDATE_ARTIFACT:
                    arts.append(Artifact._own(ptr))
                elif status == _n.TMDK_CANDIDATE_SKIPPED:
                    walker.skips.append(Skipped(path, reason, line, column))
                else:
                    walker.skipped.append(path)
        self.skipped = walker.skipped
        self.skips = sorted(walker.skips)
        self.record(arts)
        return arts

    def record(self, arts):
        """Remember what was scanned (and skipped), for the result and for reports."""
        self.files = [a.path for a in arts]
        self.file_kinds = ([(a.path, _n.artifact_kind(a._ptr)) for a in arts] +
                           [(p, _n.TMDK_KIND_UNKNOWN) for p in self.skipped])

    def run(self, arts, callback=None):
        """Scan the artifacts as one set; returns (native findings list, reported, suppressed)."""
        findings = _n.py_findings_new()
        reported, suppressed = _n.py_scan(self.catalog._ptr, self.scan_opts, self.ignore,
                                          tuple(a._ptr for a in arts), findings, callback)
        return findings, reported, suppressed


def _scan_options(min_severity=Severity.INFO, questions=None, risks=None, ignore=(),
                  inline_ignores=True, include_suppressed=True, report_unused_ignores=False, max_findings=None,
                  regex_match_limit=None, regex_depth_limit=None, max_set_visits=None):
    opts = _native.scan_options()
    opts.flags = ((0 if inline_ignores else _n.TMDK_SCAN_NO_INLINE_IGNORES) |
                  (0 if include_suppressed else _n.TMDK_SCAN_SKIP_SUPPRESSED) |
                  (_n.TMDK_SCAN_REPORT_UNUSED_IGNORES if report_unused_ignores else 0))
    opts.min_severity = int(Severity.parse(min_severity if min_severity is not None else Severity.INFO))
    opts.questions = question_mask(questions) if questions is not None else 0
    opts.risks = risk_mask(risks) if risks is not None else 0
    for name, value in (("max_findings", max_findings), ("regex_match_limit", regex_match_limit),
                        ("regex_depth_limit", regex_depth_limit), ("max_set_visits", max_set_visits)):
        set_limit(opts, name, value)
    ids = _one_or_many(ignore or ())
    for i in ids:
        if not isinstance(i, str):
            raise TypeError("ignore must hold pattern ids (str), not %s" % type(i).__name__)
    return opts, ids


class ScanResult(list):
    """The findings of a scan: a list of :class:`Finding`, in the library's
    order (artifact, document, line), with the scan's facts as attributes:

    ``files``: the paths of the artifacts scanned; ``skipped``: the files
    looked at that are not artifacts; ``skips``: the files read as
    candidates and skipped for a reason, as :class:`Skipped` (path,
    reason, line, column), sorted by path; ``errors``: the inputs that could
    not be read or parsed, as :class:`Error` exceptions (only with
    ``errors="collect"``); ``suppressed``: how many findings inline ignores
    suppressed (counted even with ``include_suppressed=False``).
    Pass it to :func:`tmdk.report` to render it.
    """

    def __init__(self, findings=(), files=(), errors=(), suppressed=0, skipped=(), skips=()):
        super().__init__(findings)
        self.files = list(files)
        self.errors = list(errors)
        self.suppressed = suppressed
        self.skipped = list(skipped)
        self.skips = list(skips)
        self._context = None
        self._file_kinds = None

    def __reduce__(self):
        return (ScanResult, (list(self), self.files, self.errors, self.suppressed, self.skipped, self.skips))

    @classmethod
    def _of(cls, findings, plan, suppressed):
        self = cls(findings, plan.files, plan.errors, suppressed, plan.skipped, plan.skips)
        self._context = plan
        self._file_kinds = plan.file_kinds
        return self

    def __repr__(self):
        return "<tmdk.ScanResult %d findings in %d files, %d errors>" % (
            len(self), len(self.files), len(self.errors))


_DONE = object()


class ScanIterator:
    """Yields findings while a scan runs (see :meth:`Catalog.iter_scan`).

    The scan runs in a background thread. Stop early with :meth:`close`,
    ``break`` inside a ``with`` block, or by dropping the iterator. Once it
    is exhausted, ``files``, ``errors`` and ``suppressed`` are set as on
    :class:`ScanResult`. An exception of the scan (``errors="raise"``) is
    raised by ``next()``.
    """

    def __init__(self, plan):
        self._plan = plan
        self._queue = queue.Queue()
        self._stop = threading.Event()
        self._thread = None
        self._finished = False
        self.files = []
        self.errors = []
        self.skipped = []
        self.skips = []
        self.suppressed = 0
        self._context = plan
        self._file_kinds = None

    @staticmethod
    def _work(plan, out, stop):
        # Runs in the background thread; references only what it needs, so
        # that a dropped iterator is collected (and stops the scan).
        patterns = plan.catalog._by_id
        holder = {}

        def on_finding(row, index):
            out.put(Finding._from_row(row, patterns, holder["list"], index))
            return stop.is_set()

        try:
            arts = plan.artifacts(stop)
            holder["list"] = _n.py_findings_new()
            _, suppressed = _n.py_scan(plan.catalog._ptr, plan.scan_opts, plan.ignore,
                                       tuple(a._ptr for a in arts), holder["list"], on_finding)
            out.put((_DONE, None, suppressed))
        except BaseException as e:  # handed over to the consumer thread
            out.put((_DONE, e, 0))

    def __iter__(self):
        return self

    def __next__(self):
        if self._finished:
            raise StopIteration
        if self._thread is None:
            self._thread = threading.Thread(target=self._work, name="tmdk-iter-scan", daemon=True,
                                            args=(self._plan, self._queue, self._stop))
            self._thread.start()
        item = self._queue.get()
        if isinstance(item, Finding):
            return item
        _, error, suppressed = item
        self._finished = True
        self._thread.join()
        plan = self._plan
        self.files, self.errors, self.skipped, self.suppressed = plan.files, plan.errors, plan.skipped, suppressed
        self.skips = plan.skips
        self._file_kinds = plan.file_kinds
        if error is not None:
            try:
                raise error
            finally:
                error = item = None  # no cycle error -> traceback -> this frame -> error
        raise StopIteration

    def close(self):
        """Stop the scan (if it still runs) and wait for its thread."""
        self._stop.set()
        self._finished = True
        if self._thread is not None:
            self._thread.join()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        self._stop.set()


class Catalog:
    """A compiled, immutable catalog of risk patterns.

    Make one with :meth:`builtin`, :meth:`load` or :meth:`loads`. A catalog
    is a collection of :class:`Pattern` objects: ``len(catalog)``,
    ``for p in catalog`` (ordered by id), ``catalog["TMDK-DF-001"]``,
    ``"TMDK-DF-001" in catalog``. Scan with :meth:`scan`, :meth:`scan_bytes`
    or :meth:`iter_scan`. One catalog may be used by any number of threads
    at once; the GIL is released while the library parses and scans.

    ``warnings`` lists the compiler's warnings (:class:`Diagnostic`).
    """

    __slots__ = ("_ptr", "_patterns", "_by_id", "warnings", "__weakref__")

    def __init__(self, *args, **kwargs):
        raise TypeError("use tmdk.Catalog.builtin(), Catalog.load(...) or Catalog.loads(...)")

    @classmethod
    def _own(cls, ptr, warnings=()):
        self = object.__new__(cls)
        self._ptr = ptr
        self._patterns = tuple(Pattern._from_native(_n.catalog_pattern(ptr, i))
                               for i in range(_n.catalog_pattern_count(ptr)))
        self._by_id = {p.id: p for p in self._patterns}
        self.warnings = list(warnings)
        return self

    @classmethod
    def builtin(cls):
        """The catalog embedded in the library (patterns/ in the sources)."""
        return cls._compile([], builtin=True)

    @classmethod
    def load(cls, *paths, builtin=True, strict=False, check_examples=False, **limits):
        """Compile catalog files, or folders of ``*.yaml`` / ``*.yml`` files.

        With ``builtin`` (the default) the built-in catalog is included, so
        your patterns add to it. ``strict`` treats warnings as errors;
        ``check_examples`` also runs every pattern's embedded examples.
        Keyword limits: ``max_catalog_bytes``, ``max_patterns``,
        ``regex_match_limit``, ``regex_depth_limit``, ``max_regex_length``.

        Raises :class:`CatalogError` listing every problem found (each with
        file, line, column, pattern and message), including unreadable paths.
        """
        sources = []
        for p in paths:
            if not isinstance(p, (str, bytes, os.PathLike)):
                raise TypeError("catalog paths must be str or os.PathLike, not %s" % type(p).__name__)
            sources.append(("path", os.fspath(p)))
        return cls._compile(sources, builtin, strict, check_examples, limits)

    @classmethod
    def loads(cls, text, name="<string>", *, builtin=True, strict=False, check_examples=False, **limits):
        """Compile a catalog from its text (str or bytes); ``name`` appears in diagnostics.
        Otherwise as :meth:`load`."""
        return cls._compile([("buffer", os.fsdecode(name), as_bytes(text))], builtin, strict,
                            check_examples, limits)

    @classmethod
    def _compile(cls, sources, builtin=True, strict=False, check_examples=False, limits=None):
        opts = _native.compile_options()
        opts.flags = ((_n.TMDK_COMPILE_STRICT if strict else 0) |
                      (_n.TMDK_COMPILE_CHECK_EXAMPLES if check_examples else 0))
        for name, value in (limits or {}).items():
            if name not in _COMPILE_LIMITS:
                raise TypeError("unknown catalog limit %r (expected one of: %s)"
                                % (name, ", ".join(_COMPILE_LIMITS)))
            set_limit(opts, name, value)
        compiler = _n.compiler_new(opts)
        unreadable = []
        first = None
        if builtin:
            _n.compiler_add_builtin(compiler)
        for source in sources:
            try:
                if source[0] == "path":
                    _n.compiler_add_path(compiler, source[1])
                else:
                    _n.compiler_add_buffer(compiler, source[1], source[2])
            except Error as e:
                first = first or e
                unreadable.append(Diagnostic("error", e.code, e.path or os.fsdecode(source[1]),
                                             e.line, e.column, None, e.message))
        try:
            ptr = _n.compiler_compile(compiler)
        except Error as e:
            ptr, first = None, first or e
        diagnostics = unreadable + [Diagnostic._from_row(r) for r in _n.py_compiler_diagnostics(compiler)]
        if ptr is None or unreadable:
            errors = [d for d in diagnostics if d.level == "error"] or diagnostics
            count = len(errors)
            summary = "catalog not loaded: %d error%s" % (count, "" if count == 1 else "s")
            d = errors[0] if errors else None
            raise CatalogError(summary, first.code if first else _n.TMDK_ESCHEMA,
                               d.file if d else None, d.line if d else 0, d.column if d else 0,
                               diagnostics)
        return cls._own(ptr, [d for d in diagnostics if d.level == "warning"])

    # ---- the collection of patterns ------------------------------------
    @property
    def patterns(self):
        """Every pattern, ordered by id (a tuple)."""
        return self._patterns

    def __len__(self):
        return len(self._patterns)

    def __iter__(self):
        return iter(self._patterns)

    def __getitem__(self, pattern_id):
        try:
            return self._by_id[pattern_id]
        except (KeyError, TypeError):
            raise KeyError(pattern_id) from None

    def __contains__(self, pattern_id):
        return isinstance(pattern_id, str) and pattern_id in self._by_id

    def get(self, pattern_id, default=None):
        """The pattern with this id, or default."""
        return self._by_id.get(pattern_id, default)

    def __repr__(self):
        return "<tmdk.Catalog %d patterns>" % len(self._patterns)

    # ---- scanning -------------------------------------------------------
    def scan(self, paths, *, kind=None, errors="raise", exclude=(), unparseable="skip", min_severity=None,
             questions=None, risks=None, ignore=(), inline_ignores=True, include_suppressed=True,
             report_unused_ignores=False, max_findings=None, regex_match_limit=None, regex_depth_limit=None,
             max_set_visits=None, **limits):
        """Scan files and folders (or parsed :class:`Artifact` objects) and
        return their findings as a :class:`ScanResult` (a list of :class:`Finding`).

        ``paths`` is one path (str or os.PathLike) or Artifact, or an
        iterable of them. Folders are walked recursively as tmdk-scan does:
        ``.git``, ``node_modules``, ``vendor`` and hidden folders are
        skipped, symbolic-link loops are entered once, and files that are not
        artifacts are skipped. Everything is scanned as one set, so
        cross-document patterns (a role and its binding) see every document.
        The rules are the library's (tmdk_walk), so the same files count, in
        the same order, as for tmdk-scan.

        ``exclude``: globs (one str or several) of paths never read, as
        tmdk-scan's ``--exclude`` (gitignore-like, relative to each folder
        scanned). ``unparseable``: 'skip' (the default) skips, with the
        reason in the result's ``skips``, a YAML or JSON file that does not
        parse and whose name does not mark it as an artifact (JSON with
        comments, Helm templates, broken fixtures); 'error' makes it an
        error like a named artifact that does not parse.

        ``kind`` forces the artifact kind of the files named in ``paths``
        (not of files found in folders). ``errors="raise"`` (the default)
        raises the first :class:`ParseError`, :class:`LimitError` or
        :class:`FileError`; ``errors="collect"`` records them in the
        result's ``errors`` and scans the rest.

        Scan options: ``min_severity`` (patterns below it are not evaluated;
        a name such as 'high' or a :class:`Severity`), ``questions`` and
        ``risks`` (slugs, one or several: keep only these), ``ignore``
        (pattern ids never evaluated), ``inline_ignores`` (honour
        ``# tmdk:ignore`` comments and ``tmdk.io/ignore`` annotations),
        ``include_suppressed`` (report suppressed findings, marked),
        ``report_unused_ignores`` (report inline ignores that suppress
        nothing as TMDK-META-003 findings),
        ``max_findings`` (beyond it :class:`LimitError`),
        ``regex_match_limit`` and ``regex_depth_limit``, ``max_set_visits``
        (the cross-document work one pattern may do in one scan, in visits
        of set documents; beyond it :class:`LimitError`); and the parse
        limits of :func:`tmdk.parse`. The GIL is released while parsing and
        scanning.
        """
        options = dict(min_severity=min_severity, questions=questions, risks=risks, ignore=ignore,
                       inline_ignores=inline_ignores, include_suppressed=include_suppressed,
                       report_unused_ignores=report_unused_ignores,
                       max_findings=max_findings, regex_match_limit=regex_match_limit,
                       regex_depth_limit=regex_depth_limit, max_set_visits=max_set_visits)
        plan = _ScanPlan(self, _inputs(paths), kind, errors, limits, options, exclude, unparseable)
        return self._collect(plan, plan.artifacts())

    def scan_bytes(self, data, name="", kind=None, *, min_severity=None, questions=None, risks=None,
                   ignore=(), inline_ignores=True, include_suppressed=True, report_unused_ignores=False, max_findings=None,
                   regex_match_limit=None, regex_depth_limit=None, max_set_visits=None, **limits):
        """Scan one artifact given as content (bytes, bytearray, memoryview
        or str) and return its findings as a :class:`ScanResult`.

        ``name`` is the file name the findings report; it also takes part in
        kind detection ('Dockerfile', 'compose.yaml' …) unless ``kind`` is
        given. Content of unknown kind yields no findings. Parse errors
        raise. Options as for :meth:`scan`.
        """
        options = dict(min_severity=min_severity, questions=questions, risks=risks, ignore=ignore,
                       inline_ignores=inline_ignores, include_suppressed=include_suppressed,
                       report_unused_ignores=report_unused_ignores,
                       max_findings=max_findings, regex_match_limit=regex_match_limit,
                       regex_depth_limit=regex_depth_limit, max_set_visits=max_set_visits)
        plan = _ScanPlan(self, [], kind, "raise", limits, options)
        art = Artifact._own(_n.py_parse_bytes(os.fsdecode(name or ""), as_bytes(data), plan.explicit_opts))
        plan.scope = art.path or ""
        if art.kind == "unknown":
            plan.skipped.append(art.path)
            arts = []
        else:
            arts = [art]
        plan.record(arts)
        return self._collect(plan, arts)

    def iter_scan(self, paths, *, kind=None, errors="raise", exclude=(), unparseable="skip", min_severity=None,
                  questions=None, risks=None, ignore=(), inline_ignores=True, include_suppressed=True,
                  report_unused_ignores=False,
                  max_findings=None, regex_match_limit=None, regex_depth_limit=None, max_set_visits=None, **limits):
        """Like :meth:`scan`, but return a :class:`ScanIterator` that yields
        each finding as the scan reports it (the scan runs in a background
        thread; stop it early with ``close()`` or a ``with`` block). Arguments
        are checked at once; parse and scan errors are raised by ``next()``.
        """
        options = dict(min_severity=min_severity, questions=questions, risks=risks, ignore=ignore,
                       inline_ignores=inline_ignores, include_suppressed=include_suppressed,
                       report_unused_ignores=report_unused_ignores,
                       max_findings=max_findings, regex_match_limit=regex_match_limit,
                       regex_depth_limit=regex_depth_limit, max_set_visits=max_set_visits)
        return ScanIterator(_ScanPlan(self, _inputs(paths), kind, errors, limits, options, exclude, unparseable))

    def _collect(self, plan, arts):
        findings, _, suppressed = plan.run(arts)
        by_id = self._by_id
        rows = _n.py_findings_rows(findings, 0)
        result = [Finding._from_row(row, by_id, findings, i) for i, row in enumerate(rows)]
        return ScanResult._of(result, plan, suppressed)


for _cls in (Catalog, ScanResult, ScanIterator):
    _cls.__module__ = "tmdk"
