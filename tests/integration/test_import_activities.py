"""``leadflow import activities``: a CRM's calls, e-mails and meetings become sales'
attempts at their own time, over a real store (SQLite, and PostgreSQL when configured).

The world: on Monday 2 March 2026 at 09:00 UTC (10:00 in Amsterdam) two leads are
handed off to Eva of the Benelux team. Ann's hand-off nobody answers in leadflow (her
rep works in the CRM); Ben's is accepted, tried once in leadflow an hour later and
closed on Thursday at 09:00 as unresponsive: UNDER-WORKED with one attempt. Cara is a
contact sales never held. The import runs a week later."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from leadflow.cli import app
from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import FixedClock
from leadflow.ingest.activity_formats import get_activity_format
from leadflow.ingest.activity_formats.mapping import load_activity_mapping
from leadflow.services.accounts import create_account
from leadflow.services.cadence import close_lead, log_attempt
from leadflow.services.contacts import create_contact
from leadflow.services.definitions import activate_definition
from leadflow.services.events import IncomingEvent, Recorded, record_event
from leadflow.services.feedback import accept
from leadflow.services.import_activities import (
    ActivityImport,
    ActivityImportOptions,
    import_activities,
)
from leadflow.services.reps import add_rep, add_team, set_capacity
from leadflow.store.database import session_factory, writer
from leadflow.store.models import (
    Consent,
    Contact,
    Conversation,
    Handoff,
    HandoffWork,
    SalesAttempt,
    SlaBreach,
)

EXPORTS = Path(__file__).parent.parent / "fixtures" / "exports"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
LATER = START + timedelta(days=7)
SALESFORCE_IDS = {
    "ann": "salesforce:00Q5g00000AnnSmEAJ",
    "ben": "salesforce:00Q5g00000BenJoEAJ",
    "cara": "salesforce:00Q5g00000CarDeEAJ",
}
EMAILS = {"ann": "ann@acme.example", "ben": "ben@bolt.example", "cara": "cara@cog.example"}


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def world(engine: Engine) -> dict[str, int]:
    """The leads above; contact ids by first name."""
    clock = FixedClock(START)
    with session_factory(writer(engine))() as session:
        activate_definition(session, preset_text("waterfall"), source_name="w.yaml", now=START)
        add_team(session, key="benelux", name=None, zone="Europe/Amsterdam",
                 working_hours="mon-fri 09:00-17:00", now=START)  # fmt: skip
        add_rep(session, key="eva", name="Eva van Dijk", email="eva@seller.example",
                team_key="benelux", capacity=10, now=START)  # fmt: skip
        session.commit()
        ids: dict[str, int] = {}
        for name, email in EMAILS.items():
            account = create_account(
                session,
                {"name": f"{name} co", "domain": email.split("@")[1], "industry": "software",
                 "employees": 200, "country": "NL", "revenue": 20_000_000},
                START,
            )  # fmt: skip
            values = {"email": email, "first_name": name.title(), "seniority": "director",
                      "department": "marketing", "country": "NL", "account_id": account.id,
                      "external_id": SALESFORCE_IDS[name]}  # fmt: skip
            ids[name] = create_contact(session, values, START).contact.id
            session.commit()
        for name in ("ann", "ben"):
            event = IncomingEvent("demo_request", START, contact_id=ids[name], source="test")
            assert isinstance(record_event(session, event, clock=clock), Recorded)
        accept(session, ids["ben"], rep=None, clock=clock)
        clock.current = START + timedelta(hours=1)
        log_attempt(session, ids["ben"], channel="call", outcome="no_answer", rep=None,
                    clock=clock)  # fmt: skip
        clock.current = _at(5, 9)
        closed = close_lead(session, ids["ben"], reason="unresponsive", rep=None, clock=clock)
        assert closed.under_worked
    return ids


def _import(
    engine: Engine, name: str, format_name: str = "salesforce", **options: object
) -> ActivityImport:
    layout = get_activity_format(format_name)
    chosen = ActivityImportOptions(layout=layout, **options)  # type: ignore[arg-type]
    return import_activities(engine, EXPORTS / name, chosen, clock=FixedClock(LATER))


def _work(engine: Engine, contact_id: int) -> HandoffWork:
    with session_factory(engine)() as session:
        return session.scalars(
            select(HandoffWork)
            .join(Handoff, Handoff.id == HandoffWork.handoff_id)
            .where(Handoff.contact_id == contact_id)
        ).one()


def _attempts(engine: Engine, contact_id: int) -> list[tuple[datetime, str, str, str | None]]:
    with session_factory(engine)() as session:
        rows = session.execute(
            select(SalesAttempt.at, SalesAttempt.channel, SalesAttempt.outcome, SalesAttempt.rep)
            .where(SalesAttempt.contact_id == contact_id)
            .order_by(SalesAttempt.at)
        ).tuples()
        return list(rows)


def _breaches(engine: Engine) -> list[tuple[int, str, datetime]]:
    with session_factory(engine)() as session:
        rows = session.execute(
            select(SlaBreach.contact_id, SlaBreach.kind, SlaBreach.at).order_by(SlaBreach.id)
        ).tuples()
        return list(rows)


def test_salesforce_tasks_are_logged_at_their_own_time(
    engine: Engine, world: dict[str, int]
) -> None:
    summary = _import(engine, "salesforce_tasks.csv")

    assert summary.committed, summary.problems
    assert (summary.rows, summary.attempts, summary.conversations, summary.rejected) == (
        10, 5, 0, 0
    )  # fmt: skip
    assert (summary.accepted, summary.planned, summary.no_touch, summary.nobody) == (1, 1, 1, 1)
    assert (summary.not_held, summary.before_handoff, summary.without_outcome) == (1, 1, 1)
    assert summary.no_touch_kinds == {"Task": 1}
    # Salesforce names its users by id: not a rep leadflow knows, so the owner's.
    assert summary.unknown_reps == {"0055g00000EvaDkAAB": 5}
    ann = world["ann"]
    assert _attempts(engine, ann) == [
        (_at(2, 13), "call", "voicemail", "eva"),
        (_at(4, 9, 30), "email", "no_answer", "eva"),
        (_at(5, 10), "call", "meeting_booked", "eva"),
    ]
    work = _work(engine, ann)
    # The file is in no order: the first touch is the earliest call, and it was in time
    # (due Tuesday 09:00 UTC), as was the acceptance its first activity made (due 13:00).
    assert (work.accepted_at, work.first_touch_at) == (_at(2, 13), _at(2, 13))
    assert (work.attempts, work.connected, work.next_attempt_due_at) == (3, True, None)
    assert _breaches(engine) == []
    # Ben's two CRM calls came before the close: three attempts, not under-worked after all.
    ben = _work(engine, world["ben"])
    assert (ben.attempts, ben.under_worked, ben.outcome) == (3, False, "recycled")
    with session_factory(engine)() as session:  # Cara, never handed off, has none
        assert session.scalar(select(func.count()).select_from(Handoff).where(
            Handoff.contact_id == world["cara"])) == 0  # fmt: skip


def test_importing_the_same_file_twice_changes_nothing(
    engine: Engine, world: dict[str, int]
) -> None:
    _import(engine, "salesforce_tasks.csv")
    before = (_attempts(engine, world["ann"]), _work(engine, world["ann"]).attempts)

    again = _import(engine, "salesforce_tasks.csv")

    assert again.committed
    assert (again.attempts, again.known, again.accepted) == (0, 5, 0)
    assert (_attempts(engine, world["ann"]), _work(engine, world["ann"]).attempts) == before
    assert _work(engine, world["ben"]).attempts == 3


def test_a_workbook_imports_as_its_csv_does(
    engine: Engine, world: dict[str, int], tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    lines = (EXPORTS / "salesforce_tasks.csv").read_text(encoding="utf-8").splitlines()
    for line in lines:
        sheet.append([cell.strip('"') for cell in line.split('","')])
    path = tmp_path / "tasks.xlsx"
    book.save(path)

    layout = get_activity_format("salesforce")
    summary = import_activities(
        engine, path, ActivityImportOptions(layout=layout), clock=FixedClock(LATER)
    )

    assert summary.committed, summary.problems
    assert (summary.attempts, summary.sheet) == (5, "Sheet")


def test_hubspot_calls_find_people_by_email_and_reps_by_name_or_email(
    engine: Engine, world: dict[str, int]
) -> None:
    summary = _import(engine, "hubspot_calls.csv", "hubspot")

    assert summary.committed, summary.problems
    assert (summary.attempts, summary.not_held, summary.accepted) == (4, 1, 1)
    assert summary.unknown_reps == {"Piet Klaassen": 1}  # logged as Ann's owner's
    assert _attempts(engine, world["ann"]) == [
        (_at(2, 13), "call", "voicemail", "eva"),
        (_at(5, 10), "call", "connected", "eva"),
    ]
    assert _work(engine, world["ben"]).under_worked is False


def test_hubspot_meetings_late_answers_breach_at_their_moment(
    engine: Engine, world: dict[str, int]
) -> None:
    summary = _import(engine, "hubspot_meetings.csv", "hubspot")

    assert summary.committed, summary.problems
    assert (summary.attempts, summary.planned, summary.breaches) == (2, 1, 2)
    ann = world["ann"]
    assert _attempts(engine, ann) == [
        (_at(3, 14), "meeting", "no_answer", "eva"),
        (_at(5, 10), "meeting", "connected", "eva"),
    ]
    # Sales first took Ann on at the no-show on Tuesday 14:00: after the answer was due
    # (Monday 13:00) and after the first touch was (Tuesday 09:00): both breached then.
    assert _breaches(engine) == [(ann, "accept", _at(3, 14)), (ann, "first_touch", _at(3, 14))]


def test_pipedrive_activities_with_done_flags_and_due_times(
    engine: Engine, world: dict[str, int]
) -> None:
    summary = _import(engine, "pipedrive_activities.csv", "pipedrive")

    assert summary.committed, summary.problems
    assert (summary.attempts, summary.planned, summary.no_touch) == (3, 1, 1)
    assert summary.no_touch_kinds == {"Lunch": 1}
    assert summary.without_outcome == 3
    assert _attempts(engine, world["ann"]) == [
        (_at(2, 13), "call", "no_answer", "eva"),
        (_at(4, 9, 30), "email", "no_answer", "eva"),
        (_at(5, 10, 45), "meeting", "connected", "eva"),
    ]


def test_a_reps_words_in_the_main_european_languages(engine: Engine, world: dict[str, int]) -> None:
    summary = _import(engine, "generic_activities_multilingual.csv", "generic")

    assert summary.committed, summary.problems
    assert (summary.attempts, summary.conversations) == (5, 1)
    outcomes = [outcome for _, _, outcome, _ in _attempts(engine, world["ann"])]
    assert outcomes == ["voicemail", "no_answer", "no_answer", "no_answer", "voicemail"]
    with session_factory(engine)() as session:
        talked = session.execute(select(Conversation.outcome, Conversation.at)).one()
    assert tuple(talked) == ("interested", _at(5, 10))
    assert _work(engine, world["ann"]).connected


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "activities.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_rows_name_their_line_and_nothing_is_written_unless_skipped(
    engine: Engine, world: dict[str, int], tmp_path: Path
) -> None:
    with session_factory(writer(engine))() as session:  # Ben's colleague: no calls
        contact = session.get_one(Contact, world["ann"])
        session.add(Consent(contact_id=contact.id, channel="phone", status="withdrawn",
                            source="test", at=START))  # fmt: skip
        session.commit()
    path = _write(
        tmp_path,
        "id,email,type,outcome,date,status\n"
        "a1,ann@acme.example,email,no answer,2026-03-02T13:00:00Z,done\n"
        "a2,ann@acme.example,call,no answer,2026-03-02T12:00:00Z,done\n"  # first, refused
        "a3,ann@acme.example,email,went fishing,2026-03-04T13:00:00Z,done\n"
        "a4,ann@acme.example,email,no answer,2026-03-30T13:00:00Z,done\n"
        "a5,ann@acme.example,meeting,,2026-03-31T13:00:00Z,\n",
    )
    layout = get_activity_format("generic")

    refused = import_activities(
        engine, path, ActivityImportOptions(layout=layout), clock=FixedClock(LATER)
    )

    assert not refused.committed
    reasons = {problem.line: problem.reason for problem in refused.problems}
    assert "withdrew phone consent" in reasons[3]
    assert "outcome 'went fishing'" in reasons[4]
    assert "later than now" in reasons[5]  # said to be done, a month ahead
    assert 6 not in reasons  # a meeting ahead, not said to be done: planned
    assert _attempts(engine, world["ann"]) == []
    assert _work(engine, world["ann"]).accepted_at is None

    skipped = import_activities(
        engine,
        path,
        ActivityImportOptions(layout=layout, skip_bad_rows=True),
        clock=FixedClock(LATER),
    )

    assert (skipped.committed, skipped.attempts, skipped.rejected, skipped.planned) == (
        True, 1, 3, 1
    )  # fmt: skip
    # The refused call came first: what it did before its refusal (accepting the lead) was
    # undone, and is not counted; the e-mail accepted the lead at its own moment.
    assert skipped.accepted == 1
    assert _work(engine, world["ann"]).accepted_at == _at(2, 13)
    assert _attempts(engine, world["ann"]) == [(_at(2, 13), "email", "no_answer", "eva")]


def test_a_mapping_file_names_a_teams_own_words(
    engine: Engine, world: dict[str, int], tmp_path: Path
) -> None:
    mapping = tmp_path / "close.yaml"
    mapping.write_text(
        "format: generic\nname: close\ncolumns:\n  Activity: channel\n  Result: outcome\n"
        "values:\n  outcome: {Gatekeeper: no_answer}\n  channel: {Dial: call}\n",
        encoding="utf-8",
    )
    path = _write(
        tmp_path,
        "id,email,Activity,Result,date\nc1,ann@acme.example,Dial,Gatekeeper,2026-03-02 13:00\n",
    )

    summary = import_activities(
        engine,
        path,
        ActivityImportOptions(layout=load_activity_mapping(mapping)),
        clock=FixedClock(LATER),
    )

    assert summary.committed, summary.problems
    assert _attempts(engine, world["ann"]) == [(_at(2, 13), "call", "no_answer", "eva")]
    with session_factory(engine)() as session:
        imported = select(SalesAttempt.external_id).where(SalesAttempt.external_id.is_not(None))
        assert session.scalars(imported).one() == "close:c1"


def test_the_command_prints_the_summary_and_says_what_it_left_alone(
    engine: Engine, world: dict[str, int], database_url: str, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    command = ["import", "activities", str(EXPORTS / "salesforce_tasks.csv"), "--format",
               "salesforce", "-w", str(tmp_path)]  # fmt: skip

    result = CliRunner().invoke(app, command)

    assert result.exit_code == 0, result.output
    # The import's clock is the real one, so every row of March 2026 lies in the past.
    assert "10 rows (activities, salesforce, utf-8, ','): 5 attempts and 0 conversations" in (
        result.stdout
    )
    for said in (
        "1 planned, not done",
        "1 not a call, e-mail, meeting or LinkedIn message (Task 1)",
        "1 for people leadflow does not hold",
        "1 before the lead was handed off",
        "5 by reps leadflow does not know (or who left), logged as the lead's owner's: "
        "'0055g00000EvaDkAAB' (5)",
    ):
        assert said in result.stdout
    bad = _write(tmp_path, "id,email,type,date\nx1,ann@acme.example,call,someday\n")
    refused = CliRunner().invoke(
        app, ["import", "activities", str(bad), "-f", "generic", "-w", str(tmp_path)]
    )
    assert refused.exit_code == 1
    assert f"{bad}:2: column 'date': 'someday' is not a date or time" in refused.output
    assert "nothing written: 1 of 1 rows rejected" in refused.output


def test_a_lead_nobody_held_is_claimed_by_the_rep_of_its_first_activity(
    engine: Engine, world: dict[str, int], tmp_path: Path
) -> None:
    with session_factory(writer(engine))() as session:  # nobody available: unassigned
        set_capacity(session, "eva", 0, START)
        session.commit()
        event = IncomingEvent("demo_request", START, contact_id=world["cara"], source="test")
        assert isinstance(record_event(session, event, clock=FixedClock(START)), Recorded)
        assert session.get_one(Contact, world["cara"]).owner is None
        set_capacity(session, "eva", 10, START)
        session.commit()
    path = _write(
        tmp_path,
        "id,email,type,outcome,date,rep\n"
        "c1,cara@cog.example,call,connected,2026-03-02T11:00:00Z,Eva van Dijk\n",
    )

    summary = import_activities(
        engine, path, ActivityImportOptions(layout=get_activity_format("generic")),
        clock=FixedClock(LATER),
    )  # fmt: skip

    assert summary.committed, summary.problems
    assert (summary.accepted, summary.attempts) == (1, 1)
    work = _work(engine, world["cara"])
    assert (work.accepted_at, work.first_touch_at, work.connected) == (_at(2, 11), _at(2, 11), True)
    with session_factory(engine)() as session:
        cara = session.get_one(Contact, world["cara"])
        # Eva owns the lead since the call; the change is news now, for a sync reading
        # changed_since (a contact changed in the past would be missed).
        assert (cara.owner, cara.updated_at) == ("eva", LATER)


def test_calls_after_the_cadence_ran_out_even_in_the_same_minute_are_not_logged(
    engine: Engine, world: dict[str, int], tmp_path: Path
) -> None:
    # Twelve unanswered calls logged in the CRM to the minute, the default cadence has
    # ten steps: the tenth ends it (back to nurture), the last two came when sales had
    # finished with the lead, though their minute is the tenth's.
    lines = [f"n{index},ann@acme.example,call,no answer,2026-03-0{2 + index // 4}T13:00:00Z"
             for index in range(12)]  # fmt: skip
    path = _write(tmp_path, "id,email,type,outcome,date\n" + "\n".join(lines) + "\n")

    summary = import_activities(
        engine, path, ActivityImportOptions(layout=get_activity_format("generic")),
        clock=FixedClock(LATER),
    )  # fmt: skip

    assert summary.committed, summary.problems
    assert (summary.attempts, summary.not_held) == (10, 2)
    work = _work(engine, world["ann"])
    assert (work.attempts, work.outcome, work.closed_at) == (10, "cadence_ended", _at(4, 13))
