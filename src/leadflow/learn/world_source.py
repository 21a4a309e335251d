"""Read closed leads from a CRM history in the demo world's shape (``leadflow demo``).

The files are those docs/demo.md describes: contacts, accounts, events, sales activities
and opportunities (CSV/JSON lines, or the Parquet variants). A lead is *closed* once
handed off to sales and then won (a won deal) or lost (rejected at the hand-off,
recycled, or its deal lost); handed-off leads still in play are left out, as are
contacts never handed off. Each lead's decision point is its (first) hand-off: the
attributes are what was on file then, and the activity aggregates count only events
strictly before it (``activity``).

Nothing here reads the hidden truth (truth.json, truth_contacts.csv): learning sees only
what a real CRM would hold.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from leadflow.definition.model import AssetsConfig
from leadflow.learn.activity import EventLog
from leadflow.learn.errors import LearnInputError
from leadflow.learn.history import ClosedLeads, lead_table
from leadflow.learn.table import LeadTable

__all__ = ["read_world_history"]

# File column -> (attribute name, fact path) of what a contact carries at the hand-off.
_CONTACT_FIELDS: dict[str, tuple[str, str]] = {
    "seniority": ("seniority", "contact.seniority"),
    "department": ("department", "contact.department"),
    "country": ("country", "contact.country"),
    "channel": ("channel", "source.channel"),
    "purchased": ("purchased", "source.purchased"),
}
_ACCOUNT_FIELDS: dict[str, tuple[str, str]] = {
    "industry": ("industry", "account.industry"),
    "employees": ("employees", "account.employees"),
    "annual_revenue_eur": ("annual revenue (EUR)", "account.annual_revenue_eur"),
}


def read_world_history(
    folder: Path, *, assets: AssetsConfig | None = None, mature_only: bool = True
) -> LeadTable:
    """The closed leads of a demo-world-shaped folder, typed, features as of hand-off.

    ``assets`` says which downloads are product-specific (the active definition's);
    by default the default preset's.
    """
    activities = _json_lines(folder / "activities.jsonl")
    contacts = _contacts(folder)
    handoffs = _handoffs(activities)
    closed = _outcomes(folder, activities, handoffs)
    if not closed:
        raise LearnInputError(f"{folder}: no closed leads (won or lost after a hand-off)")
    ids = sorted(closed)
    index = [contacts["row"][contact] for contact in ids]
    fields = {**_CONTACT_FIELDS, **_ACCOUNT_FIELDS}
    leads = ClosedLeads(
        ids=ids,
        won=[closed[c][0] for c in ids],
        decided_at=np.array([handoffs[c]["at"] for c in ids], dtype=np.int64),
        closed_at=np.array([closed[c][1] for c in ids], dtype=np.int64),
        created_at=np.array([contacts["created_at"][i] for i in index], dtype=np.int64),
        emails=[contacts["email"][i] for i in index],
        triggers=[handoffs[c]["trigger"] for c in ids],
        reps=[handoffs[c]["rep"] for c in ids],
        events=_event_log(folder, {contact: row for row, contact in enumerate(ids)}),
        fields={
            name: (path, [contacts[column][i] for i in index])
            for column, (name, path) in fields.items()
        },
        still_open=len(handoffs) - len(ids),
    )
    return lead_table(leads, assets=assets, mature_only=mature_only)


def _contacts(folder: Path) -> dict[str, Any]:
    table = _table(folder, "contacts")
    accounts = _table(folder, "accounts")
    by_account = {a: i for i, a in enumerate(accounts.column("account_id").to_pylist())}
    account_rows = [by_account.get(a) for a in table.column("account_id").to_pylist()]
    columns: dict[str, Any] = {
        name: table.column(name).to_pylist() for name in (*_CONTACT_FIELDS, "email")
    }
    for name in _ACCOUNT_FIELDS:
        values = accounts.column(name).to_pylist()
        columns[name] = [None if r is None else values[r] for r in account_rows]
    ids = table.column("contact_id").to_pylist()
    columns["row"] = {contact: row for row, contact in enumerate(ids)}
    columns["created_at"] = _seconds(table.column("created_at"))
    return columns


def _handoffs(activities: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each contact's first hand-off: when, its trigger, its rep, sales' decision."""
    found: dict[str, dict[str, Any]] = {}
    for row in activities:
        if row.get("kind") != "hand_off" or row["contact_id"] in found:
            continue
        found[row["contact_id"]] = {
            "at": _instant(row["at"]),
            "trigger": row.get("trigger"),
            "rep": row.get("rep_id"),
            "decision": row.get("decision"),
            "decided_at": row.get("decided_at"),
        }
    return found


def _outcomes(
    folder: Path, activities: list[dict[str, Any]], handoffs: Mapping[str, Mapping[str, Any]]
) -> dict[str, tuple[int, int]]:
    """Per closed lead: won (1) or lost (0), and the moment that decided it."""
    deals = _table(folder, "opportunities").to_pylist()
    deal = {row["contact_id"]: row for row in deals}
    recycled: dict[str, int] = {}
    for row in activities:
        if row.get("kind") == "recycle":
            recycled.setdefault(row["contact_id"], _instant(row["at"]))
    closed: dict[str, tuple[int, int]] = {}
    for contact, handoff in handoffs.items():
        status = (deal.get(contact) or {}).get("status")
        if status in ("won", "lost"):
            closed[contact] = (int(status == "won"), _instant(deal[contact]["closed_at"]))
        elif handoff["decision"] == "rejected":
            closed[contact] = (0, _instant(handoff["decided_at"]))
        elif contact in recycled:
            closed[contact] = (0, recycled[contact])
    return closed


def _event_log(folder: Path, row_of: Mapping[str, int]) -> EventLog:
    """Every event, on the lead it belongs to (-1: not a closed lead, or never known).

    Anonymous page views before a visitor identified count for the contact, as they do
    once the store has resolved the identity: the Parquet files link them already, and
    for JSON lines the identifying form (visitor and contact on one event) links them.
    """
    parquet = folder / "events.parquet"
    if parquet.is_file():
        table = pq.read_table(parquet, columns=["contact", "type", "at", "asset"])
        numbers = table.column("contact").to_pylist()
        contacts = [None if n is None else f"c{n:08d}" for n in numbers]
        assets = table.column("asset").to_pylist()
    else:
        table = _read(folder / "events.jsonl", pa_json.read_json)
        contacts = _resolved_contacts(table)
        properties = table.column("properties")
        names = {properties.type.field(i).name for i in range(properties.type.num_fields)}
        assets = (
            pc.struct_field(properties, "asset").to_pylist()
            if "asset" in names
            else [None] * len(table)
        )
    lead = np.array([-1 if c is None else row_of.get(c, -1) for c in contacts], dtype=np.intp)
    return EventLog(
        lead=lead,
        type=np.array(table.column("type").to_pylist(), dtype=object),
        at=_seconds(table.column("at")),
        asset=np.array(assets, dtype=object),
    )


def _resolved_contacts(table: pa.Table) -> list[str | None]:
    contacts = table.column("contact_id").to_pylist()
    visitors = table.column("visitor_id").to_pylist()
    known = {v: c for v, c in zip(visitors, contacts, strict=True) if v and c}
    return [c if c else known.get(v) for c, v in zip(contacts, visitors, strict=True)]


def _table(folder: Path, name: str) -> pa.Table:
    parquet, csv = folder / f"{name}.parquet", folder / f"{name}.csv"
    if parquet.is_file():
        return _read(parquet, pq.read_table)
    # Everything as text (ids with leading zeros, "true"/"false"); typing happens later.
    options = pa_csv.ConvertOptions(
        strings_can_be_null=True, column_types=_text_columns(csv), timestamp_parsers=[]
    )
    return _read(csv, lambda path: pa_csv.read_csv(path, convert_options=options))


def _text_columns(csv: Path) -> dict[str, pa.DataType]:
    try:
        with csv.open(encoding="utf-8") as handle:
            header = handle.readline().strip().split(",")
    except OSError as error:
        raise LearnInputError(f"{csv}: cannot read ({error.strerror})") from None
    numeric = {"employees", "annual_revenue_eur", "amount", "capacity"}
    return {name: pa.string() for name in header if name not in numeric}


def _read(path: Path, reader: Any) -> pa.Table:
    if not path.is_file():
        raise LearnInputError(f"{path.parent}: no {path.name} (is this a demo-world folder?)")
    try:
        table: pa.Table = reader(path)
    except (pa.ArrowInvalid, OSError) as error:
        raise LearnInputError(f"{path}: unreadable ({str(error).splitlines()[0]})") from None
    return table


def _json_lines(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = _read(path, pa_json.read_json).to_pylist()
    return rows


def _seconds(column: Any) -> npt.NDArray[np.int64]:
    """Epoch seconds of a timestamp column, or of ISO 8601 text ending in Z."""
    if not pa.types.is_timestamp(column.type):
        column = pc.strptime(column, format="%Y-%m-%dT%H:%M:%SZ", unit="s")
    seconds = pc.cast(column, pa.timestamp("s")).cast(pa.int64())
    return np.asarray(seconds.to_numpy(zero_copy_only=False), dtype=np.int64)


def _instant(value: Any) -> int:
    return int(_seconds(pa.array([value]))[0])
