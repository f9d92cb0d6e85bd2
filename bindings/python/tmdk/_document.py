"""Parsed artifacts and their documents, navigable like Python data."""

import collections.abc
import os
from typing import (Any, BinaryIO, Dict, Iterator, List, Mapping, NamedTuple, Optional, Sequence, Tuple,
                    Union)

from . import native as _native
from ._taxonomy import kind_code, kind_name

__all__ = ["parse", "Artifact", "Document", "Node", "MapNode", "SequenceNode", "ScalarNode",
           "ArtifactWarning"]

_n = _native._native

#: The parse limits accepted as keyword arguments (0 or None: the library's default).
PARSE_LIMITS: Tuple[str, ...] = ("max_input_bytes", "max_depth", "max_alias_nodes", "max_documents",
                "max_line_length", "max_instructions", "max_heredoc_bytes")

class ArtifactWarning(NamedTuple):
    """A problem that did not stop the parse (a duplicate key, whose last
    value wins, …) and where it is."""

    message: str
    line: int
    column: int

_SCALAR_TYPES = {
    _n.TMDK_SCALAR_STRING: "string",
    _n.TMDK_SCALAR_INT: "int",
    _n.TMDK_SCALAR_FLOAT: "float",
    _n.TMDK_SCALAR_BOOL: "bool",
    _n.TMDK_SCALAR_NULL: "null",
}


def set_limit(opts: Any, name: str, value: Optional[int]) -> None:
    """Set the limit field `name` of C options; None (or 0) keeps the library's default."""
    if value is None:
        value = 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("%s must be a non-negative integer, not %r" % (name, value))
    try:
        setattr(opts, name, value)
    except OverflowError:
        raise ValueError("%s=%r is too large" % (name, value)) from None


def parse_options(kind: Optional[str] = None, limits: Optional[Dict[str, Optional[int]]] = None) -> Any:
    """The C parse options for a kind name and a dict of limits."""
    opts = _native.parse_options()
    opts.kind = kind_code(kind)
    for name, value in (limits or {}).items():
        if name not in PARSE_LIMITS:
            raise TypeError("unknown parse limit %r (expected one of: %s)" % (name, ", ".join(PARSE_LIMITS)))
        set_limit(opts, name, value)
    return opts


