"""A JSON body sent without saying it is JSON is refused with 415 and the header to send.

``curl -d '{...}'`` sends ``application/x-www-form-urlencoded`` and ``requests.post(url,
data=json.dumps(...))`` sends no content type at all; either way the route never reads
the body as JSON, and the answer was a 422 about "a valid dictionary" that did not say
what to change.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

Headers = Callable[[str], dict[str, str]]

EVENT = json.dumps({"type": "page_view", "email": "ann@acme.example"})
BATCH = json.dumps({"events": [{"type": "page_view", "email": "ann@acme.example"}]})


@pytest.mark.parametrize(
    ("content_type", "said"),
    [
        ("application/x-www-form-urlencoded", "application/x-www-form-urlencoded"),
        ("text/plain; charset=utf-8", "text/plain"),
        (None, "none"),
    ],
)
def test_an_event_sent_as_another_content_type_is_415_naming_the_header_to_send(
    client: TestClient, headers: Headers, content_type: str | None, said: str
) -> None:
    sent = headers("ingest") | ({"Content-Type": content_type} if content_type else {})
    client.post("/events", content=EVENT, headers=headers("ingest") | _JSON)  # caches the key

    answered = client.post("/events", content=EVENT, headers=sent)

    assert answered.status_code == 415, answered.text
    assert answered.headers["content-type"] == "application/problem+json"
    problem = answered.json()
    assert problem["type"] == "https://leadflow.dev/problems/unsupported_media"
    assert problem["detail"] == (
        f"the body is read as JSON: send it with Content-Type: application/json "
        f"(this request's content type: {said})"
    )


@pytest.mark.parametrize(
    ("method", "path", "role", "body"),
    [
        ("POST", "/events/batch", "ingest", BATCH),
        ("POST", "/contacts", "marketing", json.dumps({"email": "bo@acme.example"})),
        ("PUT", "/contacts", "marketing", json.dumps({"email": "bo@acme.example"})),
        ("POST", "/definition/validate", "marketing", json.dumps({"yaml": "name: x"})),
    ],
)
def test_every_json_route_says_the_same(
    client: TestClient, headers: Headers, method: str, path: str, role: str, body: str
) -> None:
    form = {"Content-Type": "application/x-www-form-urlencoded"}

    answered = client.request(method, path, content=body, headers=headers(role) | form)

    assert answered.status_code == 415, answered.text
    assert "Content-Type: application/json" in answered.json()["detail"]


def test_json_and_its_suffixed_types_are_read_as_before(
    client: TestClient, headers: Headers
) -> None:
    for media in ("application/json", "application/json; charset=utf-8", "application/ld+json"):
        sent = client.post(
            "/events", content=EVENT, headers=headers("ingest") | {"Content-Type": media}
        )
        assert sent.status_code in (200, 201), (media, sent.text)


def test_a_json_body_that_does_not_validate_is_still_422(
    client: TestClient, headers: Headers
) -> None:
    answered = client.post("/events", content="[1, 2]", headers=headers("ingest") | _JSON)

    assert answered.status_code == 422, answered.text


def test_the_key_is_checked_first(client: TestClient) -> None:
    assert (
        client.post("/events", content=EVENT, headers={"Content-Type": "text/plain"}).status_code
        == 401
    )


_JSON = {"Content-Type": "application/json"}
