"""The suppression list over HTTP: an erased person is not re-created by the API or an
event, their own form post brings them back, and admins list, check and lift."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from leadflow.services.form_config import FormsConfig, FormSpec
from leadflow.store.models import (
    Contact,
    Event,
    FormConfirmation,
    OutboxMessage,
    Suppression,
    Visitor,
)

Headers = Callable[[str], dict[str, str]]
ANA = "ana.gil@acme.example"
SUPPRESSED = "https://leadflow.dev/problems/suppressed"


@pytest.fixture
def forms() -> FormsConfig:
    fields = {"email": "email", "phone": "phone"}
    trial = {"email": "email", "first": "first_name", "company": "company", "tel": "phone",
             "land": "country"}  # fmt: skip
    return FormsConfig(
        forms={
            "demo": FormSpec(event="demo_request", fields=fields),
            "trial": FormSpec(event="trial_signup", fields=trial, double_opt_in=True),
        }
    )


def _erased(client: TestClient, headers: Headers, email: str = ANA, **extra: str) -> dict:
    body = {"email": email, "phone": "+31 20 123 4567", **extra}
    made = client.post("/contacts", json=body, headers=headers("marketing"))
    assert made.status_code == 201, made.text
    erased = client.delete(f"/contacts/{made.json()['id']}", headers=headers("admin"))
    assert erased.status_code == 200, erased.text
    report: dict = erased.json()
    return report


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_erasure_suppresses_the_address_and_phone(
    client: TestClient, headers: Headers, api_engine: Engine
) -> None:
    report = _erased(client, headers)

    assert report["suppressed"] == 2  # the address and the phone
    with Session(api_engine) as session:
        rows = session.scalars(select(Suppression).order_by(Suppression.kind)).all()
    assert [(row.kind, row.reason) for row in rows] == [("email", "erasure"), ("phone", "erasure")]
    assert all(ANA not in row.digest and len(row.digest) == 64 for row in rows)


def test_the_api_refuses_to_create_an_erased_person_with_a_stable_type(
    client: TestClient, headers: Headers, api_engine: Engine
) -> None:
    _erased(client, headers)

    created = client.post("/contacts", json={"email": "ANA.GIL@acme.example"},
                          headers=headers("marketing"))  # fmt: skip
    upserted = client.put("/contacts", json={"email": ANA}, headers=headers("marketing"))
    with_phone = client.post("/contacts", json={"email": ANA, "phone": "+31 20 999 0000"},
                             headers=headers("marketing"))  # fmt: skip

    for reply in (created, upserted, with_phone):
        assert reply.status_code == 409, reply.text
        assert reply.headers["content-type"].startswith("application/problem+json")
        assert reply.json()["type"] == SUPPRESSED
        assert ANA not in reply.json()["detail"]
    assert _count(api_engine, Contact) == 0


def test_an_event_for_an_erased_address_is_acknowledged_and_stores_nothing(
    client: TestClient, headers: Headers, api_engine: Engine
) -> None:
    _erased(client, headers)
    event = {"type": "demo_request", "email": ANA, "visitor_id": "v-9"}

    single = client.post("/events", json=event, headers=headers("ingest"))
    batch = client.post(
        "/events/batch",
        json={"events": [event, {"type": "page_view", "email": "new@acme.example"}]},
        headers=headers("ingest"),
    )

    assert single.status_code == 202, single.text
    assert single.json()["status"] == "suppressed"
    assert single.json()["contact_id"] is None
    counts = batch.json()
    assert (counts["stored"], counts["suppressed"]) == (1, 1)
    assert [r["status"] for r in counts["results"]] == ["suppressed", "stored"]
    with Session(api_engine) as session:
        assert session.scalars(select(Contact.email)).all() == ["new@acme.example"]
        assert session.scalar(select(func.count()).select_from(Event)) == 1
        assert session.scalar(select(func.count()).select_from(Visitor)) == 0


def test_their_own_form_post_lifts_the_suppression_on_record(
    client: TestClient, headers: Headers, api_engine: Engine
) -> None:
    _erased(client, headers)

    reply = client.post("/forms/demo", json={"email": ANA})

    assert reply.status_code == 202, reply.text
    assert reply.json()["contact_id"] is not None
    with Session(api_engine) as session:
        email_row = session.scalar(select(Suppression).where(Suppression.kind == "email"))
        phone_row = session.scalar(select(Suppression).where(Suppression.kind == "phone"))
    assert email_row is not None
    assert phone_row is not None
    assert email_row.lifted_by == "form:demo"
    assert email_row.lifted_at is not None
    assert phone_row.lifted_at is None  # the form gave no phone: that stays suppressed
    again = client.put("/contacts", json={"email": ANA, "title": "CTO"},
                       headers=headers("marketing"))  # fmt: skip
    assert again.status_code == 200  # held again: an update, no suppression asked


def _links(engine: Engine) -> list[dict]:
    with Session(engine) as session:
        found = session.scalars(
            select(OutboxMessage.payload)
            .where(OutboxMessage.kind == "form.confirmation_requested")
            .order_by(OutboxMessage.id)
        )
        return [dict(payload) for payload in found]


def test_with_double_opt_in_their_address_comes_back_only_when_the_link_is_followed(
    client: TestClient, headers: Headers, api_engine: Engine
) -> None:
    """Anyone can type an erased person's address into a form: until the link sent to it
    is followed, nobody is created, nothing is lifted, and of the post only what the
    confirmation needs is kept (its address, form and moment; no name, no visitor)."""
    _erased(client, headers)
    post = {"email": "Ana.Gil@acme.example", "first": "Ana", "company": "Acme",
            "visitor_id": "v-77"}  # fmt: skip

    posted = client.post("/forms/trial", json=post)

    assert posted.status_code == 202, posted.text
    assert posted.json() == {"accepted": True, "contact_id": None, "stage": None,
                             "confirmation_sent": True}  # fmt: skip
    [link] = _links(api_engine)
    assert (link["contact_id"], link["email"], link["form"]) == (None, ANA, "trial")
    with Session(api_engine) as session:
        [pending] = session.scalars(select(FormConfirmation)).all()
        in_force = session.scalars(select(Suppression).where(Suppression.lifted_at.is_(None)))
        assert len(in_force.all()) == 2
    assert (pending.contact_id, pending.pending_email, pending.form_id) == (None, ANA, "trial")
    assert (_count(api_engine, Contact), _count(api_engine, Event)) == (0, 0)
    assert _count(api_engine, Visitor) == 0
    refused = client.post("/contacts", json={"email": ANA}, headers=headers("marketing"))
    assert refused.status_code == 409  # still suppressed for the company's data

    followed = client.get(link["confirm_url"].removeprefix("http://testserver"))

    assert followed.status_code == 200, followed.text
    contact_id = followed.json()["contact_id"]
    with Session(api_engine) as session:
        contact = session.get(Contact, contact_id)
        assert contact is not None
        assert (contact.email, contact.identity, contact.first_name) == (ANA, "confirmed", None)
        types = session.scalars(select(Event.type).order_by(Event.id)).all()
        email_row = session.scalar(select(Suppression).where(Suppression.kind == "email"))
        row = session.get(FormConfirmation, pending.id)
        assert row is not None
        assert (row.contact_id, row.pending_email) == (contact_id, None)
    assert types == ["trial_signup", "email_confirmed"]
    assert email_row is not None
    assert email_row.lifted_by == "form:trial"
    again = client.get(link["confirm_url"].removeprefix("http://testserver"))
    assert again.json() == {"confirmed": True, "contact_id": contact_id}


def test_a_colleague_on_the_shared_switchboard_enters_by_every_door(
    client: TestClient, headers: Headers, api_engine: Engine
) -> None:
    """The erased person's phone was the company's switchboard: a colleague with their
    own address is another person, whether an integration, an event or their own form
    brings them; the number's suppression stays in force (their form does not lift it)."""
    _erased(client, headers, phone="+49 89 1234 0")
    switchboard = "+49 89 12340"

    created = client.post("/contacts", json={"email": "bo@acme.example", "phone": switchboard},
                          headers=headers("marketing"))  # fmt: skip
    upserted = client.put("/contacts", json={"email": "cy@acme.example", "phone": switchboard},
                          headers=headers("marketing"))  # fmt: skip
    posted = client.post("/forms/demo", json={"email": "di@acme.example", "phone": switchboard})
    event = client.post("/events", json={"type": "demo_request", "email": "ed@acme.example"},
                        headers=headers("ingest"))  # fmt: skip

    assert (created.status_code, upserted.status_code) == (201, 201), upserted.text
    assert posted.status_code == 202, posted.text
    assert event.json()["status"] == "stored"
    with Session(api_engine) as session:
        phones = dict(session.execute(select(Contact.email, Contact.phone)).tuples().all())
        phone_row = session.scalar(select(Suppression).where(Suppression.kind == "phone"))
    assert phones == {"bo@acme.example": "+498912340", "cy@acme.example": "+498912340",
                      "di@acme.example": "+498912340", "ed@acme.example": None}  # fmt: skip
    assert phone_row is not None
    assert phone_row.lifted_at is None


