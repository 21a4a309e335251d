"""The dashboard's and the reports' tables fit their cards on a 1280-pixel screen (a
table wider than its card scrolled sideways, "Median days to next" cut off), in every
language; at 800 pixels a wide table scrolls inside its card, never the page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page

from tests.web.conftest import RecordingPage

pytestmark = pytest.mark.web

LANGUAGES = ("en", "nl", "de", "fr", "nb")

# Per table: how much wider its content is than the box around it (0 when it fits), and
# the same for its card; read where the page shows them.
_OVERFLOW = """
() => [...document.querySelectorAll('.card table')].map((table) => {
  const wrap = table.closest('.table-wrap') || table.parentElement;
  const card = table.closest('.card');
  return {
    table: (table.querySelector('caption, thead') || table).textContent.trim().slice(0, 60),
    wrap: wrap.scrollWidth - wrap.clientWidth,
    card: card.scrollWidth - card.clientWidth,
  };
})
"""


def _pages(page: Page) -> list[str]:
    page.goto("/ui/reports")
    names = page.locator("#r-name option").evaluate_all("(options) => options.map(o => o.value)")
    return ["/ui/", *(f"/ui/reports?name={name}" for name in names)]


def _overflowing(page: Page, paths: list[str], *, wrap: bool) -> list[tuple[str, str, int, int]]:
    """Tables wider than their card (or than their own box, with ``wrap``), and a page
    wider than the window (as the table ``(page)``)."""
    found = []
    for path in paths:
        page.goto(path)
        page.locator("details").evaluate_all("(all) => all.forEach(d => d.open = true)")
        for table in page.evaluate(_OVERFLOW):
            if (wrap and table["wrap"] > 0) or table["card"] > 0:
                found.append((path, table["table"], table["wrap"], table["card"]))
        wider = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if wider > 0:
            found.append((path, "(page)", wider, 0))
    return found


def _language(page: Page, language: str) -> None:
    page.goto("/ui/")
    page.locator("#language-choice").select_option(language)
    page.locator("form:has(#language-choice) button").click()
    page.wait_for_load_state()


@pytest.mark.parametrize(("width", "fits"), [(1280, True), (800, False)])
def test_no_report_table_is_wider_than_its_card(
    page: RecordingPage, sign_in: Callable[[Page, str], None], width: int, fits: bool
) -> None:
    p = page.page
    p.set_viewport_size({"width": width, "height": 900})
    sign_in(p, "marketing")
    paths = _pages(p)
    assert len(paths) > 3  # the dashboard and the reports, each read

    overflowing = []
    for language in LANGUAGES:
        _language(p, language)
        overflowing += [(language, *row) for row in _overflowing(p, paths, wrap=fits)]

    assert overflowing == [], "\n".join(map(str, overflowing))
