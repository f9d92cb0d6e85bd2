"""Patterns (the catalog's rules) and findings, as plain Python values."""

import builtins
import functools
from typing import Any, Dict, Iterable, NamedTuple, Optional, Tuple, Union

from . import native as _native
from ._taxonomy import KINDS, Question, Risk, Severity, kind_name

__all__ = ["Pattern", "Reference", "Example", "Finding"]

_n = _native._native

class Reference(NamedTuple):
    """A pattern's reference: type ('cis-docker', 'cis-kubernetes', 'url',
    'owasp', 'doc'), the item id ('5.2.1') or None, the benchmark name or
    None, url and title."""

    type: str
    id: Optional[str]
    benchmark: Optional[str]
    url: Optional[str]
    title: Optional[str]


class Example(NamedTuple):
    """An example embedded in a pattern: the artifact kind, whether the
    pattern must fire (positive), the expected line (0: any), a file name,
    the content and why it exists."""

    kind: str
    positive: bool
    line: int
    name: Optional[str]
    content: str
    description: Optional[str]


def _vocabulary(cls: Any, value: str) -> Any:
    """A Question or Risk for a known slug; other strings (patterns made in Python) as they are."""
    try:
        return cls(value)
    except ValueError:
        return value


class Pattern:
    """A risk pattern of a catalog (a plain, immutable copy).

    Attributes: ``id``, ``title``, ``question`` and ``risk`` (slugs),
    ``severity`` (:class:`Severity`), ``stride`` (tuple of STRIDE names),
    ``description``, ``mitigation``, ``message`` (the finding message
    template), ``references`` (tuple of :class:`Reference`), ``applies_to``
    (tuple of kind names), ``examples`` (tuple of :class:`Example`), and
    where it was defined: ``file``, ``line``, ``catalog_name``,
    ``catalog_version``. Patterns compare and hash by all of these.
    """

    _FIELDS = ("id", "title", "question", "risk", "severity", "stride", "description", "mitigation",
               "message", "references", "applies_to", "examples", "file", "line", "catalog_name",
               "catalog_version")
    # _recipe: the recipe of the catalog the pattern belongs to (see Catalog), or None.
    __slots__ = _FIELDS + ("_recipe",)

    id: str
    title: str
    question: Question
    risk: Risk
    severity: Severity
    stride: Tuple[str, ...]
    description: str
    mitigation: str
    message: str
    references: Tuple[Reference, ...]
    applies_to: Tuple[str, ...]
    examples: Tuple[Example, ...]
    file: Optional[str]
    line: int
    catalog_name: Optional[str]
    catalog_version: Optional[str]
    _recipe: Any

    def __init__(self, id: str, title: str = "", question: str = "what-can-go-wrong", risk: str = "",
                 severity: Union[Severity, str, int] = Severity.INFO, stride: Iterable[str] = (),
                 description: str = "", mitigation: str = "", message: str = "",
                 references: Iterable[Reference] = (), applies_to: Iterable[str] = (),
                 examples: Iterable[Example] = (), file: Optional[str] = None, line: int = 0,
                 catalog_name: Optional[str] = None, catalog_version: Optional[str] = None) -> None:
        values = dict(locals())
        del values["self"]
        values["severity"] = Severity.parse(severity)
        values["question"] = _vocabulary(Question, question)
        values["risk"] = _vocabulary(Risk, risk)
        values["_recipe"] = None
        for name in ("stride", "references", "applies_to", "examples"):
            values[name] = tuple(values[name])
        for name, value in values.items():
            object.__setattr__(self, name, value)

    @property
    def pattern_id(self) -> str:
        """The pattern's id (the name the JSON report gives it in findings)."""
        return self.id

    def to_dict(self) -> Dict[str, Any]:
        """The pattern as a dict of JSON-ready values: the keys of the JSON
        report's ``patterns[]`` entries (id, title, question, risk,
        severity, stride, description, mitigation, references, catalog)
        plus applies_to, message, file and line."""
        return {
            "id": self.id, "title": self.title, "question": str(self.question), "risk": str(self.risk),
            "severity": str(self.severity), "stride": list(self.stride), "description": self.description,
            "mitigation": self.mitigation,
            "references": [{k: v for k, v in r._asdict().items() if v is not None} for r in self.references],
            "catalog": {"name": self.catalog_name, "version": self.catalog_version},
            "applies_to": list(self.applies_to), "message": self.message, "file": self.file, "line": self.line,
        }

    @classmethod
    def _from_native(cls, p: Any) -> "Pattern":
        refs = []
        for i in range(_n.pattern_reference_count(p)):
            r = _n.pattern_reference(p, i)
            refs.append(Reference(r.type, r.id, r.benchmark, r.url, r.title))
        examples = []
        for i in range(_n.pattern_example_count(p)):
            e = _n.pattern_example(p, i)
            examples.append(Example(kind_name(e.kind), bool(e.positive), e.line, e.name, e.content,
                                    e.description))
        return cls(
            id=_n.pattern_id(p), title=_n.pattern_title(p),
            question=_n.question_slug(_n.pattern_question(p)), risk=_n.risk_slug(_n.pattern_risk(p)),
            severity=Severity(_n.pattern_severity(p)),
            stride=[_n.pattern_stride(p, i) for i in range(_n.pattern_stride_count(p))],
            description=_n.pattern_description(p), mitigation=_n.pattern_mitigation(p),
            message=_n.pattern_message(p), references=refs,
            applies_to=[k for i, k in enumerate(KINDS)
                        if _n.pattern_applies_to(p, i + _n.TMDK_KIND_DOCKERFILE)],
            examples=examples, file=_n.pattern_file(p), line=_n.pattern_line(p),
            catalog_name=_n.pattern_catalog_name(p), catalog_version=_n.pattern_catalog_version(p))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Pattern is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Pattern is immutable")

    def _key(self) -> Tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._FIELDS)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Pattern):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.id, self.file, self.line, self.catalog_name))

    def __reduce__(self) -> Tuple[Any, ...]:
        # A catalog's pattern travels as (catalog recipe, id): findings sent
        # back by Dask workers do not carry every pattern's text and examples.
        if self._recipe is not None:
            return (_pattern_of_catalog, (self._recipe, self.id))
        return (_make_pattern, (dict(zip(self._FIELDS, self._key())),))

    def __repr__(self) -> str:
        return "<tmdk.Pattern %s %s: %s>" % (self.id, self.severity, self.title)


