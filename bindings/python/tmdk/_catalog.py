"""Catalogs of risk patterns, and scanning artifacts with them."""

import os
import queue
import stat
import threading
import weakref
from typing import (Any, Callable, Dict, FrozenSet, Iterable, Iterator, List, NamedTuple, Optional, Sequence,
                    Tuple, Union, overload)

from . import native as _native
from ._document import PARSE_LIMITS, Artifact, as_bytes, parse_options, set_limit
from ._errors import CatalogError, Diagnostic, Error, FileError, ScanTimeout
from ._findings import Finding, Pattern
from ._taxonomy import Question, Risk, Severity, _one_or_many, kind_name, question_mask, risk_mask

__all__ = ["Catalog", "ScanResult", "ScanIterator", "Skipped", "SKIPPED_FOLDERS", "PathArg", "ScanInput"]

#: What ``scan()`` takes: a path, a parsed artifact, or an iterable of them.
ScanInput = Union[str, "os.PathLike[str]", Artifact]
PathArg = Union[ScanInput, Iterable[ScanInput]]
SeverityArg = Union[Severity, str, int]

_n = _native._native

#: Folders never entered when walking (hidden folders are skipped too): the
#: library's rule (tmdk_walk, include/tmdk/walk.h), shown here for reference.
SKIPPED_FOLDERS: FrozenSet[str] = frozenset({".git", "node_modules", "vendor"})

_COMPILE_LIMITS = ("max_catalog_bytes", "max_patterns", "regex_match_limit", "regex_depth_limit",
                   "max_regex_length")


class Skipped(NamedTuple):
    """A file read as a candidate and skipped for a reason, not an error: a
    YAML or JSON file that does not parse and whose name does not mark it as
    an artifact, a Helm template, an empty, binary or UTF-16 file.
    ``line`` and ``column`` count from 1 (0: not known)."""

    path: str
    reason: str
    line: int
    column: int

    def to_dict(self) -> Dict[str, Any]:
        """The entry as the JSON report's ``skipped[]``: path, reason, line, column."""
        return {"path": self.path, "reason": self.reason, "line": self.line, "column": self.column}


class _Walker:
    """Expands scan() arguments into files with the library's walk
    (tmdk_walk): the same files, in the same (byte) order, as tmdk-scan;
    .git, node_modules, vendor and hidden folders skipped; excluded paths
    never read; symbolic links followed, link loops ended; Helm templates
    skipped with a reason."""

    def __init__(self, on_error: Callable[[Error], None], excludes: Iterable[str] = ()) -> None:
        self.on_error = on_error
        self.excludes = tuple(excludes)
        self.files: List[Tuple[str, bool, int]] = []  # (path, named: the user gave it, candidate flags)
        self.skipped: List[str] = []    # paths looked at and not read
        self.skips: List[Skipped] = []  # candidates skipped with a reason

    def add_argument(self, path: str) -> None:
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