def as_bytes(data: Union[bytes, bytearray, memoryview, str]) -> bytes:
    """bytes from bytes-like data, or from str (encoded as UTF-8)."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        return data.encode("utf-8", "surrogateescape")
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise TypeError("expected bytes, bytearray, memoryview or str, not %s" % type(data).__name__)


def parse(source: Union[str, "os.PathLike[str]", bytes, bytearray, memoryview, BinaryIO], kind: Optional[str] = None, *,
          name: Union[None, str, bytes, "os.PathLike[str]"] = None, **limits: Optional[int]) -> "Artifact":
    """Parse one artifact and return an :class:`Artifact`.

    ``source`` is a path (``str`` or ``os.PathLike``), the content itself
    (``bytes``, ``bytearray`` or ``memoryview``), or a binary file object.
    ``kind`` is None to detect it from the name and the content (as
    ``tmdk-scan`` does), or one of :data:`tmdk.KINDS` ('dockerfile',
    'compose', 'kubernetes', 'daemon-json', 'docker-inspect'). ``name``
    names content given as bytes (it takes part in detection: 'Dockerfile',
    'compose.yaml' …). Keyword limits (``max_depth=…``, see
    :data:`PARSE_LIMITS`) override the library's defaults.

    A file that is not an artifact libtmdk knows parses to an artifact of
    kind 'unknown' with no documents. Raises :class:`ParseError` (with path,
    line and column), :class:`LimitError` or :class:`FileError`.
    The GIL is released while the library reads and parses.
    """
    opts = parse_options(kind, limits)
    if hasattr(source, "read") and not isinstance(source, (bytes, bytearray, memoryview)):
        if name is None:
            file_name = getattr(source, "name", None)
            name = file_name if isinstance(file_name, (str, bytes, os.PathLike)) else None
        source = source.read()
    if isinstance(source, (bytes, bytearray, memoryview)):
        label = os.fsdecode(name) if name is not None else ""
        return Artifact._own(_n.py_parse_bytes(label, as_bytes(source), opts))
    if isinstance(source, (str, os.PathLike)):
        if name is not None:
            raise TypeError("name= only applies to content given as bytes; a path names itself")
        return Artifact._own(_n.py_parse_path(source, opts))
    raise TypeError("parse() takes a path (str or os.PathLike), bytes, or a binary file, not %s"
                    % type(source).__name__)


class Artifact:
    """A parsed Dockerfile, compose file, Kubernetes manifest, daemon.json or
    ``docker inspect`` output.

    It is a sequence of :class:`Document` objects (``len(artifact)``,
    ``artifact[0]``, ``for doc in artifact``). ``path`` is the file's path
    (or the name given with bytes), ``kind`` its kind name. The artifact
    owns all its nodes: they stay valid as long as any of them is referenced.
    Artifacts are immutable and may be shared between threads.
    """

    __slots__ = ("_ptr", "__weakref__")

    _ptr: Any

    def __init__(self, *args: object, **kwargs: object) -> None:
        raise TypeError("Artifacts are made by tmdk.parse()")

    @classmethod
    def _own(cls, ptr: Any) -> "Artifact":
        self = object.__new__(cls)
        self._ptr = ptr
        return self

    @property
    def path(self) -> Optional[str]:
        """The path (or name) given at parse time; None for unnamed bytes."""
        return _n.artifact_name(self._ptr) or None

    @property
    def kind(self) -> str:
        """'dockerfile', 'compose', 'kubernetes', 'daemon-json', 'docker-inspect' or 'unknown'."""
        return kind_name(_n.artifact_kind(self._ptr))

    @property
    def documents(self) -> Tuple["Document", ...]:
        """The documents, as a tuple."""
        # Made on demand: documents refer to their artifact, so the artifact
        # keeping them would make a reference cycle (freed only by the GC).
        ptr = self._ptr
        return tuple(Document(self, _n.artifact_document(ptr, i)) for i in range(_n.artifact_document_count(ptr)))

    @property
    def warnings(self) -> List[ArtifactWarning]:
        """Problems that did not stop the parse: a list of :class:`ArtifactWarning`."""
        return [ArtifactWarning(*w) for w in _n.py_artifact_warnings(self._ptr)]

    @property
    def line_count(self) -> int:
        """Number of source lines."""
        return int(_n.artifact_line_count(self._ptr))

    def line(self, number: int) -> Optional[str]:
        """The text of source line ``number`` (from 1) without its line ending; None if out of range."""
        if number < 1 or number > 0xFFFFFFFF:
            return None
        text: Optional[str] = _n.py_artifact_line(self._ptr, number)
        return text

    def comment(self, number: int) -> Optional[str]:
        """The comment on source line ``number`` (without ``#``), or None."""
        if number < 1 or number > 0xFFFFFFFF:
            return None
        text: Optional[str] = _n.artifact_line_comment(self._ptr, number)
        return text

    def to_python(self) -> List[Any]:
        """Every document's view as plain Python data: a list."""
        return [doc.to_python() for doc in self.documents]

    def __len__(self) -> int:
        return int(_n.artifact_document_count(self._ptr))

    def __iter__(self) -> Iterator["Document"]:
        return iter(self.documents)

    def __getitem__(self, index: int) -> "Document":
        return self.documents[index]

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        n = len(self)
        return "<tmdk.Artifact %s %r, %d document%s>" % (self.kind, self.path, n, "" if n == 1 else "s")


class Document:
    """One document of an artifact.

    Indexing, iteration, ``len()``, ``in``, ``get()``, ``keys()``,
    ``values()`` and ``items()`` go to :attr:`view`, the normalized view
    rules query: the document as written (``doc["spec"]["containers"][0]
    ["image"]``) overlaid with the normalizer's facts (``doc["containers"]``
    for Kubernetes, ``doc["services"]`` for compose, ``doc["stages"]`` for a
    Dockerfile; see docs/document-model.md). :attr:`raw` is the document as
    written. ``index`` is its position in the YAML stream, ``item_index`` its
    position in a Kubernetes ``List`` (None otherwise), ``line`` its first line.
    """

    __slots__ = ("artifact", "_ptr")

    def __init__(self, artifact: Artifact, ptr: Any) -> None:
        self.artifact = artifact
        self._ptr = ptr

    @property
    def index(self) -> int:
        """Position of the document in its stream (from 0)."""
        return int(_n.document_index(self._ptr))

    @property
    def item_index(self) -> Optional[int]:
        """For an item of a Kubernetes ``kind: List``, its position in ``items``; else None."""
        i = _n.document_item_index(self._ptr)
        return None if i < 0 else i

    @property
    def line(self) -> int:
        """First line of the document."""
        return int(_n.document_line(self._ptr))

    @property
    def view(self) -> Any:
        """The normalized view: a :class:`MapNode` (None for an empty document).
        Typed Any, as parsed data is: index it as the data you expect."""
        return _wrap(self.artifact, _n.document_view(self._ptr))

    @property
    def raw(self) -> Any:
        """The document as written: a :class:`Node` (None for an empty document).
        Typed Any, as parsed data is."""
        return _wrap(self.artifact, _n.document_root(self._ptr))

    def find(self, path: str) -> Optional["Node"]:
        """``view.find(path)``: the node at a path such as ``spec.containers[0].image``, or None."""
        view = self.view
        return view.find(path) if view is not None else None

    def to_python(self) -> Any:
        """The view as plain Python data (dicts, lists, str, int, float, bool, None)."""
        view = self.view
        return view.to_python() if view is not None else None

    def _view_or_empty(self) -> Any:
        view = self.view
        return view if view is not None else {}

    def __getitem__(self, key: Any) -> Any:
        return self._view_or_empty()[key]

    def get(self, key: Any, default: Any = None) -> Any:
        """``view.get(key, default)``."""
        view = self._view_or_empty()
        return view.get(key, default) if isinstance(view, (MapNode, dict)) else default

    def keys(self) -> Any:
        """The view's keys."""
        return self._view_or_empty().keys()

    def values(self) -> Any:
        """The view's values."""
        return self._view_or_empty().values()

    def items(self) -> Any:
        """The view's (key, node) pairs."""
        return self._view_or_empty().items()

    def __contains__(self, key: object) -> bool:
        return key in self._view_or_empty()

    def __iter__(self) -> Iterator[Any]:
        return iter(self._view_or_empty())

    def __len__(self) -> int:
        return len(self._view_or_empty())

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return "<tmdk.Document %d of %r, line %d>" % (self.index, self.artifact.path, self.line)


def _wrap(artifact: Artifact, ptr: Any) -> Optional["Node"]:
    """The Node subclass for a C node, or None for NULL."""
    if ptr is None:
        return None
    t = _n.node_get_type(ptr)
    if t == _n.TMDK_NODE_MAP:
        return MapNode(artifact, ptr)
    if t == _n.TMDK_NODE_SEQUENCE:
        return SequenceNode(artifact, ptr)
    if t == _n.TMDK_NODE_SCALAR:
        return ScalarNode(artifact, ptr)
    return None


class Node:
    """A node of a parsed document: a :class:`MapNode`, a
    :class:`SequenceNode` or a :class:`ScalarNode`.

    Every node knows where it came from (``line``, ``column``, counting from
    1) and converts to plain Python data with :meth:`to_python`. Nodes keep
    their artifact alive. A node may appear in several places (YAML aliases,
    normalized views share the source's nodes).
    """

    __slots__ = ("artifact", "_ptr")

    #: 'map', 'sequence' or 'scalar'.
    type: Optional[str] = None

    def __init__(self, artifact: Artifact, ptr: Any) -> None:
        self.artifact = artifact
        self._ptr = ptr

    @property
    def line(self) -> int:
        """Source line, from 1."""
        return int(_n.node_line(self._ptr))

    @property
    def column(self) -> int:
        """Source column, from 1 (in characters)."""
        return int(_n.node_column(self._ptr))

    @property
    def tag(self) -> Optional[str]:
        """The explicit YAML tag (e.g. 'tag:yaml.org,2002:str'), or None."""
        text: Optional[str] = _n.node_tag(self._ptr)
        return text

    def find(self, path: str) -> Optional["Node"]:
        """The node at ``path`` below this one, or None.

        Keys are separated by dots, sequence indexes are in brackets
        (negative ones count from the end), keys with dots or brackets are
        quoted in brackets: ``spec.template.spec.containers[0].image``,
        ``metadata.annotations["kubernetes.io/ingress.class"]``, ``items[-1]``.
        """
        if not isinstance(path, str):
            raise TypeError("path must be a str, not %s" % type(path).__name__)
        return _wrap(self.artifact, _n.node_path(self._ptr, path))

    def to_python(self) -> Any:
        """The subtree as plain Python data: dicts (keys are the keys' text),
        lists, and scalars typed by the YAML 1.2 core schema (str, int,
        float, bool, None)."""
        return _n.py_node_to_python(self._ptr)

    def _where(self) -> str:
        return "%d:%d" % (self.line, self.column)


class MapNode(Node, Mapping[Any, Any]):
    """A map. A read-only Mapping from key text to nodes:
    ``node["image"]``, ``node.get("ports")``, ``"env" in node``, ``node.items()``."""

    __slots__ = ()
    type: Optional[str] = "map"

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            try:
                ptr = _n.node_getn(self._ptr, key)
            except UnicodeEncodeError:
                ptr = None
            if ptr is not None:
                return _wrap(self.artifact, ptr)
            raise KeyError(key)
        # A complex key (a tuple standing for a YAML sequence or map key).
        for i, k in enumerate(_n.py_node_keys(self._ptr)):
            if k == key:
                return _wrap(self.artifact, _n.node_at(self._ptr, i))
        raise KeyError(key)

    def __iter__(self) -> Iterator[Any]:
        return iter(_n.py_node_keys(self._ptr))

    def __len__(self) -> int:
        return int(_n.node_size(self._ptr))

    def items(self) -> Any:
        """(key, node) pairs, in document order."""
        ptr, artifact = self._ptr, self.artifact
        return [(k, _wrap(artifact, _n.node_at(ptr, i))) for i, k in enumerate(_n.py_node_keys(ptr))]

    def values(self) -> Any:
        """The value nodes, in document order."""
        ptr, artifact = self._ptr, self.artifact
        return [_wrap(artifact, _n.node_at(ptr, i)) for i in range(_n.node_size(ptr))]

    def key_node(self, key: Any) -> Optional["Node"]:
        """The node of the key itself (for its position), or None."""
        for i, k in enumerate(_n.py_node_keys(self._ptr)):
            if k == key:
                return _wrap(self.artifact, _n.node_key_at(self._ptr, i))
        return None

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MapNode) and other._ptr == self._ptr:
            return True
        if isinstance(other, collections.abc.Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "<tmdk.MapNode %d keys at %s>" % (len(self), self._where())


class SequenceNode(Node, Sequence[Any]):
    """A sequence. A read-only Sequence of nodes: ``node[0]``, ``node[-1]``,
    ``node[1:3]`` (a list), ``len(node)``, ``for item in node``."""

    __slots__ = ()
    type: Optional[str] = "sequence"

    def __getitem__(self, index: Any) -> Any:
        size = _n.node_size(self._ptr)
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(size))]
        try:
            i = index.__index__()
        except AttributeError:
            raise TypeError("sequence indices must be integers or slices, not %s"
                            % type(index).__name__) from None
        if i < 0:
            i += size
        if not 0 <= i < size:
            raise IndexError("sequence index out of range")
        return _wrap(self.artifact, _n.node_at(self._ptr, i))

    def __len__(self) -> int:
        return int(_n.node_size(self._ptr))

    def __iter__(self) -> Iterator[Any]:
        ptr, artifact = self._ptr, self.artifact
        for i in range(_n.node_size(ptr)):
            yield _wrap(artifact, _n.node_at(ptr, i))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, SequenceNode) and other._ptr == self._ptr:
            return True
        if isinstance(other, collections.abc.Sequence) and not isinstance(other, (str, bytes)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return "<tmdk.SequenceNode %d items at %s>" % (len(self), self._where())


class ScalarNode(Node):
    """A scalar. ``value`` is its typed value (str, int, float, bool or
    None, by the YAML 1.2 core schema; quoted scalars are always str),
    ``text`` its text as written. It compares equal to its value
    (``node == "nginx:latest"``, ``node == 8080``), hashes like it, and is
    true when its value is."""

    __slots__ = ()
    type: Optional[str] = "scalar"

    @property
    def value(self) -> Union[str, int, float, bool, None]:
        """The typed value: str, int, float, bool or None."""
        value: Union[str, int, float, bool, None] = _n.py_node_value(self._ptr)
        return value

    @property
    def text(self) -> str:
        """The text as written (after YAML unquoting and folding)."""
        return str(_n.py_node_text(self._ptr))

    @property
    def scalar_type(self) -> str:
        """'string', 'int', 'float', 'bool' or 'null'."""
        return _SCALAR_TYPES.get(_n.node_scalar_type(self._ptr), "string")

    def to_python(self) -> Union[str, int, float, bool, None]:
        """The typed value (as :attr:`value`)."""
        return self.value

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ScalarNode):
            return self.value == other.value
        if isinstance(other, Node):
            return False
        return self.value == other

    def __hash__(self) -> int:
        return hash(self.value)

    def __bool__(self) -> bool:
        return bool(self.value)

    def __str__(self) -> str:
        return self.text

    def __int__(self) -> int:
        return int(self.value)  # type: ignore[arg-type]  # None raises TypeError, as int(None)

    def __float__(self) -> float:
        return float(self.value)  # type: ignore[arg-type]

    def __repr__(self) -> str:
        return "<tmdk.ScalarNode %r at %s>" % (self.value, self._where())


for _cls in (Artifact, Document, Node, MapNode, SequenceNode, ScalarNode, ArtifactWarning):
    _cls.__module__ = "tmdk"
parse.__module__ = "tmdk"
