"""The schema is made by the migrations alone, agrees with the models, and goes both ways."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, delete, func, insert, inspect, select
from sqlalchemy.orm import Session

from leadflow.store.migrate import current, downgrade, head, upgrade
from leadflow.store.models import (
    Account,
    AccountExternalId,
    Base,
    Consent,
    ConsentDecision,
    Contact,
    Conversation,
    Event,
    Handoff,
    PredictionModel,
    PredictionModelActivation,
    Qualification,
    SalesAttempt,
)


def _schema_diff(engine: Engine) -> list[object]:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def _tables(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    assert current(engine) == head()
    assert _schema_diff(engine) == []


def test_downgrade_to_base_removes_every_table_and_upgrade_restores_them(engine: Engine) -> None:
    downgrade(engine, "base")

    assert current(engine) is None
    assert _tables(engine) <= {"alembic_version"}

    upgrade(engine)

    assert current(engine) == head()
    assert _tables(engine) >= set(Base.metadata.tables)
    assert _schema_diff(engine) == []


def test_an_unmigrated_schema_differs_from_the_models(engine: Engine) -> None:
    # The comparison above must be able to fail: without the tables it reports them all.
    downgrade(engine, "base")

    assert len(_schema_diff(engine)) >= len(Base.metadata.tables)


def test_0008_opens_a_period_for_the_model_active_before_it_and_goes_back(engine: Engine) -> None:
    downgrade(engine, "0007")
    activated = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with engine.begin() as connection:
        for number, active in ((1, False), (2, True)):
            connection.execute(
                insert(PredictionModel).values(
                    digest=f"{number:064d}", version=number, source="models", learner="lr",
                    card={}, model=b"pickle", active=active, created_at=activated,
                    activated_at=activated + timedelta(days=number), activated_by="ana",
                )
            )  # fmt: skip

    upgrade(engine)

    with Session(engine) as session:
        [period] = session.scalars(select(PredictionModelActivation))
        model = session.get(PredictionModel, period.model_id)
        assert model is not None
        assert (model.version, period.activated_at, period.activated_by) == (
            2,
            activated + timedelta(days=2),
            "ana",
        )
        assert period.deactivated_at is None
    downgrade(engine, "0007")
    assert "prediction_model_activations" not in _tables(engine)
    assert "prediction_models" in _tables(engine)
    upgrade(engine)
    assert _schema_diff(engine) == []


def test_0009_gives_owners_from_hand_offs_and_last_activity_from_the_store(
    engine: Engine,
) -> None:
    downgrade(engine, "0008")
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    rescored = at + timedelta(days=30)
    with engine.begin() as connection:
        for number in (1, 2, 3):
            connection.execute(
                insert(Contact).values(id=number, email=f"p{number}@x.example", owner="crm",
                                       created_at=at - timedelta(days=number), updated_at=at)
            )  # fmt: skip
            connection.execute(
                insert(Qualification).values(contact_id=number, state={}, qualified_at=rescored,
                                             updated_at=rescored)
            )  # fmt: skip
        connection.execute(
            insert(Event).values(contact_id=1, source="t", type="page_view", at=at,
                                 properties={}, received_at=at)
        )  # fmt: skip
        talked = at + timedelta(days=2)
        connection.execute(insert(Conversation).values(contact_id=1, at=talked))
        connection.execute(
            insert(SalesAttempt).values(contact_id=2, channel="call", outcome="no_answer", at=at)
        )
        for owner, day in (("eva", 1), ("piet", 2), (None, 3)):  # the latest names piet
            connection.execute(
                insert(Handoff).values(contact_id=1, owner=owner, at=at + timedelta(days=day),
                                       status="open")
            )  # fmt: skip
        connection.execute(insert(Handoff).values(contact_id=2, owner="eva", at=at, status="open"))

    upgrade(engine)

    with Session(engine) as session:
        owners = dict(list(session.execute(select(Contact.id, Contact.owner)).tuples()))
        moments = select(Qualification.contact_id, Qualification.last_activity_at)
        active = dict(list(session.execute(moments).tuples()))
    assert owners == {1: "crm", 2: "eva", 3: "crm"}
    assert active == {1: talked, 2: at, 3: at - timedelta(days=3)}  # 3: when it was created
    assert _schema_diff(engine) == []
    downgrade(engine, "0008")
    upgrade(engine)
    assert _schema_diff(engine) == []


def test_0012_starts_the_consent_history_with_the_decisions_in_force(engine: Engine) -> None:
    downgrade(engine, "0011")
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            insert(Contact).values(id=1, email="p@x.example", created_at=at, updated_at=at)
        )
        for channel, status in (("email", "withdrawn"), ("phone", "granted")):
            connection.execute(
                insert(Consent).values(contact_id=1, channel=channel, status=status,
                                       source="import:hubspot", at=at)
            )  # fmt: skip

    upgrade(engine)

    with Session(engine) as session:
        decisions = session.execute(
            select(ConsentDecision.channel, ConsentDecision.status, ConsentDecision.at,
                   ConsentDecision.source, ConsentDecision.recorded_at)
            .order_by(ConsentDecision.channel)
        ).all()  # fmt: skip
    assert [tuple(row) for row in decisions] == [
        ("email", "withdrawn", at, "import:hubspot", None),
        ("phone", "granted", at, "import:hubspot", None),
    ]
    downgrade(engine, "0011")
    assert "consent_history" not in _tables(engine)
    upgrade(engine)
    assert _schema_diff(engine) == []


def test_0013_rebuilds_contacts_without_losing_what_refers_to_them(engine: Engine) -> None:
    downgrade(engine, "0012")
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with engine.begin() as connection:
        first, second = (
            connection.execute(
                insert(Contact).returning(Contact.id),
                {"email": f"p{number}@x.example", "purchased": False, "identity": "known",
                 "attributes": {}, "created_at": at, "updated_at": at},
            ).scalar_one()
            for number in (1, 2)
        )  # fmt: skip
        connection.execute(
            insert(Event).values(contact_id=first, source="t", type="page_view", at=at,
                                 properties={}, received_at=at)
        )  # fmt: skip
        connection.execute(insert(Consent).values(contact_id=second, channel="email",
                                                  status="granted", at=at))  # fmt: skip

    upgrade(engine)

    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Event)) == 1
        assert session.scalar(select(func.count()).select_from(Consent)) == 1
        session.execute(delete(Contact).where(Contact.id == second))  # the newest goes
        session.add(Contact(email="p3@x.example", attributes={}, created_at=at, updated_at=at))
        session.commit()
        ids = list(session.scalars(select(Contact.id).order_by(Contact.id)))
    assert ids[0] == first
    assert ids[1] > second  # the erased id is not given out again
    assert _schema_diff(engine) == []
    downgrade(engine, "0012")
    upgrade(engine)
    assert _schema_diff(engine) == []


def test_0017_moves_account_ids_per_system_and_back(engine: Engine) -> None:
    downgrade(engine, "0016")
    at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    ids = {1: "1234", 2: "0015g00000AbCdE", 3: "1234", 4: None, 5: "0015g00000AbCdEAAA"}
    with engine.begin() as connection:
        for account_id, external in ids.items():
            attributes = {"tier": "gold"} | ({"external_id": external} if external else {})
            connection.execute(
                insert(Account).values(id=account_id, name=f"a{account_id}",
                                       attributes=attributes, created_at=at, updated_at=at)
            )  # fmt: skip

    upgrade(engine)

    with Session(engine) as session:
        moved = session.execute(
            select(AccountExternalId.account_id, AccountExternalId.system,
                   AccountExternalId.external_id).order_by(AccountExternalId.account_id)
        ).all()  # fmt: skip
        attributes = dict(session.execute(select(Account.id, Account.attributes)).tuples().all())
    assert [tuple(row) for row in moved] == [
        (1, "generic", "1234"),
        (2, "salesforce", "0015g00000AbCdEAAV"),  # its 18-character form
        (5, "generic", "0015g00000AbCdEAAA"),  # shaped like Salesforce's, but does not check
    ]
    assert attributes[1] == attributes[2] == attributes[4] == {"tier": "gold"}
    assert attributes[3] == {"tier": "gold", "external_id": "1234"}  # account 1 holds it
    with engine.begin() as connection:
        connection.execute(
            insert(AccountExternalId).values(account_id=1, system="hubspot", external_id="77")
        )

    downgrade(engine, "0016")

    assert "account_ids" not in _tables(engine)
    with Session(engine) as session:
        back = dict(session.execute(select(Account.id, Account.attributes)).tuples().all())
    assert back[1] == {"tier": "gold", "external_id": "1234"}  # generic's, over hubspot's
    assert back[2] == {"tier": "gold", "external_id": "0015g00000AbCdEAAV"}
    assert back[4] == {"tier": "gold"}
    upgrade(engine)
    assert _schema_diff(engine) == []
