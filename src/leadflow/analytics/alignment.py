"""The alignment report: how marketing's hand-offs fare with sales.

Over the hand-offs made in the period (grouped by ``--by owner`` to see each rep, or by
the lead's channel, campaign or cohort month):

    leads                  leads that entered the funnel in the period (by the group)
    sales_ready_share      share of them ever handed off or sales-ready now: the
                           articles' "only about 25% of leads are legitimate"
    handed_off, accepted, rejected, unanswered
    acceptance_rate        accepted / (accepted + rejected)
    median_hours_to_accept from hand-off to acceptance
    sla_met_rate           of the accepted hand-offs whose first-attempt SLA is decided
                           (a due time that passed by the end of the period, or an
                           attempt made), the share whose first attempt came in time
    attempts_per_lead      attempts per accepted hand-off
    gave_up                accepted hand-offs closed without ever reaching the lead (no
                           attempt connected or booked a meeting)
    under_worked_share     share of accepted hand-offs given up under-worked

How a hand-off's work ended comes from its work item when the hand-off tables have one
(``handoff_work``: closed as recycled, disqualified or cadence ended, not connected; its
``under_worked`` flag), else from the base tables: recycled to nurture after the
hand-off without a deal, and under-worked when fewer attempts were made than the
definition's ``cadence.min_attempts`` (3 in the presets; the articles: 1.3 attempts
before giving up). Rejection reasons are
the coded ones (``rejections``) when present, else the hand-off's reason. An attempt
belongs to the hand-off it names, else to the contact's latest hand-off before it.
Two more sections list the rejection reasons and, for the leads given up, how many
attempts were made before giving up. A hand-off a merge closed before sales answered it
(two records of one person were both handed off) is not counted: the lead went on in
the hand-off kept.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt

from leadflow.analytics.funnel import cohort
from leadflow.analytics.journeys import Journeys
from leadflow.analytics.report import Report, Section, Value, rate
from leadflow.analytics.tables import Tables, int_column
from leadflow.batch.frames import MISSING_TIME

__all__ = ["ALIGNMENT_COLUMNS", "UNDER_WORKED_ATTEMPTS", "alignment_report"]

Ints = npt.NDArray[np.int64]
Flags = npt.NDArray[np.bool_]
UNDER_WORKED_ATTEMPTS = 3
REACHED = frozenset({"connected", "meeting_booked"})
GAVE_UP = frozenset({"recycled", "disqualified", "cadence_ended"})
MERGED = "merged"  # the work outcome of a hand-off a merge closed (services/identity.py)
HOUR_US = 3_600 * 1_000_000
ALIGNMENT_COLUMNS = (
    "group",
    "leads",
    "sales_ready_share",
    "handed_off",
    "accepted",
    "rejected",
    "unanswered",
    "acceptance_rate",
    "median_hours_to_accept",
    "sla_met_rate",
    "attempts_per_lead",
    "gave_up",
    "under_worked_share",
)


@dataclass(frozen=True, slots=True, eq=False)
class _HandOffs:
    """One entry per hand-off: who, when, the answer, and what sales did after it."""

    contact: Ints
    at_us: Ints
    due_us: Ints
    status: list[str]
    answered_us: Ints
    reasons: list[str | None]
    owners: list[str]
    attempts: Ints
    first_attempt_us: Ints
    reached: Flags
    gave_up: Flags
    under_worked: Flags


def alignment_report(
    tables: Tables,
    journeys: Journeys,
    *,
    as_of: datetime,
    start_us: int | None = None,
    stop_us: int | None = None,
    by: str | None = None,
    min_attempts: int = UNDER_WORKED_ATTEMPTS,
) -> Report:
    handoffs = _handoffs(tables, min_attempts)
    # A hand-off a merge closed before sales answered it is the same lead's other record:
    # the lead went on in the hand-off kept, so it is neither a hand-off of its own nor
    # one sales left unanswered.
    chosen = _in_period(handoffs.at_us, start_us, stop_us) & ~_merged_unanswered(tables, handoffs)
    leads = cohort(journeys, start_us, stop_us)
    ready = _sales_ready(tables, journeys, handoffs)
    rows = []
    for label, group, lead_group in _groups(journeys, handoffs, chosen, leads, by):
        rows.append(_row(label, handoffs, group, lead_group, ready, tables.as_of_us))
    return Report(
        name="alignment",
        title="Marketing-to-sales alignment",
        as_of=as_of,
        sections=(
            Section("hand-offs", ALIGNMENT_COLUMNS, tuple(rows)),
            _reasons(handoffs, chosen),
            _given_up(handoffs, chosen),
        ),
        notes=(
            f"under-worked: given up after fewer than {min_attempts} attempts",
            "sales_ready_share: handed off, or sales-ready in the current qualification",
        ),
        parameters={"by": by},
    )


def _handoffs(tables: Tables, min_attempts: int) -> _HandOffs:
    table = tables.handoffs
    contact = int_column(table, "contact_id")
    at = int_column(table, "at_us")
    ids = int_column(table, "id")
    count = contact.shape[0]
    attempts = np.zeros(count, dtype=np.int64)
    first = np.full(count, MISSING_TIME, dtype=np.int64)
    reached = np.zeros(count, dtype=bool)
    latest = _latest_handoff(contact, at)
    position = {hid: index for index, hid in enumerate(ids.tolist())}
    att = tables.attempts
    listed = zip(
        int_column(att, "contact_id").tolist(),
        att["handoff_id"].to_pylist(),
        int_column(att, "at_us").tolist(),
        att["outcome"].to_pylist(),
        strict=True,
    )
    for who, named, when, outcome in listed:
        index = position.get(named) if named is not None else latest(who, when)
        if index is None:
            continue
        attempts[index] += 1
        if first[index] == MISSING_TIME or when < first[index]:
            first[index] = when
        reached[index] |= outcome in REACHED
    gave_up = _gave_up(tables, contact, at, reached)
    under_worked = gave_up & (attempts < min_attempts)
    _from_work(tables, position, reached, gave_up, under_worked)
    return _HandOffs(
        contact=contact,
        at_us=at,
        due_us=int_column(table, "due_us"),
        status=[str(s) for s in table["status"].to_pylist()],
        answered_us=int_column(table, "answered_us"),
        reasons=_reasons_of(tables, position, table["reason"].to_pylist()),
        owners=[o or "(none)" for o in table["owner"].to_pylist()],
        attempts=attempts,
        first_attempt_us=first,
        reached=reached,
        gave_up=gave_up,
        under_worked=under_worked,
    )


def _from_work(
    tables: Tables, position: dict[int, int], reached: Flags, gave_up: Flags, under: Flags
) -> None:
    """Where a closed work item says how the work ended, it decides."""
    work = tables.work
    listed = zip(
        work["handoff_id"].to_pylist(),
        work["outcome"].to_pylist(),
        work["connected"].to_pylist(),
        work["under_worked"].to_pylist(),
        strict=True,
    )
    for handoff, outcome, connected, flagged in listed:
        index = position.get(handoff)
        if index is None:
            continue
        reached[index] |= bool(connected)
        gave_up[index] = outcome in GAVE_UP and not reached[index]
        under[index] = bool(flagged)


def _reasons_of(
    tables: Tables, position: dict[int, int], reasons: list[str | None]
) -> list[str | None]:
    """The coded rejection reason where one was recorded, else the hand-off's reason."""
    coded = list(reasons)
    for handoff, code in zip(
        tables.rejections["handoff_id"].to_pylist(),
        tables.rejections["code"].to_pylist(),
        strict=True,
    ):
        index = position.get(handoff)
        if index is not None:
            coded[index] = code
    return coded


