"""Scan many repositories on a Dask cluster (``distributed``).

One task per repository: a worker receives the catalog as its recipe (a
few bytes, see :class:`tmdk.Catalog`), compiles it once per worker process
and keeps it, scans the repository exactly as :meth:`tmdk.Catalog.scan`
does, and sends back the :class:`tmdk.ScanResult`. A repository that takes
longer than ``timeout`` seconds is stopped and retried (``retries`` times);
one that still fails is reported in ``failures`` and as an error of the
merged result. The results are the same as a sequential scan's
(:func:`scan_sequential`), repository by repository and merged.

Workers must see the repositories (and a loaded catalog's files) at the
same paths, for example on a shared file system or a checkout on every
worker. On a real cluster::

    $ dask-scheduler                              # on one machine: tcp://10.0.0.1:8786
    $ dask-worker tcp://10.0.0.1:8786 --nworkers 4 --nthreads 1   # on each worker machine

    from distributed import Client
    import tmdk.dask

    client = Client("tcp://10.0.0.1:8786")
    scans = tmdk.dask.scan_repositories(paths, client, timeout=300)
    scans.merged.errors, scans.failures, scans["repos/api"]

``distributed`` is imported by :func:`scan_repositories` only; the rest
of the module (and :func:`scan_sequential`) works without it.
"""

import time
import uuid
from typing import TYPE_CHECKING, Any, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple, Union

from ._catalog import Catalog, ScanResult
from ._errors import Error

if TYPE_CHECKING:  # distributed ships no type information
    Client = Any

__all__ = ["RepositoryScans", "scan_repositories", "scan_sequential", "scan_repository", "merge"]


def scan_repository(catalog: Catalog, path: str, timeout: Optional[float] = None,
                    options: Optional[Mapping[str, Any]] = None) -> ScanResult:
    """Scan one repository as a task does: ``catalog.scan(path, timeout=timeout,
    **options)`` (errors collected, never raised, except :class:`tmdk.ScanTimeout`)."""
    return catalog.scan(path, timeout=timeout, **dict(options or {}))


def merge(results: Iterable[ScanResult]) -> ScanResult:
    """One :class:`tmdk.ScanResult` of several, in the order given: their
    findings, files, errors and skipped files one after the other, the
    suppressed counts added up."""
    findings: List[Any] = []
    files: List[str] = []
    errors: List[Error] = []
    skipped: List[Any] = []
    other: List[str] = []
    kinds: List[Tuple[str, str]] = []
    suppressed = 0
    for r in results:
        findings.extend(r)
        files.extend(r.files)
        errors.extend(r.errors)
        skipped.extend(r.skipped)
        other.extend(r.other_files)
        kinds.extend(r._file_kinds)
        suppressed += r.suppressed
    return ScanResult(findings, files, errors, suppressed, skipped, other, kinds)


def _as_error(path: str, exc: BaseException) -> Error:
    if isinstance(exc, Error):
        return exc
    return Error("the scan failed: %s: %s" % (type(exc).__name__, exc), path=path)


class RepositoryScans(Mapping[str, ScanResult]):
    """The scans of many repositories: a mapping from each repository's path
    (in the order given) to its :class:`tmdk.ScanResult`.

    ``failures`` maps the repositories whose scan did not finish (timeout
    after every retry, a lost worker) to the :class:`tmdk.Error` that
    ended it; they are not in the mapping. ``merged`` is one
    :class:`tmdk.ScanResult` of every repository, with each failure as one
    more error. ``seconds`` is the wall-clock time of the whole run.
    ``to_dict()`` (and :func:`tmdk.to_json`) gives
    ``{"repositories": {path: result}, "failures": [...], "merged": result}``.
    """

    def __init__(self, results: Mapping[str, ScanResult], failures: Mapping[str, Error],
                 order: Iterable[str], seconds: float = 0.0) -> None:
        self._order = [p for p in order if p in results]
        self._results = dict(results)
        self.failures: Dict[str, Error] = {p: failures[p] for p in order if p in failures}
        self.seconds = seconds
        self.merged: ScanResult = merge(self._results[p] for p in self._order)
        self.merged.errors.extend(self.failures.values())

    def __getitem__(self, path: str) -> ScanResult:
        return self._results[path]

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __eq__(self, other: object) -> bool:
        """Equal when the same repositories have the same results and failures."""
        if not isinstance(other, RepositoryScans):
            return NotImplemented
        return (self._order == other._order and self._results == other._results and
                self.failures == other.failures)

    __hash__ = None  # type: ignore[assignment]

    def to_dict(self) -> Dict[str, Any]:
        """JSON-ready values: every repository's result, the failures and the merged result."""
        return {"repositories": {p: self._results[p].to_dict() for p in self._order},
                "failures": [e.to_dict() for e in self.failures.values()],
                "merged": self.merged.to_dict()}

    def __repr__(self) -> str:
        return "<tmdk.dask.RepositoryScans %d repositories, %d failed, %d findings>" % (
            len(self), len(self.failures), len(self.merged))