def _inputs(paths: PathArg) -> List[Union[str, Artifact]]:
    """Normalize scan()'s argument to a list of Artifacts and path strings."""
    if isinstance(paths, (bytes, bytearray, memoryview)):
        raise TypeError("scan() takes paths; use scan_bytes() for content")
    if isinstance(paths, (str, os.PathLike, Artifact)):
        paths = [paths]
    items: List[Union[str, Artifact]] = []
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

    def __init__(self, catalog: "Catalog", inputs: List[Union[str, Artifact]], kind: Optional[str],
                 raise_on_error: bool, limits: Dict[str, Optional[int]], options: Dict[str, Any],
                 exclude: Union[str, Iterable[str]] = (), unparseable: str = "skip") -> None:
        if not isinstance(raise_on_error, bool):
            raise TypeError("raise_on_error must be True or False, not %r" % (raise_on_error,))
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
        self.raise_on_error = raise_on_error
        self.scan_opts, self.ignore = _scan_options(**options)
        self.errors: List[Error] = []
        self.files: List[str] = []
        self.skipped: List[str] = []
        self.skips: List[Skipped] = []
        self.file_kinds: List[Tuple[str, int]] = []
        self.scope = " ".join(i.path or "" if isinstance(i, Artifact) else os.fsdecode(i) for i in inputs)

    def _fail(self, error: Optional[Error]) -> None:
        assert error is not None
        if self.raise_on_error:
            try:
                raise error
            finally:
                error = None  # no cycle error -> traceback -> this frame -> error
        # A kept traceback would keep this frame, and every artifact parsed so far, alive.
        error.__traceback__ = None
        self.errors.append(error)

    def artifacts(self, stop: Optional[threading.Event] = None) -> List[Artifact]:
        """Parse every input (the GIL is released while parsing); skip unknown kinds.
        ``stop``, a threading.Event, ends the work early when set."""
        arts: List[Artifact] = []
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

    def record(self, arts: Sequence[Artifact]) -> None:
        """Remember what was scanned (and skipped), for the result and for reports."""
        self.files = [a.path or "" for a in arts]
        self.file_kinds = ([(a.path, _n.artifact_kind(a._ptr)) for a in arts] +
                           [(p, _n.TMDK_KIND_UNKNOWN) for p in self.skipped])

    def run(self, arts: Sequence[Artifact], callback: Optional[Callable[[Any, int], bool]] = None
            ) -> Tuple[Any, int, int]:
        """Scan the artifacts as one set; returns (native findings list, reported, suppressed)."""
        findings = _n.py_findings_new()
        reported, suppressed = _n.py_scan(self.catalog._ptr, self.scan_opts, self.ignore,
                                          tuple(a._ptr for a in arts), findings, callback)
        return findings, reported, suppressed


def _scan_options(min_severity: Optional[SeverityArg] = Severity.INFO,
                  questions: Union[None, str, Iterable[str]] = None, risks: Union[None, str, Iterable[str]] = None,
                  ignore: Union[str, Iterable[str]] = (), inline_ignores: bool = True, include_suppressed: bool = True,
                  report_unused_ignores: bool = False, max_findings: Optional[int] = None,
                  regex_match_limit: Optional[int] = None, regex_depth_limit: Optional[int] = None,
                  max_set_visits: Optional[int] = None) -> Tuple[Any, Tuple[str, ...]]:
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