def test_admins_list_check_and_lift_without_the_address_ever_shown(
    client: TestClient, headers: Headers
) -> None:
    _erased(client, headers)
    admin = headers("admin")

    listed = client.get("/suppressions", headers=admin)
    checked = client.post("/suppressions/check", json={"email": " Ana.Gil@ACME.example "},
                          headers=admin)  # fmt: skip
    stranger = client.post("/suppressions/check", json={"email": "bo@acme.example"},
                           headers=admin)  # fmt: skip
    nothing = client.post("/suppressions/lift", json={"email": "bo@acme.example",
                          "reason": "asked by phone"}, headers=admin)  # fmt: skip
    lifted = client.post("/suppressions/lift", json={"email": ANA, "reason": "ticket 42"},
                         headers=admin)  # fmt: skip
    created = client.post("/contacts", json={"email": ANA}, headers=headers("marketing"))

    assert listed.status_code == 200, listed.text
    page = listed.json()
    assert (page["in_force"], page["lifted"], len(page["items"])) == (2, 0, 2)
    assert ANA not in listed.text
    assert "1234567" not in listed.text
    assert checked.json()["suppressed"] is True
    assert [item["kind"] for item in checked.json()["items"]] == ["email"]
    assert stranger.json() == {"suppressed": False, "items": []}
    assert nothing.status_code == 404
    assert nothing.json()["type"] == "https://leadflow.dev/problems/not_found"
    assert lifted.json() == {"lifted": 1}
    assert created.status_code == 201, created.text
    after = client.get("/suppressions", headers=admin).json()
    assert (after["in_force"], after["lifted"]) == (1, 1)
    [row] = [item for item in after["items"] if item["lifted_at"] is not None]
    assert (row["lifted_by"], row["lift_reason"]) == ("key:admin", "ticket 42")


