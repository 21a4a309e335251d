"""Identity resolution: list candidate duplicates, merge two contacts, undo a merge.

``scan_duplicates`` scores active contacts (``ingest.duplicates``) and only lists: two
identified people are never merged without a person deciding. It reads the contacts'
identifying columns in chunks (no row objects for the whole table), holds only the
``limit`` best pairs and counts the rest, so its memory grows with the contacts, not
with the pairs; ``find_duplicates`` is its list of pairs.

``merge_contacts(survivor, merged)``, in the caller's transaction:
1. survivorship (``ingest.survivorship``) decides each field of the survivor; an
   e-mail or record id the survivor takes is first cleared on the merged contact
   (both columns are unique);
2. every row about the merged contact (events, transitions, BANT facts, hand-offs,
   attempts, conversations, opportunities, visitors, and any table added later with
   a ``contact_id``) is re-pointed to the survivor; consent on a channel the survivor
   lacks moves too, and on a shared channel the later decision wins (a tie: the
   restrictive one);
3. the merged contact keeps its row, with ``merged_into_id`` set: later events and
   imports naming it reach the survivor;
4. a ``merges`` row records the survivor's overwritten values (before and after), the
   merged contact as it was, and the ids of every re-pointed row, so the merge can be
   undone from the record alone; ``contact.merged`` goes to the webhook outbox
   (``_announce``, the single hook point) in the same transaction;
5. the survivor is re-qualified with the active definition, its activity summary
   rebuilt from the whole, merged history: a stage move goes to the ledger and the
   outbox, and a lead the merge made sales-ready is handed off, all in the same
   transaction (``services.requalify``). Without an active definition (a store that is
   not a workspace yet) the summary is only marked stale, so that the first
   qualification rebuilds it. An import that merges passes ``requalify=False`` and
   re-qualifies the survivor with the rest of its contacts.

``unmerge`` moves exactly the recorded rows back and restores the recorded values,
except a value changed again since the merge: that one is kept and reported. Both
contacts are then re-qualified from their own histories (a stage is never moved back:
the lifecycle only moves forward, so the survivor keeps a stage the merge gave it).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from leadflow.ingest.duplicates import Candidate, CommonName, Person, list_duplicates
from leadflow.ingest.survivorship import Side, consent_winner, survive
from leadflow.ingest.updates import SOURCE_ATTRIBUTE
from leadflow.services import outbox
from leadflow.services.definitions import NoActiveDefinitionError, active_definition
from leadflow.services.refusals import ConflictError, NotFoundError
from leadflow.services.requalify import requalify_contact
from leadflow.store.driver import driver_for
from leadflow.store.models import (
    Base,
    Consent,
    Contact,
    Handoff,
    HandoffWork,
    Merge,
    Qualification,
)
from leadflow.store.realtime import RealtimeStore

__all__ = [
    "Duplicate",
    "DuplicateListing",
    "Unmerged",
    "find_duplicates",
    "merge_contacts",
    "requalify_people",
    "scan_duplicates",
    "unmerge",
]

_CONTACTS: Table = Contact.__table__  # type: ignore[assignment]
_CONSENTS: Table = Consent.__table__  # type: ignore[assignment]
_MERGES: Table = Merge.__table__  # type: ignore[assignment]
_QUALIFICATIONS: Table = Qualification.__table__  # type: ignore[assignment]
_HANDOFFS: Table = Handoff.__table__  # type: ignore[assignment]
_WORK: Table = HandoffWork.__table__  # type: ignore[assignment]
# Columns survivorship decides; the rest are keys, bookkeeping or merge state.
_DECIDED = tuple(
    c.name
    for c in _CONTACTS.columns
    if c.name not in ("id", "merged_into_id", "attributes", "updated_at")
)
_UNIQUE = ("email", "external_id")
_CHUNK = 5000  # contacts read at a time when listing duplicates
# Tables handled on their own: consent (one row per channel), the qualification (one
# per contact, rebuilt), and the merge records themselves.
_NOT_REPOINTED = frozenset({"consents", "qualifications", "merges", "contacts"})


@cache
def repointed_tables() -> tuple[str, ...]:
    """Every table whose rows are about one contact: a ``contact_id`` and a primary key of
    one column (``id``, or ``handoff_id`` for a hand-off's work item)."""
    return tuple(
        table.name
        for table in Base.metadata.sorted_tables
        if "contact_id" in table.c
        and len(table.primary_key.columns) == 1
        and table.name not in _NOT_REPOINTED
    )


def _row_key(table: Table) -> Any:
    """The column a re-pointed row is recorded by (the merge record keeps its values)."""
    (column,) = table.primary_key.columns
    return column


def to_json(value: Any) -> Any:
    """Row values as JSON: instants tagged so ``from_json`` gives them back as datetimes."""
    if isinstance(value, datetime):
        return {"$instant": value.isoformat()}
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_json(item) for item in value]
    return value


