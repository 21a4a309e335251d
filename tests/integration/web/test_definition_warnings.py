"""The definition pages show what ``leadflow definition validate`` warns about, for a
candidate and for the active definition, in the reader's language.

Its own module: activating the candidate changes the module's workspace for every test
that runs after it.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from leadflow.definition.builtin import preset_text
from tests.integration.web.conftest import csrf_of

MISSPELT = (
    preset_text("waterfall")
    .replace('version: "1"', 'version: "2"', 1)
    .replace("event: [demo_request,", "event: [demo_requested,", 1)
)
ENGLISH = (
    "event type &#39;demo_requested&#39; is not a standard type; did you mean"
    " &#39;demo_request&#39;?"
)
GERMAN = (
    "Ereignistyp &#39;demo_requested&#39; ist kein Standardtyp; meinten Sie &#39;demo_request&#39;?"
)


def test_a_candidate_and_then_the_active_definition_show_their_warnings(
    signed_in: Callable[[str], TestClient],
) -> None:
    client = signed_in("admin")
    before = client.get("/ui/definition").text
    token = csrf_of(before)

    checked = client.post("/ui/definition/check", data={"csrf_token": token, "text": MISSPELT})
    german = client.post("/ui/definition/check", data={"csrf_token": token, "text": MISSPELT},
                         headers={"Accept-Language": "de"})  # fmt: skip
    activated = client.post("/ui/definition/activate", data={"csrf_token": token,
                            "text": MISSPELT})  # fmt: skip
    active = signed_in("sales").get("/ui/definition").text

    assert 'id="definition-warnings"' not in before  # the waterfall as shipped: none
    assert checked.status_code == 200
    assert "1 warning" in checked.text
    assert "engagement rule &#39;sales action&#39;:" in checked.text
    assert ENGLISH in checked.text
    assert "1 Warnung" in german.text
    assert GERMAN in german.text
    assert activated.status_code == 303
    assert 'id="definition-warnings"' in active
    assert ENGLISH in active
