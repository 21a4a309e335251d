"""Time-ordered JSON-lines files written from contact-ordered chunks, in bounded memory.

The generator works contact by contact, but events.jsonl and activities.jsonl are read in
time order, sorted by (at, id). Each chunk's records are appended to weekly bucket files
in a scratch folder; at the end every bucket is loaded alone, sorted, rendered and
appended to the output. Memory is bounded by one week of records, whatever the size.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from leadflow.demo.events import Events
from leadflow.domain.vocabulary import STANDARD_EVENT_TYPES

__all__ = ["ActivitySpool", "EventSpool", "visitor_number"]

WEEK = 7 * 86_400
_RECORD = np.dtype(
    [
        ("seq", "<i8"),
        ("at", "<i8"),
        ("contact", "<i8"),
        ("visitor", "<i8"),
        ("anonymous", "?"),
        ("type", "<i1"),
        ("variant", "<i4"),
    ]
)
_RENDER_ROWS = 250_000  # lines rendered per Arrow batch: bounds the transient strings
# Visitor ids look random but are a bijection of the serial modulo 10**10 (the
# multiplier is coprime with 10), so they are unique without any bookkeeping.
_VISITOR_MULTIPLIER, _VISITOR_OFFSET = 6_364_136_223, 1_442_695_040


def visitor_number(serial: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    return np.asarray((serial * _VISITOR_MULTIPLIER + _VISITOR_OFFSET) % 10**10, dtype=np.int64)


class _Buckets:
    """Weekly scratch files under ``folder``, appended to in binary."""

    def __init__(self, folder: Path, start_s: int, prefix: str) -> None:
        self.folder, self.start_s, self.prefix = folder, start_s, prefix
        self.used: set[int] = set()

    def week(self, at: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        return np.asarray((at - self.start_s) // WEEK, dtype=np.int64)

    def open(self, week: int) -> BinaryIO:
        self.used.add(week)
        return (self.folder / f"{self.prefix}-{week:04d}.bin").open("ab")

    def path(self, week: int) -> Path:
        return self.folder / f"{self.prefix}-{week:04d}.bin"


class EventSpool:
    """Collects events by week; ``write`` renders events.jsonl sorted by (at, id)."""

    def __init__(self, folder: Path, start_s: int) -> None:
        self.buckets = _Buckets(folder, start_s, "events")

    def add(self, events: Events, first_seq: int) -> None:
        records = np.empty(events.size, dtype=_RECORD)
        records["seq"] = first_seq + np.arange(events.size)
        for name in ("at", "contact", "visitor", "anonymous", "type", "variant"):
            records[name] = getattr(events, name)
        week = self.buckets.week(events.at)
        order = np.argsort(week, kind="stable")
        weeks, starts = np.unique(week[order], return_index=True)
        bounds = [*starts.tolist(), order.size]
        for i, number in enumerate(weeks.tolist()):
            with self.buckets.open(number) as handle:
                records[order[bounds[i] : bounds[i + 1]]].tofile(handle)

    def write(
        self,
        target: Path,
        emails: pa.Array,
        properties: pa.Array,
        progress: Callable[[int, int], None],
    ) -> int:
        """``emails[n]`` is contact n's e-mail piece (``emails[0]``: none), see _render."""
        written = 0
        weeks = sorted(self.buckets.used)
        with target.open("wb") as out:
            for done, week in enumerate(weeks, start=1):
                path = self.buckets.path(week)
                records = np.fromfile(path, dtype=_RECORD)
                path.unlink()
                records = records[np.lexsort((records["seq"], records["at"]))]
                for start in range(0, records.size, _RENDER_ROWS):
                    out.write(_render(records[start : start + _RENDER_ROWS], emails, properties))
                written += int(records.size)
                progress(done, len(weeks))
        return written


# Each line is "{" + id + type piece + at + email piece + visitor + contact + properties
# piece; the pieces that come from small tables are rendered once, with their keys.
_TYPE_PIECES = pa.array([f'", "type": "{name}", "at": "' for name in STANDARD_EVENT_TYPES])


def _render(records: npt.NDArray[np.void], emails: pa.Array, properties: pa.Array) -> bytes:
    """Lines in the importer's shape, built column-wise by Arrow rather than per event.

    ``emails`` holds ``Z", "email": <address or null>`` pieces by contact number and
    ``properties`` holds ``, "properties": {...}}\n`` pieces by variant.
    """
    known = (records["contact"] > 0) & ~records["anonymous"]
    contact = np.where(known, records["contact"], 0)
    visitor = records["visitor"]
    # Casting to text gives "2026-01-02 10:00:00" many times faster than strftime does.
    at = pc.replace_substring(
        pc.cast(pa.array(records["at"], type=pa.timestamp("s")), pa.string()),
        " ",
        "T",
        max_replacements=1,
    )
    line = pc.binary_join_element_wise(
        '{"id": "e',
        _padded(records["seq"], 12),
        _TYPE_PIECES.take(pa.array(records["type"].astype(np.int64))),
        at,
        emails.take(pa.array(contact)),
        pc.if_else(
            pa.array(visitor > 0),
            _quoted(', "visitor_id": "v', visitor_number(visitor), 10),
            _NO_VISITOR,
        ),
        pc.if_else(pa.array(known), _quoted(', "contact_id": "c', contact, 8), _NO_CONTACT),
        properties.take(pa.array(records["variant"].astype(np.int64))),
        "",
    )
    return _text(line)


_NO_VISITOR = pa.scalar(', "visitor_id": null')
_NO_CONTACT = pa.scalar(', "contact_id": null')


def _padded(numbers: npt.NDArray[np.int64], width: int) -> pa.Array:
    return pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), width, "0")


def _quoted(prefix: str, numbers: npt.NDArray[np.int64], width: int) -> pa.Array:
    return pc.binary_join_element_wise(prefix, _padded(numbers, width), '"', "")


def _text(lines: pa.Array) -> bytes:
    """The concatenated values of a string array: exactly the lines, back to back."""
    if len(lines) == 0:
        return b""
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)[
        lines.offset : lines.offset + len(lines) + 1
    ]
    data = lines.buffers()[2]
    return bytes(memoryview(data)[int(offsets[0]) : int(offsets[-1])])


class ActivitySpool:
    """Collects sales activities (already JSON) by week; ``write`` sorts them by (at, id)."""

    def __init__(self, folder: Path, start_s: int) -> None:
        self.buckets = _Buckets(folder, start_s, "activities")

    def add(self, activities: list[tuple[int, str]]) -> None:
        by_week: dict[int, list[str]] = {}
        for at, line in activities:
            by_week.setdefault((at - self.buckets.start_s) // WEEK, []).append(f"{at}\t{line}\n")
        for week in sorted(by_week):
            with self.buckets.open(week) as handle:
                handle.write("".join(by_week[week]).encode("utf-8"))

    def write(self, target: Path) -> int:
        written = 0
        with target.open("wb") as out:
            for week in sorted(self.buckets.used):
                path = self.buckets.path(week)
                rows = [line.split("\t", 1) for line in path.read_text("utf-8").splitlines()]
                path.unlink()
                # Activity ids are zero-padded, so their text order is their number order.
                rows.sort(key=lambda row: (int(row[0]), row[1][:20]))
                out.write("".join(row[1] + "\n" for row in rows).encode("utf-8"))
                written += len(rows)
        return written