class ScanResult(Sequence[Finding]):
    """The findings of a scan: a sequence of :class:`Finding` (``len()``,
    indexing, iteration; equal to a list of the same findings), in the
    library's order (artifact, document, line), with the scan's facts as
    attributes.

    ``errors``: the inputs that could not be read or parsed, as
    :class:`Error` exceptions (each with path, line, column and code), in
    the order met; ``skipped``: the files read as candidates and skipped for
    a reason, as :class:`Skipped` (path, reason, line, column), sorted by
    path (the JSON report's ``skipped``); ``files``: the paths of the
    artifacts scanned; ``other_files``: the files looked at that are not
    artifacts; ``suppressed``: how many findings inline ignores suppressed
    (counted even with ``include_suppressed=False``).

    ``to_dict()`` (or ``json.dumps(result, default=tmdk.to_json)``) gives
    the JSON report's findings, errors, skipped and files; pass the result
    to :func:`tmdk.report` to render it as tmdk-scan does. Results pickle
    (findings, errors and all); a pickled result can no longer be rendered
    by :func:`tmdk.report` but still serialises with ``to_dict()``.
    """

    files: List[str]
    errors: List[Error]
    skipped: List[Skipped]
    other_files: List[str]
    suppressed: int

    def __init__(self, findings: Iterable[Finding] = (), files: Iterable[str] = (), errors: Iterable[Error] = (),
                 suppressed: int = 0, skipped: Iterable[Skipped] = (), other_files: Iterable[str] = (),
                 file_kinds: Optional[Iterable[Tuple[str, str]]] = None) -> None:
        self._findings: List[Finding] = list(findings)
        self.files = list(files)
        self.errors = list(errors)
        self.suppressed = suppressed
        self.skipped = list(skipped)
        self.other_files = list(other_files)
        self._context: Optional[_ScanPlan] = None
        # (path, kind name) of every file looked at: artifacts, then the others as 'unknown'.
        self._file_kinds: List[Tuple[str, str]] = (
            list(file_kinds) if file_kinds is not None else
            [(f, "unknown") for f in self.files] + [(f, "unknown") for f in self.other_files])

    @property
    def skips(self) -> List[Skipped]:
        """The same list as :attr:`skipped` (the name of earlier versions)."""
        return self.skipped

    @property
    def findings(self) -> List[Finding]:
        """The findings as a list (the same objects this result holds)."""
        return list(self._findings)

    def __len__(self) -> int:
        return len(self._findings)

    @overload
    def __getitem__(self, index: int) -> Finding: ...

    @overload
    def __getitem__(self, index: slice) -> List[Finding]: ...

    def __getitem__(self, index: Union[int, slice]) -> Union[Finding, List[Finding]]:
        return self._findings[index]

    def __iter__(self) -> Iterator[Finding]:
        return iter(self._findings)

    def __eq__(self, other: object) -> bool:
        """Equal to a ScanResult with the same findings, files, errors and
        skipped files, or to a list or tuple of the same findings."""
        if isinstance(other, ScanResult):
            return (self._findings == other._findings and self.files == other.files and
                    self.errors == other.errors and self.skipped == other.skipped and
                    self.other_files == other.other_files and self.suppressed == other.suppressed)
        if isinstance(other, (list, tuple)):
            return self._findings == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> Tuple[Any, ...]:
        return (ScanResult, (self._findings, self.files, self.errors, self.suppressed, self.skipped,
                             self.other_files, self._file_kinds))

    @classmethod
    def _of(cls, findings: Iterable[Finding], plan: "_ScanPlan", suppressed: int) -> "ScanResult":
        kinds = [(path, kind_name(kind)) for path, kind in plan.file_kinds]
        self = cls(findings, plan.files, plan.errors, suppressed, plan.skips, plan.skipped, kinds)
        self._context = plan
        return self

    def to_dict(self) -> Dict[str, Any]:
        """The result as JSON-ready values, with the JSON report's keys:
        ``findings`` (as :meth:`Finding.to_dict`), ``errors`` (path, line,
        column, code, message), ``skipped`` (path, reason, line, column),
        ``files`` (path and kind of every artifact scanned, as the JSON
        report lists them) and
        ``suppressed``."""
        return {
            "findings": [f.to_dict() for f in self],
            "errors": [e.to_dict() for e in self.errors],
            "skipped": [s.to_dict() for s in self.skipped],
            "files": [{"path": p, "kind": k} for p, k in self._file_kinds if k != "unknown"],
            "suppressed": self.suppressed,
        }

    def __repr__(self) -> str:
        return "<tmdk.ScanResult %d findings in %d files, %d errors, %d skipped>" % (
            len(self), len(self.files), len(self.errors), len(self.skipped))


_DONE = object()


class ScanIterator(Iterator[Finding]):
    """Yields findings while a scan runs (see :meth:`Catalog.iter_scan`).

    The scan runs in a background thread. Stop early with :meth:`close`,
    ``break`` inside a ``with`` block, or by dropping the iterator. Once it
    is exhausted, ``files``, ``errors``, ``skipped`` and ``suppressed`` are
    set as on :class:`ScanResult`. With ``raise_on_error=True`` the first
    error is raised by ``next()``.
    """

    files: List[str]
    errors: List[Error]
    skipped: List[Skipped]
    other_files: List[str]
    suppressed: int

    def __init__(self, plan: "_ScanPlan") -> None:
        self._plan = plan
        self._queue: "queue.Queue[Any]" = queue.Queue()
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._finished = False
        self.files = []
        self.errors = []
        self.skipped = []
        self.other_files = []
        self.suppressed = 0
        self._context = plan
        self._file_kinds: Optional[List[Tuple[str, str]]] = None

    @property
    def skips(self) -> List[Skipped]:
        """The same list as :attr:`skipped` (the name of earlier versions)."""
        return self.skipped

    @staticmethod
    def _work(plan: "_ScanPlan", out: "queue.Queue[Any]", stop: threading.Event) -> None:
        # Runs in the background thread; references only what it needs, so
        # that a dropped iterator is collected (and stops the scan).
        patterns = plan.catalog._by_id
        holder: Dict[str, Any] = {}

        def on_finding(row: Any, index: int) -> bool:
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

    def __iter__(self) -> "ScanIterator":
        return self

    def __next__(self) -> Finding:
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
        self.files, self.errors, self.other_files, self.suppressed = (plan.files, plan.errors, plan.skipped,
                                                                      suppressed)
        self.skipped = plan.skips
        self._file_kinds = [(path, kind_name(kind)) for path, kind in plan.file_kinds]
        if error is not None:
            try:
                raise error
            finally:
                error = item = None  # no cycle error -> traceback -> this frame -> error
        raise StopIteration

    def close(self) -> None:
        """Stop the scan (if it still runs) and wait for its thread."""
        self._stop.set()
        self._finished = True
        if self._thread is not None:
            self._thread.join()

    def __enter__(self) -> "ScanIterator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        self._stop.set()


