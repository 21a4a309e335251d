"""Walk the whole route table: 401 without a key, 403 for a role outside the route's list.

The roles are read from each route's gate (the same data ``create_app`` publishes as
``x-roles``); a route added without a gate cannot even be built (see test_app.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from leadflow.api.auth import Gate, api_routes, gate_of
from leadflow.services.api_keys import Role

# Values that pass each path parameter's validation but name nothing that exists, so an
# admitted request can only answer 404/409/422, never change anything.
_PARAMETER_VALUES = {"form_id": "no-such-form", "token": "t" * 32}
_PARAMETER = re.compile(r"{(\w+)}")


def _routes(app: FastAPI) -> Iterator[tuple[str, str, Gate]]:
    for template, route in api_routes(app):
        gate = gate_of(route)
        assert gate is not None, template
        path = _PARAMETER.sub(lambda m: _PARAMETER_VALUES.get(m[1], "999999"), template)
        for method in sorted(route.methods or ()):
            yield method, path, gate


def test_the_walk_covers_every_operation_of_the_openapi_document(
    client: TestClient, app: FastAPI
) -> None:
    document = client.get("/openapi.json").json()
    operations = {(m.upper(), p) for p, item in document["paths"].items() for m in item}
    walked = {
        (method, template) for template, route in api_routes(app) for method in route.methods or ()
    }

    assert len(operations) >= 25
    assert walked == operations


def _call(client: TestClient, method: str, path: str, key: str | None) -> int:
    headers = {"X-API-Key": key} if key else {}
    return int(client.request(method, path, headers=headers).status_code)


def test_every_route_refuses_a_missing_key_unless_public(client: TestClient, app: FastAPI) -> None:
    for method, path, gate in _routes(app):
        status = _call(client, method, path, None)
        if gate.public:
            assert status not in (401, 403), (method, path, status)
        else:
            assert status == 401, (method, path, status)


def test_a_revoked_or_unknown_key_is_unauthorized(
    client: TestClient, api_keys: dict[str, str]
) -> None:
    admin = {"X-API-Key": api_keys["admin"]}
    [marketing] = [k for k in client.get("/keys", headers=admin).json() if k["name"] == "marketing"]
    client.delete(f"/keys/{marketing['id']}", headers=admin)

    assert client.get("/contacts", headers={"X-API-Key": api_keys["marketing"]}).status_code == 401
    assert client.get("/contacts", headers={"X-API-Key": "lf_madeup"}).status_code == 401
    bearer = {"Authorization": f"Bearer {api_keys['sales']}"}
    assert client.get("/contacts", headers=bearer).status_code == 200


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_each_role_gets_exactly_its_routes(
    role: str, client: TestClient, app: FastAPI, api_keys: dict[str, str]
) -> None:
    for method, path, gate in _routes(app):
        status = _call(client, method, path, api_keys[role])
        if gate.admits(Role(role)):
            assert status not in (401, 403), (role, method, path, status)
        else:
            assert status == 403, (role, method, path, status)
            assert client.request(method, path).status_code in (401, 403)


def test_the_declared_roles_follow_the_policy(app: FastAPI) -> None:
    """admin everywhere; ingest only pushes events (public: forms, the website snippet and
    its hits, health); keys, webhooks, learned models and activating a definition are
    admin's alone; sales never writes contacts or events."""
    for method, path, gate in _routes(app):
        if gate.public:
            assert path.startswith(("/forms", "/healthz")) or path in ("/t.js", "/collect"), path
            continue
        assert gate.admits(Role.ADMIN)
        if gate.admits(Role.INGEST):
            assert method == "POST", path
            assert path.startswith("/events"), path
        admin_only = path.startswith(("/keys", "/webhooks", "/metrics", "/models")) or (
            (method, path) == ("POST", "/definition/versions")
        )
        if admin_only:
            assert gate.roles == {Role.ADMIN}, (method, path)
        if method != "GET" and path.startswith(("/contacts", "/events")):
            assert not gate.admits(Role.SALES), (method, path)


def test_the_openapi_document_lists_each_operations_roles(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    operations = [op for item in document["paths"].values() for op in item.values()]

    assert all("x-roles" in operation for operation in operations)
    create_key = document["paths"]["/keys"]["post"]
    assert create_key["x-roles"] == ["admin"]
    assert document["paths"]["/events"]["post"]["x-roles"] == ["admin", "ingest", "marketing"]
