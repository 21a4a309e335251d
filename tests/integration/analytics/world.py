"""Load a demo world (``leadflow demo --format parquet``) into a migrated store, for tests.

Accounts, contacts (the contact number is the id, the first hand-off's rep the owner,
consents from the consent columns), the events of known contacts, hand-offs (answered
as the world says; the SLA for a first attempt is one day), attempts, conversations,
recycles (a move to nurture by the rep, in the ledger) and opportunities. Bulk inserts
through SQLAlchemy Core: this is test set-up, not the product's import path.
"""

from __future__ import annotations

import csv
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from sqlalchemy import Engine, insert

from leadflow.domain.clock import parse_instant
from leadflow.store.models import (
    Account,
    Consent,
    Contact,
    Conversation,
    Event,
    Handoff,
    Opportunity,
    SalesAttempt,
    StageTransition,
)

__all__ = ["SLA", "load_world"]

SLA = timedelta(days=1)
_CHUNK = 20_000


def _number(text: str) -> int:
    return int(text[1:])


def _when(text: str | None) -> datetime | None:
    return None if not text else parse_instant(text)


def load_world(engine: Engine, folder: Path, *, events: bool = True) -> None:
    activities = [json.loads(line) for line in (folder / "activities.jsonl").open()]
    owners = {}
    for item in activities:
        if item["kind"] == "hand_off":
            owners.setdefault(_number(item["contact_id"]), item["rep_id"])
    with engine.begin() as connection:
        _many(connection, Account, _accounts(folder))
        _many(connection, Contact, _contacts(folder, owners))
        _many(connection, Consent, _consents(folder))
        if events:
            _many(connection, Event, _events(folder))
        handoffs = _handoffs(activities)
        _many(connection, Handoff, handoffs)
        _many(connection, SalesAttempt, _attempts(activities, handoffs))
        _many(connection, Conversation, _talks(activities))
        _many(connection, StageTransition, _recycles(activities))
        _many(connection, Opportunity, _deals(folder))


def _many(connection: Any, model: type[Any], rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), _CHUNK):
        connection.execute(insert(model), rows[start : start + _CHUNK])


def _accounts(folder: Path) -> list[dict[str, Any]]:
    table = pq.read_table(folder / "accounts.parquet").to_pylist()
    moment = parse_instant("2025-01-01")
    return [
        {
            "id": row["account"],
            "name": row["name"],
            "domain": row["domain"],
            "industry": row["industry"],
            "employees": row["employees"],
            "revenue": float(row["annual_revenue_eur"]),
            "country": row["country"],
            "attributes": {},
            "created_at": moment,
            "updated_at": moment,
        }
        for row in table
    ]


def _contacts(folder: Path, owners: dict[int, str]) -> list[dict[str, Any]]:
    rows = []
    for row in pq.read_table(folder / "contacts.parquet").to_pylist():
        created = parse_instant(row["created_at"])
        rows.append(
            {
                "id": row["contact"],
                "email": row["email"],
                "first_name": row["first_name"] or None,
                "last_name": row["last_name"] or None,
                "phone": row["phone"] or None,
                "title": row["title"] or None,
                "seniority": row["seniority"] or None,
                "department": row["department"] or None,
                "country": row["country"] or None,
                "company": row["company"] or None,
                "domain": row["email"].rsplit("@", 1)[1],
                "account_id": _number(row["account_id"]) if row["account_id"] else None,
                "source_channel": row["channel"],
                "source_medium": row["utm_medium"] or None,
                "source_campaign": row["utm_campaign"] or None,
                "purchased": row["purchased"],
                "vendor": row["vendor"] or None,
                "identity": "known",
                "owner": owners.get(row["contact"]),
                "attributes": {},
                "created_at": created,
                "updated_at": created,
            }
        )
    return rows


def _consents(folder: Path) -> list[dict[str, Any]]:
    rows = []
    for row in pq.read_table(folder / "contacts.parquet").to_pylist():
        for channel in ("email", "phone"):
            status = row[f"{channel}_consent"]
            if status:
                rows.append(
                    {
                        "contact_id": row["contact"],
                        "channel": channel,
                        "status": status,
                        "source": "demo",
                        "at": parse_instant(row["created_at"]),
                    }
                )
    return rows


def _events(folder: Path) -> list[dict[str, Any]]:
    table = pq.read_table(folder / "events.parquet")
    keys = ("url", "asset", "form", "campaign", "product", "event")
    rows = []
    for row in table.to_pylist():
        if row["contact"] is None:
            continue
        properties = {key: row[key] for key in keys if row[key] is not None}
        rows.append(
            {
                "source": "demo",
                "idempotency_key": f"e{row['seq']:012d}",
                "contact_id": row["contact"],
                "type": row["type"],
                "at": row["at"],
                "properties": properties,
                "received_at": row["at"],
            }
        )
    return rows


def _handoffs(activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for item in activities:
        if item["kind"] != "hand_off":
            continue
        at = parse_instant(item["at"])
        decision = item["decision"]
        rows.append(
            {
                "id": len(rows) + 1,
                "contact_id": _number(item["contact_id"]),
                "owner": item["rep_id"],
                "at": at,
                "due_at": at + SLA,
                "status": decision if decision in ("accepted", "rejected") else "open",
                "answered_at": _when(item.get("decided_at")),
                "reason": item.get("reason"),
            }
        )
    return rows


def _attempts(
    activities: list[dict[str, Any]], handoffs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    latest: dict[int, int] = {}
    for row in handoffs:
        latest[row["contact_id"]] = row["id"]  # the world hands a lead off once
    return [
        {
            "contact_id": _number(item["contact_id"]),
            "handoff_id": latest.get(_number(item["contact_id"])),
            "rep": item["rep_id"],
            "channel": item["channel"],
            "outcome": item["outcome"],
            "at": parse_instant(item["at"]),
        }
        for item in activities
        if item["kind"] == "attempt"
    ]


def _talks(activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "contact_id": _number(item["contact_id"]),
            "rep": item["rep_id"],
            "outcome": item["outcome"],
            "at": parse_instant(item["at"]),
        }
        for item in activities
        if item["kind"] == "conversation"
    ]


def _recycles(activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "contact_id": _number(item["contact_id"]),
            "from_stage": None,
            "to_stage": "nurture",
            "at": parse_instant(item["at"]),
            "actor": item["rep_id"],
            "reason": item["reason"],
        }
        for item in activities
        if item["kind"] == "recycle"
    ]


def _deals(folder: Path) -> list[dict[str, Any]]:
    with (folder / "opportunities.csv").open(newline="") as handle:
        return [
            {
                "contact_id": _number(row["contact_id"]),
                "account_id": _number(row["account_id"]) if row["account_id"] else None,
                "name": row["opportunity_id"],
                "owner": row["rep_id"],
                "status": row["status"],
                "amount": float(row["amount"]) if row["amount"] else None,
                "currency": row["currency"],
                "created_at": parse_instant(row["created_at"]),
                "closed_at": _when(row["closed_at"]),
                "lost_reason": row["lost_reason"] or None,
            }
            for row in csv.DictReader(handle)
        ]
