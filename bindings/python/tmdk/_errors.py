"""The exceptions libtmdk raises, and catalog diagnostics."""

from . import native as _native

__all__ = ["Error", "ParseError", "LimitError", "CatalogError", "FileError", "Diagnostic"]


class Error(Exception):
    """Base class of every error libtmdk raises.

    Attributes:
        message: what went wrong, and what was expected.
        code: the C library's error code (a negative ``TMDK_E*`` value).
        path: the file (or the name given with bytes) concerned, or None.
        line, column: where in it, counting from 1; None when not known.
    """

    def __init__(self, message, code=_native.TMDK_ERROR, path=None, line=0, column=0):
        super().__init__(message)
        self.message = message
        self.code = code
        self.path = path or None
        self.line = line or None
        self.column = column or None

    def location(self):
        """``path:line:column`` as far as it is known ('' when nothing is)."""
        parts = [self.path or ""]
        if self.line:
            parts.append(str(self.line))
            if self.column:
                parts.append(str(self.column))
        return ":".join(parts) if any(parts) else ""

    def __str__(self):
        where = self.location()
        return "%s: %s" % (where, self.message) if where else self.message

    def __reduce__(self):
        return (type(self), (self.message, self.code, self.path, self.line or 0, self.column or 0))


class ParseError(Error):
    """An artifact (YAML, JSON or Dockerfile) has a syntax error at path:line:column."""


class LimitError(Error):
    """A resource limit was reached; the message names the option that sets it
    (for example ``max_depth`` or ``max_findings``)."""


class FileError(Error, OSError):
    """A file or folder could not be read. Also an OSError (``filename`` is set)."""

    def __init__(self, message, code=_native.TMDK_EIO, path=None, line=0, column=0):
        Error.__init__(self, message, code, path, line, column)
        self.filename = self.path

    def __str__(self):
        return Error.__str__(self)


class Diagnostic:
    """One problem found while compiling a catalog.

    Attributes: ``level`` ('error' or 'warning'), ``code``, ``file``,
    ``line`` and ``column`` (None when not known), ``pattern`` (the pattern
    id concerned, or None) and ``message``. ``str()`` gives the
    ``file:line:col: error: [ID] message`` form of tmdk-check.
    """

    __slots__ = ("level", "code", "file", "line", "column", "pattern", "message")

    def __init__(self, level, code, file, line, column, pattern, message):
        self.level = level
        self.code = code
        self.file = file
        self.line = line or None
        self.column = column or None
        self.pattern = pattern
        self.message = message

    @classmethod
    def _from_row(cls, row):
        level, code, file, line, column, pattern, message = row
        return cls("warning" if level == _native.TMDK_DIAG_WARNING else "error",
                   code, file, line, column, pattern, message)

    def _key(self):
        return (self.level, self.code, self.file, self.line, self.column, self.pattern, self.message)

    def __eq__(self, other):
        if not isinstance(other, Diagnostic):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return "Diagnostic(%r, %r, line=%r, column=%r, pattern=%r, message=%r)" % (
            self.level, self.file, self.line, self.column, self.pattern, self.message)

    def __str__(self):
        where = "%s:%s:%s" % (self.file or "<catalog>", self.line or 0, self.column or 0)
        pattern = "[%s] " % self.pattern if self.pattern else ""
        return "%s: %s: %s%s" % (where, self.level, pattern, self.message)


class CatalogError(Error):
    """A catalog could not be loaded.

    ``diagnostics`` holds every problem found (errors and warnings, each a
    :class:`Diagnostic` with file, line, column, pattern and message), not
    only the first; ``errors`` only the errors. ``str()`` lists them all.
    """

    def __init__(self, message, code=_native.TMDK_ESCHEMA, path=None, line=0, column=0, diagnostics=()):
        super().__init__(message, code, path, line, column)
        self.diagnostics = list(diagnostics)

    @property
    def errors(self):
        """The diagnostics of level 'error'."""
        return [d for d in self.diagnostics if d.level == "error"]

    def __str__(self):
        if not self.diagnostics:
            return Error.__str__(self)
        return "\n".join([self.message] + [str(d) for d in self.diagnostics])

    def __reduce__(self):
        return (type(self), (self.message, self.code, self.path, self.line or 0, self.column or 0,
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
    _native.TMDK_EFORMAT: CatalogError,
})

for _cls in (Error, ParseError, LimitError, FileError, CatalogError, Diagnostic):
    _cls.__module__ = "tmdk"
