"""``HEAD /healthz``: what uptime monitors send by default (UptimeRobot's HTTP check).

It answered 405, so a monitor reported a healthy server down.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

Headers = Callable[[str], dict[str, str]]


def test_head_answers_as_get_does_without_a_body(client: TestClient) -> None:
    answered = client.head("/healthz")

    assert answered.status_code == 200, answered.text
    assert answered.content == b""


def test_it_is_counted_under_the_route(client: TestClient, headers: Headers) -> None:
    client.head("/healthz")

    exposed = client.get("/metrics", headers=headers("admin")).text

    assert 'method="HEAD",route="/healthz",status="200"' in exposed


def test_the_document_lists_both_methods(client: TestClient) -> None:
    operations = client.get("/openapi.json").json()["paths"]["/healthz"]

    assert sorted(operations) == ["get", "head"]
    assert operations["head"]["x-roles"] == ["public"]
