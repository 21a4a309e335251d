"""Closed leads of a CRM history, from any source, turned into one ``LeadTable``.

Both history sources (a demo-world-shaped folder, the workspace store) gather the same
thing, ``ClosedLeads``: per closed lead its outcome, its decision point (the first
hand-off), what was on file then, the sales action that triggered the hand-off and the
rep it went to, and every event as an ``EventLog``. ``lead_table`` types it once, the
same way for both, and adds the activity aggregates as of each decision point.

A lead is *won* when a deal of its was won; *lost* when its deal was lost, sales
rejected it, or its hand-off was closed without a deal (recycled, disqualified, the
follow-up cadence ran out). Anything else is still in play and left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from leadflow.definition.builtin import builtin_free_mail_domains
from leadflow.definition.model import AssetsConfig
from leadflow.learn.activity import EventLog, activity_attributes
from leadflow.learn.table import (
    Attribute,
    AttributeKind,
    LeadTable,
    infer_attribute,
    is_identifier,
)

__all__ = ["LOST_CLOSINGS", "ClosedLeads", "email_fact", "lead_table", "mature"]

_MIN_MATURE = 30
# Hand-off closings that end a lead without a deal: lost, as far as learning goes.
LOST_CLOSINGS = frozenset({"rejected", "recycled", "disqualified", "cadence_ended", "lost"})


@dataclass(frozen=True, slots=True)
class ClosedLeads:
    ids: list[str]
    won: list[int]
    decided_at: npt.NDArray[np.int64]  # the first hand-off, epoch seconds
    closed_at: npt.NDArray[np.int64]  # the moment the outcome was settled
    created_at: npt.NDArray[np.int64]  # when the contact became known
    emails: list[str | None]
    triggers: list[str | None]  # the sales action that triggered the hand-off
    reps: list[str | None]  # who the lead went to
    events: EventLog  # ``lead`` indexes ``ids``; -1 for events of other contacts
    # Attribute name -> (fact path, one value per lead), as on file at the hand-off.
    fields: Mapping[str, tuple[str, Sequence[object]]] = field(default_factory=dict)
    still_open: int = 0  # handed-off leads not decided yet


def lead_table(
    leads: ClosedLeads, *, assets: AssetsConfig | None = None, mature_only: bool = True
) -> LeadTable:
    """Typed attributes, persona then behaviour, with activity as of each decision point.

    ``mature_only`` leaves out the leads decided too recently for their outcome to be
    representative (``mature``).
    """
    persona = [
        infer_attribute(name, values, path=path) for name, (path, values) in leads.fields.items()
    ]
    # A CRM's record ids come along as custom attributes (``member_id``): never features.
    identifiers = [a.name for a in persona if is_identifier(a)]
    attributes = list(persona)
    attributes += _email_facts(leads.emails)
    attributes.append(
        _category("first sales action", "activity.first_sales_action", leads.triggers)
    )
    attributes.append(_category("rep", "sales.rep", leads.reps))
    attributes += activity_attributes(
        leads.events, leads.decided_at, leads.created_at, assets=assets
    )
    table = LeadTable(
        ids=np.array(leads.ids, dtype=object),
        outcome=np.array(leads.won, dtype=np.int8),
        attributes=tuple(attributes),
        decided_at=leads.decided_at,
        notes=_open_note(leads.still_open),
    ).without(identifiers, "identifier-like")
    # A CRM's deals imported without any event leave "days since last event" empty on
    # every lead: a column that tells nothing, and one scikit-learn cannot bin.
    empty = [a.name for a in attributes if bool(a.missing.all())]
    table = table.without(empty, "no value on any closed lead")
    return mature(table, leads) if mature_only else table


def _open_note(still_open: int) -> tuple[str, ...]:
    return (f"{still_open} handed-off leads still open left out",) if still_open else ()


def mature(table: LeadTable, leads: ClosedLeads) -> LeadTable:
    """Leave out the leads decided within the usual time to close before the data's end.

    Near the end of a history, the leads already closed are the ones that closed fast,
    and fast outcomes are mostly losses (a rejection takes hours, a won deal months):
    learning from them, or judging a model on them, would see too few wins. A lead
    counts when it was decided at least the 90th percentile of decision-to-close
    times before the last moment the data knows.
    """
    durations = leads.closed_at - leads.decided_at
    window = int(np.percentile(durations, 90))
    end = int(max(leads.closed_at.max(), leads.events.at.max(initial=0)))
    keep = leads.decided_at <= end - window
    if keep.all() or keep.sum() < _MIN_MATURE:
        return table
    days = window / 86_400
    note = (
        f"{int((~keep).sum())} leads decided in the last {days:.0f} days left out: "
        f"90% of leads close within {days:.0f} days, so recent closed leads are mostly "
        "the quick losses"
    )
    return table.take(np.flatnonzero(keep)).noted(note)


def _email_facts(emails: Sequence[str | None]) -> list[Attribute]:
    """contact.free_mail and contact.email_domain, derived from the address as the engine does.

    (The engine's free-mail list is the definition's, which extends this built-in one.)
    """
    domains = [str(e).rpartition("@")[2].casefold() or None if e else None for e in emails]
    free = builtin_free_mail_domains()
    free_mail = [None if d is None else str(d in free).lower() for d in domains]
    return [
        _category("free-mail address", "contact.free_mail", free_mail),
        _category("e-mail domain", "contact.email_domain", domains),
    ]


def email_fact(email: object, key: str) -> object:
    """``contact.email_domain`` or ``contact.free_mail`` of one address, for scoring a live
    person (real time and batch alike): None without an address."""
    if not isinstance(email, str) or "@" not in email:
        return None
    domain = email.rpartition("@")[2].strip().casefold()
    return domain if key == "email_domain" else domain in builtin_free_mail_domains()


def _category(name: str, path: str, values: Sequence[object]) -> Attribute:
    out = np.empty(len(values), dtype=object)
    out[:] = [None if v in (None, "") else str(v) for v in values]
    return Attribute(name, path, AttributeKind.CATEGORICAL, out)
