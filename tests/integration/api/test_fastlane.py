"""The events fast lane (api/fastlane.py) answers as the FastAPI route does, or hands over.

Each test wraps the application in a lane of its own whose inner application counts
the requests handed to it, so a test knows which side answered.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from leadflow.api.auth import api_routes
from leadflow.api.fastlane import EventsFastLane
from leadflow.api.ratelimit import RateLimiter
from leadflow.api.state import ApiLimits, ApiState

EVENT = {"type": "page_view", "email": "ann@acme.example", "properties": {"url": "/pricing"}}


@dataclass
class _Counted:
    """The application behind the lane, counting what it is handed."""

    app: FastAPI
    handed: int = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.handed += 1
        await self.app(scope, receive, send)


@pytest.fixture
def inner(app: FastAPI) -> _Counted:
    return _Counted(app)


@pytest.fixture
def lane(app: FastAPI, inner: _Counted) -> Iterator[TestClient]:
    state: ApiState = app.state.leadflow
    with TestClient(EventsFastLane(inner, state, api_routes(app))) as opened:
        yield opened


def _post(client: TestClient, path: str, body: Any, key: str, **headers: str) -> Any:
    return client.post(path, json=body, headers={"X-API-Key": key, **headers})


def test_an_unknown_key_goes_to_the_route_then_the_lane_answers_alike(
    lane: TestClient, inner: _Counted, api_keys: dict[str, str]
) -> None:
    key = api_keys["ingest"]
    first = _post(lane, "/events", {**EVENT, "key": "e1"}, key)  # key not cached yet
    assert (first.status_code, inner.handed) == (201, 1)

    again = _post(lane, "/events", {**EVENT, "key": "e1"}, key)  # now cached: the lane
    other = _post(lane, "/events", {**EVENT, "key": "e2"}, key)

    assert inner.handed == 1
    assert again.status_code == 200
    assert other.status_code == 201
    assert again.headers["content-type"] == first.headers["content-type"]
    # A duplicate answers as the first recording did (it created no contact itself).
    assert again.json() == {**first.json(), "status": "duplicate", "contact_created": False}
    assert other.json()["contact_id"] == first.json()["contact_id"]
    assert other.json()["event_id"] != first.json()["event_id"]


def test_a_batch_in_the_lane_gives_a_result_per_event(
    lane: TestClient, inner: _Counted, api_keys: dict[str, str]
) -> None:
    key = api_keys["marketing"]
    _post(lane, "/events", EVENT, key)  # caches the key
    events = [{**EVENT, "key": "b1"}, {**EVENT, "key": "b1"}, {"type": "page_view", "key": "b3"}]

    reply = _post(lane, "/events/batch", {"events": events}, key)

    assert inner.handed == 1
    assert reply.status_code == 200
    body = reply.json()
    assert (body["stored"], body["duplicate"], body["rejected"]) == (1, 1, 1)
    assert [result["status"] for result in body["results"]] == ["stored", "duplicate", "rejected"]
    assert "names nobody" in body["results"][2]["reason"]


def test_a_refused_event_is_the_routes_problem_document(
    lane: TestClient, client: TestClient, api_keys: dict[str, str]
) -> None:
    key = api_keys["ingest"]
    _post(lane, "/events", EVENT, key)
    nobody = {"type": "page_view", "key": "n1"}

    from_lane = _post(lane, "/events", nobody, key)
    from_route = _post(client, "/events", nobody, key, **{"Idempotency-Key": "r1"})

    assert from_lane.status_code == from_route.status_code == 422
    assert from_lane.headers["content-type"] == from_route.headers["content-type"]
    assert from_lane.json() == from_route.json()


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ({"type": "Not A Type", "email": "ann@acme.example"}, {}),  # invalid: the route's 422
        ({**EVENT, "unknown": 1}, {}),
        ([EVENT], {}),
        (EVENT, {"Idempotency-Key": "k1"}),  # a reply to store
    ],
)
def test_what_the_lane_is_not_sure_of_goes_to_the_route(
    lane: TestClient,
    inner: _Counted,
    api_keys: dict[str, str],
    body: Any,
    headers: dict[str, str],
) -> None:
    key = api_keys["ingest"]
    _post(lane, "/events", EVENT, key)
    before = inner.handed

    reply = _post(lane, "/events", body, key, **headers)

    assert inner.handed == before + 1
    assert reply.status_code in (201, 422)


def test_a_wrong_role_and_a_chunked_body_go_to_the_route(
    lane: TestClient, inner: _Counted, api_keys: dict[str, str]
) -> None:
    _post(lane, "/events", EVENT, api_keys["sales"])  # caches the sales key
    refused = _post(lane, "/events", EVENT, api_keys["sales"])
    assert refused.status_code == 403
    assert inner.handed == 2

    chunks = iter([b'{"type": "page_view", ', b'"email": "ann@acme.example"}'])
    streamed = lane.post(
        "/events",
        content=chunks,
        headers={"X-API-Key": api_keys["ingest"], "Content-Type": "application/json"},
    )
    assert streamed.status_code == 201
    assert inner.handed == 3


@pytest.fixture
def limits() -> ApiLimits:
    # One request a second per key, a bucket of three.
    return ApiLimits(rate_per_second=1.0, burst=3, public_rate_per_second=0)


def test_the_lane_drains_the_keys_rate_limit_bucket(
    app: FastAPI, lane: TestClient, inner: _Counted, api_keys: dict[str, str]
) -> None:
    # The bucket's clock stands still: under load the four requests took over a second,
    # a token came back and the fourth was accepted.
    state: ApiState = app.state.leadflow
    state.limiter = RateLimiter(
        state.limits.rate_per_second, state.limits.burst, monotonic=lambda: 0.0
    )
    key = api_keys["ingest"]
    statuses = [
        _post(lane, "/events", {**EVENT, "key": f"r{n}"}, key).status_code for n in range(4)
    ]

    assert statuses == [201, 201, 201, 429]
    assert inner.handed == 1
    limited = _post(lane, "/events", EVENT, key)
    assert limited.headers["retry-after"] == "1"
    assert limited.headers["content-type"] == "application/problem+json"


def test_a_malformed_item_in_a_laned_batch_is_rejected_alone(
    lane: TestClient, inner: _Counted, api_keys: dict[str, str]
) -> None:
    key = api_keys["ingest"]
    _post(lane, "/events", EVENT, key)  # caches the key
    events = [{**EVENT, "key": "g1"}, {**EVENT, "key": "g2", "at": "soon"}, 7]

    reply = _post(lane, "/events/batch", {"events": events}, key)

    assert inner.handed == 1  # the lane answered it
    assert reply.status_code == 200
    assert [r["status"] for r in reply.json()["results"]] == ["stored", "rejected", "rejected"]
    assert reply.json()["results"][1]["reason"].startswith("at: ")
