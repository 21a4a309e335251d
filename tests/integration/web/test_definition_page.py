"""The definition page: everyone reads it; an admin checks a candidate (errors with file,
line and key path, or the meaning diff) and activates it."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.testclient import TestClient

from leadflow.definition.builtin import preset_text
from leadflow.definition.loader import load_definition_text
from leadflow.domain.clock import FixedClock
from leadflow.services.backtest import BacktestRequest, backtest
from leadflow.web.i18n import format_share
from tests.integration.web.conftest import csrf_of

INVALID = """\
schema_version: 1
name: broken
version: "1"
stages:
  - id: lead
    when: {field: identity, at_least: known}
  - id: lead
    when: {field: fit.grade, at_least: Q}
"""


def _tuned() -> str:
    text = preset_text("waterfall").replace('version: "1"', 'version: "2"', 1)
    return text.replace("points: 25", "points: 35", 1)


def _check(client: TestClient, text: str) -> object:
    token = csrf_of(client.get("/ui/definition").text)
    return client.post("/ui/definition/check", data={"csrf_token": token, "text": text})


def test_every_role_reads_the_active_definition_with_labels_in_its_language(
    signed_in: Callable[[str], TestClient],
) -> None:
    client = signed_in("sales")
    english = client.get("/ui/definition").text
    dutch = client.get("/ui/definition", headers={"Accept-Language": "nl"}).text

    assert "waterfall" in english
    assert "Prospect (SQL)" in english
    assert "target industry" in english  # a fit rule
    assert "Verkoopkans" in dutch  # the stage label the definition gives in Dutch


def test_an_invalid_candidate_shows_each_error_with_file_line_and_key(
    signed_in: Callable[[str], TestClient],
) -> None:
    reply = _check(signed_in("admin"), INVALID)

    assert reply.status_code == 422
    assert "candidate.yaml:7: stages[1].id:" in reply.text
    assert "Activate this version" not in reply.text


def test_a_file_upload_is_checked_like_pasted_text(
    signed_in: Callable[[str], TestClient],
) -> None:
    client = signed_in("admin")
    token = csrf_of(client.get("/ui/definition").text)

    reply = client.post(
        "/ui/definition/check",
        data={"csrf_token": token},
        files={"upload": ("broken.yaml", INVALID.encode(), "text/yaml")},
    )

    assert reply.status_code == 422
    assert "candidate.yaml:7" in reply.text


def test_a_valid_candidate_shows_its_meaning_diff_then_activates(
    signed_in: Callable[[str], TestClient],
) -> None:
    client = signed_in("admin")
    checked = _check(client, _tuned())
    assert checked.status_code == 200
    assert "fit rule &#39;target industry&#39;: points: 25 -&gt; 35" in checked.text

    activated = client.post(
        "/ui/definition/activate", data={"csrf_token": csrf_of(checked.text), "text": _tuned()}
    )

    assert activated.status_code == 303
    page = client.get(activated.headers["location"]).text
    assert "The new definition is active." in page
    assert '<span class="muted">version 2</span>' in page
    assert ">+35.00<" in page.replace(" ", "")  # the tuned rule, now the active one


def test_the_back_test_shows_precision_and_recall_as_shares_as_the_command_line_does(
    signed_in: Callable[[str], TestClient], web_app: FastAPI, web_clock: FixedClock
) -> None:
    client = signed_in("admin")
    token = csrf_of(client.get("/ui/definition").text)

    page = client.post("/ui/definition/backtest", data={"csrf_token": token, "text": _tuned()})

    state = web_app.state.leadflow
    candidate = load_definition_text(_tuned(), "candidate.yaml")
    report = backtest(state.engine, BacktestRequest(candidate), clock=web_clock)
    summary = {str(row[0]): row[1:] for row in report.section("summary").rows}
    assert summary["precision"][0] is not None  # some leads were sales-ready: a share to show
    cells = _summary_cells(page.text)
    for metric in ("precision", "recall"):
        shown = [format_share(value, "en") for value in summary[metric]]  # type: ignore[arg-type]
        assert cells[metric] == shown, metric  # it showed 0.000 where the CLI says 0.0%


def _summary_cells(page: str) -> dict[str, list[str]]:
    """Each row of the back-test's summary table: its label, then its cells as text."""
    rows: dict[str, list[str]] = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, flags=re.S):
        cells = [
            html.unescape(re.sub(r"<[^>]+>", "", c)).strip()
            for c in re.findall(r"<td>(.*?)</td>", row, flags=re.S)
        ]
        if len(cells) == 3:
            rows[cells[0].lower()] = cells[1:]
    return rows


def test_a_warning_shows_the_file_and_line_validate_prints(
    signed_in: Callable[[str], TestClient],
) -> None:
    text = preset_text("waterfall").replace('version: "1"', 'version: "warned"', 1)
    text = text.replace("event: [demo_request,", "event: [demo_requested,", 1)
    line = text.splitlines().index("    - name: sales action") + 1
    client = signed_in("admin")
    checked = _check(client, text)
    client.post("/ui/definition/activate", data={"csrf_token": csrf_of(checked.text), "text": text})
    page = client.get("/ui/definition").text

    for shown in (checked.text, page):
        assert f"<code>candidate.yaml:{line}: engagement rule &#39;sales action&#39;:</code>" in (
            shown
        )
