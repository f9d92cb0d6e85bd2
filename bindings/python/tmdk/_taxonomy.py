"""The fixed vocabulary of the threat model: artifact kinds, the four
questions, the eighteen risks, severities and STRIDE categories. The names
are the library's own (read from it at import), so they never drift."""

import enum
from typing import Any, Dict, Iterable, Optional, Tuple, Type, TypeVar, Union, cast

from . import native as _native

__all__ = ["Severity", "Question", "Risk", "KINDS", "QUESTIONS", "RISKS", "STRIDE"]

_n = _native._native

#: Names of the artifact kinds libtmdk parses, as ``Artifact.kind`` gives them.
KINDS: Tuple[str, ...] = tuple(_n.kind_name(i) for i in range(_n.TMDK_KIND_DOCKERFILE, _n.TMDK_KIND_COUNT))

_S = TypeVar("_S", bound="_Slug")


class _Slug(str):
    """A slug of the fixed vocabulary: a str (compares, hashes and
    serialises as its slug) with a title and a position in its table,
    which orders it."""

    # title hides str.title(): a vocabulary value is a name, not text to recase.
    title: str  # type: ignore[assignment]
    position: int

    _table: "Dict[str, Any]"
    _what = "slug"

    def __new__(cls: Type[_S], slug: "Union[str, _S]") -> _S:
        if isinstance(slug, cls):
            return slug
        found = cls._table.get(slug) if isinstance(slug, str) else None
        if found is None:
            raise ValueError("unknown %s %r (expected one of: %s)" % (cls._what, slug, ", ".join(cls._table)))
        return cast(_S, found)

    @classmethod
    def _make(cls: Type[_S], slug: str, title: str, position: int) -> _S:
        self = str.__new__(cls, slug)
        object.__setattr__(self, "title", title)
        object.__setattr__(self, "position", position)
        return self

    @property
    def slug(self) -> str:
        """The slug as a plain str ('what-can-go-wrong')."""
        return str.__str__(self)

    def __repr__(self) -> str:
        return "%s(%r)" % (type(self).__name__, str.__str__(self))

    def __str__(self) -> str:
        return str.__str__(self)

    def __reduce__(self) -> "Tuple[Any, Tuple[str]]":
        return (type(self), (str.__str__(self),))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("%s is immutable" % type(self).__name__)

    # Sorted by their position in the threat model, not alphabetically.
    def _rank(self, other: object) -> int:
        if isinstance(other, type(self)):
            return other.position
        if isinstance(other, str) and other in self._table:
            return cast(int, self._table[other].position)
        raise TypeError("cannot compare %s with %r" % (type(self).__name__, other))

    def __lt__(self, other: object) -> bool:
        return self.position < self._rank(other)

    def __le__(self, other: object) -> bool:
        return self.position <= self._rank(other)

    def __gt__(self, other: object) -> bool:
        return self.position > self._rank(other)

    def __ge__(self, other: object) -> bool:
        return self.position >= self._rank(other)

    __eq__ = str.__eq__
    __hash__ = str.__hash__


class Question(_Slug):
    """One of the four threat-modeling questions. A str equal to its slug
    (``Question("what-can-go-wrong") == "what-can-go-wrong"``) with its
    ``title`` and ``position`` (0 to 3, the order of the cheat sheet)."""

    _table: "Dict[str, Question]" = {}
    _what = "question"


class Risk(_Slug):
    """One of the eighteen risks. A str equal to its slug
    (``Risk("latest-tag") == "latest-tag"``) with the cheat sheet's
    ``title``, its ``position`` and ``question`` (a :class:`Question`)."""

    question: Question
    _table: "Dict[str, Risk]" = {}
    _what = "risk"


#: The four questions, in order.
QUESTIONS: "Tuple[Question, ...]" = tuple(
    Question._make(_n.question_slug(q), _n.question_title(q), q) for q in range(_n.TMDK_QUESTION_COUNT))
Question._table.update((q.slug, q) for q in QUESTIONS)


def _risk(r: int) -> Risk:
    risk = Risk._make(_n.risk_slug(r), _n.risk_title(r), r)
    object.__setattr__(risk, "question", QUESTIONS[_n.risk_question(r)])
    return risk


#: The eighteen risks, in order.
RISKS: "Tuple[Risk, ...]" = tuple(_risk(r) for r in range(_n.TMDK_RISK_COUNT))
Risk._table.update((r.slug, r) for r in RISKS)

#: The STRIDE categories a pattern may name.
STRIDE: "Tuple[str, ...]" = ("spoofing", "tampering", "repudiation", "information-disclosure",
                             "denial-of-service", "elevation-of-privilege")

