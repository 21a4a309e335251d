"""A form posted as JSON from a page's script keeps its lead whatever else the page sends.

A page that serialises its form with ``JSON.stringify`` sends a number input as a
number and a checkbox as ``true``; a consent box or a multi-select the form does not
map was enough to refuse the whole post (422), and the lead was lost.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadflow.services.form_config import FormsConfig, FormSpec
from leadflow.store.models import Contact


@pytest.fixture
def forms() -> FormsConfig:
    fields = {"email": "email", "first": "first_name", "size": "attributes.team_size",
              "newsletter": "attributes.newsletter"}  # fmt: skip
    return FormsConfig(forms={"demo": FormSpec(event="demo_request", fields=fields)})


def _attributes(engine: Engine, email: str) -> dict[str, Any]:
    with Session(engine) as session:
        found = session.scalar(select(Contact).where(Contact.email == email))
        assert found is not None
        return dict(found.attributes)


def test_fields_the_form_does_not_map_are_dropped_whatever_their_type(
    client: TestClient, api_engine: Engine
) -> None:
    posted = {"email": "ann@acme.example", "first": "Ann", "gdpr_consent": True,
              "interests": ["insights", "connect"], "utm": {"source": "x"}, "page": 3}  # fmt: skip

    reply = client.post("/forms/demo", json=posted)

    assert reply.status_code == 202, reply.text
    assert reply.json()["contact_id"] is not None
    assert _attributes(api_engine, "ann@acme.example") == {}


def test_a_number_or_yes_no_in_a_mapped_field_is_kept_as_a_browser_would_post_it(
    client: TestClient, api_engine: Engine
) -> None:
    posted = {"email": "bo@acme.example", "size": 40, "newsletter": True}

    reply = client.post("/forms/demo", json=posted)

    assert reply.status_code == 202, reply.text
    assert _attributes(api_engine, "bo@acme.example") == {"team_size": "40", "newsletter": "true"}


def test_a_list_or_object_where_the_form_reads_text_is_refused_naming_the_field(
    client: TestClient,
) -> None:
    reply = client.post("/forms/demo", json={"email": "cy@acme.example", "size": [1, 2]})

    assert reply.status_code == 422, reply.text
    assert reply.json()["detail"] == (
        "field 'size': expected text, a number or true/false (at most 2,000 characters)"
    )


def test_the_email_itself_must_be_text(client: TestClient) -> None:
    reply = client.post("/forms/demo", json={"email": {"address": "dee@acme.example"}})

    assert reply.status_code == 422, reply.text
    assert "field 'email'" in reply.json()["detail"]
