"""Screenshots of the main pages for docs/screenshots (the README shows them).

Skipped unless asked for, since they rewrite committed images:

    leadflow run-demo --workspace /tmp/shots --contacts 400 --build-only
    LEADFLOW_SCREENSHOTS=docs/screenshots LEADFLOW_SCREENSHOTS_WORKSPACE=/tmp/shots \\
        pytest tests/web/test_screenshots.py

The pages are those of the demo workspace, signed in as its demo users.
"""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from PIL import Image
from playwright.sync_api import Browser, Page

from leadflow.api.app import create_app
from leadflow.services.demo_users import DEMO_USERS
from leadflow.settings import Settings
from tests.web.conftest import free_port

pytestmark = pytest.mark.web

_PASSWORDS = {role.value: (email, password) for email, _, role, password in DEMO_USERS}
_INVALID = """\
schema_version: 1
name: trial
version: "2"
stages:
  - id: lead
    when: {field: fit.grade, at_least: Q}
  - id: lead
    kind: sales
"""


@pytest.fixture(scope="module")
def target() -> Path:
    folder = os.environ.get("LEADFLOW_SCREENSHOTS")
    if not folder:
        pytest.skip("set LEADFLOW_SCREENSHOTS (and LEADFLOW_SCREENSHOTS_WORKSPACE) to take them")
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def demo_url(target: Path) -> Iterator[str]:
    workspace = Path(os.environ.get("LEADFLOW_SCREENSHOTS_WORKSPACE", "demo-workspace"))
    if not (workspace / "leadflow.db").exists():
        pytest.skip(f"no demo workspace at {workspace}; build one with leadflow run-demo")
    port = free_port()
    app = create_app(Settings(workspace=workspace))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def _signed_in(browser: Browser, url: str, role: str, width: int = 1280) -> Page:
    context = browser.new_context(
        base_url=url, viewport={"width": width, "height": 900}, locale="en-GB"
    )
    page = context.new_page()
    page.goto("/ui/signin")
    email, password = _PASSWORDS[role]
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/ui/")
    return page


def _shot(page: Page, target: Path, name: str, *, full: bool = False) -> None:
    """A PNG of 256 colours (a third of the size; flat interface colours survive it)."""
    page.wait_for_load_state("networkidle")
    shot = Image.open(io.BytesIO(page.screenshot(full_page=full))).convert("RGB")
    shot.quantize(colors=256).save(target / f"{name}.png", optimize=True)


def test_take_the_screenshots(browser: Browser, demo_url: str, target: Path) -> None:
    anonymous = browser.new_context(base_url=demo_url, viewport={"width": 1280, "height": 700})
    signin = anonymous.new_page()
    signin.goto("/ui/signin")
    _shot(signin, target, "signin")

    admin = _signed_in(browser, demo_url, "admin")
    _shot(admin, target, "dashboard", full=True)
    for name, path in [
        ("leads", "/ui/leads?sort=engagement"),
        ("definition", "/ui/definition"),
        ("reports", "/ui/reports?name=funnel"),
        ("settings", "/ui/settings"),
    ]:
        admin.goto(path)
        _shot(admin, target, name)
    admin.goto("/ui/definition")
    admin.get_by_label("or paste it here").fill(_INVALID)
    admin.get_by_role("button", name="Check").click()
    _shot(admin, target, "definition-errors")

    sales = _signed_in(browser, demo_url, "sales")
    sales.goto("/ui/queue")
    _shot(sales, target, "queue")
    sales.locator("#queue article h2 a").first.click()
    _shot(sales, target, "lead")

    phone = _signed_in(browser, demo_url, "marketing", width=390)
    phone.goto("/ui/leads")
    _shot(phone, target, "leads-phone")
