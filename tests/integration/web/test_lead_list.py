"""The leads list pages by key: every sort and filter, ties, merged contacts, bad cursors."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from leadflow.services.lead_list import LeadFilter, LeadSort, list_leads
from leadflow.services.refusals import InvalidInputError
from leadflow.store.models import Contact, Qualification

STAGES = ("lead", "mql", "sql")


def _people(session: Session, now: datetime, count: int, seed: int = 5) -> list[dict[str, Any]]:
    """``count`` contacts with qualifications; scores repeat so that sorts have ties."""
    rng = random.Random(seed)
    contacts, qualifications = [], []
    for n in range(1, count + 1):
        contacts.append(
            {
                "id": n,
                "email": f"p{n:04d}@d{n % 7}.example",
                "domain": f"d{n % 7}.example",
                "owner": rng.choice(["r1", "r2", None]),
                "source_channel": rng.choice(["linkedin", "events"]),
                "identity": "known",
                "purchased": False,
                "attributes": {},
                "created_at": now,
                "updated_at": now,
            }
        )
        qualifications.append(
            {
                "contact_id": n,
                "stage": rng.choice(STAGES),
                "fit_score": float(rng.choice([0, 25, 50, 75])),
                "fit_grade": rng.choice("ABCD"),
                "engagement_score": round(rng.uniform(-5, 20), 1),
                "temperature": rng.choice(["hot", "cold", "unknown"]),
                "lead_type": rng.choice(["mql", "srl", "none"]),
                "sales_ready": False,
                "state": {},
                # Everyone qualified at one moment, as after a rescore: the list's last
                # activity is the lead's own.
                "qualified_at": now,
                "last_activity_at": now - timedelta(hours=rng.randrange(0, 48)),
                "updated_at": now,
            }
        )
    session.execute(insert(Contact), contacts)
    session.execute(insert(Qualification), qualifications)
    session.flush()
    return [{**c, **q} for c, q in zip(contacts, qualifications, strict=True)]


_KEYS = {
    LeadSort.ACTIVITY: "last_activity_at",
    LeadSort.ENGAGEMENT: "engagement_score",
    LeadSort.FIT: "fit_score",
    LeadSort.CONTACT: "contact_id",
}


def _walk(session: Session, where: LeadFilter, sort: LeadSort, descending: bool) -> list[int]:
    seen: list[int] = []
    cursor = None
    while True:
        page = list_leads(session, where, sort=sort, descending=descending, cursor=cursor, limit=7)
        seen.extend(row.contact_id for row in page.rows)
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


@pytest.mark.parametrize("sort", list(LeadSort))
@pytest.mark.parametrize("descending", [True, False])
def test_paging_by_key_visits_each_lead_once_in_order(
    session: Session, now: datetime, sort: LeadSort, descending: bool
) -> None:
    people = _people(session, now, 60)
    expected = sorted(people, key=lambda p: (p[_KEYS[sort]], p["contact_id"]), reverse=descending)

    assert _walk(session, LeadFilter(), sort, descending) == [p["contact_id"] for p in expected]


def test_filters_keep_only_what_matches_all_of_them(session: Session, now: datetime) -> None:
    people = _people(session, now, 80)
    where = LeadFilter(stage="mql", temperature="hot", owner="r1")
    since = now - timedelta(hours=24)
    dated = LeadFilter(source="events", active_from=since, active_to=now)

    def matching(test: Any) -> set[int]:
        return {p["contact_id"] for p in people if test(p)}

    assert set(_walk(session, where, LeadSort.FIT, True)) == matching(
        lambda p: (p["stage"], p["temperature"], p["owner"]) == ("mql", "hot", "r1")
    )
    assert set(_walk(session, dated, LeadSort.ENGAGEMENT, True)) == matching(
        lambda p: p["source_channel"] == "events" and since <= p["last_activity_at"] < now
    )
    grades = LeadFilter(grade="A", lead_type="srl")
    assert set(_walk(session, grades, LeadSort.ACTIVITY, False)) == matching(
        lambda p: p["fit_grade"] == "A" and p["lead_type"] == "srl"
    )


def test_search_finds_an_address_prefix_a_domain_or_a_number(
    session: Session, now: datetime
) -> None:
    _people(session, now, 30)

    def found(text: str) -> list[int]:
        return _walk(session, LeadFilter(search=text), LeadSort.CONTACT, False)

    assert found("p0012") == [12]
    assert found("P001") == list(range(10, 20))  # addresses are stored lower case
    assert found("d3.example") == [3, 10, 17, 24]
    assert found("25") == [25]
    assert found("nobody") == []


def test_merged_contacts_are_not_listed(session: Session, now: datetime) -> None:
    _people(session, now, 5)
    session.get_one(Contact, 2).merged_into_id = 1
    session.flush()

    assert _walk(session, LeadFilter(), LeadSort.CONTACT, False) == [1, 3, 4, 5]


def test_a_broad_filter_pages_correctly_when_its_index_is_skipped(
    session: Session, now: datetime
) -> None:
    """Over 2,000 matches: SQLite walks the sort's index instead (lead_list._BROAD)."""
    people = _people(session, now, 2300, seed=9)
    expected = sorted(
        (p for p in people if p["source_channel"] == "linkedin"),
        key=lambda p: (p["engagement_score"], p["contact_id"]),
        reverse=True,
    )[:7]
    page = list_leads(session, LeadFilter(source="linkedin"), sort=LeadSort.ENGAGEMENT, limit=7)

    assert [row.contact_id for row in page.rows] == [p["contact_id"] for p in expected]


@pytest.mark.parametrize("cursor", ["not-base64!", "YWJj", "Zml0fDEuMHwy"])
def test_a_cursor_this_list_did_not_make_is_refused(
    session: Session, now: datetime, cursor: str
) -> None:
    _people(session, now, 3)
    with pytest.raises(InvalidInputError, match="not valid for this list"):
        list_leads(session, LeadFilter(), sort=LeadSort.ENGAGEMENT, cursor=cursor)