def test_the_erasure_names_its_reason_and_bad_requests_are_refused(
    client: TestClient, headers: Headers
) -> None:
    made = client.post("/contacts", json={"email": ANA}, headers=headers("marketing")).json()
    wrong = client.delete(f"/contacts/{made['id']}?reason=bored", headers=headers("admin"))
    objected = client.delete(f"/contacts/{made['id']}?reason=objection", headers=headers("admin"))
    admin = headers("admin")
    empty = client.post("/suppressions/check", json={}, headers=admin)
    no_reason = client.post("/suppressions/lift", json={"email": ANA}, headers=admin)
    bad_phone = client.post("/suppressions/check", json={"phone": "12"}, headers=admin)

    assert wrong.status_code == 422
    assert objected.status_code == 200
    listed = client.get("/suppressions", headers=admin).json()
    assert [item["reason"] for item in listed["items"]] == ["objection"]
    assert (empty.status_code, no_reason.status_code, bad_phone.status_code) == (422, 422, 422)
    assert bad_phone.json()["errors"][0]["loc"] == ["body", "phone"]


def test_only_admins_reach_the_list(client: TestClient, headers: Headers) -> None:
    for role in ("marketing", "sales", "ingest"):
        assert client.get("/suppressions", headers=headers(role)).status_code == 403
        check = client.post("/suppressions/check", json={"email": ANA}, headers=headers(role))
        assert check.status_code == 403


