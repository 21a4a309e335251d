"""What the rest of leadflow writes in English reaches the pages in the reader's language:
the lead's explanation and verdicts, the rep's "why", the reasons a lead moved, a
candidate's problems (file, line and key path untouched) and meaning diff, refusals,
report notes and cells, the back-test's title, metrics and notes."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from leadflow.analytics.costs import Costs
from leadflow.analytics.money import convert, money_notes
from leadflow.analytics.report import Report
from leadflow.definition.builtin import preset_text
from leadflow.definition.loader import load_definition_text
from leadflow.domain.clock import FixedClock
from leadflow.services.backtest import BacktestRequest, backtest, unloadable_note
from leadflow.services.reports import REPORTS, ReportRequest, build_report
from leadflow.store.database import make_engine
from leadflow.web.report_words import METRICS, NOTES, TITLES
from tests.integration.web.conftest import csrf_of
from tests.integration.web.world import World

GERMAN = {"Accept-Language": "de"}
STRICTER = (
    preset_text("waterfall")
    .replace('version: "1"', 'version: "2"', 1)
    .replace("min_fit_grade: B", "min_fit_grade: A", 1)
)
BROKEN = """\
schema_version: 1
name: broken
version: "1"
stages:
  - id: Lead
sales_ready:
  when: {field: fit.grade, at_least: Q}
