"""Importing a CSV export of events through a mapping: the JSON-lines path's guarantees."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from leadflow.ingest.event_mapping import load_event_mapping
from leadflow.ingest.formats.mapping_file import MappingError
from leadflow.services.event_table import import_event_table
from leadflow.services.events import EventRecorder
from leadflow.store.models import Contact, Event, Qualification, StageTransition
from tests.unit.ingest.test_workbook import excel_time, hide, write_workbook

# Exported in Amsterdam, day first, no ids: the recorder's clock is 2 March 2026 09:00 UTC.
MAPPING = """
source: forms
at: {column: Datum, format: "%d-%m-%Y %H:%M", timezone: Europe/Amsterdam}
email: E-mail
type:
  column: Activiteit
  values: {Formulier: form_submit, Klik: email_click, Verzonden: null}
properties: {form: Formulier}
"""
HEADER = "E-mail;Activiteit;Datum;Formulier\n"
ROWS = [
    "ann@acme.example;Formulier;01-03-2026 10:00;contact-sales\n",
    "ann@acme.example;Klik;01-03-2026 10:05;\n",
    "bo@beta.example;Verzonden;01-03-2026 11:00;\n",
    "bo@beta.example;Klik;02-03-2026 08:30;\n",
]


def _files(tmp_path: Path, rows: list[str], mapping: str = MAPPING) -> tuple[Path, Path]:
    table, map_file = tmp_path / "export.csv", tmp_path / "map.yaml"
    table.write_text(HEADER + "".join(rows), encoding="utf-8")
    map_file.write_text(mapping, encoding="utf-8")
    return table, map_file


def _import(
    recorder: EventRecorder, table: Path, map_file: Path, **options: object
) -> tuple[int, int, int, int, int]:
    report = import_event_table(table, load_event_mapping(map_file), recorder, **options)  # type: ignore[arg-type]
    return report.rows, report.recorded, report.duplicates, report.rejected, report.ignored


def _counts(engine: Engine) -> tuple[int, ...]:
    with Session(engine) as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Event, Contact, Qualification, StageTransition)
        )


def test_rows_are_recorded_with_their_source_and_utc_time(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    table, map_file = _files(tmp_path, ROWS)

    assert _import(recorder, table, map_file) == (4, 3, 0, 0, 1)

    with Session(engine) as session:
        stored = session.execute(
            select(Event.source, Event.type, Event.at).order_by(Event.at)
        ).all()
    assert [(source, kind, at.strftime("%d %H:%M")) for source, kind, at in stored] == [
        ("forms", "form_submit", "01 09:00"),  # 10:00 in Amsterdam (UTC+1)
        ("forms", "email_click", "01 09:05"),
        ("forms", "email_click", "02 07:30"),
    ]
    assert _counts(engine)[1] == 2  # Ann and Bo


def test_the_same_file_twice_changes_nothing_the_second_time(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    table, map_file = _files(tmp_path, ROWS)
    _import(recorder, table, map_file)
    stored = _counts(engine)
    with Session(engine) as session:
        states = session.execute(select(Qualification.contact_id, Qualification.state)).all()

    assert _import(recorder, table, map_file) == (4, 0, 3, 0, 1)

    assert _counts(engine) == stored
    with Session(engine) as session:
        assert (
            session.execute(select(Qualification.contact_id, Qualification.state)).all() == states
        )


def test_a_row_repeated_within_the_file_is_stored_once(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    table, map_file = _files(tmp_path, [ROWS[0], ROWS[0].replace("ann@", "ANN@")])

    assert _import(recorder, table, map_file) == (2, 1, 1, 0, 0)
    assert _counts(engine)[0] == 1


def test_strict_writes_nothing_when_one_row_is_bad(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    bad = "cy@gamma.example;Klik;2026-03-01 12:00;\n"  # not the mapping's format
    table, map_file = _files(tmp_path, [*ROWS, bad])

    report = import_event_table(table, load_event_mapping(map_file), recorder, strict=True)

    assert not report.written
    assert [(problem.line, problem.reason) for problem in report.problems] == [
        (6, "Datum: '2026-03-01 12:00' does not match the format '%d-%m-%Y %H:%M'")
    ]
    assert _counts(engine) == (0, 0, 0, 0)


def test_strict_writes_nothing_when_the_store_rejects_a_row(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    # Good as a row, refused by attribution: the first batch was recorded, then undone.
    nobody = ";Klik;02-03-2026 08:45;\n"
    table, map_file = _files(tmp_path, [*ROWS, nobody])

    report = import_event_table(
        table, load_event_mapping(map_file), recorder, strict=True, batch_size=2
    )

    assert not report.written
    assert report.problems[0].line == 6
    assert "names nobody" in report.problems[0].reason
    assert _counts(engine) == (0, 0, 0, 0)


def test_without_strict_bad_rows_are_reported_by_line_and_skipped(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    rows = [
        ROWS[0],
        'ann@acme.example;Formulier;01-03-2026 10:10;"two\nlines"\n',  # one record, lines 3-4
        "cy@gamma.example;Webinar;01-03-2026 12:00;\n",
        "cy@gamma.example;Klik;01-03-2027 12:00;\n",  # a year ahead of the clock
        ROWS[3],
    ]
    table, map_file = _files(tmp_path, rows)

    report = import_event_table(table, load_event_mapping(map_file), recorder, batch_size=2)

    reasons = {problem.line: problem.reason for problem in report.problems}
    assert sorted(reasons) == [5, 6]
    assert reasons[5].startswith("Activiteit: 'Webinar' is not in the mapping's type.values")
    assert "more than a day after the server's clock" in reasons[6]
    assert (report.rows, report.recorded, report.rejected, report.lines) == (5, 3, 2, 7)
    assert _counts(engine)[0] == 3


def test_a_latin1_export_with_a_byte_order_mark_free_header_is_read(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    # Excel on Windows: cp1252, semicolons; the form name keeps its accent.
    table, map_file = _files(tmp_path, [])
    text = HEADER + "ann@acme.example;Formulier;01-03-2026 10:00;démo-aanvraag\n"
    table.write_bytes(text.encode("cp1252"))

    assert _import(recorder, table, map_file) == (1, 1, 0, 0, 0)
    with Session(engine) as session:
        assert session.scalar(select(Event.properties)) == {"form": "démo-aanvraag"}


def test_a_type_neither_leadflows_nor_the_definitions_is_refused_before_reading(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    misspelt = MAPPING.replace("Klik: email_click", "Klik: email_clik")
    table, map_file = _files(tmp_path, ROWS, misspelt)

    with pytest.raises(MappingError) as raised:
        _import(recorder, table, map_file)

    assert str(raised.value) == (
        f"{map_file}: type.values.Klik: 'email_clik' is neither one of leadflow's event types "
        "nor one the active definition (waterfall 1) reads (did you mean 'email_click'?); "
        "list it under custom_types to import it anyway"
    )
    assert _counts(engine) == (0, 0, 0, 0)
    table, map_file = _files(tmp_path, ROWS, misspelt + "custom_types: [email_clik]\n")
    assert _import(recorder, table, map_file)[1] == 3


def test_a_missing_column_is_refused_before_anything_is_written(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    table, map_file = _files(tmp_path, ROWS, MAPPING.replace("form: Formulier", "form: Form"))

    with pytest.raises(MappingError, match="no column 'Form'"):
        _import(recorder, table, map_file, strict=False)
    assert _counts(engine) == (0, 0, 0, 0)


def test_a_workbook_with_date_cells_is_read_through_a_mapping_with_a_format(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    """A date cell has no text to match the mapping's format: its value (ISO 8601 from the
    workbook reader) is read in the mapping's time zone; a typed text date still matches
    the format, and a bad row is named by the row Excel shows."""
    book = write_workbook(
        tmp_path / "export.xlsx",
        [
            ["Form fills, March"],
            ["E-mail", "Activiteit", "Datum", "Formulier"],
            ["ann@acme.example", "Formulier", excel_time(2026, 3, 1, 10), "contact-sales"],
            ["bo@beta.example", "Klik", "02-03-2026 08:30", None],
            ["cy@gamma.example", "Klik", "gisteren", None],
        ],
    )
    map_file = tmp_path / "map.yaml"
    map_file.write_text(MAPPING, encoding="utf-8")
    report = import_event_table(book, load_event_mapping(map_file), recorder)
    assert (report.rows, report.recorded, report.rejected) == (3, 2, 1)
    assert [(p.line, p.reason.split(":")[0]) for p in report.problems] == [(5, "Datum")]
    with Session(engine) as session:
        stored = session.execute(select(Event.type, Event.at).order_by(Event.at)).all()
    assert [(kind, at.strftime("%d %H:%M")) for kind, at in stored] == [
        ("form_submit", "01 09:00"),  # 10:00 in Amsterdam (UTC+1)
        ("email_click", "02 07:30"),
    ]


def test_a_workbook_is_read_from_its_first_visible_sheet_which_the_report_names(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    book = write_workbook(
        tmp_path / "export.xlsx",
        [["E-mail", "Activiteit", "Datum", "Formulier"], ["old@acme.example", "Klik", "x", None]],
        sheet="Template",
        Activity=[
            ["E-mail", "Activiteit", "Datum", "Formulier"],
            ["ann@acme.example", "Klik", "02-03-2026 08:30", None],
        ],
    )
    hide(book, {"Template": "hidden"})
    map_file = tmp_path / "map.yaml"
    map_file.write_text(MAPPING, encoding="utf-8")
    report = import_event_table(book, load_event_mapping(map_file), recorder)
    assert (report.sheet, report.recorded, report.rejected) == ("Activity", 1, 0)
    table, _ = _files(tmp_path, ROWS[3:])
    assert import_event_table(table, load_event_mapping(map_file), recorder).sheet is None