def _unique(paths: Union[str, Iterable[str]]) -> List[str]:
    if isinstance(paths, str):
        paths = [paths]
    seen: Dict[str, None] = {}
    for p in paths:
        if not isinstance(p, str):
            raise TypeError("repository paths must be str, not %s" % type(p).__name__)
        seen.setdefault(p, None)
    return list(seen)


def scan_sequential(paths: Union[str, Iterable[str]], catalog: Optional[Catalog] = None, *,
                    timeout: Optional[float] = None, **options: Any) -> RepositoryScans:
    """Scan the repositories one after the other in this process, as
    :func:`scan_repositories` does on a cluster (no retries): the reference
    its results equal, and the way to scan without Dask."""
    catalog = catalog if catalog is not None else Catalog.builtin()
    order = _unique(paths)
    start = time.monotonic()
    results: Dict[str, ScanResult] = {}
    failures: Dict[str, Error] = {}
    for path in order:
        try:
            results[path] = scan_repository(catalog, path, timeout, options)
        except Exception as e:
            failures[path] = _as_error(path, e)
    return RepositoryScans(results, failures, order, time.monotonic() - start)


def scan_repositories(paths: Union[str, Iterable[str]], client: "Client", catalog: Optional[Catalog] = None, *,
                      timeout: Optional[float] = None, retries: int = 2, **options: Any) -> RepositoryScans:
    """Scan every repository in ``paths`` on the Dask cluster of ``client``
    (a ``distributed.Client``), one task per repository, and return a
    :class:`RepositoryScans`: the result of each repository and the merged
    result.

    ``catalog`` defaults to the built-in one; it travels as its recipe and
    is compiled once per worker process. ``timeout`` (seconds, per
    repository) stops a scan that takes longer; ``retries`` is how many
    more times a repository is tried after a timeout or a lost worker. Scan
    options (``min_severity``, ``exclude``, ``unparseable`` …) are those of
    :meth:`tmdk.Catalog.scan`; errors of the files are collected as there,
    never raised. The results equal :func:`scan_sequential`'s.
    """
    import distributed

    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise ValueError("retries must be a non-negative integer, not %r" % (retries,))
    if "raise_on_error" in options:
        raise TypeError("scan_repositories() collects errors per repository; raise_on_error is not supported")
    catalog = catalog if catalog is not None else Catalog.builtin()
    order = _unique(paths)
    start = time.monotonic()
    run = uuid.uuid4().hex[:12]  # keys of this call only: never a result of an earlier one
    futures = {client.submit(scan_repository, catalog, path, timeout, options, retries=retries, pure=False,
                             key="tmdk-scan-%s-%d" % (run, i)): path
               for i, path in enumerate(order)}
    distributed.wait(list(futures))
    # One gather for every finished scan (a round trip per future would dominate small repositories).
    done = [f for f in futures if f.status == "finished"]
    results: Dict[str, ScanResult] = dict(zip((futures[f] for f in done), client.gather(done)))
    failures: Dict[str, Error] = {futures[f]: _as_error(futures[f], f.exception())
                                  for f in futures if f.status != "finished"}
    client.cancel(list(futures))
    return RepositoryScans(results, failures, order, time.monotonic() - start)


for _cls in (RepositoryScans,):
    _cls.__module__ = "tmdk.dask"
