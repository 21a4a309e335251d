"""numba's compiler for the batch engine's loops (fold.py, emails.py), where installed.

numba is a dependency, but a Python release can come out before numba supports it: then
``COMPILED`` is false, ``jit`` leaves functions as they are, and the callers take their
NumPy or Arrow paths instead. Compiled code is cached on disk next to the module
(``cache=True``), so only the first process after an install pays for compiling, and
the GIL is released inside (``nogil=True``) so partitions can run on several threads.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any, TypeVar, cast

__all__ = ["COMPILED", "jit"]

COMPILED = importlib.util.find_spec("numba") is not None

F = TypeVar("F", bound=Callable[..., Any])


def jit(function: F) -> F:
    """``numba.njit(cache=True, nogil=True)``, typed as the function it compiles."""
    if not COMPILED:  # pragma: no cover - only where numba cannot be installed
        return function
    import numba

    return cast(F, numba.njit(cache=True, nogil=True)(function))
