"""Inputs that once reached a database unusable: each must be a 4xx problem, never a 500."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

Headers = Callable[[str], dict[str, str]]


@pytest.mark.parametrize(
    "contact_id",
    ["99999999999999999999999999", "²", "0", 2**63, -1],
)
def test_contact_ids_out_of_range_are_refused(
    client: TestClient, headers: Headers, contact_id: object
) -> None:
    event = {"type": "page_view", "contact_id": contact_id}

    reply = client.post("/events", json=event, headers=headers("ingest"))

    assert reply.status_code == 422, reply.text


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/contacts?owner=a%00b", None),
        ("GET", "/contacts/9223372036854775808", None),
        ("POST", "/contacts", {"email": "a@b.example", "first_name": "x\u0000y"}),
        (
            "POST",
            "/events",
            {"type": "page_view", "visitor_id": "v", "properties": {"a": "\u0000"}},
        ),
        (
            "POST",
            "/events",
            {"type": "page_view", "visitor_id": "v", "at": "9999-12-31T23:59:59-14:00"},
        ),
        ("POST", "/accounts", {"revenue": "NaN"}),
        ("POST", "/accounts", {"domain": "not a domain"}),
        ("PUT", "/contacts", {"email": "not-an-address"}),
        ("GET", "/contacts?cursor=bm90IGEgY3Vyc29y", None),
    ],
)
def test_hostile_values_are_4xx_problems(
    client: TestClient, headers: Headers, method: str, path: str, body: object
) -> None:
    reply = client.request(method, path, json=body, headers=headers("admin"))

    assert 400 <= reply.status_code < 500, reply.text
    assert reply.headers["content-type"] == "application/problem+json"


def test_a_body_over_the_limit_is_payload_too_large(client: TestClient, headers: Headers) -> None:
    big = {"email": "a@b.example", "attributes": {"blob": "x" * 2_000_000}}

    reply = client.post("/contacts", json=big, headers=headers("admin"))

    assert reply.status_code == 413
    assert reply.json()["type"].endswith("/payload_too_large")


def test_a_streamed_body_over_the_limit_is_payload_too_large(
    client: TestClient, headers: Headers
) -> None:
    def chunks() -> object:
        for _ in range(40):
            yield b"x" * 65536

    reply = client.post(
        "/contacts",
        content=chunks(),
        headers={**headers("admin"), "content-type": "application/json"},
    )

    assert reply.status_code == 413
    assert reply.headers["content-type"] == "application/problem+json"
