"""`leadflow import events FILE.csv --mapping MAP.yaml` on a real workspace, the shipped
examples end to end, and the usage errors of the format choice."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from leadflow.cli import app
from leadflow.store.database import make_engine
from leadflow.store.models import Event

runner = CliRunner()
EXAMPLES = Path(__file__).parents[3] / "examples" / "events"


def _events(url: str | None, workspace: Path) -> list[tuple[str, str, str, str | None]]:
    """(source, key, type, UTC time) of every stored event, oldest first."""
    engine = make_engine(url or f"sqlite:///{workspace / 'leadflow.db'}")
    with Session(engine) as session:
        rows = session.execute(
            select(Event.source, Event.idempotency_key, Event.type, Event.at).order_by(
                Event.at, Event.id
            )
        ).all()
    engine.dispose()
    return [(source, key, kind, at.strftime("%Y-%m-%d %H:%M")) for source, key, kind, at in rows]


def _properties(url: str | None, workspace: Path) -> dict[str | None, dict[str, Any]]:
    engine = make_engine(url or f"sqlite:///{workspace / 'leadflow.db'}")
    with Session(engine) as session:
        rows = session.execute(select(Event.idempotency_key, Event.properties)).all()
    engine.dispose()
    return {key: dict(properties) for key, properties in rows}


def _workspace(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    assert runner.invoke(app, ["init", str(workspace)]).exit_code == 0
    return workspace


def _import(workspace: Path, *arguments: str) -> Any:
    return runner.invoke(app, ["import", "events", *arguments, "-w", str(workspace)])


def _example(name: str) -> list[str]:
    return [str(EXAMPLES / f"{name}.csv"), "--mapping", str(EXAMPLES / f"{name}.yaml")]


def test_the_webinar_example_day_first_amsterdam_times_stored_in_utc(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)

    first = _import(workspace, *_example("webinar-attendance"))
    second = _import(workspace, *_example("webinar-attendance"))

    assert first.exit_code == 0, first.output
    assert "3 rows: 3 events recorded, 0 already stored, 0 skipped; 3 contacts created" in (
        first.output
    )
    stored = _events(store_url, workspace)
    assert [(kind, at) for _, _, kind, at in stored] == [
        ("webinar_registration", "2026-03-05 13:00"),  # 14:00 in Amsterdam, winter time
        ("webinar_attendance", "2026-03-05 13:02"),
        ("webinar_attendance", "2026-03-31 07:15"),  # 09:15, summer time
    ]
    assert all(source == "webinars" and key.startswith("row-") for source, key, _, _ in stored)
    assert second.exit_code == 0, second.output
    assert "3 rows: 0 events recorded, 3 already stored, 0 skipped;" in second.output
    assert _events(store_url, workspace) == stored


def test_the_eloqua_example_ids_per_type_and_eastern_time(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)

    result = _import(workspace, *_example("eloqua-activities"))

    assert result.exit_code == 0, result.output
    assert "5 rows: 4 events recorded, 0 already stored, 0 skipped, 1 left out by the mapping" in (
        result.output
    )
    assert _events(store_url, workspace) == [
        ("eloqua", "PageView:51", "page_view", "2026-03-02 14:14"),  # 09:14 EST
        ("eloqua", "FormSubmit:51", "form_submit", "2026-03-02 14:16"),
        ("eloqua", "EmailOpen:78", "email_open", "2026-03-03 13:31"),
        ("eloqua", "EmailClickthrough:79", "email_click", "2026-03-03 13:32"),
    ]
    # AssetName names the form of a form fill: stored as `form`, the property the presets'
    # sales actions test ("*contact*"), so Eloqua's "Contact Sales" asks for sales as
    # Marketo's does; an e-mail's name is not a downloaded asset.
    assert _properties(store_url, workspace) == {
        "PageView:51": {"url": "https://www.example.com/pricing"},
        "FormSubmit:51": {"form": "Contact Sales", "campaign": "Spring Launch"},
        "EmailOpen:78": {"email_name": "March Newsletter", "campaign": "Spring Launch"},
        "EmailClickthrough:79": {
            "url": "https://www.example.com/product/routes",
            "email_name": "March Newsletter",
            "campaign": "Spring Launch",
        },
    }


def test_the_marketo_example_finds_the_contacts_the_contact_import_made(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)
    leads = runner.invoke(
        app,
        ["import", "contacts", str(EXAMPLES / "marketo-leads.csv"), "--format", "marketo",
         "-w", str(workspace)],
    )  # fmt: skip
    assert leads.exit_code == 0, leads.output

    result = _import(workspace, *_example("marketo-activities"), "--strict")

    assert result.exit_code == 0, result.output
    assert "6 rows: 4 events recorded, 0 already stored, 0 skipped, 2 left out by the mapping;" in (
        result.output
    )
    assert "0 contacts created" in result.output
    assert [(key, kind) for _, key, kind, _ in _events(store_url, workspace)] == [
        ("900001", "page_view"),
        ("900002", "form_submit"),
        ("900004", "email_open"),
        ("900005", "email_click"),
    ]
    # One column, read under the property the definition's rules test for each type.
    assert _properties(store_url, workspace) == {
        "900001": {"url": "www.example.com/pricing"},
        "900002": {"form": "Contact Sales"},
        "900004": {"email_name": "March Newsletter", "marketo_campaign": "8497"},
        "900005": {"email_name": "March Newsletter", "marketo_campaign": "8497"},
    }


def test_strict_with_one_bad_row_writes_nothing(store_url: str | None, tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    export = tmp_path / "attendees.csv"
    text = (EXAMPLES / "webinar-attendance.csv").read_text(encoding="utf-8")
    export.write_text(text + "dee@delta.example;Maybe;06/03/2026 10:00;Onboarding\n")
    mapping = str(EXAMPLES / "webinar-attendance.yaml")

    result = _import(workspace, str(export), "--mapping", mapping, "--strict")

    assert result.exit_code == 1
    assert f"{export}:5: Attended: 'Maybe' is not in the mapping's type.values" in result.output
    assert "nothing written (--strict): 1 bad of 4 rows" in result.output
    assert _events(store_url, workspace) == []
    result = _import(workspace, str(export), "--mapping", mapping)
    assert "4 rows: 3 events recorded, 0 already stored, 1 skipped;" in result.output


def test_an_interrupted_csv_import_is_completed_by_running_it_again(
    store_url: str | None, tmp_path: Path, ctrl_c_on_second_batch: Callable[[], None]
) -> None:
    workspace = _workspace(tmp_path)
    command = [*_example("webinar-attendance"), "--batch-size", "2"]
    result = _import(workspace, *command)

    assert result.exit_code == 130
    assert "a CSV row without one by its content" in result.output
    assert len(_events(store_url, workspace)) == 2
    ctrl_c_on_second_batch()  # the rerun is not interrupted
    again = _import(workspace, *command)
    assert "3 rows: 1 events recorded, 2 already stored" in again.output
    assert len(_events(store_url, workspace)) == 3


def test_the_format_comes_from_the_extension_the_mapping_or_format(tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    text_file = tmp_path / "attendees.txt"
    shutil.copy(EXAMPLES / "webinar-attendance.csv", text_file)
    mapping = str(EXAMPLES / "webinar-attendance.yaml")

    as_json = _import(workspace, str(text_file))  # another extension, no mapping: JSON lines
    mapped = _import(workspace, str(text_file), "--mapping", mapping)
    csv_as_json = _import(workspace, *_example("webinar-attendance")[:1], "--format", "jsonl")

    assert f"{text_file}:1: not valid JSON" in as_json.output
    assert mapped.exit_code == 0, mapped.output
    assert "3 rows: 3 events recorded" in mapped.output
    assert "webinar-attendance.csv:1: not valid JSON" in csv_as_json.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["webinar-attendance.csv"], "a CSV file needs --mapping MAP.yaml"),
        (["events.jsonl", "--mapping", "webinar-attendance.yaml"],
         "--mapping, --encoding, --delimiter and --sheet are for CSV files and workbooks"),
        (["events.jsonl", "--sheet", "Events"], "--sheet are for CSV files and workbooks"),
        (["webinar-attendance.csv", "--mapping", "broken.yaml"],
         "broken.yaml: type: Field required"),
        (["webinar-attendance.csv", "--mapping", "webinar-attendance.yaml", "--delimiter", ":"],
         "--delimiter: ':' is not one of"),
        (["webinar-attendance.csv", "--mapping", "wrong-column.yaml"],
         "webinar-attendance.csv: no column 'Join time at'"),
    ],
)  # fmt: skip
def test_usage_errors_are_one_clear_line(
    tmp_path: Path, arguments: list[str], message: str
) -> None:
    workspace = _workspace(tmp_path)
    for name in ("webinar-attendance.csv", "webinar-attendance.yaml"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    (tmp_path / "events.jsonl").write_text("")
    (tmp_path / "broken.yaml").write_text("at: Join Time\nemail: E-mail\n")
    mapping = (EXAMPLES / "webinar-attendance.yaml").read_text(encoding="utf-8")
    (tmp_path / "wrong-column.yaml").write_text(mapping.replace("Join Time", "Join time at"))

    result = _import(workspace, *[str(tmp_path / part) if "." in part else part
                                  for part in arguments])  # fmt: skip

    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.output.strip().count("\n") == 0


def test_strict_lists_every_row_the_recorder_refuses_before_writing(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)
    export = tmp_path / "attendees.csv"
    text = (EXAMPLES / "webinar-attendance.csv").read_text(encoding="utf-8")
    export.write_text(
        text
        + "dee(at)delta.example;Yes;06/03/2026 10:00;Onboarding\n"
        + "eve@epsilon.example;Yes;06/03/2036 10:00;Onboarding\n"
    )
    mapping = str(EXAMPLES / "webinar-attendance.yaml")

    result = _import(workspace, str(export), "--mapping", mapping, "--strict", "--batch-size", "1")

    assert result.exit_code == 1
    assert f"{export}:5: e-mail 'dee(at)delta.example' is not valid" in result.output
    assert f"{export}:6: at 2036-03-06T09:00:00+00:00 is more than a day after" in result.output
    assert "nothing written (--strict): 2 bad of 5 rows" in result.output
    assert _events(store_url, workspace) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [("", "the file is empty"), ("E-mail;Attended;Join Time;Webinar\r\n", "a header and no rows")],
)
def test_a_file_without_rows_says_nothing_was_found_and_fails(
    store_url: str | None, tmp_path: Path, text: str, found: str
) -> None:
    workspace = _workspace(tmp_path)
    export = tmp_path / "attendees.csv"
    export.write_text(text, encoding="utf-8")

    result = _import(workspace, str(export), "--mapping", str(EXAMPLES / "webinar-attendance.yaml"))

    assert result.exit_code == 1
    assert found in result.output
    assert "nothing imported" in result.output or "empty" in result.output


def test_the_command_lines_source_wins_over_the_mappings(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)

    result = _import(workspace, *_example("webinar-attendance"), "--source", "zoom-eu")

    assert result.exit_code == 0, result.output
    assert "--source zoom-eu replaces the mapping's source 'webinars'" in result.output
    assert {source for source, _, _, _ in _events(store_url, workspace)} == {"zoom-eu"}
    again = _import(workspace, *_example("webinar-attendance"))
    assert {source for source, _, _, _ in _events(store_url, workspace)} == {"zoom-eu", "webinars"}
    assert "3 events recorded" in again.output


def test_a_repeated_column_the_mapping_names_is_refused_naming_both(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)
    export = tmp_path / "attendees.csv"
    export.write_text(
        "E-mail;Attended;Join Time;Webinar;e-mail\n"
        ";Yes;05/03/2026 14:02;Pricing deep-dive;ann.smit@acme.example\n"
    )

    result = _import(workspace, str(export), "--mapping", str(EXAMPLES / "webinar-attendance.yaml"))

    assert result.exit_code == 1
    assert (
        "'E-mail' in column 1 (A) and 'e-mail' in column 5 (E), which are one header to the "
        "importer, and reads it as email (named by "
    ) in result.output
    assert _events(store_url, workspace) == []


def test_a_repeated_column_the_mapping_does_not_name_is_a_warning(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)
    export = tmp_path / "attendees.csv"
    export.write_text(
        "E-mail;Attended;Notes;Join Time;Webinar;Notes\n"
        "ann.smit@acme.example;Yes;a;05/03/2026 14:02;Pricing deep-dive;b\n"
    )

    result = _import(workspace, str(export), "--mapping", str(EXAMPLES / "webinar-attendance.yaml"))

    assert result.exit_code == 0, result.output
    assert (
        f"{export}: the header has 'Notes' in columns 3 (C) and 6 (F); the mapping does not "
        "name it, so nothing is lost"
    ) in result.output
    assert "1 rows: 1 events recorded" in result.output


def test_a_row_with_more_cells_than_the_header_is_a_bad_row_not_shifted(
    store_url: str | None, tmp_path: Path
) -> None:
    # An unquoted ";" in the title: stored, the title was cut and nobody was told.
    workspace = _workspace(tmp_path)
    export = tmp_path / "attendees.csv"
    text = (EXAMPLES / "webinar-attendance.csv").read_text(encoding="utf-8")
    export.write_text(text + "dee@delta.example;Yes;06/03/2026 10:00;Pricing; deep-dive;;\n")

    result = _import(workspace, str(export), "--mapping", str(EXAMPLES / "webinar-attendance.yaml"))

    assert f"{export}:5: 7 cells, the header has 4 columns (a delimiter inside a cell" in (
        result.output
    )
    assert "4 rows: 3 events recorded, 0 already stored, 1 skipped" in result.output
