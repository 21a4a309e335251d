"""POST /events and /events/batch: the store's real-time path behind HTTP."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

Headers = Callable[[str], dict[str, str]]


def _demo_request(email: str, **extra: object) -> dict[str, object]:
    return {
        "type": "demo_request",
        "at": "2026-05-30T10:00:00Z",
        "email": email,
        "properties": {"product": "core"},
        **extra,
    }


def test_one_event_is_stored_and_names_its_contact(client: TestClient, headers: Headers) -> None:
    reply = client.post(
        "/events", json=_demo_request("ann@acme.example"), headers=headers("ingest")
    )

    assert reply.status_code == 201, reply.text
    body = reply.json()
    assert body["status"] == "stored"
    assert body["contact_created"] is True
    contact = client.get(f"/contacts/{body['contact_id']}", headers=headers("marketing")).json()
    assert contact["email"] == "ann@acme.example"
    assert contact["qualification"]["stage"] == body["stage"]


def test_the_same_key_twice_is_stored_once(client: TestClient, headers: Headers) -> None:
    event = _demo_request("bo@acme.example", key="evt-1")

    first = client.post("/events", json=event, headers=headers("ingest"))
    again = client.post("/events", json=event, headers=headers("ingest"))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["status"] == "duplicate"
    assert again.json()["event_id"] == first.json()["event_id"]


def test_idempotency_key_replays_the_first_reply(client: TestClient, headers: Headers) -> None:
    sent = {**headers("ingest"), "Idempotency-Key": "retry-7"}
    event = _demo_request("cy@acme.example")

    first = client.post("/events", json=event, headers=sent)
    again = client.post("/events", json=event, headers=sent)
    other = client.post("/events", json=_demo_request("di@acme.example"), headers=sent)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 422
    assert other.json()["type"].endswith("/idempotency_key_reused")


def test_a_batch_gives_a_result_per_event(client: TestClient, headers: Headers) -> None:
    events = [
        _demo_request("ed@acme.example", key="b-1"),
        {"type": "page_view", "at": "2026-05-30T10:00:00Z"},  # names nobody
        _demo_request("ed@acme.example", key="b-1"),
    ]

    reply = client.post("/events/batch", json={"events": events}, headers=headers("marketing"))

    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert (body["stored"], body["duplicate"], body["rejected"]) == (1, 1, 1)
    assert [r["status"] for r in body["results"]] == ["stored", "rejected", "duplicate"]
    assert "names nobody" in body["results"][1]["reason"]


def test_a_batch_retried_with_its_idempotency_key_stores_nothing_new(
    client: TestClient, headers: Headers
) -> None:
    events = [_demo_request(f"p{n}@acme.example") for n in range(3)]
    sent = {**headers("ingest"), "Idempotency-Key": "batch-42"}

    first = client.post("/events/batch", json={"events": events}, headers=sent)
    again = client.post("/events/batch", json={"events": events}, headers=sent)

    assert first.json()["stored"] == 3
    assert again.json() == first.json()


def test_a_refused_single_event_is_a_validation_problem(
    client: TestClient, headers: Headers
) -> None:
    reply = client.post(
        "/events",
        json={"type": "page_view", "at": "2026-05-30T10:00:00"},
        headers=headers("ingest"),
    )

    assert reply.status_code == 422
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json()["type"].endswith("/validation")


def test_more_than_1000_events_is_refused(client: TestClient, headers: Headers) -> None:
    events = [{"type": "page_view", "visitor_id": "v"}] * 1001

    reply = client.post("/events/batch", json={"events": events}, headers=headers("ingest"))

    assert reply.status_code == 422
    assert reply.json()["errors"][0]["loc"][:2] == ["body", "events"]


def test_an_event_dated_years_ahead_is_refused_singly_and_in_a_batch(
    client: TestClient, headers: Headers
) -> None:
    future = _demo_request("fut@acme.example", at="2099-01-01T00:00:00Z")

    single = client.post("/events", json=future, headers=headers("ingest"))
    batch = client.post("/events/batch", json={"events": [future]}, headers=headers("ingest"))

    assert single.status_code == 422
    assert "more than a day after the server's clock" in single.json()["detail"]
    assert batch.status_code == 200, batch.text
    assert [r["status"] for r in batch.json()["results"]] == ["rejected"]


def test_a_malformed_event_in_a_batch_is_rejected_alone(
    client: TestClient, headers: Headers
) -> None:
    events = [
        _demo_request("gil@acme.example", key="m-1"),
        {**_demo_request("gil@acme.example", key="m-2"), "at": "yesterday"},
        {"type": "Page View", "email": "gil@acme.example", "key": "m-3"},
        {**_demo_request("gil@acme.example", key="m-4"), "colour": "blue"},
        "not an object",
        _demo_request("gil@acme.example", key="m-6"),
    ]

    reply = client.post("/events/batch", json={"events": events}, headers=headers("ingest"))

    assert reply.status_code == 200, reply.text
    body = reply.json()
    statuses = [r["status"] for r in body["results"]]
    assert statuses == ["stored", "rejected", "rejected", "rejected", "rejected", "stored"]
    assert (body["stored"], body["rejected"]) == (2, 4)
    reasons = [r["reason"] for r in body["results"]]
    assert reasons[1].startswith("at: ")
    assert reasons[2].startswith("type: ")
    assert reasons[3].startswith("colour: ")
    assert reasons[4] == "an event is a JSON object, not a string"
    assert [r["index"] for r in body["results"]] == list(range(6))


def test_a_batch_envelope_fault_still_refuses_the_whole_batch(
    client: TestClient, headers: Headers
) -> None:
    for body in ({"events": []}, {"events": "x"}, {"events": [], "extra": 1}, {}):
        reply = client.post("/events/batch", json=body, headers=headers("ingest"))
        assert reply.status_code == 422, body


def test_a_retried_batch_with_a_malformed_item_replays_its_first_reply(
    client: TestClient, headers: Headers
) -> None:
    events = [_demo_request("hal@acme.example"), {"type": "x", "at": "3 pm"}]
    sent = {**headers("ingest"), "Idempotency-Key": "batch-malformed"}

    first = client.post("/events/batch", json={"events": events}, headers=sent)
    again = client.post("/events/batch", json={"events": events}, headers=sent)

    assert [r["status"] for r in first.json()["results"]] == ["stored", "rejected"]
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"


def test_a_batch_sent_to_the_single_event_route_says_where_it_goes(
    client: TestClient, headers: Headers
) -> None:
    batch = {"events": [_demo_request("ida@acme.example")]}

    reply = client.post("/events", json=batch, headers=headers("ingest"))

    assert reply.status_code == 422
    assert "POST /events/batch" in reply.json()["detail"]


def test_a_contacts_scores_read_as_the_export_writes_them(
    client: TestClient, headers: Headers
) -> None:
    # Decayed points gave 40.999999676627596: scores to two decimals, as the CSV export
    # and the web show them (a probability to four).
    for day, kind in (("2026-05-02", "content_download"), ("2026-05-29", "webinar_attendance")):
        event = {"type": kind, "at": f"{day}T09:13:07Z", "email": "cy@acme.example"}
        assert client.post("/events", json=event, headers=headers("ingest")).status_code == 201
    listed = client.get("/contacts", params={"email": "cy@acme.example"},
                        headers=headers("marketing")).json()  # fmt: skip
    (contact,) = listed["items"]

    score = contact["qualification"]["engagement_score"]
    assert score == round(score, 2)
    assert score != int(score)  # the older event's points did fade
    one = client.get(f"/contacts/{contact['id']}", headers=headers("marketing")).json()
    assert one["qualification"]["engagement_score"] == score
