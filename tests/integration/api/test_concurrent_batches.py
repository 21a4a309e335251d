"""Concurrent batches naming the same people, in opposite orders: all stored, none lost.

On PostgreSQL each batch holds its contacts' row locks until it commits; recorded in
the order the events arrive, two such batches would deadlock. The API records them
in a stable order of the people they name (and retries a deadlock that happens anyway).
"""

from __future__ import annotations

import threading

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from leadflow.store.models import Event

PEOPLE = [f"c{n}@acme.example" for n in range(40)]


def test_overlapping_batches_in_opposite_orders_all_commit(
    app: FastAPI, api_keys: dict[str, str], api_engine: Engine
) -> None:
    statuses: list[int] = []

    def send(order: list[str], tag: str) -> None:
        with TestClient(app) as client:
            for round_ in range(4):
                events = [
                    {"type": "email_open", "email": email, "key": f"{tag}-{round_}-{email}"}
                    for email in order
                ]
                reply = client.post(
                    "/events/batch",
                    json={"events": events},
                    headers={"X-API-Key": api_keys["ingest"]},
                )
                statuses.append(reply.status_code)

    threads = [
        threading.Thread(target=send, args=(PEOPLE, "up")),
        threading.Thread(target=send, args=(PEOPLE[::-1], "down")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * 8
    with Session(api_engine) as session:
        stored = session.scalar(select(func.count()).select_from(Event))
    assert stored == 2 * 4 * len(PEOPLE)
