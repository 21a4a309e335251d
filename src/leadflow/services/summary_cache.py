"""Decoded activity summaries kept between events, so an unchanged row is not decoded again.

The real-time path reads a contact's stored summary (JSON text), folds the new event in
and writes it back. When the same recorder sees the same contact again (a visit is a
burst of page views; an import replays a contact's history in order), the row it reads
is usually the one it wrote itself, and decoding it again is wasted work.

Each entry holds a summary *and the exact text* it was decoded from or saved as, and
is used only when the row just read holds that same text. Equal text means an equal
summary (the encoding is exact), so the cache cannot answer with a stale state however
the row changed meanwhile: another process or recorder wrote it, the transaction that
wrote it was rolled back, a definition change rebuilt it. No version column and no
invalidation message are needed; the text read in the transaction is the version.

A summary is folded in place, so an entry is taken out while in use (``take``) and put
back only with the text it was saved as (``keep``): a failure in between loses the
entry, never corrupts it.
"""

from __future__ import annotations

from leadflow.engine.summary import ActivitySummary

__all__ = ["SummaryCache"]

# Entries a recorder keeps (least recently used dropped first): a summary is a few kB.
DEFAULT_CAPACITY = 1024


class SummaryCache:
    """Summaries by contact id, each with the text it corresponds to. Not thread-safe:
    one per EventRecorder, like its connection."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("a summary cache needs room for at least one summary")
        self._capacity = capacity
        # Insertion-ordered: the first entry is the least recently kept.
        self._entries: dict[int, tuple[str, ActivitySummary]] = {}
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def take(self, contact_id: int, text: str) -> ActivitySummary | None:
        """The summary of ``text`` when it is cached for this contact; the entry leaves."""
        entry = self._entries.pop(contact_id, None)
        if entry is None or entry[0] != text:
            self.misses += 1
            return None
        self.hits += 1
        return entry[1]

    def keep(self, contact_id: int, text: str, summary: ActivitySummary) -> None:
        """Remember that ``text`` (as stored for the contact) decodes to ``summary``.

        The summary must not be changed afterwards, except after taking it back.
        """
        entries = self._entries
        entries.pop(contact_id, None)  # re-inserted last: the most recently used
        entries[contact_id] = (text, summary)
        if len(entries) > self._capacity:
            del entries[next(iter(entries))]

    def clear(self) -> None:
        self._entries.clear()
