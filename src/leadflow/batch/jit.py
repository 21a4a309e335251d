"""numba's compiler for the batch engine's loops (fold.py, emails.py), where installed.

numba is a dependency, but a Python release can come out before numba supports it: then
``COMPILED`` is false, ``jit`` leaves functions as they are, and the callers take their
NumPy or Arrow paths instead. Compiled code is cached on disk next to the module
(``cache=True``), so only the first process after an install pays for compiling, and
the GIL is released inside (``nogil=True``) so partitions can run on several threads.

numba itself is imported on the first call of a compiled function, not when the batch
package is imported: importing it costs about a second and 130 MB of resident memory,
which the API and web processes (they import the batch package for reports and the
rescore service) should not pay until they score in bulk.
"""

from __future__ import annotations

import functools
import importlib.util
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

__all__ = ["COMPILED", "jit"]

COMPILED = importlib.util.find_spec("numba") is not None

F = TypeVar("F", bound=Callable[..., Any])

_LOCK = threading.Lock()


class _Lazy:
    """A function numba compiles on its first call.

    That call compiles (or loads from the cache) every lazy function of the same module
    and puts the compiled ones in the module's namespace in their place, since numba
    resolves a compiled function's calls to others through that namespace."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        self.compiled: Callable[..., Any] | None = None
        functools.update_wrapper(self, function)

    def __call__(self, *args: Any) -> Any:
        compiled = self.compiled or _compile_module(self.function.__globals__)[self.function]
        return compiled(*args)


def _compile_module(namespace: dict[str, Any]) -> dict[Callable[..., Any], Callable[..., Any]]:
    import numba

    done: dict[Callable[..., Any], Callable[..., Any]] = {}
    with _LOCK:
        for name, value in list(namespace.items()):
            if isinstance(value, _Lazy):
                if value.compiled is None:
                    value.compiled = numba.njit(cache=True, nogil=True)(value.function)
                namespace[name] = value.compiled
                done[value.function] = value.compiled
    return done


def jit(function: F) -> F:
    """``numba.njit(cache=True, nogil=True)`` on first call, typed as the function."""
    if not COMPILED:  # pragma: no cover - only where numba cannot be installed
        return function
    return cast(F, _Lazy(function))
