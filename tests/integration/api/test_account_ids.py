"""The API shows an account's ids per CRM, as the accounts import stored them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from leadflow.domain.clock import FixedClock
from leadflow.services.import_accounts import import_accounts

Headers = Callable[[str], dict[str, str]]
AT = datetime(2026, 3, 2, 9, tzinfo=UTC)


def test_accounts_show_their_ids_per_system(
    client: TestClient, headers: Headers, api_engine: Engine, tmp_path: Path
) -> None:
    for system, text in (
        ("hubspot", "Record ID,Company name,Company Domain Name\n1234,Acme,acme.example\n"),
        ("salesforce", "Id,Name,Website\n0015g00000AbCdEAAV,Acme,acme.example\n"),
    ):
        path = tmp_path / f"{system}.csv"
        path.write_text(text, encoding="utf-8")
        done = import_accounts(api_engine, path, clock=FixedClock(AT), system=system)
        assert done.committed, done.problems
    made = client.post("/accounts", json={"domain": "new.example"}, headers=headers("marketing"))

    listed = client.get("/accounts", headers=headers("sales")).json()["items"]
    [acme] = [account for account in listed if account["domain"] == "acme.example"]
    one = client.get(f"/accounts/{acme['id']}", headers=headers("sales")).json()

    assert acme["ids"] == one["ids"] == {"hubspot": "1234", "salesforce": "0015g00000AbCdEAAV"}
    assert made.json()["ids"] == {}
