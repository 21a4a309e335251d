"""What an imported record changes on a stored contact or account."""

from __future__ import annotations

from datetime import UTC, datetime

from leadflow.ingest.record import ConsentClaim, ContactRecord
from leadflow.ingest.updates import account_fills, contact_changes, fold_record, new_contact

EARLY, LATE = datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)


def stored(**values: object) -> dict[str, object]:
    return {"id": 1, "identity": "known", "purchased": False, "attributes": {}, **values}


def test_new_contact_defaults_and_source() -> None:
    record = ContactRecord(2, contact={"email": "a@x.nl"}, attributes={"lifecycle_stage": "mql"})
    values = new_contact(record, 7, "hubspot", LATE)
    assert values == {
        "identity": "known", "purchased": False, "email": "a@x.nl", "created_at": LATE,
        "updated_at": LATE, "account_id": 7,
        "attributes": {"source_system": "hubspot", "lifecycle_stage": "mql"},
    }  # fmt: skip


def test_given_values_replace_and_nothing_else_changes() -> None:
    record = ContactRecord(2, contact={"email": "a@x.nl", "title": "CTO"})
    assert contact_changes(stored(email="a@x.nl", title="Engineer", phone="+31"), record, None) == {
        "title": "CTO"
    }
    assert contact_changes(stored(email="a@x.nl", title="CTO"), record, None) == {}


def test_what_an_import_never_loses() -> None:
    record = ContactRecord(
        2,
        contact={"external_id": "salesforce:1", "identity": "known", "purchased": False,
                 "created_at": LATE},
    )  # fmt: skip
    current = stored(
        external_id="hubspot:9", identity="confirmed", purchased=True, created_at=EARLY
    )
    assert contact_changes(current, record, None) == {}
    earlier = ContactRecord(3, contact={"created_at": EARLY, "purchased": True})
    assert contact_changes(stored(created_at=LATE), earlier, None) == {
        "created_at": EARLY, "purchased": True,
    }  # fmt: skip


def test_attributes_merge_key_by_key_and_the_account_moves() -> None:
    record = ContactRecord(2, attributes={"lead_status": "working"})
    current = stored(attributes={"lead_status": "new", "city": "Oslo"}, account_id=3)
    assert contact_changes(current, record, 4) == {
        "attributes": {"lead_status": "working", "city": "Oslo"},
        "account_id": 4,
    }


def test_accounts_are_only_filled() -> None:
    row = {"id": 1, "domain": "acme.nl", "name": "Acme", "industry": None, "employees": 0}
    facts = {"domain": "acme.nl", "name": "ACME B.V.", "industry": "Retail", "employees": 50}
    assert account_fills(row, facts) == {"industry": "Retail"}


def test_folding_a_later_row_about_the_same_person() -> None:
    first = ContactRecord(2, contact={"email": "a@x.nl", "title": "Engineer",
                                      "external_id": "hubspot:1"},
                          account={"domain": "x.nl", "name": "X"},
                          consents=[ConsentClaim("email", "granted")])  # fmt: skip
    withdrawn = [ConsentClaim("email", "withdrawn")]
    later = ContactRecord(5, contact={"email": "a@x.nl", "title": "CTO",
                                      "external_id": "hubspot:2"},
                          account={"domain": "x.nl", "name": "X Corp", "industry": "IT"},
                          consents=withdrawn, changed_at=LATE)  # fmt: skip
    fold_record(first, later)
    assert first.contact == {"email": "a@x.nl", "title": "CTO", "external_id": "hubspot:1"}
    assert first.account == {"domain": "x.nl", "name": "X", "industry": "IT"}
    assert [claim.status for claim in first.consents] == ["granted", "withdrawn"]
    assert first.changed_at == LATE