def _latest_handoff(contact: Ints, at: Ints) -> Callable[[int, int], int | None]:
    """The contact's latest hand-off at or before a moment."""
    by_contact: dict[int, list[tuple[int, int]]] = {}
    for index, (who, when) in enumerate(zip(contact.tolist(), at.tolist(), strict=True)):
        by_contact.setdefault(who, []).append((when, index))

    def latest(who: int, when: int) -> int | None:
        found = None
        for moment, index in by_contact.get(who, ()):
            if moment <= when:
                found = index
        return found

    return latest


def _gave_up(tables: Tables, contact: Ints, at: Ints, reached: Flags) -> Flags:
    """Recycled to nurture after the hand-off, never reached, no deal after it."""
    recycled: dict[int, list[int]] = {}
    moves = tables.transitions
    for who, stage, when in zip(
        int_column(moves, "contact_id").tolist(),
        moves["to_stage"].to_pylist(),
        int_column(moves, "at_us").tolist(),
        strict=True,
    ):
        if stage == "nurture":
            recycled.setdefault(who, []).append(when)
    deals: dict[int, list[int]] = {}
    for who, when in zip(
        int_column(tables.opportunities, "contact_id").tolist(),
        int_column(tables.opportunities, "created_us").tolist(),
        strict=True,
    ):
        deals.setdefault(who, []).append(when)
    result = np.zeros(contact.shape[0], dtype=bool)
    for index, (who, when) in enumerate(zip(contact.tolist(), at.tolist(), strict=True)):
        after = any(moment >= when for moment in recycled.get(who, ()))
        dealt = any(moment >= when for moment in deals.get(who, ()))
        result[index] = after and not dealt and not bool(reached[index])
    return result


def _merged_unanswered(tables: Tables, handoffs: _HandOffs) -> Flags:
    """Hand-offs still open whose work item a merge closed (by the period's end)."""
    ids = int_column(tables.handoffs, "id").tolist()
    merged = {
        handoff
        for handoff, outcome in zip(
            tables.work["handoff_id"].to_pylist(), tables.work["outcome"].to_pylist(), strict=True
        )
        if outcome == MERGED
    }
    return np.array(
        [
            hid in merged and status == "open"
            for hid, status in zip(ids, handoffs.status, strict=True)
        ],
        dtype=bool,
    )


