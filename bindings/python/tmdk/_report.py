"""Threat-model reports: findings rendered as tmdk-scan renders them."""

from typing import TYPE_CHECKING, Any, Iterable, Optional, Tuple, Union

from . import native as _native
from ._errors import Error
from ._taxonomy import Severity, kind_code

if TYPE_CHECKING:
    from ._catalog import Catalog, Skipped
    from ._findings import Finding

__all__ = ["report", "FORMATS"]

_n = _native._native

#: The report formats, as ``format=`` takes them ('md' is also accepted for 'markdown').
FORMATS: Tuple[str, ...] = tuple(_n.report_format_name(i) for i in range(_n.TMDK_REPORT_FORMAT_COUNT))


def _format_code(format: str) -> int:
    name = "markdown" if format == "md" else format
    if isinstance(name, str) and name in FORMATS:
        return FORMATS.index(name)
    raise ValueError("unknown report format %r (expected one of: %s)" % (format, ", ".join(FORMATS)))


def _text(name: str, value: Optional[str]) -> Optional[str]:
    if value is not None and not isinstance(value, str):
        raise TypeError("%s must be a str or None, not %s" % (name, type(value).__name__))
    return value


def report(findings: "Iterable[Finding]", format: str = "text", *, catalog: "Optional[Catalog]" = None,
           scope: Optional[str] = None, date: Optional[str] = None, duration: Optional[float] = None,
           title: Optional[str] = None, tool_name: Optional[str] = None,
           min_severity: "Union[None, Severity, str, int]" = None, color: bool = False,
           show_suppressed: bool = False, files: "Optional[Iterable[Union[str, Tuple[str, Any]]]]" = None,
           errors: Optional[Iterable[Error]] = None, skipped: "Optional[Iterable[Skipped]]" = None,
           show_skipped: bool = False, skips: "Optional[Iterable[Skipped]]" = None) -> str:
    """Render findings as a report and return its text: exactly what
    ``tmdk-scan --format FORMAT`` prints for the same findings.

    ``findings`` is what :meth:`Catalog.scan` returned (a
    :class:`ScanResult`: its files, errors, catalog and scan options are
    used too), an exhausted :class:`ScanIterator`, or any iterable of
    :class:`Finding` objects returned by scans. ``format`` is one of
    :data:`tmdk.FORMATS`: 'text', 'json', 'sarif' (SARIF 2.1.0),
    'markdown' (a threat-model document) or 'html' (one self-contained page).

    Optional facts: ``catalog`` (the :class:`Catalog` scanned with, so the
    report knows what was checked and found clean; taken from a ScanResult
    by default), ``scope`` (what was scanned, as shown in headers),
    ``date`` (free text), ``duration`` (seconds), ``title`` (Markdown/HTML
    heading), ``tool_name``, ``files`` (``(path, kind)`` pairs, kind a name
    of :data:`tmdk.KINDS` or 'unknown' for a file looked at and skipped) and ``errors``
    (:class:`Error` objects for inputs that could not be read), ``skips``
    ``skipped`` (:class:`Skipped` entries: files skipped with a reason;
    taken from a ScanResult by default; ``skips`` is the older name).
    Rendering: ``min_severity`` leaves out findings below it, ``color``
    adds ANSI colours to text, ``show_suppressed`` lists suppressed
    findings in text and ``show_skipped`` the skipped files with their
    reasons (the other formats always include them).

    Findings you construct yourself have no library copy and cannot be
    rendered (ValueError).
    """
    code = _format_code(format)
    context = getattr(findings, "_context", None)
    if files is None:
        files = getattr(findings, "_file_kinds", None) or getattr(findings, "files", None) or ()
    if errors is None:
        errors = getattr(findings, "errors", None) or ()
    if skipped is None:
        skipped = skips
    if skipped is None:
        skipped = getattr(findings, "skipped", None) or ()
    if scope is None and context is not None:
        scope = context.scope
    flags = ((_n.TMDK_REPORT_COLOR if color else 0) |
             (_n.TMDK_REPORT_SHOW_SUPPRESSED if show_suppressed else 0) |
             (_n.TMDK_REPORT_SHOW_SKIPPED if show_skipped else 0))
    severity = int(Severity.parse(min_severity if min_severity is not None else Severity.INFO))
    title, tool_name, scope, date = (_text("title", title), _text("tool_name", tool_name),
                                     _text("scope", scope), _text("date", date))

    r = _n.report_new()
    if catalog is not None:
        _n.py_report_set_catalog(r, catalog._ptr, _native.scan_options(), ())
    elif context is not None:
        _n.py_report_set_catalog(r, context.catalog._ptr, context.scan_opts, context.ignore)
    if scope is not None:
        _n.report_set_scope(r, scope)
    if date is not None:
        _n.report_set_date(r, date)
    if duration is not None:
        _n.report_set_duration(r, float(duration))
    for item in files:
        path, kind = item if isinstance(item, tuple) else (item, None)
        if isinstance(kind, int) and not isinstance(kind, bool):
            file_kind = kind
        else:
            file_kind = _n.TMDK_KIND_UNKNOWN if kind in (None, "unknown") else kind_code(str(kind))
        _n.report_add_file(r, path, file_kind)
    for e in errors:
        if not isinstance(e, Error):
            raise TypeError("errors must hold tmdk.Error objects, not %s" % type(e).__name__)
        _n.report_add_error(r, e.path or "", e.line or 0, e.column or 0, e.code_value, e.message)
    for s in skipped:
        path, reason, line, column = s
        _n.report_add_skipped(r, path, line or 0, column or 0, reason)
    for f in findings:
        native = getattr(f, "_native", None)
        if native is None:
            raise ValueError("only findings returned by a scan can be rendered (%r was made in Python)" % (f,))
        _n.py_report_add_finding(r, native[0], native[1])
    text: str = _n.py_report_render(r, code, flags, severity, title, tool_name)
    return text


report.__module__ = "tmdk"
