"""Where sign-in and the language switch may send a browser: local pages only."""

from __future__ import annotations

import pytest

from leadflow.web.pages.signin import safe_next


@pytest.mark.parametrize(
    "target",
    ["/ui/", "/ui/leads?stage=mql&sort=fit", "/ui/leads/12", "/ui", "/ui?x=1"],
)
def test_a_page_of_the_application_is_kept(target: str) -> None:
    assert safe_next(target, "/ui") == target


@pytest.mark.parametrize(
    "target",
    [
        None,
        "",
        "https://evil.example/ui/",
        "//evil.example/ui/",
        "/ui//evil.example",
        "/uix/leads",
        "/ui\\..\\evil",
        "/docs",
        "/ui/\r\nSet-Cookie: x=1",
        "javascript:alert(1)",
    ],
)
def test_anything_else_goes_to_the_dashboard(target: str | None) -> None:
    assert safe_next(target, "/ui") == "/ui/"
