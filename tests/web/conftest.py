"""A real server and one headless Chromium for the browser tests.

live_server   uvicorn serving create_app on a free loopback port, over the small world
              of tests/integration/web/world.py (built once per session, SQLite); its
              ``database_url`` lets a test add what the world lacks
browser       Debian's Chromium (/usr/bin/chromium) through Playwright, one per session;
              never a downloaded browser. Missing Chromium skips these tests
page          a fresh browser context and page per test (no cookies carried over);
              every JavaScript dialog is recorded and dismissed (``page.dialogs``)
sign_in       ``sign_in(page, "sales")`` signs in through the form
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Dialog, Page, sync_playwright

from leadflow.api.app import create_app
from leadflow.api.state import ApiLimits
from leadflow.domain.clock import FixedClock
from leadflow.services.form_config import FormsConfig
from leadflow.settings import Settings
from leadflow.store.database import make_engine
from leadflow.store.migrate import upgrade
from tests.integration.web.world import PASSWORDS, USERS, World, build_world

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class LiveServer:
    url: str
    world: World
    database_url: str


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    folder = tmp_path_factory.mktemp("web-live")
    settings = Settings(workspace=folder)
    engine = make_engine(settings.resolved_database_url)
    upgrade(engine)
    clock = FixedClock(START)
    world = build_world(engine, clock)
    limits = ApiLimits(rate_per_second=0, public_rate_per_second=0)
    app = create_app(settings, engine=engine, clock=clock, limits=limits, forms=FormsConfig())
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield LiveServer(f"http://127.0.0.1:{port}", world, settings.resolved_database_url)
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (make test installs Debian's chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class RecordingPage:
    """A Playwright page that records JavaScript dialogs (an alert means a script ran)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.dialogs: list[str] = []
        page.on("dialog", self._dismiss)

    def _dismiss(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[RecordingPage]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    recording = RecordingPage(context.new_page())
    yield recording
    context.close()


@pytest.fixture
def sign_in() -> Callable[[Page, str], None]:
    def signed(page: Page, role: str) -> None:
        page.goto("/ui/signin")
        page.get_by_label("E-mail address").fill(USERS[role])
        page.get_by_label("Password").fill(PASSWORDS[role])
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/ui/")

    return signed