"""


def _pre_lines(page: str) -> list[str]:
    """The explanation as text (the page's <pre>), unescaped."""
    found = re.search(r"<pre>(.*?)</pre>", page, re.DOTALL)
    assert found is not None
    return html.unescape(found[1]).splitlines()


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_lead_page_says_every_line_of_its_explanation_in_german(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("marketing")
    english = client.get(f"/ui/leads/{world.ready[0]}").text
    german = client.get(f"/ui/leads/{world.ready[0]}", headers=GERMAN).text

    lines, said = _pre_lines(english), _pre_lines(german)
    assert len(said) == len(lines) > 8
    assert [line for line, shown in zip(lines, said, strict=True) if line == shown] == []
    assert said[0] == "Fit 100 (Fit-Note A)"
    assert "  +25,00 target industry: account.industry = 'software'" in said
    assert said[-1].startswith("Phase: Prospect (SQL) (die am weitesten fortgeschrittene Phase")
    text = _text(german)
    assert "Vertriebsbereit: ja – Fit-Note A und Demo angefragt vor " in text
    assert "in den Trichter eingetreten" in text  # the timeline's transitions
    assert "vorgerückt: die Regel von Prospect (SQL) ist erfüllt" in text


def test_the_queue_says_why_in_dutch_and_a_rejection_reads_in_french_on_the_timeline(
    signed_in: Callable[[str], TestClient], world: World
) -> None:
    client = signed_in("sales")
    dutch = _text(client.get("/ui/queue", headers={"Accept-Language": "nl"}).text)
    assert "sales-ready: ja: fit-score A en demo aangevraagd " in dutch
    assert "fase: Prospect (de verste fase waarvan de regel geldt)" in dutch

    contact = world.ready[4]
    token = csrf_of(client.get("/ui/queue").text)
    data = {"csrf_token": token, "reason": "no_budget", "note": "next year"}
    assert client.post(f"/ui/queue/{contact}/reject", data=data).status_code == 303
    french = _text(client.get(f"/ui/leads/{contact}", headers={"Accept-Language": "fr"}).text)
    assert "refusé par les ventes : pas de budget : next year" in french
    assert "pas de budget: next year" in french  # the hand-off's answer


def test_a_candidates_problems_keep_their_place_and_say_what_is_wrong_in_norwegian(
    signed_in: Callable[[str], TestClient],
) -> None:
    client = signed_in("admin")
    token = csrf_of(client.get("/ui/definition").text)
    reply = client.post(
        "/ui/definition/check",
        data={"csrf_token": token, "text": BROKEN},
        headers={"Accept-Language": "nb"},
    )

    assert reply.status_code == 422
    text = _text(reply.text)
    assert (
        "candidate.yaml:7: sales_ready.when.at_least: fit.grade er en av A, B, C, D; fikk 'Q'"
        in (text)
    )
    assert "candidate.yaml:5: stages[0].id: forventet små bokstaver, sifre og _" in text


def test_the_meaning_diff_the_back_test_and_its_notes_in_german(
    signed_in: Callable[[str], TestClient],
) -> None:
    client = signed_in("admin")
    token = csrf_of(client.get("/ui/definition").text)
    data = {"csrf_token": token, "text": STRICTER}
    checked = _text(client.post("/ui/definition/check", data=data, headers=GERMAN).text)
    assert "Schwelle für vertriebsbereit: Mindest-Fit-Note: B → A" in checked

    tried = _text(client.post("/ui/definition/backtest", data=data, headers=GERMAN).text)
    assert "Backtest: waterfall 2 gegen waterfall 1" in tried
    assert "Präzision" in tried
    assert "haben Prospect (SQL) erreicht" in tried  # a stage by its label
    assert "ausdrückliche Verschiebungen (Zurückführen, Disqualifizieren)" in tried


def test_a_refusal_is_said_in_german(signed_in: Callable[[str], TestClient]) -> None:
    reply = signed_in("marketing").get("/ui/leads?grade=Z", headers=GERMAN)

    assert reply.status_code == 422
    assert "unbekannter Wert für grade: 'Z'" in _text(reply.text)


def test_report_notes_and_cells_in_german(signed_in: Callable[[str], TestClient]) -> None:
    client = signed_in("marketing")
    funnel = _text(client.get("/ui/reports?name=funnel", headers=GERMAN).text)
    alignment = _text(client.get("/ui/reports?name=alignment", headers=GERMAN).text)
    scoring = _text(client.get("/ui/reports?name=scoring", headers=GERMAN).text)

    assert "alle Leads Prospect (SQL)" in funnel  # the group and the stage, in words
    assert "Leads: haben die Phase oder eine spätere erreicht" in funnel
    assert "zu wenig bearbeitet: nach weniger als 3 Versuchen aufgegeben" in alignment
    assert "aktuelle Werte: auch Aktivität während des Vertriebsprozesses zählt" in scoring
    assert re.search(r"\bA niedrig\b", scoring)  # the grade × engagement band


# --- every note, title and metric the reports write is one the phrasebooks read --------


@pytest.fixture(scope="module")
def store(web_workspace: tuple[Path, World]) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{web_workspace[0] / 'leadflow.db'}")
    yield engine
    engine.dispose()


def _reports(store: Engine, clock: FixedClock) -> Iterator[Report]:
    for name in REPORTS:
        yield build_report(store, ReportRequest(name), clock=clock, costs=Costs())
    candidate = load_definition_text(STRICTER, "candidate.yaml")
    yield backtest(store, BacktestRequest(candidate), clock=clock)


def test_every_note_title_and_metric_of_the_reports_is_read(
    store: Engine, web_clock: FixedClock
) -> None:
    reports = list(_reports(store, web_clock))
    # The world has no learned model, so the back-test's note on one it cannot load is
    # made here, by the function the back-test writes it with.
    notes = [note for report in reports for note in report.notes] + [unloadable_note(12, 3)]
    # Nor deals in several currencies: those notes are made by the function reports use.
    notes += money_notes(convert([1.0, 2.0, 3.0], ["EUR", "GBP", "USD"], rates={"GBP": 1.1}))
    metrics = [
        str(row[0]) for report in reports if report.name == "backtest"
        for row in report.section("summary").rows
    ]  # fmt: skip

    assert [note for note in notes if NOTES.read(note) is None] == []
    assert [metric for metric in metrics if METRICS.read(metric) is None] == []
    assert TITLES.read(reports[-1].title) is not None
    read_notes = {found[0].message for note in notes if (found := NOTES.read(note))}
    read_metrics = {found[0].message for metric in metrics if (found := METRICS.read(metric))}
    assert set(NOTES.messages) - read_notes == set()
    assert set(METRICS.messages) - read_metrics == set()
