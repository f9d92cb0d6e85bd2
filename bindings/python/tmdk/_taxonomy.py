"""The fixed vocabulary of the threat model: artifact kinds, the four
questions, the eighteen risks, severities and STRIDE categories. The names
are the library's own (read from it at import), so they never drift."""

import enum
from collections import namedtuple

from . import native as _native

__all__ = ["Severity", "Question", "Risk", "KINDS", "QUESTIONS", "RISKS", "STRIDE"]

_n = _native._native

#: Names of the artifact kinds libtmdk parses, as ``Artifact.kind`` gives them.
KINDS = tuple(_n.kind_name(i) for i in range(_n.TMDK_KIND_DOCKERFILE, _n.TMDK_KIND_COUNT))

Question = namedtuple("Question", "slug title")
Question.__doc__ = "One of the four threat-modeling questions: slug ('what-can-go-wrong') and title."

Risk = namedtuple("Risk", "slug title question")
Risk.__doc__ = "One of the eighteen risks: slug, the cheat sheet's title, and the slug of its question."

#: The four questions, in order.
QUESTIONS = tuple(Question(_n.question_slug(q), _n.question_title(q)) for q in range(_n.TMDK_QUESTION_COUNT))

#: The eighteen risks, in order.
RISKS = tuple(Risk(_n.risk_slug(r), _n.risk_title(r), QUESTIONS[_n.risk_question(r)].slug)
              for r in range(_n.TMDK_RISK_COUNT))

#: The STRIDE categories a pattern may name.
STRIDE = ("spoofing", "tampering", "repudiation", "information-disclosure",
          "denial-of-service", "elevation-of-privilege")

_QUESTION_INDEX = {q.slug: i for i, q in enumerate(QUESTIONS)}
_RISK_INDEX = {r.slug: i for i, r in enumerate(RISKS)}


class Severity(enum.IntEnum):
    """How bad a finding is. Ordered (``Severity.HIGH > Severity.LOW``);
    ``str()`` gives the lower-case name used everywhere else ('high')."""

    INFO = _n.TMDK_SEVERITY_INFO
    LOW = _n.TMDK_SEVERITY_LOW
    MEDIUM = _n.TMDK_SEVERITY_MEDIUM
    HIGH = _n.TMDK_SEVERITY_HIGH
    CRITICAL = _n.TMDK_SEVERITY_CRITICAL

    def __str__(self):
        return self.name.lower()

    def __format__(self, spec):
        return format(str(self), spec)

    @classmethod
    def parse(cls, value):
        """A Severity from a Severity, its name ('high', any case) or its number."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            try:
                return cls[value.strip().upper()]
            except KeyError:
                pass
        elif isinstance(value, int) and not isinstance(value, bool):
            try:
                return cls(value)
            except ValueError:
                pass
        raise ValueError("unknown severity %r (expected one of: %s)"
                         % (value, ", ".join(str(s) for s in cls)))


Severity.__module__ = "tmdk"


def _one_or_many(value):
    """A single str (or other scalar) as a one-item tuple; any other iterable as a tuple."""
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        return (value,)
    return tuple(value)


def _slug(value):
    return value.slug if isinstance(value, (Question, Risk)) else value


def question_mask(questions):
    """The C bit mask for an iterable of question slugs (0: all)."""
    mask = 0
    for q in _one_or_many(questions):
        index = _QUESTION_INDEX.get(_slug(q))
        if index is None:
            raise ValueError("unknown question %r (expected one of: %s)"
                             % (q, ", ".join(_QUESTION_INDEX)))
        mask |= 1 << index
    return mask


def risk_mask(risks):
    """The C bit mask for an iterable of risk slugs (0: all)."""
    mask = 0
    for r in _one_or_many(risks):
        index = _RISK_INDEX.get(_slug(r))
        if index is None:
            raise ValueError("unknown risk %r (expected one of: %s)" % (r, ", ".join(_RISK_INDEX)))
        mask |= 1 << index
    return mask


def kind_code(kind):
    """The C kind for a kind name; None (or 'auto') means detect."""
    if kind is None or kind == "auto":
        return _n.TMDK_KIND_UNKNOWN
    if isinstance(kind, str) and kind in KINDS:
        return KINDS.index(kind) + _n.TMDK_KIND_DOCKERFILE
    raise ValueError("unknown artifact kind %r (expected None or one of: %s)" % (kind, ", ".join(KINDS)))


def kind_name(code):
    """The name of a C kind ('unknown' for 0)."""
    return _n.kind_name(code)
