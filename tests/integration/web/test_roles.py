"""Walk every page: sign-in first, then each role gets exactly its pages, and every form
needs its CSRF token. The pages stay out of the API's route table and OpenAPI."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from leadflow.api.auth import api_routes
from leadflow.services.users import UserRole
from leadflow.web.guard import PageGate, gate_of, page_routes
from tests.integration.web.conftest import csrf_of

_PARAMETER = re.compile(r"{(\w+)}")
# Ids that pass validation but name nothing: an admitted request can only be refused.
_VALUES = {"name": "no-such-report"}


def _web_app(app: FastAPI) -> FastAPI:
    [mount] = [route for route in app.routes if getattr(route, "path", None) == "/ui"]
    web: FastAPI = mount.app  # type: ignore[attr-defined]
    return web


def _pages(app: FastAPI) -> Iterator[tuple[str, str, PageGate]]:
    for template, route in page_routes(_web_app(app)):
        gate = gate_of(route)
        assert gate is not None, template
        path = "/ui" + _PARAMETER.sub(lambda m: _VALUES.get(m[1], "999999"), template)
        for method in sorted(route.methods or ()):
            yield method, path, gate


def test_every_page_declares_one_gate_and_the_walk_sees_them_all(web_app: FastAPI) -> None:
    walked = {(method, path) for method, path, _ in _pages(web_app)}

    assert len(walked) >= 25
    assert ("GET", "/ui/leads") in walked
    assert ("POST", "/ui/definition/activate") in walked


def test_the_pages_are_not_api_routes(web_app: FastAPI, anonymous: TestClient) -> None:
    assert not [path for path, _ in api_routes(web_app) if path.startswith("/ui")]
    document = anonymous.get("/openapi.json").json()
    assert not [path for path in document["paths"] if path.startswith("/ui")]


def test_without_a_session_every_page_sends_to_sign_in(
    web_app: FastAPI, anonymous: TestClient
) -> None:
    for method, path, gate in _pages(web_app):
        reply = anonymous.request(method, path)
        if gate.public:  # the sign-in form and the language switch
            assert reply.status_code == (200 if method == "GET" else 403), (method, path)
            continue
        assert reply.status_code == 303, (method, path, reply.status_code)
        assert reply.headers["location"].startswith("/ui/signin"), (method, path)


def test_a_page_view_returns_to_itself_after_sign_in(anonymous: TestClient) -> None:
    reply = anonymous.get("/ui/leads?stage=mql")

    assert reply.headers["location"] == "/ui/signin?next=/ui/leads?stage=mql"


@pytest.mark.parametrize("role", [role.value for role in UserRole])
def test_each_role_gets_exactly_its_pages(
    role: str, web_app: FastAPI, signed_in: Callable[[str], TestClient]
) -> None:
    client = signed_in(role)
    token = csrf_of(client.get("/ui/").text)
    for method, path, gate in _pages(web_app):
        if path == "/ui/signout":
            continue  # would end this session; tested on its own
        headers = {"X-CSRF-Token": token} if method == "POST" else {}
        reply = client.request(method, path, headers=headers)
        status = reply.status_code
        if gate.admits(UserRole(role)):
            to_sign_in = reply.headers.get("location", "").startswith("/ui/signin")
            assert status != 403, (role, method, path, status)
            assert not to_sign_in, (role, method, path, status)
        else:
            assert status == 403, (role, method, path, status)


def test_a_form_without_its_csrf_token_is_refused(
    web_app: FastAPI, signed_in: Callable[[str], TestClient]
) -> None:
    client = signed_in("admin")
    posts = [(m, p) for m, p, g in _pages(web_app) if m == "POST" and not g.public]
    assert len(posts) >= 10
    for method, path in posts:
        missing = client.request(method, path)
        forged = client.request(method, path, headers={"X-CSRF-Token": "0" * 64})
        assert (missing.status_code, forged.status_code) == (403, 403), path
        assert "This form has expired" in forged.text


def test_sales_cannot_change_the_definition(
    signed_in: Callable[[str], TestClient], anonymous: TestClient
) -> None:
    sales = signed_in("sales")
    token = csrf_of(sales.get("/ui/definition").text)
    page = sales.get("/ui/definition").text
    assert 'action="/ui/definition/check"' not in page  # no upload form for sales

    for path in ("/ui/definition/check", "/ui/definition/activate"):
        reply = sales.post(path, data={"csrf_token": token, "text": "name: x"})
        assert reply.status_code == 403, path
    admin = signed_in("admin")
    assert "waterfall" in admin.get("/ui/definition").text  # still the preset