def _make_pattern(fields: Dict[str, Any]) -> Pattern:
    return Pattern(**fields)


def _pattern_of_catalog(recipe: Any, pattern_id: str) -> Pattern:
    from ._catalog import _restore_catalog
    return _restore_catalog(recipe)[pattern_id]


# The order of the fields of a row made by the C helpers (tmdk_py_finding_row).
_ROW_FIELDS = ("pattern", "path", "kind", "document", "line", "column", "object", "evidence",
               "message", "suppressed", "reason")


@functools.total_ordering
class Finding:
    """One finding: a pattern that matched, and where.

    A plain, immutable Python object (every field is a copy), valid for as
    long as it is referenced, whatever happens to its catalog.

    Attributes: ``pattern`` (:class:`Pattern`), ``path``, ``kind``,
    ``document`` (index in the artifact), ``line`` and ``column`` (from 1),
    ``object`` (what it concerns: 'Deployment default/web, container web'),
    ``evidence`` (the source line, trimmed), ``message``, ``suppressed``
    (an inline ignore or annotation applies) and ``reason`` (why it was
    suppressed, or None). The pattern's fields, named as in the JSON
    report: ``pattern_id`` (also ``id``), ``title``, ``severity``
    (a :class:`Severity`), ``question`` and ``risk`` (a :class:`Question`
    and a :class:`Risk`, equal to their slugs). ``to_dict()`` gives the
    JSON report's entry.

    Findings compare equal when all fields are equal, hash accordingly, and
    sort by path, document, line, column and pattern id (the library's order).
    """

    __slots__ = _ROW_FIELDS + ("_native",)

    pattern: Pattern
    path: str
    kind: str
    document: int
    line: int
    column: int
    object: "Optional[str]"
    evidence: Optional[str]
    message: str
    suppressed: bool
    reason: Optional[str]
    _native: Optional[Tuple[Any, int]]

    def __init__(self, pattern: Pattern, path: str, line: int, column: int = 0, message: str = "", *,
                 kind: str = "unknown", document: int = 0, object: Optional[str] = None,
                 evidence: Optional[str] = None, suppressed: bool = False, reason: Optional[str] = None) -> None:
        if not isinstance(pattern, Pattern):
            raise TypeError("pattern must be a tmdk.Pattern, not %s" % type(pattern).__name__)
        values = (pattern, path, kind, document, line, column, object, evidence, message,
                  bool(suppressed), reason)
        for name, value in zip(_ROW_FIELDS, values):
            object_setattr(self, name, value)
        # The library's own copy, for the report writers: (list proxy, index), or None.
        object_setattr(self, "_native", None)

    @classmethod
    def _from_row(cls, row: Tuple[Any, ...], patterns: Dict[str, Pattern], native_list: Any,
                  index: int) -> "Finding":
        self = cls.__new__(cls)
        for name, value in zip(_ROW_FIELDS, row):
            object_setattr(self, name, value)
        pattern = patterns.get(row[0])
        object_setattr(self, "pattern", pattern if pattern is not None else Pattern(row[0]))
        object_setattr(self, "_native", (native_list, index))
        return self

    @property
    def pattern_id(self) -> str:
        """The pattern's id, as the JSON report names it."""
        return self.pattern.id

    @property
    def id(self) -> str:
        """The pattern's id (an alias of :attr:`pattern_id`)."""
        return self.pattern.id

    @property
    def title(self) -> str:
        """The pattern's title."""
        return self.pattern.title

    @property
    def severity(self) -> Severity:
        """The pattern's severity (equal to its name: ``f.severity == "high"``)."""
        return self.pattern.severity

    @property
    def question(self) -> Question:
        """The pattern's question (equal to its slug)."""
        return self.pattern.question

    @property
    def risk(self) -> Risk:
        """The pattern's risk (equal to its slug)."""
        return self.pattern.risk

    def to_dict(self) -> Dict[str, Any]:
        """The finding as a dict of JSON-ready values (the keys of tmdk-scan's JSON output)."""
        return {
            "pattern_id": self.pattern.id, "title": self.pattern.title,
            "question": str(self.pattern.question), "risk": str(self.pattern.risk),
            "severity": str(self.pattern.severity), "path": self.path, "kind": self.kind,
            "document": self.document, "line": self.line, "column": self.column,
            "object": self.object, "evidence": self.evidence, "message": self.message,
            "suppressed": self.suppressed, "reason": self.reason,
        }

    def __setattr__(self, name: str, value: builtins.object) -> None:
        raise AttributeError("Finding is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Finding is immutable")

    def _key(self) -> Tuple[Any, ...]:
        return (self.pattern.id, self.path, self.kind, self.document, self.line, self.column,
                self.object, self.evidence, self.message, self.suppressed, self.reason)

    def _order(self) -> Tuple[Any, ...]:
        return (self.path, self.document, self.line, self.column, self.pattern.id, self.message or "")

    def __eq__(self, other: builtins.object) -> bool:
        if not isinstance(other, Finding):
            return NotImplemented
        return self._key() == other._key() and self.pattern == other.pattern

    def __lt__(self, other: builtins.object) -> bool:
        if not isinstance(other, Finding):
            return NotImplemented
        return self._order() < other._order()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self) -> Tuple[Any, ...]:
        values = tuple(getattr(self, name) for name in _ROW_FIELDS)
        return (_make_finding, (values,))

    def __repr__(self) -> str:
        return "<tmdk.Finding %s %s %s:%d:%d %r%s>" % (
            self.pattern.id, self.pattern.severity, self.path, self.line, self.column, self.message,
            " suppressed" if self.suppressed else "")

    def __str__(self) -> str:
        text = "%s:%d:%d: %s: %s: %s" % (self.path, self.line, self.column, self.pattern.severity,
                                         self.pattern.id, self.message)
        if self.suppressed:
            text += " (suppressed%s)" % (": " + self.reason if self.reason else "")
        return text


object_setattr = object.__setattr__


def _make_finding(values: Tuple[Any, ...]) -> Finding:
    self = Finding.__new__(Finding)
    for name, value in zip(_ROW_FIELDS, values):
        object_setattr(self, name, value)
    object_setattr(self, "_native", None)
    return self


for _cls in (Pattern, Reference, Example, Finding):
    _cls.__module__ = "tmdk"
