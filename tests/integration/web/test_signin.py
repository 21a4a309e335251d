"""Signing in and out: argon2 passwords, the session cookie, CSRF on the sign-in form."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from leadflow.services.users import set_active
from leadflow.web.guard import SESSION_COOKIE
from tests.integration.web.conftest import csrf_of
from tests.integration.web.world import PASSWORDS, USERS


def _sign_in(client: TestClient, email: str, password: str, **extra: str) -> object:
    token = csrf_of(client.get("/ui/signin").text)
    return client.post(
        "/ui/signin", data={"email": email, "password": password, "csrf_token": token, **extra}
    )


def test_the_right_password_opens_a_session_in_a_safe_cookie(anonymous: TestClient) -> None:
    reply = _sign_in(anonymous, USERS["marketing"], PASSWORDS["marketing"], next="/ui/leads")

    assert reply.status_code == 303
    assert reply.headers["location"] == "/ui/leads"
    cookie = reply.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Path=/ui" in cookie
    assert "Secure" not in cookie  # plain http (a test client); see the https test
    assert anonymous.get("/ui/leads").status_code == 200


def test_over_https_the_cookie_is_secure(web_app: FastAPI) -> None:
    with TestClient(web_app, base_url="https://testserver", follow_redirects=False) as client:
        reply = _sign_in(client, USERS["sales"], PASSWORDS["sales"])

    assert "Secure" in reply.headers["set-cookie"]


def test_a_wrong_password_or_unknown_address_is_refused_alike(anonymous: TestClient) -> None:
    wrong = _sign_in(anonymous, USERS["admin"], "not-the-password")
    unknown = _sign_in(anonymous, "nobody@web.example", "not-the-password")

    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong e-mail address or password." in wrong.text
    assert "set-cookie" not in wrong.headers or SESSION_COOKIE not in wrong.headers["set-cookie"]
    assert anonymous.get("/ui/").status_code == 303


def test_sign_in_without_the_forms_csrf_token_is_refused(anonymous: TestClient) -> None:
    anonymous.get("/ui/signin")  # sets the anonymous CSRF cookie
    reply = anonymous.post(
        "/ui/signin",
        data={"email": USERS["admin"], "password": PASSWORDS["admin"], "csrf_token": "guess"},
    )

    assert reply.status_code == 403


def test_sign_in_does_not_send_the_browser_elsewhere(anonymous: TestClient) -> None:
    reply = _sign_in(anonymous, USERS["admin"], PASSWORDS["admin"], next="https://evil.example/")

    assert reply.headers["location"] == "/ui/"


def test_signing_out_ends_the_session_on_the_server(
    signed_in: Callable[[str], TestClient],
) -> None:
    client = signed_in("sales")
    token = client.cookies[SESSION_COOKIE]
    client.post("/ui/signout", data={"csrf_token": csrf_of(client.get("/ui/").text)})

    client.cookies.set(SESSION_COOKIE, token, path="/ui")  # a copy kept by an attacker
    assert client.get("/ui/").status_code == 303


def test_disabling_a_user_ends_their_sessions(
    web_app: FastAPI, signed_in: Callable[[str], TestClient]
) -> None:
    client = signed_in("marketing")
    assert client.get("/ui/").status_code == 200
    state = web_app.state.leadflow
    with state.writes() as session:
        _switch(session, USERS["marketing"], False, state)
    try:
        assert client.get("/ui/").status_code == 303
    finally:
        with state.writes() as session:
            _switch(session, USERS["marketing"], True, state)


def _switch(session: Session, email: str, active: bool, state: object) -> None:
    set_active(session, email, active, state.clock.now())  # type: ignore[attr-defined]


def test_a_page_after_the_session_ended_says_so_and_comes_back(anonymous: TestClient) -> None:
    anonymous.cookies.set(SESSION_COOKIE, "a-session-that-ended", path="/ui")

    reply = anonymous.get("/ui/leads?stage=mql")

    assert reply.headers["location"] == "/ui/signin?next=/ui/leads?stage=mql&ended=session"
    page = anonymous.get(reply.headers["location"]).text
    assert "Your session has ended. Sign in again to carry on." in page
    assert 'name="next" value="/ui/leads?stage=mql"' in page
    assert "has ended" not in anonymous.get("/ui/signin").text  # a first visit: no word


def test_an_action_after_the_session_ended_is_not_saved_and_says_so(
    anonymous: TestClient,
) -> None:
    anonymous.cookies.set(SESSION_COOKIE, "a-session-that-ended", path="/ui")
    came_from = {"Referer": "http://testserver/ui/queue?rep=r1"}

    plain = anonymous.post("/ui/queue/1/accept", data={"csrf_token": "x"}, headers=came_from)
    htmx = anonymous.post(
        "/ui/queue/1/accept",
        data={"csrf_token": "x"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/ui/queue?rep=r1"},
    )

    back = "/ui/signin?next=/ui/queue?rep=r1&ended=action"
    assert plain.status_code == 303
    assert plain.headers["location"] == back
    assert htmx.headers["HX-Redirect"] == back  # the whole page goes to sign-in
    page = anonymous.get(back).text
    assert "Your session has ended, so what you last sent was not saved." in page
    assert 'name="next" value="/ui/queue?rep=r1"' in page
    signed = _sign_in(anonymous, USERS["sales"], PASSWORDS["sales"], next="/ui/queue?rep=r1")
    assert signed.headers["location"] == "/ui/queue?rep=r1"  # back where the rep was


def test_an_action_from_another_site_is_not_sent_back_there(anonymous: TestClient) -> None:
    reply = anonymous.post(
        "/ui/queue/1/accept",
        data={"csrf_token": "x"},
        headers={"Referer": "https://evil.example/ui/queue"},
    )

    assert reply.headers["location"] == "/ui/signin?ended=action"


def test_a_page_with_several_filters_comes_back_with_all_of_them(anonymous: TestClient) -> None:
    reply = anonymous.get("/ui/leads?stage=mql&grade=A")

    page = anonymous.get(reply.headers["location"]).text

    assert 'name="next" value="/ui/leads?stage=mql&amp;grade=A"' in page  # not only stage
