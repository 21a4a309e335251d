"""A short-lived in-process cache of authenticated keys, so a request costs no key lookup.

Only successful lookups are cached, for ``ttl`` seconds: a key created by the CLI works
at once, a key revoked through this server's API stops at once (the entry is dropped),
and a key revoked by another process (``leadflow keys revoke``) stops within ``ttl``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from leadflow.services.api_keys import KeyInfo

__all__ = ["KeyCache"]


class KeyCache:
    def __init__(self, ttl: float, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._monotonic = monotonic
        self._entries: dict[str, tuple[KeyInfo, float]] = {}
        self._lock = threading.Lock()

    def get(self, secret_hash: str) -> KeyInfo | None:
        with self._lock:
            entry = self._entries.get(secret_hash)
            if entry is None:
                return None
            if entry[1] <= self._monotonic():
                del self._entries[secret_hash]
                return None
            return entry[0]

    def put(self, secret_hash: str, key: KeyInfo) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._entries) > 10_000:  # bounded: only real keys are ever cached
                self._entries.clear()
            self._entries[secret_hash] = (key, self._monotonic() + self.ttl)

    def forget(self, key_id: int) -> None:
        with self._lock:
            for secret_hash, (key, _) in list(self._entries.items()):
                if key.id == key_id:
                    del self._entries[secret_hash]
