"""Reading the outcome (won / lost) and the decision moment of each lead from raw values.

A target column may say ``1/0``, ``yes/no``, ``true/false``, ``won/lost``, a CRM's
closed stages in its users' languages (``Closed Won`` / ``Closed Lost``, ``Gewonnen`` /
``Verloren``, ``Gagné`` / ``Perdu``, ``Vunnet`` / ``Tapt`` ...), or anything else when the
user names the positive value. Rows whose outcome is empty, or not among the closed
values (a CRM's open stages: ``Engaging``, ``Prospecting``), are still open: they are left
out, never counted as lost.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from leadflow.domain.keys import fold
from leadflow.learn.errors import LearnInputError

__all__ = ["LOST_WORDS", "WON_WORDS", "Outcomes", "one_sided", "parse_moments", "parse_outcomes"]

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


# A CRM's words for a won and a lost deal, folded (case, accents and punctuation
# dropped: "Closed/Won" is "closed won"): Salesforce and HubSpot in English and German,
# Pipedrive's statuses and Dynamics' and Odoo's labels in the languages of their users.
WON_WORDS = frozenset(
    {"won", "closed won", "closedwon", "deal won", "win", "gewonnen", "abgeschlossen und gewonnen"}
    | {"geschlossen und gewonnen", "gagne", "gagnee", "ferme gagne", "vunnet", "vunnen"}
    | {"vundet", "ganado", "ganada", "vinto", "vinta", "ganho", "voitettu", "wygrana"}
)
LOST_WORDS = frozenset(
    {"lost", "closed lost", "closedlost", "deal lost", "verloren", "abgeschlossen und verloren"}
    | {"geschlossen und verloren", "perdu", "perdue", "ferme perdu", "tapt", "tapte", "tabt"}
    | {"forlorad", "forlorat", "perdido", "perdida", "perso", "persa", "menetetty", "przegrana"}
)

_UNIX_TIME = re.compile(r"^\d{9,11}(\.\d+)?$")


@dataclass(frozen=True, slots=True)
class Outcomes:
    """1 = won, 0 = lost, for the rows in ``closed``; the other rows are still open."""

    won: npt.NDArray[np.int8]
    closed: npt.NDArray[np.bool_]
    # Values read as neither won nor lost (a CRM's open stages), as first written.
    open_values: tuple[str, ...] = ()


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
    _check_both_sides(column, int(won.sum()), int(closed.sum()) - int(won.sum()))
    return Outcomes(won=won, closed=closed, open_values=_open_values(raw, wins | losses))


def one_sided(where: str, won: int, lost: int, *, noun: str = "leads") -> str | None:
    """Why a history of one outcome cannot be learned from (None when it has both)."""
    if won and lost:
        return None
    side, other = ("won", "lost") if won else ("lost", "won")
    return (
        f"{where}: all {won + lost} closed {noun} are "
        f"{side} and none {other}; learning what wins needs both won and lost outcomes "
        f"(an export of {side} deals only? add the {other} ones)"
    )


def _check_both_sides(column: str, won: int, lost: int) -> None:
    problem = one_sided(f"target column {column!r}", won, lost, noun="rows")
    if problem is not None:
        raise LearnInputError(problem)


def _open_values(raw: Sequence[object], closed: set[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in raw:
        text = _text(value, fold=False)
        if text is not None and text.casefold() not in closed:
            seen.setdefault(text.casefold(), text)
    return tuple(sorted(seen.values(), key=str.casefold))


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
    wins = {t for t in present if fold(t) in WON_WORDS or t in ("1", "true", "yes")}
    # --negative alone adds a team's own lost stages (Disqualified) to the lost words.
    losses = {t for t in present if fold(t) in LOST_WORDS} | {
        n.strip().casefold() for n in negative
    }
    if wins or losses:
        return wins, losses
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
