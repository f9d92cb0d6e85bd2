"""One way to turn what the package returns into JSON: :func:`to_json`."""

import enum
from typing import Any

__all__ = ["to_json"]


def to_json(obj: Any) -> Any:
    """The JSON-ready value (dicts, lists, str, int, float, bool, None) of a
    libtmdk object, with the names of tmdk-scan's JSON report.

    Use it directly (``tmdk.to_json(result)``) or as ``json.dumps``'s
    ``default`` (``json.dumps(result, default=tmdk.to_json)``). It knows
    :class:`ScanResult` (findings, errors, skipped, files), :class:`Finding`
    (``pattern_id``, ``severity``, ``path``, ``line`` …), :class:`Pattern`,
    :class:`Catalog`, :class:`Error`, :class:`Skipped`, :class:`Diagnostic`,
    the :mod:`tmdk.dask` results and anything else with a ``to_dict()``;
    :class:`Severity`, :class:`Question` and :class:`Risk` are strings
    already. Lists, tuples and dicts are converted item by item. Raises
    TypeError for anything else, as ``json.dumps`` expects.
    """
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict) and not isinstance(obj, type):
        return to_json(to_dict())
    if isinstance(obj, enum.Enum):
        return to_json(obj.value)
    if isinstance(obj, dict):
        return {str(k): to_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [to_json(v) for v in obj]
    if isinstance(obj, str):
        return str(obj)
    if obj is None or isinstance(obj, (bool, int, float)):
        return obj
    raise TypeError("Object of type %s is not JSON serializable" % type(obj).__name__)


to_json.__module__ = "tmdk"
