"""The exceptions libtmdk raises, and catalog diagnostics."""

from typing import Any, Dict, Iterable, List, Optional, Tuple, Union, cast

from . import native as _native

__all__ = ["Error", "ParseError", "LimitError", "CatalogError", "FileError", "ScanTimeout", "Diagnostic"]


def code_name(code: "Union[int, str]") -> str:
    """The readable name of a library error code ('parse error' for
    TMDK_EPARSE), as the JSON report writes it; a name is returned as is."""
    if isinstance(code, str):
        return code
    return cast(str, _native.strerror(code))


def code_value(code: "Union[int, str]") -> int:
    """The library's number (a negative ``TMDK_E*``) for a code or its name."""
    if isinstance(code, int):
        return code
    return _CODE_VALUES.get(code, _native.TMDK_ERROR)


_CODE_VALUES: Dict[str, int] = {
    _native.strerror(c): c for c in (_native.TMDK_ERROR, _native.TMDK_ENOMEM, _native.TMDK_EINVAL,
                                     _native.TMDK_EIO, _native.TMDK_EPARSE, _native.TMDK_ESCHEMA,
                                     _native.TMDK_EREGEX, _native.TMDK_ELIMIT, _native.TMDK_EUSER,
                                     _native.TMDK_ENOTFOUND)}


class Error(Exception):
    """Base class of every error libtmdk raises.

    Attributes:
        message: what went wrong, and what was expected.
        code: the readable name of the error, as the JSON report writes it
            ('parse error', 'limit exceeded', 'input/output error', …).
        code_value: the C library's number for it (a negative ``TMDK_E*``).
        path: the file (or the name given with bytes) concerned, or None.
        line, column: where in it, counting from 1; None when not known.
    """

    message: str
    code: str
    code_value: int
    path: Optional[str]
    line: Optional[int]
    column: Optional[int]

    def __init__(self, message: str, code: "Union[int, str]" = _native.TMDK_ERROR, path: Optional[str] = None,
                 line: Optional[int] = 0, column: Optional[int] = 0) -> None:
        super().__init__(message)
        self.message = message
        self.code = code_name(code)
        self.code_value = code_value(code)
        self.path = path or None
        self.line = line or None
        self.column = column or None

    def location(self) -> str:
        """``path:line:column`` as far as it is known ('' when nothing is)."""
        parts = [self.path or ""]
        if self.line:
            parts.append(str(self.line))
            if self.column:
                parts.append(str(self.column))
        return ":".join(parts) if any(parts) else ""

    def to_dict(self) -> Dict[str, Any]:
        """The error as the JSON report's ``errors[]`` entries: path, line,
        column (0: not known), code (its name) and message."""
        return {"path": self.path, "line": self.line or 0, "column": self.column or 0,
                "code": self.code, "message": self.message}

    def __str__(self) -> str:
        where = self.location()
        return "%s: %s" % (where, self.message) if where else self.message

    def __repr__(self) -> str:
        return "%s(%r, code=%r, path=%r, line=%r, column=%r)" % (
            type(self).__name__, self.message, self.code, self.path, self.line, self.column)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.message, self.code_value, self.path, self.line or 0, self.column or 0))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Error):
            return NotImplemented
        return type(self) is type(other) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.path, self.line, self.column, self.code, self.message))


class ParseError(Error):
    """An artifact (YAML, JSON or Dockerfile) has a syntax error at path:line:column."""


class LimitError(Error):
    """A resource limit was reached; the message names the option that sets it
    (for example ``max_depth`` or ``max_findings``)."""


class FileError(Error, OSError):
    """A file or folder could not be read. Also an OSError (``filename`` is set)."""

    def __init__(self, message: str, code: "Union[int, str]" = _native.TMDK_EIO, path: Optional[str] = None,
                 line: Optional[int] = 0, column: Optional[int] = 0) -> None:
        Error.__init__(self, message, code, path, line, column)
        self.filename = self.path

    def __str__(self) -> str:
        return Error.__str__(self)


class ScanTimeout(Error, TimeoutError):
    """A scan given a ``timeout`` did not finish in time (also a TimeoutError).
    ``path`` is what was being scanned."""

    def __init__(self, message: str, code: "Union[int, str]" = _native.TMDK_ELIMIT, path: Optional[str] = None,
                 line: Optional[int] = 0, column: Optional[int] = 0) -> None:
        Error.__init__(self, message, code, path, line, column)

    def __str__(self) -> str:
        return Error.__str__(self)


