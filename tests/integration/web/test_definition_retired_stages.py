"""The definition page after a change that renamed the funnel's stages.

Its own module: activating a definition without the waterfall's stages changes the
module's workspace for every test that runs after it.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.integration.web.conftest import csrf_of

RENAMED = """\
schema_version: 1
name: renamed
version: "1"
stages:
  - id: contact
    labels: {en: Contact, de: Kontakt}
    when: {field: identity, at_least: known}
"""


def test_the_page_names_the_leads_standing_in_stages_the_active_version_lacks(
    signed_in: Callable[[str], TestClient],
) -> None:
    client = signed_in("admin")
    before = client.get("/ui/definition").text
    assert "do not exist in this version" not in before

    token = csrf_of(before)
    activated = client.post("/ui/definition/activate", data={"csrf_token": token, "text": RENAMED})
    assert activated.status_code == 303
    english = client.get("/ui/definition").text
    german = client.get("/ui/definition", headers={"Accept-Language": "de"}).text

    assert "leads stand in stages that do not exist in this version (lead: " in english
    assert "leadflow rescore" in english
    assert "Leads stehen in Phasen, die es in dieser Version nicht gibt (lead: " in german
    assert "leadflow rescore" in german
