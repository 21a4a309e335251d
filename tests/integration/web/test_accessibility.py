"""Every page: a language, a plain-text title, one main heading, a label for every form
control, text for every image, ids used once; the skip link points at the content."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from tests.integration.web.world import World

_CONTROLS = {"input", "select", "textarea"}
_UNLABELLED_INPUTS = {"hidden", "submit", "button"}


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.h1 = 0
        self.labels: set[str] = set()
        self.controls: list[tuple[str, dict[str, str | None]]] = []
        self.images_without_text: list[str] = []
        self.ids: set[str] = set()
        self.repeated_ids: list[str] = []
        self.in_title = False
        self.title = ""
        self.tags_in_title: list[str] = []
        self.skip_target: str | None = None
        self._open_labels = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self.in_title:
            self.tags_in_title.append(tag)
        if values.get("id"):
            if values["id"] in self.ids:
                self.repeated_ids.append(str(values["id"]))
            self.ids.add(str(values["id"]))
        if tag == "title" and not self.title:  # the page's; an SVG's come later
            self.in_title = True
        elif tag == "html":
            self.lang = values.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "label":
            self._open_labels += 1
            if values.get("for"):
                self.labels.add(str(values["for"]))
        elif tag in _CONTROLS and not self._exempt(tag, values):
            self.controls.append((tag, values))
        elif tag == "img" and not values.get("alt"):
            self.images_without_text.append(str(values.get("src")))
        elif tag == "a" and "skip" in (values.get("class") or ""):
            self.skip_target = (values.get("href") or "").lstrip("#")

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self._open_labels -= 1
        elif tag == "title":
            self.in_title = False

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data

    def _exempt(self, tag: str, values: dict[str, str | None]) -> bool:
        if "hidden" in values or values.get("aria-label"):
            return True
        if self._open_labels:  # wrapped in its label
            return True
        return tag == "input" and (values.get("type") or "text") in _UNLABELLED_INPUTS

    def unlabelled(self) -> list[str]:
        return [
            f"<{tag} name={values.get('name')!r}>"
            for tag, values in self.controls
            if values.get("id") not in self.labels
        ]


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("admin", "/ui/"),
        ("marketing", "/ui/leads"),
        ("sales", "/ui/leads/{lead}"),
        ("sales", "/ui/queue"),
        ("admin", "/ui/queue"),
        ("admin", "/ui/definition"),
        ("marketing", "/ui/reports"),
        ("admin", "/ui/settings"),
    ],
)
def test_each_page_is_labelled_and_structured(
    signed_in: Callable[[str], TestClient], world: World, role: str, path: str
) -> None:
    html = signed_in(role).get(path.format(lead=world.ready[1])).text
    audit = _Audit()
    audit.feed(html)

    assert audit.lang == "en"
    assert audit.tags_in_title == []
    assert audit.title.endswith(" · leadflow")
    assert audit.repeated_ids == []
    assert audit.h1 == 1
    assert audit.unlabelled() == []
    assert audit.images_without_text == []
    assert audit.skip_target in audit.ids


def test_the_sign_in_page_too(anonymous: TestClient) -> None:
    audit = _Audit()
    audit.feed(anonymous.get("/ui/signin", headers={"Accept-Language": "nb"}).text)

    assert audit.lang == "nb"
    assert audit.unlabelled() == []
    assert len(audit.controls) == 3  # e-mail, password, and the language menu