# A catalog's recipe: everything needed to compile it again (see Catalog.__reduce__).
_Source = Tuple[Tuple[Any, ...], bool, bool, bool, Tuple[Tuple[str, int], ...]]

# The catalogs this process compiled from a recipe (kept: a worker compiles
# each once), and those it compiled itself (while they are in use), so that
# unpickling a catalog or a pattern reuses the one already there.
_COMPILED: Dict[_Source, "Catalog"] = {}
_LIVE: "weakref.WeakValueDictionary[_Source, Catalog]" = weakref.WeakValueDictionary()
_COMPILED_LOCK = threading.RLock()  # _restore_catalog compiles (and registers) under it


def _restore_catalog(source: _Source) -> "Catalog":
    """The catalog of a recipe, compiled once per process (pickle's constructor)."""
    with _COMPILED_LOCK:
        catalog = _COMPILED.get(source) or _LIVE.get(source)
        if catalog is None:
            sources, builtin, strict, check_examples, limits = source
            catalog = Catalog._compile(list(sources), builtin, strict, check_examples, dict(limits))
            _COMPILED[source] = catalog
        return catalog


class Catalog:
    """A compiled, immutable catalog of risk patterns.

    Make one with :meth:`builtin`, :meth:`load` or :meth:`loads`. A catalog
    is a collection of :class:`Pattern` objects: ``len(catalog)``,
    ``for p in catalog`` (ordered by id), ``catalog["TMDK-DF-001"]``,
    ``"TMDK-DF-001" in catalog``. Scan with :meth:`scan`, :meth:`scan_bytes`
    or :meth:`iter_scan`. One catalog may be used by any number of threads
    at once; the GIL is released while the library parses and scans.

    A catalog pickles as its recipe (the built-in marker, the catalog paths
    or texts, the options), a few bytes: a process that unpickles it
    compiles it once and reuses it for every later copy, which is how
    :mod:`tmdk.dask` ships it to workers. Catalogs loaded from paths are
    compiled from those paths again, so workers must see the same files.

    ``warnings`` lists the compiler's warnings (:class:`Diagnostic`).
    """

    __slots__ = ("_ptr", "_patterns", "_by_id", "_source", "warnings", "__weakref__")

    _ptr: Any
    _patterns: Tuple[Pattern, ...]
    _by_id: Dict[str, Pattern]
    _source: _Source
    warnings: List[Diagnostic]

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError("use tmdk.Catalog.builtin(), Catalog.load(...) or Catalog.loads(...)")

    @classmethod
    def _own(cls, ptr: Any, source: _Source, warnings: Iterable[Diagnostic] = ()) -> "Catalog":
        self = object.__new__(cls)
        self._ptr = ptr
        self._patterns = tuple(Pattern._from_native(_n.catalog_pattern(ptr, i))
                               for i in range(_n.catalog_pattern_count(ptr)))
        self._by_id = {p.id: p for p in self._patterns}
        self._source = source
        self.warnings = list(warnings)
        for p in self._patterns:
            object.__setattr__(p, "_recipe", source)
        with _COMPILED_LOCK:
            _LIVE.setdefault(source, self)
        return self

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_restore_catalog, (self._source,))

    @classmethod
    def builtin(cls) -> "Catalog":
        """The catalog embedded in the library (patterns/ in the sources)."""
        return cls._compile([], builtin=True)

    @classmethod
    def load(cls, *paths: Union[str, bytes, "os.PathLike[str]"], builtin: bool = True, strict: bool = False,
             check_examples: bool = False, **limits: Optional[int]) -> "Catalog":
        """Compile catalog files, or folders of ``*.yaml`` / ``*.yml`` files.

        With ``builtin`` (the default) the built-in catalog is included, so
        your patterns add to it. ``strict`` treats warnings as errors;
        ``check_examples`` also runs every pattern's embedded examples.
        Keyword limits: ``max_catalog_bytes``, ``max_patterns``,
        ``regex_match_limit``, ``regex_depth_limit``, ``max_regex_length``.

        Raises :class:`CatalogError` listing every problem found (each with
        file, line, column, pattern and message), including unreadable paths.
        """
        sources: List[Tuple[Any, ...]] = []
        for p in paths:
            if not isinstance(p, (str, bytes, os.PathLike)):
                raise TypeError("catalog paths must be str or os.PathLike, not %s" % type(p).__name__)
            sources.append(("path", os.fsdecode(p)))
        return cls._compile(sources, builtin, strict, check_examples, limits)

    @classmethod
    def loads(cls, text: Union[str, bytes], name: Union[str, "os.PathLike[str]"] = "<string>", *,
              builtin: bool = True, strict: bool = False, check_examples: bool = False,
              **limits: Optional[int]) -> "Catalog":
        """Compile a catalog from its text (str or bytes); ``name`` appears in diagnostics.
        Otherwise as :meth:`load`."""
        return cls._compile([("buffer", os.fsdecode(name), as_bytes(text))], builtin, strict,
                            check_examples, limits)

    @classmethod
    def _compile(cls, sources: List[Tuple[Any, ...]], builtin: bool = True, strict: bool = False,
                 check_examples: bool = False, limits: Optional[Dict[str, Optional[int]]] = None) -> "Catalog":
        opts = _native.compile_options()
        opts.flags = ((_n.TMDK_COMPILE_STRICT if strict else 0) |
                      (_n.TMDK_COMPILE_CHECK_EXAMPLES if check_examples else 0))
        for name, value in (limits or {}).items():
            if name not in _COMPILE_LIMITS:
                raise TypeError("unknown catalog limit %r (expected one of: %s)"
                                % (name, ", ".join(_COMPILE_LIMITS)))
            set_limit(opts, name, value)
        source: _Source = (tuple(sources), bool(builtin), bool(strict), bool(check_examples),
                           tuple(sorted((k, v or 0) for k, v in (limits or {}).items())))
        compiler = _n.compiler_new(opts)
        unreadable: List[Diagnostic] = []
        first: Optional[Error] = None
        if builtin:
            _n.compiler_add_builtin(compiler)
        for item in sources:
            try:
                if item[0] == "path":
                    _n.compiler_add_path(compiler, item[1])
                else:
                    _n.compiler_add_buffer(compiler, item[1], item[2])
            except Error as e:
                first = first or e
                unreadable.append(Diagnostic("error", e.code_value, e.path or os.fsdecode(item[1]),
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
            raise CatalogError(summary, first.code_value if first else _n.TMDK_ESCHEMA,
                               d.file if d else None, d.line if d else 0, d.column if d else 0,
                               diagnostics)
        return cls._own(ptr, source, [d for d in diagnostics if d.level == "warning"])

    # ---- the collection of patterns ------------------------------------
    @property
    def patterns(self) -> Tuple[Pattern, ...]:
        """Every pattern, ordered by id (a tuple)."""
        return self._patterns

    def __len__(self) -> int:
        return len(self._patterns)

    def __iter__(self) -> Iterator[Pattern]:
        return iter(self._patterns)

    def __getitem__(self, pattern_id: str) -> Pattern:
        try:
            return self._by_id[pattern_id]
        except (KeyError, TypeError):
            raise KeyError(pattern_id) from None

    def __contains__(self, pattern_id: object) -> bool:
        return isinstance(pattern_id, str) and pattern_id in self._by_id

    def get(self, pattern_id: str, default: Optional[Pattern] = None) -> Optional[Pattern]:
        """The pattern with this id, or default."""
        return self._by_id.get(pattern_id, default)

    def to_dict(self) -> Dict[str, Any]:
        """The catalog as JSON-ready values: ``{"patterns": [...]}``, each
        as :meth:`Pattern.to_dict`."""
        return {"patterns": [p.to_dict() for p in self._patterns]}

    def __repr__(self) -> str:
        return "<tmdk.Catalog %d patterns>" % len(self._patterns)

    # ---- scanning -------------------------------------------------------
    def scan(self, paths: PathArg, *, kind: Optional[str] = None, raise_on_error: bool = False,
             timeout: Optional[float] = None, exclude: Union[str, Iterable[str]] = (), unparseable: str = "skip",
             min_severity: Optional[SeverityArg] = None, questions: Union[None, str, Iterable[str]] = None,
             risks: Union[None, str, Iterable[str]] = None, ignore: Union[str, Iterable[str]] = (),
             inline_ignores: bool = True, include_suppressed: bool = True, report_unused_ignores: bool = False,
             max_findings: Optional[int] = None, regex_match_limit: Optional[int] = None,
             regex_depth_limit: Optional[int] = None, max_set_visits: Optional[int] = None,
             **limits: Optional[int]) -> ScanResult:
        """Scan files and folders (or parsed :class:`Artifact` objects) and
        return their findings as a :class:`ScanResult` (a list of :class:`Finding`).

        ``paths`` is one path (str or os.PathLike) or Artifact, or an
        iterable of them. Folders are walked recursively as tmdk-scan does:
        ``.git``, ``node_modules``, ``vendor`` and hidden folders are
        skipped, symbolic-link loops are entered once, and files that are not
        artifacts are skipped. Everything is scanned as one set, so
        cross-document patterns (a role and its binding) see every document.
        The rules are the library's (tmdk_walk, tmdk_candidate_parse_file),
        so the same files count, in the same order, as for tmdk-scan.

        Errors are the CLI's: a file that cannot be read, a named artifact
        that does not parse, a limit reached are collected in the result's
        ``errors`` (each an :class:`Error` with path, line, column and
        code) and the rest is scanned; ``raise_on_error=True`` raises the
        first one instead. ``timeout`` (seconds) raises
        :class:`ScanTimeout` when the scan takes longer (the scan stops
        between two files or two findings).

        ``exclude``: globs (one str or several) of paths never read, as
        tmdk-scan's ``--exclude`` (gitignore-like, relative to each folder
        scanned). ``unparseable``: 'skip' (the default) skips, with the
        reason in the result's ``skipped``, a YAML or JSON file that does not
        parse and whose name does not mark it as an artifact (JSON with
        comments, Helm templates, broken fixtures); 'error' makes it an
        error like a named artifact that does not parse.

        ``kind`` forces the artifact kind of the files named in ``paths``
        (not of files found in folders).

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
        plan = _ScanPlan(self, _inputs(paths), kind, raise_on_error, limits, options, exclude, unparseable)
        if timeout is None:
            return self._collect(plan, plan.artifacts())
        return self._scan_with_timeout(plan, float(timeout))

    def _scan_with_timeout(self, plan: _ScanPlan, timeout: float) -> ScanResult:
        """Run the scan in a thread; past the deadline, stop it and raise ScanTimeout."""
        if timeout <= 0:
            raise ValueError("timeout must be positive, not %r" % (timeout,))
        stop = threading.Event()
        outcome: Dict[str, Any] = {}

        def work() -> None:
            try:
                arts = plan.artifacts(stop)
                if not stop.is_set():
                    outcome["result"] = self._collect(plan, arts, lambda row, index: stop.is_set())
            except BaseException as e:  # handed over to the calling thread
                outcome["error"] = e

        thread = threading.Thread(target=work, name="tmdk-scan-timeout", daemon=True)
        thread.start()
        thread.join(timeout)
        if thread.is_alive() or "result" not in outcome and "error" not in outcome:
            stop.set()
            thread.join()
            raise ScanTimeout("the scan did not finish within %g s" % timeout, path=plan.scope or None)
        if "error" in outcome:
            error = outcome.pop("error")
            try:
                raise error
            finally:
                error = None
        return outcome["result"]  # type: ignore[no-any-return]

    def scan_bytes(self, data: Union[bytes, bytearray, memoryview, str], name: str = "",
                   kind: Optional[str] = None, *, min_severity: Optional[SeverityArg] = None,
                   questions: Union[None, str, Iterable[str]] = None, risks: Union[None, str, Iterable[str]] = None,
                   ignore: Union[str, Iterable[str]] = (), inline_ignores: bool = True,
                   include_suppressed: bool = True, report_unused_ignores: bool = False,
                   max_findings: Optional[int] = None, regex_match_limit: Optional[int] = None,
                   regex_depth_limit: Optional[int] = None, max_set_visits: Optional[int] = None,
                   **limits: Optional[int]) -> ScanResult:
        """Scan one artifact given as content (bytes, bytearray, memoryview
        or str) and return its findings as a :class:`ScanResult`.

        ``name`` is the file name the findings report; it also takes part in
        kind detection ('Dockerfile', 'compose.yaml' …) unless ``kind`` is
        given. Content of unknown kind yields no findings. Content is one
        artifact the caller chose, so a parse error raises
        (:class:`ParseError`). Options as for :meth:`scan`.
        """
        options = dict(min_severity=min_severity, questions=questions, risks=risks, ignore=ignore,
                       inline_ignores=inline_ignores, include_suppressed=include_suppressed,
                       report_unused_ignores=report_unused_ignores,
                       max_findings=max_findings, regex_match_limit=regex_match_limit,
                       regex_depth_limit=regex_depth_limit, max_set_visits=max_set_visits)
        plan = _ScanPlan(self, [], kind, True, limits, options)
        art = Artifact._own(_n.py_parse_bytes(os.fsdecode(name or ""), as_bytes(data), plan.explicit_opts))
        plan.scope = art.path or ""
        arts: List[Artifact]
        if art.kind == "unknown":
            plan.skipped.append(art.path or "")
            arts = []
        else:
            arts = [art]
        plan.record(arts)
        return self._collect(plan, arts)

    def iter_scan(self, paths: PathArg, *, kind: Optional[str] = None, raise_on_error: bool = False,
                  exclude: Union[str, Iterable[str]] = (), unparseable: str = "skip",
                  min_severity: Optional[SeverityArg] = None, questions: Union[None, str, Iterable[str]] = None,
                  risks: Union[None, str, Iterable[str]] = None, ignore: Union[str, Iterable[str]] = (),
                  inline_ignores: bool = True, include_suppressed: bool = True, report_unused_ignores: bool = False,
                  max_findings: Optional[int] = None, regex_match_limit: Optional[int] = None,
                  regex_depth_limit: Optional[int] = None, max_set_visits: Optional[int] = None,
                  **limits: Optional[int]) -> ScanIterator:
        """Like :meth:`scan`, but return a :class:`ScanIterator` that yields
        each finding as the scan reports it (the scan runs in a background
        thread; stop it early with ``close()`` or a ``with`` block). Arguments
        are checked at once; with ``raise_on_error=True`` errors are raised
        by ``next()``.
        """
        options = dict(min_severity=min_severity, questions=questions, risks=risks, ignore=ignore,
                       inline_ignores=inline_ignores, include_suppressed=include_suppressed,
                       report_unused_ignores=report_unused_ignores,
                       max_findings=max_findings, regex_match_limit=regex_match_limit,
                       regex_depth_limit=regex_depth_limit, max_set_visits=max_set_visits)
        return ScanIterator(_ScanPlan(self, _inputs(paths), kind, raise_on_error, limits, options, exclude,
                                      unparseable))

    def _collect(self, plan: _ScanPlan, arts: Sequence[Artifact],
                 callback: Optional[Callable[[Any, int], bool]] = None) -> ScanResult:
        findings, _, suppressed = plan.run(arts, callback)
        by_id = self._by_id
        rows = _n.py_findings_rows(findings, 0)
        result = [Finding._from_row(row, by_id, findings, i) for i, row in enumerate(rows)]
        return ScanResult._of(result, plan, suppressed)


for _cls in (Catalog, ScanResult, ScanIterator, Skipped):
    _cls.__module__ = "tmdk"
