"""The website snippet in a real browser: a site on another origin loads /t.js, asks for
consent, sends page views, and its forms (a browser post and a JSON fetch) join the
visitor's history to the contact they create."""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from leadflow.api.app import create_app
from leadflow.api.state import ApiLimits
from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import FixedClock
from leadflow.services.definitions import activate_definition
from leadflow.services.form_config import FormsConfig, FormSpec, TrackingSpec
from leadflow.settings import Settings
from leadflow.store.database import make_engine
from leadflow.store.migrate import upgrade
from leadflow.store.models import Contact, Event
from tests.web.conftest import START, free_port

pytestmark = pytest.mark.web

LANDING = "/landing?utm_source=linkedin&utm_medium=paid_social&utm_campaign=spring&email=x"


@dataclass(frozen=True, slots=True)
class Site:
    url: str  # the marketing site, on another host than leadflow (cookies are per host)
    leadflow: str
    engine: Engine


def _page(leadflow: str) -> bytes:
    return f"""<!doctype html>
<html><head><title>Sensors for cold stores</title>
<script src="{leadflow}/t.js"></script></head>
<body>
<form method="post" action="{leadflow}/forms/demo">
  <label>E-mail <input name="email" type="email"></label>
  <button>Ask for a demo</button>
</form>
</body></html>""".encode()


def _queued_page(leadflow: str) -> bytes:
    # The banner answered before the snippet loaded, after a command the snippet lacks
    # (a typo, another tracker's habit).
    return f"""<!doctype html>
<html><head><title>Queued</title>
<script>
  window.leadflow = window.leadflow || [];
  leadflow.push(["identify", "ann@coldstore.example"]);
  leadflow.push(["consent", true]);
</script>
<script src="{leadflow}/t.js" defer></script></head>
<body></body></html>""".encode()


def _serve_site(leadflow: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # http.server's name
            body = b"thanks"
            if self.path.startswith("/landing"):
                body = _page(leadflow)
            elif self.path.startswith("/queued"):
                body = _queued_page(leadflow)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    with _running_site(tmp_path_factory.mktemp("website"), require_consent=True) as running:
        yield running


@pytest.fixture(scope="module")
def opt_out_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """A site whose visitors are counted until they refuse (require_consent: false)."""
    with _running_site(tmp_path_factory.mktemp("opt-out"), require_consent=False) as running:
        yield running


@pytest.fixture(scope="module")
def prefixed_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """leadflow behind a reverse proxy that serves it under /leadflow and strips that
    prefix (``leadflow serve --root-path /leadflow``)."""
    folder = tmp_path_factory.mktemp("prefixed")
    with _running_site(folder, require_consent=False, root_path="/leadflow") as running:
        yield running


def _serve_proxy(upstream: str, prefix: str, port: int) -> ThreadingHTTPServer:
    """A reverse proxy serving ``upstream`` under ``prefix``, which it strips."""

    class Handler(BaseHTTPRequestHandler):
        def _forward(self) -> None:
            if not self.path.startswith(prefix + "/"):
                self.send_error(404)
                return
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            connection = http.client.HTTPConnection(upstream, timeout=10)
            headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
            connection.request(self.command, self.path[len(prefix) :], body, headers)
            reply = connection.getresponse()
            content = reply.read()
            self.send_response(reply.status)
            for name, value in reply.getheaders():
                if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)
            connection.close()

        do_GET = do_POST = do_OPTIONS = _forward  # noqa: N815 (http.server's names)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@contextmanager
