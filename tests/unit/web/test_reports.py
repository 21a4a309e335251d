"""Report CSV: plain CSV a spreadsheet opens without running anything; a report's notes
in the reader's language."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from leadflow.analytics.money import convert, money_notes
from leadflow.analytics.report import Report, Section
from leadflow.services.backtest import unloadable_note
from leadflow.web.pages.reports import csv_text, report_csv
from leadflow.web.phrases import speech
from leadflow.web.report_words import report_note


def test_cells_that_look_like_formulas_are_neutralised() -> None:
    text = csv_text(
        ("channel", "leads"),
        [('=HYPERLINK("http://evil")', 3), ("+1", 2), ("-2", 1), ("@SUM(A1)", 0), ("web", None)],
    )
    rows = list(csv.reader(io.StringIO(text)))

    assert rows[0] == ["channel", "leads"]
    assert [row[0] for row in rows[1:]] == [
        '\'=HYPERLINK("http://evil")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "web",
    ]
    assert rows[-1][1] == ""  # None is an empty cell, not "None"


def test_numbers_stay_numbers() -> None:
    assert csv_text(("a", "b"), [(-1.5, 2)]) == "a,b\n-1.5,2\n"


def test_a_report_is_one_csv_with_a_section_column() -> None:
    report = Report(
        "alignment",
        "Alignment",
        datetime(2026, 3, 1, tzinfo=UTC),
        (
            Section("hand-offs", ("group", "leads"), (("all", 3),)),
            Section(
                "rejection reasons", ("reason", "rejected"), (("=cmd", 1), ("spam", float("nan")))
            ),
        ),
    )

    assert report_csv(report) == (
        "section,group,leads\nhand-offs,all,3\n"
        "\nsection,reason,rejected\nrejection reasons,'=cmd,1\nrejection reasons,spam,\n"
        "\nsection,about,value\nabout,report,Alignment\nabout,from,\n"
        "about,to,2026-03-01T00:00:00+00:00\n"
    )


def test_the_backtest_note_on_a_model_it_cannot_load_is_said_in_german() -> None:
    said = report_note(unloadable_note(1234, 3), speech("de"))

    assert said == (
        "gelerntes Modell 1234 (v3) kann hier nicht geladen werden: keine Vorhersage, "
        "solange es aktiv war"
    )  # the id as stored, not a number formatted as 1.234


def test_the_currency_notes_are_said_in_french() -> None:
    amounts = convert([1.0, 2.0, 3.0], ["EUR", "GBP", "USD"], currency="EUR", rates={"GBP": 1.1})
    converted, left_out = (report_note(note, speech("fr")) for note in money_notes(amounts))

    assert converted == (
        "valeurs en EUR ; affaires en GBP converties aux taux de change de costs.yaml"
    )
    assert left_out == (
        "valeurs en EUR ; affaires non comptées (pas de taux de change dans costs.yaml) : USD: 1"
    )