def _in_period(at: Ints, start_us: int | None, stop_us: int | None) -> Flags:
    chosen = np.ones(at.shape[0], dtype=bool)
    if start_us is not None:
        chosen &= at >= start_us
    if stop_us is not None:  # [start, stop), as the funnel's cohorts
        chosen &= at < stop_us
    return chosen


def _sales_ready(tables: Tables, journeys: Journeys, handoffs: _HandOffs) -> Flags:
    ready = np.isin(journeys.ids, handoffs.contact)
    ids = int_column(tables.qualifications, "contact_id")
    now_ready = np.array([bool(v) for v in tables.qualifications["sales_ready"].to_pylist()], bool)
    ready |= np.isin(journeys.ids, ids[now_ready] if now_ready.size else ids[:0])
    return ready


def _groups(
    journeys: Journeys, handoffs: _HandOffs, chosen: Flags, leads: Flags, by: str | None
) -> list[tuple[str, Flags, Flags]]:
    groups = [("all", chosen, leads)]
    if by is None:
        return groups
    if by == "owner":
        labels = np.array(handoffs.owners, dtype=object)
        lead_labels = np.array(journeys.groups["owner"], dtype=object)
    else:
        lead_labels = np.array(journeys.groups[by], dtype=object)
        labels = _labels_of(journeys.ids, lead_labels, handoffs.contact)
    for label in sorted({str(v) for v in labels[chosen].tolist()}):
        groups.append((label, chosen & (labels == label), leads & (lead_labels == label)))
    return groups


def _labels_of(
    ids: Ints, lead_labels: npt.NDArray[np.object_], contacts: Ints
) -> npt.NDArray[np.object_]:
    """Each hand-off's label: its contact's, or "(none)" when the contact is not among
    the report's contacts (merged away, or created after the period's end)."""
    labels = np.full(contacts.shape[0], "(none)", dtype=object)
    if not ids.size:
        return labels
    rows = np.minimum(np.searchsorted(ids, contacts), ids.shape[0] - 1)
    found = ids[rows] == contacts
    labels[found] = lead_labels[rows[found]]
    return labels


def _row(
    label: str, h: _HandOffs, group: Flags, leads: Flags, ready: Flags, as_of_us: int
) -> tuple[Value, ...]:
    status = np.array(h.status, dtype=object)
    accepted = group & (status == "accepted")
    rejected = group & (status == "rejected")
    answered = int(accepted.sum()) + int(rejected.sum())
    tried = h.first_attempt_us != MISSING_TIME
    # A hand-off not tried yet whose first attempt is not due yet has not missed its SLA:
    # it counts once it is tried or its due time has passed (before the period's end,
    # which is not part of it).
    decided = accepted & (h.due_us != MISSING_TIME) & (tried | (h.due_us < as_of_us))
    met = decided & tried & (h.first_attempt_us <= h.due_us)
    waited = (h.answered_us[accepted] - h.at_us[accepted]) / HOUR_US
    gave_up = accepted & h.gave_up
    under_worked = accepted & h.under_worked
    lead_count = int(leads.sum())
    return (
        label,
        lead_count,
        rate(int((leads & ready).sum()), lead_count),
        int(group.sum()),
        int(accepted.sum()),
        int(rejected.sum()),
        int(group.sum()) - answered,
        rate(int(accepted.sum()), answered),
        float(np.median(waited)) if waited.size else None,
        rate(int(met.sum()), int(decided.sum())),
        rate(int(h.attempts[accepted].sum()), int(accepted.sum())),
        int(gave_up.sum()),
        rate(int(under_worked.sum()), int(accepted.sum())),
    )


def _reasons(h: _HandOffs, chosen: Flags) -> Section:
    status = np.array(h.status, dtype=object)
    rejected = chosen & (status == "rejected")
    counts = Counter(str(h.reasons[i] or "(no reason)") for i in np.flatnonzero(rejected).tolist())
    total = sum(counts.values())
    rows = tuple((reason, count, rate(count, total)) for reason, count in counts.most_common())
    return Section("rejection reasons", ("reason", "rejected", "share"), rows)


def _given_up(h: _HandOffs, chosen: Flags) -> Section:
    status = np.array(h.status, dtype=object)
    given = chosen & (status == "accepted") & h.gave_up
    counts = Counter(min(int(n), 6) for n in h.attempts[given].tolist())
    total = sum(counts.values())
    rows = tuple(
        ("6+" if n == 6 else str(n), counts[n], rate(counts[n], total)) for n in sorted(counts)
    )
    return Section("attempts before giving up", ("attempts", "leads", "share"), rows)
