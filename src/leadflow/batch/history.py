"""The store's facts at any past moment, for replaying history (``leadflow backtest``).

The engine already reads events, conversations and opportunities as of ``now`` (their
dates are facts). Three things are not dated inside the facts and change over time:
whether a contact existed yet, sales' answer to its hand-off, and its stated BANT
facts. ``History`` keeps their dates, and ``contacts_at(moment)`` gives the contact
frame as it stood then. Consents are current only (the store keeps no history of them).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
import numpy.typing as npt
from sqlalchemy import Connection

from leadflow.batch.frames import BantColumns, Column, ContactFrame
from leadflow.batch.store import SideTable, StoreFrames, read_store, side_table
from leadflow.domain.facts import BANT_KEYS

__all__ = ["History", "read_history"]

Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True, eq=False)
class _Dated:
    """Values that took effect at moments, oldest first (later ones override)."""

    row: Ints
    at_us: Ints
    met: npt.NDArray[np.int8]
    evidence: list[object]

    def latest(self, moment_us: int, rows: int) -> tuple[npt.NDArray[np.int8], list[object]]:
        known = np.flatnonzero(self.at_us <= moment_us)
        met = np.full(rows, -1, np.int8)
        said: list[object] = [None] * rows
        if known.size == 0:
            return met, said
        # The last occurrence of each row among the known values is the one that counts.
        reversed_rows = self.row[known][::-1]
        _, first = np.unique(reversed_rows, return_index=True)
        chosen = known[::-1][first]
        met[self.row[chosen]] = self.met[chosen]
        for index in chosen.tolist():
            said[int(self.row[index])] = self.evidence[index]
        return met, said


@dataclass(frozen=True, slots=True, eq=False)
class History:
    frames: StoreFrames
    created_us: Ints  # when each contact became known: created, or its first event if earlier
    answers: _Dated
    bant: dict[str, _Dated]

    def exists(self, moment_us: int) -> npt.NDArray[np.bool_]:
        return self.created_us <= moment_us

    def contacts_at(self, moment_us: int) -> ContactFrame:
        contacts = self.frames.contacts
        rows = contacts.size
        accepted, _ = self.answers.latest(moment_us, rows)
        bant = {}
        for key in BANT_KEYS:
            met, said = self.bant[key].latest(moment_us, rows)
            bant[key] = BantColumns(met, Column.from_python(said))
        return replace(contacts, accepted=accepted, bant=bant)


def _answers(handoffs: SideTable, answers: SideTable) -> _Dated:
    """Sales' answer to the latest hand-off, through time: each hand-off resets it to
    unknown (-1) when made, its answer sets it when given (services' sales_answer)."""
    accepted = np.array([s == "accepted" for s in answers.values("status")], dtype=np.int8)
    made = np.full(handoffs.rows.shape[0], -1, dtype=np.int8)
    rows = np.concatenate([handoffs.rows, answers.rows])
    times = np.concatenate([handoffs.times("at"), answers.times("answered_at")])
    values = np.concatenate([made, accepted])
    order = np.argsort(times, kind="stable")  # a hand-off before an answer at one moment
    return _Dated(rows[order], times[order], values[order], [None] * len(order))


def read_history(connection: Connection, *, as_of: datetime) -> History:
    frames = read_store(connection, as_of=as_of)
    ids = frames.contacts.ids
    created = side_table(
        connection, as_of, "SELECT id, {created_at} FROM contacts WHERE created_at <= :as_of",
        ids, ("created_at",),
    )  # fmt: skip
    created_us = np.full(ids.shape[0], np.iinfo(np.int64).max, dtype=np.int64)
    created_us[created.rows] = created.times("created_at")
    # A contact is known from its creation or its first event, whichever came first: a
    # CRM's contacts imported without their creation date are created at the import,
    # and their history imported afterwards reaches back before it.
    events = frames.events
    np.minimum.at(created_us, events.row, events.at_us)
    answers = side_table(
        connection, as_of,
        "SELECT contact_id, {answered_at}, status FROM handoffs"
        " WHERE status IN ('accepted', 'rejected') AND answered_at <= :as_of"
        " ORDER BY answered_at, id",
        ids, ("answered_at", "status"),
    )  # fmt: skip
    facts = side_table(
        connection, as_of,
        "SELECT contact_id, {at}, criterion, met, evidence FROM bant_facts WHERE at <= :as_of"
        " ORDER BY at, id",
        ids, ("at", "criterion", "met", "evidence"),
    )  # fmt: skip
    handoffs = side_table(
        connection, as_of,
        "SELECT contact_id, {at} FROM handoffs WHERE at <= :as_of ORDER BY at, id",
        ids, ("at",),
    )  # fmt: skip
    dated_answers = _answers(handoffs, answers)
    criteria = facts.values("criterion")
    verdicts = [-1 if v is None else int(bool(v)) for v in facts.values("met")]
    evidence = facts.values("evidence")
    bant = {}
    for key in BANT_KEYS:
        chosen = [i for i, criterion in enumerate(criteria) if criterion == key]
        bant[key] = _Dated(
            facts.rows[chosen],
            facts.times("at")[chosen],
            np.array([verdicts[i] for i in chosen], dtype=np.int8),
            [evidence[i] for i in chosen],
        )
    return History(frames, created_us, dated_answers, bant)