def _running_site(folder: Path, *, require_consent: bool, root_path: str = "") -> Iterator[Site]:
    settings = Settings(workspace=folder, root_path=root_path)
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    with Session(engine) as session:
        activate_definition(session, preset_text("waterfall"), source_name="w.yaml", now=START)
        session.commit()
    site_port, api_port = free_port(), free_port()
    site_url = f"http://localhost:{site_port}"
    forms = FormsConfig(
        forms={"demo": FormSpec(event="demo_request", thank_you_url=f"{site_url}/thanks")},
        tracking=TrackingSpec(origins=(site_url,), require_consent=require_consent),
    )
    limits = ApiLimits(rate_per_second=0, public_rate_per_second=0)
    app = create_app(settings, engine=engine, clock=FixedClock(START), limits=limits, forms=forms)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=api_port, log_level="warning", root_path=root_path
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the API did not start"
        assert thread.is_alive(), "the API stopped"
        time.sleep(0.05)
    leadflow, proxy = f"http://127.0.0.1:{api_port}", None
    if root_path:
        proxy_port = free_port()
        proxy = _serve_proxy(f"127.0.0.1:{api_port}", root_path, proxy_port)
        leadflow = f"http://127.0.0.1:{proxy_port}{root_path}"
    static = _serve_site(leadflow, site_port)
    yield Site(site_url, leadflow, engine)
    static.shutdown()
    if proxy is not None:
        proxy.shutdown()
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture
def visit(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def _visitor_events(engine: Engine, visitor: str, count: int) -> list[Event]:
    """The visitor's events once there are ``count`` (beacons arrive after the page)."""
    deadline = time.monotonic() + 10
    while True:
        with Session(engine) as session:
            events = list(session.scalars(select(Event).where(Event.visitor_id == visitor)))
        if len(events) >= count or time.monotonic() > deadline:
            return events
        time.sleep(0.05)


def _contact(engine: Engine, email: str) -> Contact:
    with Session(engine) as session:
        return session.scalars(select(Contact).where(Contact.email == email)).one()


def test_page_views_wait_for_consent_then_a_form_post_joins_them(site: Site, visit: Page) -> None:
    visit.goto(site.url + LANDING)
    assert visit.evaluate("leadflow.visitorId()") is None  # no consent: no cookie, no hit
    assert visit.context.cookies() == []

    visit.evaluate("leadflow.consent(true)")
    visitor = visit.evaluate("leadflow.visitorId()")
    [landing] = _visitor_events(site.engine, visitor, 1)
    visit.goto(site.url + "/landing")  # consent remembered: this view is sent at once
    assert len(_visitor_events(site.engine, visitor, 2)) == 2
    visit.get_by_label("E-mail").fill("ann@coldstore.example")
    visit.get_by_role("button", name="Ask for a demo").click()
    visit.wait_for_url(site.url + "/thanks")

    assert landing.properties["url"] == site.url + "/landing"  # no query kept
    assert landing.properties["utm_campaign"] == "spring"
    contact = _contact(site.engine, "ann@coldstore.example")
    assert (contact.source_channel, contact.source_campaign) == ("linkedin", "spring")
    with Session(site.engine) as session:
        types = session.scalars(
            select(Event.type).where(Event.contact_id == contact.id).order_by(Event.id)
        ).all()
    assert types == ["page_view", "page_view", "demo_request"]


def test_a_page_posts_a_form_as_json_across_origins(site: Site, visit: Page) -> None:
    visit.goto(site.url + "/landing")
    visit.evaluate("leadflow.consent(true)")
    visitor = visit.evaluate("leadflow.visitorId()")
    _visitor_events(site.engine, visitor, 1)

    status = visit.evaluate(
        """async ([url, visitor]) => {
            const reply = await fetch(url, {
                method: "POST",
                headers: {"Content-Type": "application/json"},
                body: JSON.stringify({email: "bo@coldstore.example", visitor_id: visitor}),
            });
            return [reply.status, (await reply.json()).accepted];
        }""",
        [site.leadflow + "/forms/demo", visitor],
    )

    assert status == [202, True]  # the preflight passed and the page read the answer
    contact = _contact(site.engine, "bo@coldstore.example")
    assert contact.source_channel == "direct"
    assert len(_visitor_events(site.engine, visitor, 2)) == 2


def test_withdrawing_consent_removes_the_cookies_and_stops_the_hits(
    site: Site, visit: Page
) -> None:
    visit.goto(site.url + "/landing")
    visit.evaluate("leadflow.consent(true)")
    visitor = visit.evaluate("leadflow.visitorId()")
    _visitor_events(site.engine, visitor, 1)

    visit.evaluate("leadflow.consent(false)")
    visit.goto(site.url + "/landing")

    assert visit.context.cookies() == []
    assert visit.evaluate("leadflow.track('page_view')") is False


def test_a_form_sent_after_consent_is_withdrawn_does_not_join_the_history(
    site: Site, visit: Page
) -> None:
    visit.goto(site.url + "/landing")
    visit.evaluate("leadflow.consent(true)")  # the form gets its hidden visitor_id here
    visitor = visit.evaluate("leadflow.visitorId()")
    _visitor_events(site.engine, visitor, 1)

    visit.evaluate("leadflow.consent(false)")
    visit.get_by_label("E-mail").fill("cy@coldstore.example")
    visit.get_by_role("button", name="Ask for a demo").click()
    visit.wait_for_url(site.url + "/thanks")

    contact = _contact(site.engine, "cy@coldstore.example")
    with Session(site.engine) as session:
        types = session.scalars(select(Event.type).where(Event.contact_id == contact.id)).all()
    assert types == ["demo_request"]  # the page view stays anonymous, not joined
    assert [event.type for event in _visitor_events(site.engine, visitor, 1)] == ["page_view"]


def test_without_required_consent_a_refusal_still_stops_the_hits_for_good(
    opt_out_site: Site, visit: Page
) -> None:
    visit.goto(opt_out_site.url + "/landing")  # counted at once: no consent asked
    visitor = visit.evaluate("leadflow.visitorId()")
    assert len(_visitor_events(opt_out_site.engine, visitor, 1)) == 1

    visit.evaluate("leadflow.consent(false)")
    assert visit.evaluate("leadflow.track('page_view')") is False
    visit.goto(opt_out_site.url + "/landing")

    assert visit.evaluate("leadflow.visitorId()") is None
    assert [c["name"] for c in visit.context.cookies()] == ["lf_consent"]  # the refusal
    with Session(opt_out_site.engine) as session:
        assert session.scalars(select(Event)).all() != []
        assert len(session.scalars(select(Event)).all()) == 1  # nothing after the refusal


def test_a_queued_command_the_snippet_lacks_does_not_stop_the_ones_after_it(
    site: Site, visit: Page
) -> None:
    errors: list[str] = []
    visit.on("pageerror", lambda error: errors.append(str(error)))
    visit.goto(site.url + "/queued")
    visitor = visit.evaluate("leadflow.visitorId()")

    assert visitor is not None  # the consent queued after it was applied
    assert [event.type for event in _visitor_events(site.engine, visitor, 1)] == ["page_view"]
    assert visit.evaluate("leadflow.push(['nothing'])") is None
    assert errors == []


def test_behind_a_proxy_under_a_prefix_the_snippet_sends_there(
    prefixed_site: Site, visit: Page
) -> None:
    """The page loads /leadflow/t.js from the proxy: its hits and the forms it marks go
    to /leadflow/..., not to the proxy's root, where nothing answers."""
    visit.goto(prefixed_site.url + "/landing")
    visitor = visit.evaluate("leadflow.visitorId()")  # counted at once: no consent asked
    [view] = _visitor_events(prefixed_site.engine, visitor, 1)
    visit.get_by_label("E-mail").fill("di@coldstore.example")
    visit.get_by_role("button", name="Ask for a demo").click()
    visit.wait_for_url(prefixed_site.url + "/thanks")

    assert view.type == "page_view"
    contact = _contact(prefixed_site.engine, "di@coldstore.example")
    with Session(prefixed_site.engine) as session:
        types = session.scalars(
            select(Event.type).where(Event.contact_id == contact.id).order_by(Event.id)
        ).all()
    assert types == ["page_view", "demo_request"]  # the form carried the visitor id