_RANKS = {
    "info": _n.TMDK_SEVERITY_INFO,
    "low": _n.TMDK_SEVERITY_LOW,
    "medium": _n.TMDK_SEVERITY_MEDIUM,
    "high": _n.TMDK_SEVERITY_HIGH,
    "critical": _n.TMDK_SEVERITY_CRITICAL,
}


class Severity(str, enum.Enum):
    """How bad a finding is: 'info', 'low', 'medium', 'high' or 'critical'.

    A str enum: ``Severity.HIGH == "high"``, ``Severity("high")``,
    ``Severity("HIGH")`` and ``Severity(3)`` (the library's number) all
    work, ``json.dumps`` writes ``"high"``. Ordered by severity, not
    alphabetically: ``Severity.HIGH > Severity.LOW`` and
    ``Severity.HIGH > "medium"``; ``int()`` gives the library's number.
    """

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @classmethod
    def _missing_(cls, value: object) -> "Optional[Severity]":
        if isinstance(value, str):
            name = value.strip().lower()
            if name in _RANKS:
                return cls(name)
        elif isinstance(value, int) and not isinstance(value, bool):
            for name, rank in _RANKS.items():
                if rank == value:
                    return cls(name)
        return None

    @property
    def rank(self) -> int:
        """The library's number for it (info 0 … critical 4)."""
        return cast(int, _RANKS[self.value])

    def __int__(self) -> int:
        return self.rank

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)

    def _other(self, other: object) -> int:
        try:
            return Severity.parse(other).rank  # type: ignore[arg-type]
        except ValueError:
            raise TypeError("cannot compare Severity with %r" % (other,)) from None

    def __lt__(self, other: object) -> bool:
        return self.rank < self._other(other)

    def __le__(self, other: object) -> bool:
        return self.rank <= self._other(other)

    def __gt__(self, other: object) -> bool:
        return self.rank > self._other(other)

    def __ge__(self, other: object) -> bool:
        return self.rank >= self._other(other)

    def __eq__(self, other: object) -> bool:
        return str.__eq__(self, other)

    def __hash__(self) -> int:
        return str.__hash__(self)

    @classmethod
    def parse(cls, value: "Union[Severity, str, int]") -> "Severity":
        """A Severity from a Severity, its name ('high', any case) or its number (0-4)."""
        try:
            return cls(value)
        except ValueError:
            raise ValueError("unknown severity %r (expected one of: %s)"
                             % (value, ", ".join(s.value for s in cls))) from None


for _cls in (Severity, Question, Risk):
    _cls.__module__ = "tmdk"

_QUESTION_INDEX = {q.slug: i for i, q in enumerate(QUESTIONS)}
_RISK_INDEX = {r.slug: i for i, r in enumerate(RISKS)}


def _one_or_many(value: Any) -> Tuple[Any, ...]:
    """A single str (or other scalar) as a one-item tuple; any other iterable as a tuple."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        return (value,)
    return tuple(value)


def _slug(value: Any) -> Any:
    return value.slug if isinstance(value, (Question, Risk)) else value


def question_mask(questions: Union[str, Iterable[str]]) -> int:
    """The C bit mask for an iterable of question slugs (0: all)."""
    mask = 0
    for q in _one_or_many(questions):
        index = _QUESTION_INDEX.get(_slug(q))
        if index is None:
            raise ValueError("unknown question %r (expected one of: %s)"
                             % (q, ", ".join(_QUESTION_INDEX)))
        mask |= 1 << index
    return mask


def risk_mask(risks: Union[str, Iterable[str]]) -> int:
    """The C bit mask for an iterable of risk slugs (0: all)."""
    mask = 0
    for r in _one_or_many(risks):
        index = _RISK_INDEX.get(_slug(r))
        if index is None:
            raise ValueError("unknown risk %r (expected one of: %s)" % (r, ", ".join(_RISK_INDEX)))
        mask |= 1 << index
    return mask


def kind_code(kind: Optional[str]) -> int:
    """The C kind for a kind name; None (or 'auto') means detect."""
    if kind is None or kind == "auto":
        return int(_n.TMDK_KIND_UNKNOWN)
    if isinstance(kind, str) and kind in KINDS:
        return KINDS.index(kind) + int(_n.TMDK_KIND_DOCKERFILE)
    raise ValueError("unknown artifact kind %r (expected None or one of: %s)" % (kind, ", ".join(KINDS)))


def kind_name(code: int) -> str:
    """The name of a C kind ('unknown' for 0)."""
    return str(_n.kind_name(code))
