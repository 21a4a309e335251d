"""The leads list and the back button: the filters shown are the filters of the list shown."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import RecordingPage

pytestmark = pytest.mark.web


def test_back_shows_the_filters_of_the_list_it_shows(
    page: RecordingPage, sign_in: Callable[[Page, str], None]
) -> None:
    p = page.page
    sign_in(p, "admin")
    p.goto("/ui/leads")
    p.locator("#f-grade").select_option("A")
    p.locator("form.filters button[type=submit]").click()
    expect(p).to_have_url(re.compile(r"grade=A"))
    graded = p.locator("#results tbody tr").count()
    p.locator("#results thead a").first.click()  # sort by another column: a new address
    expect(p).to_have_url(re.compile(r"sort=contact"))

    p.go_back()

    expect(p).to_have_url(re.compile(r"grade=A"))
    expect(p.locator("#results tbody tr")).to_have_count(graded)
    expect(p.locator("#f-grade")).to_have_value("A")  # not "all" beside a list of A leads
    assert page.dialogs == []
