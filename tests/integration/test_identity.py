"""Identity: duplicates listing, merge with survivorship and re-pointing, and the exact undo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from leadflow.cli import app
from leadflow.domain.clock import FixedClock
from leadflow.ingest.formats import get_format
from leadflow.services.events import IncomingEvent, Recorded, record_event
from leadflow.services.identity import find_duplicates, merge_contacts, scan_duplicates, unmerge
from leadflow.services.import_contacts import ImportOptions, import_contacts
from leadflow.services.refusals import ConflictError, NotFoundError
from leadflow.store.database import writer
from leadflow.store.models import (
    Account,
    BantFact,
    Consent,
    Contact,
    Conversation,
    Event,
    Merge,
    Opportunity,
    Qualification,
    SalesAttempt,
    StageTransition,
    Visitor,
)
from leadflow.store.models.api import OutboxMessage

T0 = datetime(2025, 1, 1, tzinfo=UTC)
NOW = datetime(2025, 6, 1, tzinfo=UTC)
runner = CliRunner()

# Everything about a person, per table; compared before the merge and after the undo.
ABOUT_PEOPLE = (Event, StageTransition, BantFact, SalesAttempt, Conversation, Opportunity,
                Visitor, Consent)  # fmt: skip


def person(session: Session, email: str | None, **values: Any) -> Contact:
    values.setdefault("attributes", {})
    contact = Contact(email=email, created_at=T0, updated_at=T0, **values)
    session.add(contact)
    session.flush()
    return contact


def history(session: Session, contact: Contact, tag: str, consent: str, at: datetime) -> None:
    """Events, a transition, BANT, sales contact, a visitor and consent for ``contact``."""
    cid = contact.id
    session.add_all([
        Event(source="web", idempotency_key=f"{tag}-1", contact_id=cid, type="page_view",
              at=at, properties={"url": "/pricing"}, received_at=at),
        Event(source="web", idempotency_key=f"{tag}-2", contact_id=cid, type="demo_request",
              at=at + timedelta(hours=1), properties={}, received_at=at),
        StageTransition(contact_id=cid, from_stage=None, to_stage="lead", at=at),
        BantFact(contact_id=cid, criterion="need", met=True, evidence=tag, at=at),
        SalesAttempt(contact_id=cid, channel="call", outcome="no_answer", at=at),
        Conversation(contact_id=cid, rep="Sanne", outcome="interested", at=at),
        Opportunity(contact_id=cid, status="open", amount=1000.0, created_at=at),
        Visitor(id=f"v-{tag}", contact_id=cid, first_seen_at=at, last_seen_at=at),
        Consent(contact_id=cid, channel="email", status=consent, source="test", at=at),
        Qualification(contact_id=cid, stage="lead", definition_version_id=None,
                      qualified_at=at, last_activity_at=at, updated_at=at, state={}),
    ])  # fmt: skip
    session.flush()


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, int | None]]]:
    """Which contact every row about a person belongs to."""
    with Session(engine) as session:
        return {
            model.__tablename__: sorted(
                (row.id, row.contact_id) for row in session.scalars(select(model))
            )
            for model in ABOUT_PEOPLE
        }


def contact_row(engine: Engine, contact_id: int) -> dict[str, Any]:
    table = Contact.__table__
    with engine.connect() as connection:
        row = connection.execute(select(table).where(table.c.id == contact_id)).mappings().one()
        return dict(row)


@pytest.fixture
def pair(engine: Engine) -> tuple[int, int]:
    """Ann bought from a list (HubSpot), and the same Ann from Salesforce, more trusted."""
    with Session(engine) as session:
        hubspot = {"source_system": "hubspot", "lifecycle_stage": "lead"}
        ann = person(session, "ann@acme.example", first_name="Ann", last_name="Visser",
                     company="Acme", domain="acme.example", title="Engineer",
                     purchased=True, attributes=hubspot)  # fmt: skip
        twin = person(session, "a.visser@acme.example", first_name="Ann", last_name="Visser",
                      company="Acme BV", domain="acme.example", title="CTO",
                      phone="+31201234567", external_id="salesforce:00Q1",
                      identity="confirmed",
                      attributes={"source_system": "salesforce", "lifecycle_stage": "mql",
                                  "score": 40})  # fmt: skip
        twin.updated_at = T0 + timedelta(days=30)
        history(session, ann, "ann", "granted", T0)
        history(session, twin, "twin", "withdrawn", T0 + timedelta(days=10))
        session.commit()
        return ann.id, twin.id


def test_merge_then_unmerge_restores_everything(engine: Engine, pair: tuple[int, int]) -> None:
    ann, twin = pair
    before = snapshot(engine)
    ann_before, twin_before = contact_row(engine, ann), contact_row(engine, twin)
    with engine.begin() as connection:
        merge_id = merge_contacts(connection, ann, twin, now=NOW, actor="test", reason="same")

    merged = snapshot(engine)
    # Consent is decided per channel (the merged contact's row stays); the rest moves.
    moved = [owner for table, rows in merged.items() if table != "consents" for _, owner in rows]
    assert len(moved) == 16  # 2 contacts x (2 events + 6 other rows)
    assert set(moved) == {ann}
    survivor = contact_row(engine, ann)
    assert survivor["email"] == "ann@acme.example"  # the survivor's own
    assert survivor["title"] == "CTO"  # Salesforce is trusted over a purchased record
    assert survivor["phone"] == "+31201234567"  # filled from the merged contact
    assert survivor["external_id"] == "salesforce:00Q1"
    assert survivor["purchased"] is True  # a purchased origin stays visible
    assert survivor["identity"] == "confirmed"
    assert survivor["attributes"]["lifecycle_stage"] == "mql"
    assert survivor["attributes"]["score"] == 40
    assert contact_row(engine, twin)["merged_into_id"] == ann
    assert contact_row(engine, twin)["external_id"] is None  # freed for the survivor
    with Session(engine) as session:
        consent = session.scalars(select(Consent).where(Consent.contact_id == ann)).one()
        assert consent.status == "withdrawn"  # the later decision
        [record] = session.scalars(select(Merge)).all()
        assert (record.survivor_id, record.merged_id, record.actor) == (ann, twin, "test")
        [message] = session.scalars(select(OutboxMessage)).all()
        assert message.kind == "contact.merged"
        assert message.payload["merge_id"] == merge_id
        assert session.get(Qualification, ann).definition_version_id is None  # rebuilt next

    with engine.begin() as connection:
        result = unmerge(connection, merge_id, now=NOW + timedelta(hours=1))
    assert result.kept == []
    assert snapshot(engine) == before
    ignored = {"updated_at"}
    restored = contact_row(engine, ann)
    assert {k: v for k, v in restored.items() if k not in ignored} == {
        k: v for k, v in ann_before.items() if k not in ignored
    }
    twin_after = contact_row(engine, twin)
    assert {k: v for k, v in twin_after.items() if k not in ignored} == {
        k: v for k, v in twin_before.items() if k not in ignored
    }
    with Session(engine) as session:
        consent = session.scalars(select(Consent).where(Consent.contact_id == ann)).one()
        assert consent.status == "granted"
        assert session.scalars(select(Merge)).one().undone_at is not None


def test_a_value_changed_after_the_merge_is_kept_on_unmerge(
    engine: Engine, pair: tuple[int, int]
) -> None:
    ann, twin = pair
    with engine.begin() as connection:
        merge_id = merge_contacts(connection, ann, twin, now=NOW)
    with Session(engine) as session:
        session.get_one(Contact, ann).title = "Chief Technology Officer"
        session.commit()
    with engine.begin() as connection:
        result = unmerge(connection, merge_id, now=NOW)
    assert "title" in result.kept
    assert contact_row(engine, ann)["title"] == "Chief Technology Officer"
    assert contact_row(engine, ann)["phone"] is None  # restored: it was the merge's doing


def test_merge_refusals(engine: Engine, pair: tuple[int, int]) -> None:
    ann, twin = pair
    with engine.begin() as connection:
        with pytest.raises(ConflictError, match="into itself"):
            merge_contacts(connection, ann, ann, now=NOW)
        with pytest.raises(NotFoundError, match="no contact with id 999999"):
            merge_contacts(connection, ann, 999999, now=NOW)
        merge_id = merge_contacts(connection, ann, twin, now=NOW)
        with pytest.raises(ConflictError, match="already merged into contact"):
            merge_contacts(connection, twin, ann, now=NOW)
        unmerge(connection, merge_id, now=NOW)
        with pytest.raises(ConflictError, match="already undone"):
            unmerge(connection, merge_id, now=NOW)
        with pytest.raises(NotFoundError, match="no merge"):
            unmerge(connection, 999999, now=NOW)


def test_import_after_a_merge_reaches_the_survivor(
    engine: Engine, pair: tuple[int, int], tmp_path: Path
) -> None:
    ann, twin = pair
    with engine.begin() as connection:
        merge_contacts(connection, ann, twin, now=NOW)
    path = tmp_path / "later.csv"
    path.write_text("email,department\na.visser@acme.example,engineering\n", encoding="utf-8")
    summary = import_contacts(
        engine, path, ImportOptions(get_format("generic")), clock=FixedClock(NOW)
    )
    assert (summary.created, summary.updated) == (0, 1)
    assert contact_row(engine, ann)["department"] == "engineering"
    assert contact_row(engine, twin)["email"] == "a.visser@acme.example"  # still its own


def test_duplicates_are_listed_with_a_score(engine: Engine, pair: tuple[int, int]) -> None:
    ann, twin = pair
    with Session(engine) as session:
        person(session, "bo@other.example", first_name="Bo", last_name="Berg", company="Other")
        session.commit()
    with engine.connect() as connection:
        [found] = find_duplicates(connection, min_score=90)
    assert (found.candidate.first, found.candidate.second) == (ann, twin)
    assert found.candidate.score == 100.0
    assert found.first["name"] == "Ann Visser"
    with engine.begin() as connection:
        merge_contacts(connection, ann, twin, now=NOW)
    with engine.connect() as connection:
        assert find_duplicates(connection, min_score=50) == []  # merged contacts are out


def test_cli_duplicates_merge_unmerge(
    database_url: str, engine: Engine, pair: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    ann, twin = pair
    listed = runner.invoke(app, ["duplicates", "--min-score", "95"])
    assert listed.exit_code == 0, listed.output
    assert listed.output.startswith(
        f"100.0  {ann} Ann Visser <ann@acme.example> (Acme)  =  "
        f"{twin} Ann Visser <a.visser@acme.example> (Acme BV)  [name 100, same domain acme.example"
    )
    merged = runner.invoke(app, ["merge", str(ann), str(twin), "--reason", "same person"])
    assert merged.exit_code == 0, merged.output
    with Session(engine) as session:
        merge_id = session.scalars(select(Merge.id)).one()
    assert f"merged contact {twin} into {ann} (merge {merge_id})" in merged.output
    again = runner.invoke(app, ["merge", str(ann), str(twin)])
    assert again.exit_code == 1
    assert "already merged" in again.output
    undone = runner.invoke(app, ["unmerge", str(merge_id)])
    assert undone.exit_code == 0, undone.output
    assert f"contact {twin} is separate from {ann} again" in undone.output
    assert runner.invoke(app, ["unmerge", "424242"]).exit_code == 1


def test_a_common_name_is_counted_not_held_and_the_listing_says_what_was_windowed(
    database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """600 contacts called Jan Jansen at one company: every pair that meets scores 100.
    Only --limit pairs are listed (and held); the rest are counted, each pair once though
    it meets in two blocks (the domain and the name), and the output says the blocks were
    compared in windows."""
    with Session(engine) as session:
        for n in range(600):
            person(session, f"jan{n}@acme.example", first_name="Jan", last_name="Jansen",
                   company="Acme", domain="acme.example")  # fmt: skip
        session.commit()
    # Half-windows of 250, 250 and 100: pairs within one, and between neighbouring ones.
    meeting = 2 * (250 * 249 // 2) + 100 * 99 // 2 + 250 * 250 + 250 * 100
    with engine.connect() as connection:
        listing = scan_duplicates(connection, min_score=90, limit=3)
    assert (len(listing.pairs), listing.total) == (3, meeting)
    assert [pair.candidate.score for pair in listing.pairs] == [100.0, 100.0, 100.0]
    assert (listing.windowed_blocks, listing.largest_block) == (2, 600)
    assert [(c.name, c.people) for c in listing.common_names] == [("jan jansen", 600)]
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    listed = runner.invoke(app, ["duplicates", "--limit", "3"])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[3] == f"... and {meeting - 3:,} more (raise --limit)"
    assert "2 groups of more than 500 contacts (largest 600)" in lines[4]
    assert lines[5].endswith("compared only with namesakes near them in company order: "
                             "jan jansen (600)")  # fmt: skip


def _qualification(engine: Engine, contact_id: int) -> Qualification:
    with Session(engine) as session:
        found = session.get(Qualification, contact_id)
        assert found is not None
        return found


def test_merge_requalifies_the_survivor_and_unmerge_both(engine: Engine) -> None:
    """A fitting buyer who only browsed, and her other address that asked for a demo: one
    person, so the merged history makes her sales-ready at once; the undo separates the
    histories again (her stage stays: the lifecycle never moves back)."""
    from tests.integration.services.conftest import START, activate

    clock = FixedClock(START)
    with Session(engine) as session:
        active = activate(session)
        account = Account(
            name="Acme", industry="software", employees=200, country="NL", revenue=2e7,
            attributes={}, created_at=START, updated_at=START,
        )  # fmt: skip
        session.add(account)
        session.flush()
        person(session, "ann@acme.example", seniority="director", department="marketing",
               account_id=account.id, identity="known")  # fmt: skip
        session.commit()
        browsed = IncomingEvent("page_view", START, key="e1", email="ann@acme.example",
                                properties={"url": "/pricing"})  # fmt: skip
        asked = IncomingEvent("demo_request", START + timedelta(hours=2), key="e2",
                              email="a.visser@home.example")  # fmt: skip
        for event in (browsed, asked):
            assert isinstance(record_event(session, event, clock=clock, active=active), Recorded)
        ann, twin = session.scalars(select(Contact.id).order_by(Contact.id)).all()
    before = _qualification(engine, ann)
    assert (before.stage, before.fit_grade, before.sales_ready) == ("lead", "A", False)

    with writer(engine).begin() as connection:
        merge_id = merge_contacts(connection, ann, twin, now=NOW)

    merged = _qualification(engine, ann)
    assert (merged.stage, merged.sales_ready, merged.lead_type) == ("sql", True, "srl")
    assert merged.definition_version_id == active.version_id  # rebuilt, not left stale
    assert merged.engagement_score > before.engagement_score
    with Session(engine) as session:
        move = session.scalars(
            select(StageTransition).where(StageTransition.contact_id == ann)
            .order_by(StageTransition.id.desc())
        ).first()  # fmt: skip
        assert move is not None
        assert (move.from_stage, move.to_stage, move.event_id) == ("lead", "sql", None)
        kinds = session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.created_at))
        assert {"contact.merged", "stage.changed", "lead.sales_ready"} <= set(kinds)

    with writer(engine).begin() as connection:
        result = unmerge(connection, merge_id, now=NOW + timedelta(hours=1))

    assert result.requalified
    ann_after, twin_after = _qualification(engine, ann), _qualification(engine, twin)
    assert (ann_after.stage, ann_after.sales_ready) == ("sql", False)
    assert ann_after.engagement_score == before.engagement_score  # her own history again
    assert (twin_after.stage, twin_after.sales_ready) == ("lead", False)
    assert twin_after.definition_version_id == active.version_id