@pytest.mark.parametrize(
    "invalid",
    [{"tel": "12"}, {"tel": "call me"}, {"land": "Atlantis"}, {"first": "A" * 201},
     {"company": "C" * 301}, {"email": None}],
    ids=["short-phone", "words-phone", "country", "long-name", "long-company", "no-email"],
)  # fmt: skip
def test_a_double_opt_in_post_is_validated_first_whoever_it_names(
    client: TestClient, headers: Headers, api_engine: Engine, invalid: dict[str, str | None]
) -> None:
    """An erased person's address must not open a door round the checks every other
    address meets: the same post is refused alike, and nothing is kept or sent."""
    _erased(client, headers)
    links = len(_links(api_engine))
    replies = []
    for email in (ANA, "someone.else@acme.example"):
        post = {key: value for key, value in {"email": email, **invalid}.items() if value}
        replies.append(client.post("/forms/trial", json=post))

    erased, other = replies
    assert other.status_code == 422, other.text
    assert (erased.status_code, erased.json()["type"]) == (422, other.json()["type"])
    assert erased.json()["detail"] == other.json()["detail"]
    assert len(_links(api_engine)) == links
    assert (_count(api_engine, FormConfirmation), _count(api_engine, Contact)) == (0, 0)


def test_a_person_only_pending_is_exported_and_erased_by_address(
    client: TestClient, headers: Headers, api_engine: Engine
) -> None:
    """An erased person's address typed into a double opt-in form is held (pending) with
    no contact: a request by that address answers with it, and erasure deletes it."""
    _erased(client, headers)
    assert client.post("/forms/trial", json={"email": ANA}).status_code == 202
    asked = {"email": "Ana.Gil@ACME.example"}

    not_a_contact = client.get("/contacts/1/export", headers=headers("marketing"))
    held = client.post("/gdpr/export", json=asked, headers=headers("marketing"))
    not_admin = client.post("/gdpr/erase", json=asked, headers=headers("marketing"))
    erased = client.post("/gdpr/erase", json=asked, headers=headers("admin"))
    again = client.post("/gdpr/export", json=asked, headers=headers("marketing"))

    assert not_a_contact.status_code == 404
    assert held.status_code == 200, held.text
    document = held.json()
    assert (document["contact_id"], document["contact_ids"]) == (None, [])
    [row] = document["data"]["form_confirmations"]
    assert (row["pending_email"], row["form_id"]) == (ANA, "trial")
    assert "token_hash" not in row
    assert [m["payload"]["email"] for m in document["data"]["outbox_messages"]] == [ANA]
    assert not_admin.status_code == 403
    assert erased.status_code == 200, erased.text
    assert erased.json()["erased"] == {"form_confirmations": 1, "outbox_messages": 1}
    assert _count(api_engine, FormConfirmation) == 0
    assert _links(api_engine) == []
    assert again.status_code == 404


def test_erasing_an_erased_address_again_says_so_instead_of_not_found(
    client: TestClient, headers: Headers, api_engine: Engine
) -> None:
    """A retry after a timeout (or the same request sent twice) found nothing and got
    404: "nothing held" reads as "never held", and a client may report the request
    failed. The address is on the suppression list: the erasure was done."""
    _erased(client, headers)
    outbox = _count(api_engine, OutboxMessage)
    asked = {"email": "Ana.Gil@ACME.example"}

    again = client.post("/gdpr/erase", json=asked, headers=headers("admin"))
    stranger = client.post("/gdpr/erase", json={"email": "nobody@acme.example"},
                           headers=headers("admin"))  # fmt: skip

    assert again.status_code == 200, again.text
    report = again.json()
    assert (report["contact_ids"], report["erased"], report["suppressed"]) == ([], {}, 0)
    assert report["already_erased"] is True
    assert _count(api_engine, OutboxMessage) == outbox  # nothing announced a second time
    assert stranger.status_code == 404  # never held: still not found
