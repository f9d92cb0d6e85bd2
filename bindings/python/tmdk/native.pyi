# Type information for tmdk.native, the private module SWIG generates from
# tmdk.i: its functions and constants are the C API's, prefix stripped
# (tmdk_node_get -> node_get), and only the package uses them.
from typing import Any

_native: Any

def __getattr__(name: str) -> Any: ...