def from_json(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$instant"}:
            return datetime.fromisoformat(value["$instant"])
        return {key: from_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [from_json(item) for item in value]
    return value


@dataclass(frozen=True)
class Duplicate:
    """A candidate pair with what a person needs to decide."""

    candidate: Candidate
    first: dict[str, Any]
    second: dict[str, Any]


@dataclass(frozen=True)
class DuplicateListing:
    """The best pairs, how many scored in all, and what the scan compared only in windows
    (``ingest.duplicates.Listing``)."""

    pairs: list[Duplicate]
    total: int
    windowed_blocks: int
    largest_block: int
    common_names: list[CommonName]


def find_duplicates(
    connection: Connection, *, min_score: float = 90.0, limit: int | None = None
) -> list[Duplicate]:
    """The ``limit`` best candidate pairs (None: every one), best first."""
    return scan_duplicates(connection, min_score=min_score, limit=limit).pairs


def scan_duplicates(
    connection: Connection, *, min_score: float = 90.0, limit: int | None = 50
) -> DuplicateListing:
    """Active contacts' candidate pairs scoring at least ``min_score``: the ``limit`` best
    (None: all), the count of all, and what was compared only in windows."""
    listing = list_duplicates(_people(connection), min_score, limit)
    listed = {contact for found in listing.candidates for contact in (found.first, found.second)}
    people = {person.id: person for person in _people(connection, sorted(listed))}
    pairs = [
        Duplicate(found, _card(people[found.first]), _card(people[found.second]))
        for found in listing.candidates
    ]
    return DuplicateListing(
        pairs, listing.total, listing.windowed_blocks, listing.largest_block, listing.common_names
    )


def _people(connection: Connection, ids: Sequence[int] | None = None) -> Iterator[Person]:
    """Active contacts as ``Person`` (those in ``ids`` only, when given), read in chunks."""
    c = _CONTACTS.c
    columns = (c.id, c.first_name, c.last_name, c.email, c.company, c.domain, c.phone)
    if ids is not None:
        for start in range(0, len(ids), _CHUNK):
            query = select(*columns).where(c.id.in_(ids[start : start + _CHUNK]))
            yield from (Person(*row) for row in connection.execute(query))
        return
    query = select(*columns).where(c.merged_into_id.is_(None))
    result = connection.execution_options(yield_per=_CHUNK).execute(query)
    for rows in result.partitions():
        yield from (Person(*row) for row in rows)


def _card(person: Person) -> dict[str, Any]:
    name = " ".join(part for part in (person.first_name, person.last_name) if part)
    return {"id": person.id, "name": name, "email": person.email, "company": person.company}


def merge_contacts(
    connection: Connection,
    survivor_id: int,
    merged_id: int,
    *,
    now: datetime,
    actor: str | None = None,
    reason: str | None = None,
    requalify: bool = True,
) -> int:
    """Merge ``merged_id`` into ``survivor_id``; returns the merge's id (for unmerge).

    ``requalify=False`` leaves the survivor's qualification to the caller (it is marked
    stale either way)."""
    survivor, merged = _mergeable(connection, survivor_id, merged_id)
    before = _apply_survivorship(connection, survivor, merged, now)
    repointed = _repoint(connection, merged_id, survivor_id)
    consents_before = _merge_consents(connection, survivor_id, merged_id, repointed)
    before["handoffs_closed"] = _one_live_handoff(connection, survivor, before, now)
    _set(connection, _CONTACTS, merged_id, {"merged_into_id": survivor_id, "updated_at": now})
    _stale(connection, survivor_id)
    before["consents"] = consents_before
    record = {
        "survivor_id": survivor_id, "merged_id": merged_id, "at": now, "actor": actor,
        "reason": reason, "merged_snapshot": to_json(merged), "repointed": repointed,
        "survivor_before": to_json(before),
    }  # fmt: skip
    merge_id = int(connection.execute(insert(_MERGES).returning(_MERGES.c.id), record).scalar_one())
    _announce(connection, merge_id, survivor_id, merged_id, now)
    if requalify:
        requalify_people(connection, [survivor_id], now)
    return merge_id


def requalify_people(connection: Connection, contact_ids: Sequence[int], now: datetime) -> bool:
    """Qualify these contacts again from their whole stored history, in the caller's
    transaction; False (nothing done) when no definition is active."""
    with Session(bind=connection) as session:
        try:
            active = active_definition(session)
        except NoActiveDefinitionError:
            return False
    store = RealtimeStore(driver_for(connection))
    for contact_id in contact_ids:
        store.lock_contact(contact_id)
        requalify_contact(store, contact_id, active, now, rebuild=True)
    return True


def _apply_survivorship(
    connection: Connection, survivor: dict[str, Any], merged: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Give the survivor the surviving values; what it had before, for the record."""
    outcome = survive(_side(survivor), _side(merged))
    taken = [name for name in _UNIQUE if name in outcome.values]
    if taken:  # unique columns: free them on the merged contact first
        _set(connection, _CONTACTS, merged["id"], dict.fromkeys(taken))
    attributes = dict(survivor["attributes"] or {})
    changes: dict[str, Any] = {**outcome.values, "updated_at": now}
    if outcome.attributes:
        changes["attributes"] = {**attributes, **outcome.attributes}
    _set(connection, _CONTACTS, survivor["id"], changes)
    return {
        "values": {
            name: {"before": survivor[name], "after": value}
            for name, value in outcome.values.items()
        },
        "attributes": {
            key: {"before": attributes.get(key), "after": value}
            for key, value in outcome.attributes.items()
        },
    }


def _mergeable(
    connection: Connection, survivor_id: int, merged_id: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    if survivor_id == merged_id:
        raise ConflictError(f"contact {survivor_id} cannot be merged into itself")
    survivor, merged = _contact(connection, survivor_id), _contact(connection, merged_id)
    for row in (survivor, merged):
        if row["merged_into_id"] is not None:
            raise ConflictError(
                f"contact {row['id']} was already merged into contact {row['merged_into_id']}"
            )
    return survivor, merged


def _contact(connection: Connection, contact_id: int) -> dict[str, Any]:
    row = connection.execute(select(_CONTACTS).where(_CONTACTS.c.id == contact_id)).first()
    if row is None:
        raise NotFoundError(f"no contact with id {contact_id}")
    return dict(row._mapping)


def _side(row: dict[str, Any]) -> Side:
    attributes = dict(row["attributes"] or {})
    source = attributes.get(SOURCE_ATTRIBUTE)
    return Side(
        values={name: row[name] for name in _DECIDED},
        attributes=attributes,
        source=source if isinstance(source, str) else None,
        updated_at=row["updated_at"],
        purchased=bool(row["purchased"]),
    )


def _set(connection: Connection, table: Table, row_id: Any, values: dict[str, Any]) -> None:
    connection.execute(update(table).where(table.c.id == row_id).values(values))


def _repoint(connection: Connection, from_id: int, to_id: int) -> dict[str, list[Any]]:
    moved: dict[str, list[Any]] = {}
    for name in repointed_tables():
        table = Base.metadata.tables[name]
        key = _row_key(table)
        ids = list(connection.scalars(select(key).where(table.c.contact_id == from_id)))
        if ids:
            connection.execute(update(table).where(key.in_(ids)).values(contact_id=to_id))
            moved[name] = ids
    return moved


def _one_live_handoff(
    connection: Connection, survivor: dict[str, Any], before: dict[str, Any], now: datetime
) -> list[int]:
    """Both people were in sales' hands: one lead, one hand-off. The one furthest along
    (accepted before open), else the first made, goes on; the others close as
    ``merged``, naming it, and leave their reps' queues. The contact's owner is the rep
    holding the one that goes on. Returns the ids closed (an unmerge reopens them)."""
    h, w = _HANDOFFS.c, _WORK.c
    live = connection.execute(
        select(h.id, h.status, h.owner)
        .join(_WORK, w.handoff_id == h.id)
        .where(h.contact_id == survivor["id"], w.closed_at.is_(None))
        .order_by(h.status != "accepted", h.at, h.id)
    ).all()
    if len(live) < 2:
        return []
    kept, *others = live
    closed = [row.id for row in others]
    reason = f"merged: the lead goes on in hand-off {kept.id} ({kept.owner or 'unassigned'})"
    connection.execute(
        update(_WORK)
        .where(w.handoff_id.in_(closed))
        .values(
            closed_at=now,
            outcome="merged",
            close_reason=reason[:500],
            closed_by="leadflow",
            next_attempt_due_at=None,
            next_channel=None,
        )
    )
    if kept.owner is not None:
        owner = {"before": survivor["owner"], "after": kept.owner}
        _set(connection, _CONTACTS, survivor["id"], {"owner": kept.owner})
        before["values"]["owner"] = before["values"].get("owner", owner) | {"after": kept.owner}
    return closed


def _reopen_handoffs(connection: Connection, closed: Sequence[int]) -> None:
    """Undo ``_one_live_handoff``: a hand-off a merge closed is live again, unless it was
    closed again since (nothing reopens work someone ended)."""
    w = _WORK.c
    connection.execute(
        update(_WORK)
        .where(w.handoff_id.in_(list(closed)), w.outcome == "merged")
        .values(closed_at=None, outcome=None, close_reason=None, closed_by=None)
    )


def _merge_consents(
    connection: Connection, survivor_id: int, merged_id: int, repointed: dict[str, list[Any]]
) -> dict[str, Any]:
    """Move or decide consent per channel; the survivor's overwritten rows, by channel."""
    rows = connection.execute(
        select(_CONSENTS).where(_CONSENTS.c.contact_id.in_((survivor_id, merged_id)))
    ).mappings()
    by_owner: dict[int, dict[str, dict[str, Any]]] = {survivor_id: {}, merged_id: {}}
    for row in rows:
        by_owner[row["contact_id"]][row["channel"]] = dict(row)
    before: dict[str, Any] = {}
    for channel, theirs in by_owner[merged_id].items():
        mine = by_owner[survivor_id].get(channel)
        if mine is None:
            _set(connection, _CONSENTS, theirs["id"], {"contact_id": survivor_id})
            repointed.setdefault("consents", []).append(theirs["id"])
        elif consent_winner(mine, theirs) is theirs:
            kept = {key: theirs[key] for key in ("status", "source", "at", "event_id")}
            before[channel] = {"before": {k: mine[k] for k in kept}, "after": kept}
            _set(connection, _CONSENTS, mine["id"], kept)
    return before


def _stale(connection: Connection, contact_id: int) -> None:
    """Make the next qualification rebuild the activity summary from all stored events."""
    connection.execute(
        update(_QUALIFICATIONS)
        .where(_QUALIFICATIONS.c.contact_id == contact_id)
        .values(definition_version_id=None)
    )


def _announce(
    connection: Connection, merge_id: int, survivor_id: int, merged_id: int, now: datetime
) -> None:
    """The hook point for everyone who must hear of a merge (today: the webhook outbox)."""
    data = {"merge_id": merge_id, "survivor_id": survivor_id, "merged_id": merged_id,
            "at": now.isoformat()}  # fmt: skip
    outbox.enqueue(driver_for(connection), outbox.CONTACT_MERGED, data, now)


@dataclass
class Unmerged:
    """What an unmerge restored, and what it kept because it changed after the merge."""

    merge_id: int
    survivor_id: int
    merged_id: int
    moved: dict[str, int] = field(default_factory=dict)  # table -> rows moved back
    restored: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    requalified: bool = False  # both contacts qualified again (False: no active definition)


def unmerge(connection: Connection, merge_id: int, *, now: datetime) -> Unmerged:
    merge = _merge(connection, merge_id)
    survivor_id, merged_id = merge["survivor_id"], merge["merged_id"]
    survivor = _contact(connection, survivor_id)
    if survivor["merged_into_id"] is not None:
        raise ConflictError(
            f"contact {survivor_id} was merged into contact {survivor['merged_into_id']} "
            f"since; undo that merge first"
        )
    result = Unmerged(merge_id, survivor_id, merged_id)
    before = from_json(merge["survivor_before"])
    snapshot = from_json(merge["merged_snapshot"])
    _move_back(connection, merge["repointed"], survivor_id, merged_id, result)
    _reopen_handoffs(connection, before.get("handoffs_closed", []))
    _restore_consents(connection, survivor_id, before.get("consents", {}), result)
    _restore_survivor(connection, survivor, before, now, result)
    _restore_merged(connection, snapshot, now, result)
    for contact_id in (survivor_id, merged_id):
        _stale(connection, contact_id)
    _set(connection, _MERGES, merge_id, {"undone_at": now})
    result.requalified = requalify_people(connection, (survivor_id, merged_id), now)
    return result


def _merge(connection: Connection, merge_id: int) -> dict[str, Any]:
    row = connection.execute(select(_MERGES).where(_MERGES.c.id == merge_id)).first()
    if row is None:
        raise NotFoundError(f"no merge with id {merge_id}")
    merge = dict(row._mapping)
    if merge["undone_at"] is not None:
        raise ConflictError(f"merge {merge_id} was already undone at {merge['undone_at']}")
    return merge


def _move_back(
    connection: Connection,
    repointed: dict[str, list[Any]],
    survivor_id: int,
    merged_id: int,
    result: Unmerged,
) -> None:
    for name, ids in repointed.items():
        table = Base.metadata.tables[name]
        moved = connection.execute(
            update(table)
            .where(_row_key(table).in_(ids), table.c.contact_id == survivor_id)
            .values(contact_id=merged_id)
        )
        result.moved[name] = moved.rowcount


def _restore_consents(
    connection: Connection, survivor_id: int, before: dict[str, Any], result: Unmerged
) -> None:
    for channel, change in before.items():
        c = _CONSENTS.c
        where = (c.contact_id == survivor_id, c.channel == channel)
        current = connection.execute(
            select(c.status, c.source, c.at, c.event_id).where(*where)
        ).first()
        if current is not None and dict(current._mapping) == change["after"]:
            connection.execute(update(_CONSENTS).where(*where).values(change["before"]))
            result.restored.append(f"consent.{channel}")
        else:
            result.kept.append(f"consent.{channel}")


def _restore_survivor(
    connection: Connection,
    survivor: dict[str, Any],
    before: dict[str, Any],
    now: datetime,
    result: Unmerged,
) -> None:
    values: dict[str, Any] = {}
    for name, change in before.get("values", {}).items():
        if survivor[name] == change["after"]:
            values[name] = change["before"]
            result.restored.append(name)
        else:
            result.kept.append(name)
    attributes = dict(survivor["attributes"] or {})
    for key, change in before.get("attributes", {}).items():
        if attributes.get(key) == change["after"]:
            if change["before"] is None:
                attributes.pop(key, None)
            else:
                attributes[key] = change["before"]
            result.restored.append(f"attributes.{key}")
        else:
            result.kept.append(f"attributes.{key}")
    values.update(attributes=attributes, updated_at=now)
    _set(connection, _CONTACTS, survivor["id"], values)


def _restore_merged(
    connection: Connection, snapshot: dict[str, Any], now: datetime, result: Unmerged
) -> None:
    values: dict[str, Any] = {"merged_into_id": None, "updated_at": now}
    for name in _UNIQUE:
        value = snapshot.get(name)
        if value is None:
            continue
        c = _CONTACTS.c
        holder = connection.scalar(select(c.id).where(c[name] == value))
        if holder is None or holder == snapshot["id"]:
            values[name] = value
        else:
            result.kept.append(f"merged.{name} (now held by contact {holder})")
    _set(connection, _CONTACTS, snapshot["id"], values)
