"""Reading the outcome (won / lost) and the decision moment of each lead from raw values.

A target column may say ``1/0``, ``yes/no``, ``true/false``, ``won/lost`` or anything
else when the user names the positive value. Rows whose outcome is empty, or not among
the named closed values, are still open: they are left out, never counted as lost.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from leadflow.learn.errors import LearnInputError

__all__ = ["Outcomes", "parse_moments", "parse_outcomes"]

# Pairs read without being told which side is the win (positive first).
_KNOWN_PAIRS: tuple[tuple[str, str], ...] = (
    ("1", "0"),
    ("1.0", "0.0"),
    ("true", "false"),
    ("yes", "no"),
    ("y", "n"),
    ("won", "lost"),
    ("converted", "not converted"),
)


_UNIX_TIME = re.compile(r"^\d{9,11}(\.\d+)?$")


@dataclass(frozen=True, slots=True)
class Outcomes:
    """1 = won, 0 = lost, for the rows in ``closed``; the other rows are still open."""

    won: npt.NDArray[np.int8]
    closed: npt.NDArray[np.bool_]


def parse_outcomes(
    column: str,
    raw: Sequence[object],
    *,
    positive: str | None = None,
    negative: Sequence[str] = (),
) -> Outcomes:
    texts = [_text(value) for value in raw]
    present = sorted({t for t in texts if t is not None})
    if not present:
        raise LearnInputError(f"target column {column!r} is empty")
    wins, losses = _sides(column, present, positive, negative)
    won = np.array([t in wins for t in texts], dtype=np.int8)
    closed = np.array([t in wins or t in losses for t in texts], dtype=np.bool_)
    if not won.any() or not (closed & (won == 0)).any():
        raise LearnInputError(f"target column {column!r} needs both won and lost leads")
    return Outcomes(won=won, closed=closed)


def _sides(
    column: str, present: list[str], positive: str | None, negative: Sequence[str]
) -> tuple[set[str], set[str]]:
    if positive is not None:
        wins = {positive.strip().casefold()}
        if not wins & set(present):
            raise LearnInputError(
                f"--positive {positive!r} does not occur in target column {column!r}; "
                f"its values are {_listing(present)}"
            )
        losses = {n.strip().casefold() for n in negative} or set(present) - wins
        if not negative and len(present) > 2:
            raise LearnInputError(
                f"target column {column!r} has {len(present)} values ({_listing(present)}); "
                "name the closed-lost ones with --negative"
            )
        return wins, losses
    for win, loss in _KNOWN_PAIRS:
        if set(present) <= {win, loss}:
            return {win}, {loss}
    raise LearnInputError(
        f"target column {column!r} is not a yes/no outcome (values: {_listing(present)}); "
        "name the winning value with --positive"
    )


def parse_moments(column: str, raw: Sequence[object]) -> npt.NDArray[np.int64]:
    """Seconds since the epoch of each value.

    ISO 8601 dates and instants (no offset means UTC), or plain numbers read as Unix
    time (seconds since 1970), as some CRMs export them.
    """
    seconds = np.empty(len(raw), dtype=np.int64)
    for index, value in enumerate(raw):
        moment = _moment(value)
        if moment is None:
            raise LearnInputError(
                f"time column {column!r} row {index + 1}: {value!r} is not an ISO 8601 date or time"
            )
        seconds[index] = int(moment.timestamp())
    return seconds


def _moment(value: object) -> datetime | None:
    if isinstance(value, datetime):
        moment = value
    else:
        text = _text(value, fold=False)
        if text is None:
            return None
        if _UNIX_TIME.match(text):
            return datetime.fromtimestamp(float(text), UTC)
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return None
    # An export without offsets is read as UTC: only the order of decisions matters here.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _text(value: object, *, fold: bool = True) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, bool):
        value = "true" if value else "false"
    text = str(value).strip()
    if not text:
        return None
    return text.casefold() if fold else text


def _listing(values: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(values[:limit])
    return shown + (", ..." if len(values) > limit else "")
