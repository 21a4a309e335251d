"""Reports render as terminal cells, CSV (every section) and JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from leadflow.analytics.report import (
    Report,
    Section,
    rate,
    render_csv,
    render_json,
    render_rows,
)

AT = datetime(2026, 3, 1, tzinfo=UTC)
REPORT = Report(
    "channels",
    "Channels",
    AT,
    (
        Section(
            "channels",
            ("group", "leads", "won_rate", "revenue"),
            (("linkedin", 1200, 0.125, 5e4), ("events", 0, None, 0.0)),
        ),
        Section("notes", ("metric", "active"), (("precision", 0.5), ("leads", 3))),
    ),
    notes=("a note",),
)  # fmt: skip


def test_a_rate_without_a_denominator_is_none() -> None:
    assert rate(1, 4) == 0.25
    assert rate(0, 0) is None


def test_terminal_cells_show_rates_as_percentages_and_gaps_as_dashes() -> None:
    assert render_rows(REPORT.sections[0]) == [
        ["linkedin", "1,200", "12.5%", "50,000.0"],
        ["events", "0", "-", "0.0"],
    ]
    # In a section of named metrics the row's name decides.
    assert render_rows(REPORT.sections[1]) == [["precision", "50.0%"], ["leads", "3"]]


def test_csv_holds_every_section_with_its_own_header() -> None:
    blocks = render_csv(REPORT).split("\n\n")
    assert len(blocks) == 3  # the two sections, then what the report covers
    first = list(csv.reader(io.StringIO(blocks[0])))
    assert first[0] == ["section", "group", "leads", "won_rate", "revenue"]
    assert first[2] == ["channels", "events", "0", "", "0.0"]
    assert next(csv.reader(io.StringIO(blocks[1]))) == ["section", "metric", "active"]


def test_json_names_every_column_of_every_row() -> None:
    data = json.loads(render_json(REPORT))
    assert data["as_of"] == AT.isoformat()
    assert data["sections"][0]["rows"][0] == {
        "group": "linkedin",
        "leads": 1200,
        "won_rate": 0.125,
        "revenue": 50000.0,
    }
    assert data["notes"] == ["a note"]


def test_csv_cells_a_spreadsheet_would_run_are_text_as_on_the_web() -> None:
    # A campaign is whatever a form's utm_campaign said; `leadflow report --format csv`
    # is opened in a spreadsheet as often as the web's download.
    report = Report(
        "channels",
        "Channels",
        AT,
        (Section("channels", ("group", "leads"), (('=HYPERLINK("x")', 1), ("-20% spring", 2))),),
    )
    rows = list(csv.reader(io.StringIO(render_csv(report).split("\n\n")[0])))
    assert [row[1] for row in rows[1:]] == ['\'=HYPERLINK("x")', "'-20% spring"]


def test_csv_ends_with_what_the_report_covers_and_its_notes() -> None:
    report = Report(
        "channels",
        "Channels",
        AT,
        REPORT.sections[:1],
        notes=("values in EUR; deals left out of them (no exchange rate in costs.yaml): USD: 1",),
        parameters={"by": "channel", "currency": "EUR", "from": "2026-01-01T00:00:00+00:00"},
    )
    about = list(csv.reader(io.StringIO(render_csv(report).split("\n\n")[-1])))
    assert about == [
        ["section", "about", "value"],
        ["about", "report", "Channels"],
        ["about", "from", "2026-01-01T00:00:00+00:00"],
        ["about", "to", AT.isoformat()],
        ["about", "by", "channel"],
        ["about", "currency", "EUR"],
        ["about", "note", report.notes[0]],
    ]
