"""A student's or alumnus's university mailbox is not a company: no account is created or
joined from it, whichever way the person arrives (API, event, web form)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from leadflow.services.form_config import FormsConfig, FormSpec
from leadflow.store.models import Account, Contact

Headers = Callable[[str], dict[str, str]]
STUDENTS = ["j.doe@student.uva.nl", "x@stud.uni-heidelberg.de", "y@alumni.ox.ac.uk"]


@pytest.fixture
def forms() -> FormsConfig:
    fields = {"email": "email", "company": "company", "size": "account.employees"}
    return FormsConfig(forms={"trial": FormSpec(event="trial_start", fields=fields)})


def _held(engine: Engine, email: str) -> tuple[Contact, int]:
    with Session(engine) as session:
        contact = session.scalar(select(Contact).where(Contact.email == email))
        assert contact is not None
        return contact, session.scalar(select(func.count()).select_from(Account)) or 0


@pytest.mark.parametrize("email", STUDENTS)
def test_the_api_gives_a_student_no_company_domain(
    client: TestClient, api_engine: Engine, headers: Headers, email: str
) -> None:
    made = client.post("/contacts", json={"email": email}, headers=headers("marketing"))

    assert made.status_code == 201, made.text
    assert made.json()["domain"] is None


@pytest.mark.parametrize("email", STUDENTS)
def test_an_event_from_a_new_student_joins_no_account(
    client: TestClient, api_engine: Engine, headers: Headers, email: str
) -> None:
    event = {"type": "page_view", "email": email, "at": "2025-06-01T12:00:00Z"}

    reply = client.post("/events", json=event, headers=headers("ingest"))

    assert reply.status_code in (200, 201, 202), reply.text
    contact, accounts = _held(api_engine, email)
    assert (contact.account_id, accounts) == (None, 0)


@pytest.mark.parametrize("email", STUDENTS)
def test_a_student_posting_a_form_creates_no_account(
    client: TestClient, api_engine: Engine, email: str
) -> None:
    posted = {"email": email, "company": "University", "size": "11-50"}

    assert client.post("/forms/trial", json=posted).status_code == 202

    contact, accounts = _held(api_engine, email)
    assert (contact.account_id, contact.domain, accounts) == (None, None, 0)
    assert contact.attributes == {"employees": 11}


def test_a_universitys_staff_keep_their_company_account(
    client: TestClient, api_engine: Engine
) -> None:
    posted = {"email": "staff@uva.nl", "company": "UvA", "size": "5000"}

    assert client.post("/forms/trial", json=posted).status_code == 202

    contact, accounts = _held(api_engine, "staff@uva.nl")
    assert (contact.domain, accounts) == ("uva.nl", 1)
