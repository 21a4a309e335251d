"""A rep working the queue from the keyboard and through a session that ends: where
focus goes after an action, and what happens to an action sent after the session ended."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.integration.web.world import PASSWORDS, USERS
from tests.web.conftest import LiveServer, RecordingPage

pytestmark = pytest.mark.web

_FOCUSED = "() => document.activeElement.closest('article')?.id ?? document.activeElement.id"


def test_an_action_after_the_session_ended_is_not_lost_without_a_word(
    page: RecordingPage, sign_in: Callable[[Page, str], None], live_server: LiveServer
) -> None:
    p = page.page
    lead = live_server.world.ready[3]  # r2's: the admin acts for the rep
    sign_in(p, "admin")
    p.goto("/ui/queue?rep=r2")
    p.context.clear_cookies(name="leadflow_session")  # the session ends meanwhile

    p.locator(f"#item-{lead}").get_by_role("button", name="Accept").click()

    expect(p).to_have_url(re.compile(r"/ui/signin\?"))
    expect(p.get_by_role("alert")).to_contain_text("what you last sent was not saved")
    p.get_by_label("E-mail address").fill(USERS["admin"])
    p.get_by_label("Password").fill(PASSWORDS["admin"])
    p.get_by_role("button", name="Sign in").click()
    expect(p).to_have_url(re.compile(r"/ui/queue\?rep=r2$"))  # back where the rep was
    expect(p.locator(f"#item-{lead}")).to_contain_text("waiting for an answer")
    assert page.dialogs == []


def test_after_an_action_the_keyboard_carries_on_from_the_lead_it_acted_on(
    page: RecordingPage, sign_in: Callable[[Page, str], None], live_server: LiveServer
) -> None:
    p = page.page
    lead = live_server.world.ready[5]  # r2's
    sign_in(p, "admin")
    p.goto("/ui/queue?rep=r2")

    p.locator(f"#item-{lead}").get_by_role("button", name="Accept").focus()
    p.keyboard.press("Enter")
    expect(p.get_by_role("status")).to_contain_text("Hand-off accepted.")

    assert p.evaluate(_FOCUSED) == f"item-{lead}"  # not lost to the top of the page
    p.keyboard.press("Tab")
    assert p.evaluate(_FOCUSED) == f"item-{lead}"  # the next Tab stays with that lead

    card = p.locator(f"#item-{lead}")
    card.get_by_label("Outcome").select_option("no_answer")
    card.get_by_label("Note").focus()
    p.keyboard.type("rang twice")
    p.keyboard.press("Enter")
    expect(p.get_by_role("status")).to_contain_text("Attempt logged.")
    assert p.evaluate(_FOCUSED) == f"item-{lead}"