class Diagnostic:
    """One problem found while compiling a catalog.

    Attributes: ``level`` ('error' or 'warning'), ``code`` (the library's
    diagnostic code, an int), ``file``, ``line`` and ``column`` (None when
    not known), ``pattern`` (the pattern id concerned, or None) and
    ``message``. ``str()`` gives the ``file:line:col: error: [ID] message``
    form of tmdk-check.
    """

    __slots__ = ("level", "code", "file", "line", "column", "pattern", "message")

    level: str
    code: int
    file: Optional[str]
    line: Optional[int]
    column: Optional[int]
    pattern: Optional[str]
    message: str

    def __init__(self, level: str, code: int, file: Optional[str], line: Optional[int], column: Optional[int],
                 pattern: Optional[str], message: str) -> None:
        self.level = level
        self.code = code
        self.file = file
        self.line = line or None
        self.column = column or None
        self.pattern = pattern
        self.message = message

    @classmethod
    def _from_row(cls, row: Tuple[Any, ...]) -> "Diagnostic":
        level, code, file, line, column, pattern, message = row
        return cls("warning" if level == _native.TMDK_DIAG_WARNING else "error",
                   code, file, line, column, pattern, message)

    def _key(self) -> Tuple[Any, ...]:
        return (self.level, self.code, self.file, self.line, self.column, self.pattern, self.message)

    def to_dict(self) -> Dict[str, Any]:
        """The diagnostic as a dict of JSON-ready values."""
        return {"level": self.level, "code": self.code, "file": self.file, "line": self.line or 0,
                "column": self.column or 0, "pattern_id": self.pattern, "message": self.message}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Diagnostic):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> Tuple[Any, ...]:
        return (Diagnostic, self._key())

    def __repr__(self) -> str:
        return "Diagnostic(%r, %r, line=%r, column=%r, pattern=%r, message=%r)" % (
            self.level, self.file, self.line, self.column, self.pattern, self.message)

    def __str__(self) -> str:
        where = "%s:%s:%s" % (self.file or "<catalog>", self.line or 0, self.column or 0)
        pattern = "[%s] " % self.pattern if self.pattern else ""
        return "%s: %s: %s%s" % (where, self.level, pattern, self.message)


class CatalogError(Error):
    """A catalog could not be loaded.

    ``diagnostics`` holds every problem found (errors and warnings, each a
    :class:`Diagnostic` with file, line, column, pattern and message), not
    only the first; ``errors`` only the errors. ``str()`` lists them all.
    """

    diagnostics: List[Diagnostic]

    def __init__(self, message: str, code: "Union[int, str]" = _native.TMDK_ESCHEMA, path: Optional[str] = None,
                 line: Optional[int] = 0, column: Optional[int] = 0, diagnostics: Iterable[Diagnostic] = ()) -> None:
        super().__init__(message, code, path, line, column)
        self.diagnostics = list(diagnostics)

    @property
    def errors(self) -> List[Diagnostic]:
        """The diagnostics of level 'error'."""
        return [d for d in self.diagnostics if d.level == "error"]

    def __str__(self) -> str:
        if not self.diagnostics:
            return Error.__str__(self)
        return "\n".join([self.message] + [str(d) for d in self.diagnostics])

    def __reduce__(self) -> Tuple[Any, ...]:
        return (type(self), (self.message, self.code_value, self.path, self.line or 0, self.column or 0,
                             self.diagnostics))


# Which class the C layer raises for which error code. Out of memory is
# MemoryError; codes not listed are plain Error.
_native.py_set_error_classes({
    _native.TMDK_ERROR: Error,
    _native.TMDK_EINVAL: Error,
    _native.TMDK_EIO: FileError,
    _native.TMDK_EPARSE: ParseError,
    _native.TMDK_ESCHEMA: CatalogError,
    _native.TMDK_EREGEX: Error,
    _native.TMDK_ELIMIT: LimitError,
    _native.TMDK_EUSER: Error,
    _native.TMDK_ENOTFOUND: Error,
})

for _cls in (Error, ParseError, LimitError, FileError, ScanTimeout, CatalogError, Diagnostic):
    _cls.__module__ = "tmdk"
