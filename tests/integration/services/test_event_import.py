"""Importing a JSON-lines file of events: bad lines reported or (strict) nothing written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from leadflow.services.event_import import import_events, parse_line
from leadflow.services.events import EventRecorder
from leadflow.store.models import Contact, Event, Qualification, StageTransition

GOOD = [
    {
        "id": "e1",
        "type": "page_view",
        "at": "2026-03-01T09:00:00Z",
        "visitor_id": "v1",
        "properties": {"url": "/pricing"},
    },
    {
        "id": "e2",
        "type": "form_submit",
        "at": "2026-03-01T09:05:00Z",
        "visitor_id": "v1",
        "email": "ann@acme.example",
        "properties": {"form": "contact-sales"},
    },
    {
        "id": "e3",
        "type": "demo_request",
        "at": "2026-03-02T10:00:00+02:00",
        "email": "ANN@acme.example",
        "contact_id": None,
        "source": "web",
    },
    {"id": "e4", "type": "email_open", "at": "2026-03-03T08:00:00Z", "email": "bo@beta.example"},
]


def _write(path: Path, lines: list[object]) -> Path:
    path.write_text(
        "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines)
    )
    return path


def _counts(engine: Engine) -> tuple[int, ...]:
    with Session(engine) as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Event, Contact, Qualification, StageTransition)
        )


def test_bad_lines_are_reported_by_number_and_skipped(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    lines: list[object] = [
        GOOD[0],
        "{not json",
        {**GOOD[1], "at": "2026-03-01T09:05:00"},
        "",
        {"type": "page_view", "at": "2026-03-01T09:00:00Z", "email": "x@y.example"},
        {**GOOD[3], "colour": "blue"},
        {"id": "e9", "type": "page_view", "at": "2026-03-01T09:00:00Z", "contact_id": 999},
        *GOOD[1:],
    ]
    report = import_events(_write(tmp_path / "events.jsonl", lines), recorder, batch_size=2)

    reasons = {problem.line: problem.reason for problem in report.problems}
    assert sorted(reasons) == [2, 3, 5, 6, 7]
    assert reasons[2].startswith("not valid JSON")
    assert "timezone" in reasons[3]
    assert reasons[5].startswith("id:")
    assert reasons[6].startswith("colour:")
    assert "unknown contact_id" in reasons[7]
    assert (report.recorded, report.rejected, report.lines) == (4, 5, 10)
    assert _counts(engine)[0] == 4


def test_importing_the_same_file_twice_changes_nothing_the_second_time(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    path = _write(tmp_path / "events.jsonl", GOOD)
    first = import_events(path, recorder)
    stored = _counts(engine)
    with Session(engine) as session:
        states = session.execute(select(Qualification.contact_id, Qualification.state)).all()

    second = import_events(path, recorder)

    assert (first.recorded, second.recorded, second.duplicates) == (4, 0, 4)
    assert _counts(engine) == stored == (4, 2, 2, 2)
    with Session(engine) as session:
        assert (
            session.execute(select(Qualification.contact_id, Qualification.state)).all() == states
        )


def test_strict_writes_nothing_when_a_line_is_malformed(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    path = _write(tmp_path / "events.jsonl", [*GOOD, "[]"])

    report = import_events(path, recorder, strict=True)

    assert not report.written
    assert [problem.line for problem in report.problems] == [5]
    assert _counts(engine) == (0, 0, 0, 0)


def test_strict_writes_nothing_when_the_store_rejects_an_event(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    unknown = {"id": "e5", "type": "page_view", "at": "2026-03-02T10:00:00Z", "contact_id": "crm-1"}
    path = _write(tmp_path / "events.jsonl", [*GOOD, unknown])

    report = import_events(path, recorder, strict=True, batch_size=2)

    assert not report.written
    assert "unknown contact_id" in report.problems[0].reason
    assert _counts(engine) == (0, 0, 0, 0)


def test_a_byte_order_mark_is_not_a_bad_line(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(GOOD[3]).encode() + b"\n")

    report = import_events(path, recorder)

    assert (report.recorded, report.rejected) == (1, 0)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"id": "a", "type": "", "at": "2026-01-01T00:00:00Z"}', "type:"),
        ('{"id": "a", "type": "x", "at": "yesterday"}', "at:"),
        ('{"id": "a", "type": "x", "at": "2026-01-01T00:00:00Z", "properties": []}', "properties:"),
    ],
)
def test_each_field_is_validated_with_a_one_line_reason(line: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason) as caught:
        parse_line(line)

    assert "\n" not in str(caught.value)


def test_a_contact_id_no_database_can_hold_is_a_bad_line(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    # "²" and "١٢" are digits to str.isdigit but not to int(); 30 digits overflow 64 bits.
    odd = {"type": "page_view", "at": "2026-03-01T09:00:00Z"}
    lines: list[object] = [
        GOOD[3],
        {**odd, "id": "x1", "contact_id": "²"},
        {**odd, "id": "x2", "contact_id": "123456789012345678901234567890"},
        {**odd, "id": "x3", "contact_id": 10**30},
        {**odd, "id": "x4", "contact_id": "١٢", "email": "bo@beta.example"},
        {**odd, "id": "x5", "contact_id": -(10**30)},
    ]

    report = import_events(_write(tmp_path / "events.jsonl", lines), recorder, batch_size=2)

    reasons = {problem.line: problem.reason for problem in report.problems}
    assert sorted(reasons) == [2, 3, 4, 5, 6]
    assert "'²' is not an id: use the digits 0-9" in reasons[2]
    assert "'123456789012345678901234567890' is out of range" in reasons[3]
    assert f"{10**30} is out of range" in reasons[4]
    assert "'١٢' is not an id" in reasons[5]
    assert "out of range" in reasons[6]
    assert (report.recorded, report.rejected) == (1, 5)
    assert _counts(engine)[:2] == (1, 1)


def test_an_event_type_the_api_refuses_is_a_bad_line_with_the_snake_case_form() -> None:
    # A definition can name only snake_case types, as the API takes only those.
    with pytest.raises(ValueError, match="snake_case") as caught:
        parse_line('{"id": "a", "type": "Demo-Request", "at": "2026-01-01T00:00:00Z"}')

    assert str(caught.value) == (
        "type: 'Demo-Request' is not an event type: event types are snake_case (lower-case "
        "letters, digits and _, starting with a letter, at most 100); did you mean "
        "'demo_request'?"
    )


# Lines the recorder refuses although they parse: a time too far ahead, an e-mail that is
# not one, a leadflow id and a CRM id nobody has (the CRM id without an e-mail to go by).
REFUSED_BY_THE_RECORDER = {
    2: {"id": "r2", "type": "page_view", "at": "2027-03-01T09:00:00Z", "email": "x@y.example"},
    3: {"id": "r3", "type": "page_view", "at": "2026-03-01T09:00:00Z", "email": "not an e-mail"},
    5: {"id": "r5", "type": "page_view", "at": "2026-03-01T09:00:00Z", "contact_id": 999},
    6: {"id": "r6", "type": "page_view", "at": "2026-03-01T09:00:00Z", "contact_id": "crm:7"},
}


def _with_refused_lines(path: Path) -> Path:
    lines: list[object] = [GOOD[0], *REFUSED_BY_THE_RECORDER.values(), GOOD[1]]
    lines.insert(3, GOOD[3])  # line 4: good, between refused ones
    return _write(path, lines)


def test_strict_lists_every_line_the_recorder_would_refuse_before_writing_any(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    path = _with_refused_lines(tmp_path / "events.jsonl")
    batches: list[int] = []
    record_batch = recorder.record_batch

    def spy(batch: object, **options: bool) -> object:
        batches.append(1)
        return record_batch(batch, **options)  # type: ignore[arg-type]

    recorder.record_batch = spy  # type: ignore[assignment,method-assign]

    report = import_events(path, recorder, strict=True, batch_size=1)

    assert not report.written
    assert [problem.line for problem in report.problems] == [2, 3, 5, 6]
    assert report.lines == 7
    assert batches == []  # found in the checking pass: the recorder never started
    assert _counts(engine) == (0, 0, 0, 0)


def test_strict_and_lenient_imports_give_the_same_reasons(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    path = _with_refused_lines(tmp_path / "events.jsonl")

    strict = import_events(path, recorder, strict=True, batch_size=2)
    lenient = import_events(path, recorder, batch_size=2)

    assert lenient.written
    assert lenient.recorded == 3
    assert strict.problems == lenient.problems
    assert _counts(engine)[0] == 3


def test_strict_accepts_a_crm_id_an_earlier_line_of_the_file_gives_with_an_e_mail(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    first = {**GOOD[3], "contact_id": "crm:7"}
    later = {"id": "e9", "type": "page_view", "at": "2026-03-03T09:00:00Z", "contact_id": "crm:7"}

    report = import_events(_write(tmp_path / "events.jsonl", [first, later]), recorder, strict=True)

    assert report.written, report.problems
    assert report.recorded == 2


def test_strict_lists_every_store_refusal_when_writing_not_only_the_first_batchs(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    # An id and an e-mail of two different people: only recording the lines before tells.
    lines: list[object] = [
        {**GOOD[3], "contact_id": "crm:1"},
        {**GOOD[1], "visitor_id": None, "email": "cy@gamma.example", "contact_id": "crm:2"},
        {**GOOD[3], "id": "x3", "email": "cy@gamma.example", "contact_id": "crm:1"},
        {**GOOD[3], "id": "x4", "email": "bo@beta.example", "contact_id": "crm:2"},
    ]

    report = import_events(_write(tmp_path / "e.jsonl", lines), recorder, strict=True, batch_size=1)

    assert not report.written
    assert [problem.line for problem in report.problems] == [3, 4]
    assert report.lines == 4
    assert _counts(engine) == (0, 0, 0, 0)


def test_problems_are_reported_in_line_order_whoever_found_them(
    recorder: EventRecorder, engine: Engine, tmp_path: Path
) -> None:
    # Line 2 is refused by the recorder, line 3 by the reader: one batch finds line 3 first.
    lines: list[object] = [GOOD[0], REFUSED_BY_THE_RECORDER[3], "{oops", GOOD[3]]

    report = import_events(_write(tmp_path / "events.jsonl", lines), recorder)

    assert [problem.line for problem in report.problems] == [2, 3]
