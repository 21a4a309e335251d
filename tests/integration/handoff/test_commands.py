"""The rep command line: reps and teams, the queue, answers, attempts, deals, nurture export,
the SLA sweep; every mistake is one line and exit status 1."""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import typer
from sqlalchemy import Engine, select
from typer.testing import CliRunner, Result

from leadflow.commands import handoff as handoff_commands
from leadflow.definition.builtin import preset_text
from leadflow.domain.clock import SystemClock
from leadflow.services.accounts import create_account
from leadflow.services.contacts import create_contact
from leadflow.services.definitions import activate_definition
from leadflow.services.events import IncomingEvent, Recorded, record_event
from leadflow.store.database import session_factory, writer
from leadflow.store.models import (
    BantFact,
    Consent,
    Contact,
    Conversation,
    Handoff,
    SalesAttempt,
    TeamHoliday,
)

Run = Callable[..., Result]


def _app() -> typer.Typer:
    # The hand-off commands alone, as the root app registers them.
    root = typer.Typer()
    handoff_commands.register(root)
    return root


@pytest.fixture
def run(engine: Engine, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    with session_factory(engine)() as session:
        activate_definition(
            session, preset_text("waterfall"), source_name="w.yaml", now=SystemClock().now()
        )
        session.commit()

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(_app(), [*args, "--workspace", str(tmp_path)])

    return invoke


def _lead(engine: Engine, country: str = "NL", email_consent: str | None = None) -> int:
    """A fitting contact who asks for a demo now, through the real-time path."""
    now = SystemClock().now()
    with session_factory(writer(engine))() as session:
        account = create_account(
            session,
            {"domain": f"{country.lower()}-co.example", "industry": "software",
             "employees": 300, "country": country},
            now,
        )  # fmt: skip
        contact = create_contact(
            session,
            {"email": f"ann@{country.lower()}-co.example", "seniority": "director",
             "country": country, "account_id": account.id, "first_name": "Ann",
             "phone": "+31 6 12345678"},
            now,
        ).contact  # fmt: skip
        if email_consent:
            session.add(
                Consent(contact_id=contact.id, channel="email", status=email_consent, at=now)
            )
            session.commit()
        event = IncomingEvent("demo_request", now, contact_id=contact.id)
        outcome = record_event(session, event, clock=SystemClock())
        assert isinstance(outcome, Recorded)
        return contact.id


def _ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


def test_a_rep_works_a_lead_from_the_queue_to_a_won_deal(run: Run, engine: Engine) -> None:
    _ok(run("reps", "team", "add", "benelux", "--time-zone", "Europe/Amsterdam",
            "--holiday", "2026-12-25"))  # fmt: skip
    assert "capacity 20" in _ok(run("reps", "add", "eva", "--team", "benelux", "--capacity", "20"))
    lead = _lead(engine)

    listed = _ok(run("queue", "--rep", "eva", "--why"))
    assert f"{lead:>8}  eva" in listed
    assert "accept or reject" in listed
    assert "sales-ready" in listed  # marketing's why
    assert "call +31612345678" in listed  # the number to dial, under the item
    assert "stage sql" in _ok(run("accept", str(lead)))
    assert "next: call due" in _ok(run("attempt", str(lead), "--channel", "call",
                                       "--outcome", "no_answer"))  # fmt: skip
    assert "reached" in _ok(
        run("attempt", str(lead), "--channel", "call", "--outcome", "connected")
    )
    _ok(run("conversation", str(lead), "--outcome", "interested"))
    opened = _ok(run("opportunity", "create", str(lead), "--amount", "12000", "--currency", "EUR",
                     "--close-date", "2026-09-30", "--product", "insights"))  # fmt: skip
    deal = opened.split()[1]
    _ok(run("opportunity", "stage", deal, "proposal"))
    assert "contact stage customer" in _ok(run("opportunity", "win", deal))
    assert "eva" in _ok(run("reps", "list"))
    assert "2026-12-25" in _ok(run("reps", "team", "list"))
    assert "the queue is empty" in _ok(run("queue"))


def test_a_rep_states_bant_heard_on_a_call(run: Run, engine: Engine) -> None:
    lead = _lead(engine)
    said = _ok(run("bant", str(lead), "--criterion", "budget", "--met", "yes",
                   "--evidence", "EUR 40k approved"))  # fmt: skip
    assert f"lead {lead}: budget met; stage " in said
    _ok(run("bant", str(lead), "--criterion", "timing", "--met", "unknown"))
    with session_factory(engine)() as session:
        facts = session.execute(
            select(BantFact.criterion, BantFact.met, BantFact.evidence, BantFact.actor).order_by(
                BantFact.id
            )
        ).all()
    assert facts == [("budget", True, "EUR 40k approved", "command line"),
                     ("timing", None, None, "command line")]  # fmt: skip
    refused = run("bant", str(lead), "--criterion", "money", "--met", "yes")
    assert refused.exit_code == 1
    assert "unknown BANT criterion 'money'" in refused.output
    refused = run("bant", str(lead), "--criterion", "need", "--met", "ja")
    assert refused.exit_code != 0
    assert "yes, no or unknown" in refused.output


def test_closing_after_one_attempt_says_under_worked(run: Run, engine: Engine) -> None:
    _ok(run("reps", "team", "add", "benelux", "--time-zone", "Europe/Amsterdam"))
    _ok(run("reps", "add", "eva", "--team", "benelux", "--capacity", "5"))
    lead = _lead(engine)
    _ok(run("accept", str(lead)))
    _ok(run("attempt", str(lead), "--channel", "email", "--outcome", "no_answer"))

    assert "UNDER-WORKED" in _ok(run("close", str(lead), "--reason", "unresponsive"))
    report = _ok(run("handoff", "report", "--since", "2000-01-01"))
    assert "attempts before giving up 1.0, UNDER-WORKED 1" in report
    assert report.startswith("eva")


def test_the_report_refuses_a_future_since_and_names_an_empty_window(run: Run) -> None:
    # "no hand-offs yet" for a date in the future, or for a past window with none in
    # it, read as if nothing had ever been handed off.
    future = run("handoff", "report", "--since", "2999-01-01")
    empty = _ok(run("handoff", "report", "--since", "2000-01-01"))

    assert future.exit_code == 1, future.output
    assert future.stderr.strip() == (
        "error: --since 2999-01-01 is in the future: no hand-off can have been made since then"
    )
    assert empty.strip() == "no hand-offs since 2000-01-01"
    assert _ok(run("handoff", "report")).strip() == "no hand-offs yet"


def test_the_report_takes_since_as_a_date_or_a_moment_as_the_api_does(
    run: Run, engine: Engine
) -> None:
    # The API took a moment with its offset and the command line only a day; both take
    # either now, and refuse the same way (services/handoff_report.py, parse_since).
    _ok(run("reps", "team", "add", "benelux", "--time-zone", "Europe/Amsterdam"))
    _ok(run("reps", "add", "eva", "--team", "benelux", "--capacity", "5"))
    _lead(engine)  # handed off now
    today = SystemClock().now().date().isoformat()

    assert _ok(run("handoff", "report", "--since", today)).startswith("eva")
    assert _ok(run("handoff", "report", "--since", f"{today}T00:00:00+00:00")).startswith("eva")
    assert _ok(run("handoff", "report", "--since", "2000-01-01T09:00:00Z")).startswith("eva")
    refused = {
        "yesterday": "error: --since 'yesterday' is not a date (2026-03-02, from midnight UTC)"
        " or an ISO 8601 moment with its offset (2026-03-02T09:00:00+01:00)",
        "2026-03-02T09:00:00": "error: --since '2026-03-02T09:00:00' has no offset: write"
        " 2026-03-02T09:00:00Z for UTC, or the offset meant (+01:00)",
        "2999-01-01T00:00:00Z": "error: --since 2999-01-01T00:00:00Z is in the future: no"
        " hand-off can have been made since then",
    }
    for given, said in refused.items():
        result = run("handoff", "report", "--since", given)
        assert (result.exit_code, result.stderr.strip()) == (1, said)


def test_reject_and_nurture_export(run: Run, engine: Engine, tmp_path: Path) -> None:
    _ok(run("reps", "team", "add", "benelux", "--time-zone", "Europe/Amsterdam"))
    _ok(run("reps", "add", "eva", "--team", "benelux", "--capacity", "5"))
    lead = _lead(engine, email_consent="granted")
    assert "stage nurture" in _ok(run("reject", str(lead), "--reason", "not_ready"))
    out = tmp_path / "send.csv"

    result = run("nurture", "export", "--segment", "nurture", "--out", str(out))

    assert "1 contact(s) exported" in result.output
    (row,) = csv.DictReader(out.open(encoding="utf-8"))
    assert (row["email"], row["stage"]) == ("ann@nl-co.example", "nurture")


def test_nurture_export_reads_channels_as_imports_write_them(
    run: Run, engine: Engine, tmp_path: Path
) -> None:
    # A channel is asked as a person writes it ("Trade show", a team's own "Partner
    # portal") and matched as imports store it; a typo is refused, not exported empty.
    _ok(run("reps", "team", "add", "benelux", "--time-zone", "Europe/Amsterdam"))
    _ok(run("reps", "add", "eva", "--team", "benelux", "--capacity", "5"))
    lead = _lead(engine, email_consent="granted")
    _ok(run("reject", str(lead), "--reason", "not_ready"))
    with session_factory(writer(engine))() as session:
        contact = session.get(Contact, lead)
        assert contact is not None
        contact.source_channel = "partner_portal"  # kept as written by an import
        session.commit()
    out = tmp_path / "send.csv"

    own = run("nurture", "export", "--channel", "Partner Portal", "--out", str(out))
    exported = list(csv.DictReader(out.open(encoding="utf-8")))
    ours = run("nurture", "export", "--channel", "Trade show", "--out", str(out))
    typo = run("nurture", "export", "--channel", "partner_portl", "--out", str(out))

    assert "1 contact(s) exported" in own.output
    assert [row["email"] for row in exported] == ["ann@nl-co.example"]
    assert "0 contact(s) exported" in ours.output  # leadflow's word "events": nobody yet
    assert typo.exit_code == 1
    assert "'partner_portl' is not an acquisition channel of any contact" in typo.output


def test_reps_absent_capacity_own_and_the_sla_sweep(run: Run, engine: Engine) -> None:
    _ok(run("reps", "team", "add", "nordics", "--time-zone", "Europe/Oslo",
            "--hours", "mon-fri 08:00-16:00"))  # fmt: skip
    _ok(run("reps", "add", "silje", "--team", "nordics", "--capacity", "5"))
    assert "capacity 9" in _ok(run("reps", "capacity", "silje", "9"))
    absent = _ok(run("reps", "absent", "silje", "--from", "2026-07-01", "--until", "2026-07-03"))
    assert "2026-06-30 22:00 UTC" in absent  # midnight in Oslo
    _lead(engine, "NO")
    assert "named account of silje" in _ok(run("reps", "own", "silje", "no-co.example"))
    assert "breach(es) recorded" in _ok(run("handoff", "check-sla"))
    _ok(run("reps", "team", "holiday", "nordics", "2026-05-17", "--name", "Constitution Day"))


def test_a_team_takes_its_countrys_public_holidays_by_name(run: Run, engine: Engine) -> None:
    _ok(run("reps", "team", "add", "bavaria", "--time-zone", "Europe/Berlin"))

    added = _ok(run("reps", "team", "holiday", "bavaria", "--country", "DE",
                    "--subdivision", "BY", "--year", "2027"))  # fmt: skip
    again = _ok(run("reps", "team", "holiday", "bavaria", "2027-05-27", "2027-12-24",
                    "--name", "Christmas Eve"))  # fmt: skip

    assert added == "12 day(s) off added to bavaria\n"
    assert again == "1 day(s) off added to bavaria (1 already there)\n"
    with session_factory(engine)() as session:
        names = dict(session.execute(select(TeamHoliday.day, TeamHoliday.name)).tuples().all())
    assert names[date(2027, 5, 27)] == "Corpus Christi"  # Bavaria's, not Berlin's
    assert names[date(2027, 12, 24)] == "Christmas Eve"
    assert len(names) == 13
    unknown = run("reps", "team", "holiday", "bavaria", "--country", "DE", "--subdivision", "XX")
    assert unknown.exit_code == 1
    assert "DE has no subdivision 'XX'; its subdivisions: BB, BE, BW, BY" in unknown.stderr
    bare = run("reps", "team", "holiday", "bavaria", "--year", "2027")
    assert bare.exit_code == 1
    assert "--subdivision and --year go with --country" in bare.stderr


def test_deactivating_a_rep_hands_their_leads_to_a_colleague(run: Run, engine: Engine) -> None:
    _ok(run("reps", "team", "add", "nordics", "--time-zone", "Europe/Oslo"))
    _ok(run("reps", "add", "silje", "--team", "nordics", "--capacity", "5"))
    lead = _lead(engine, "NO")
    _ok(run("reps", "add", "ola", "--team", "nordics", "--capacity", "5"))

    done = _ok(run("reps", "deactivate", "silje"))

    assert done == f"rep silje deactivated\n  lead {lead} re-assigned to ola\n"
    assert f"{lead:>8}  ola" in _ok(run("queue", "--rep", "ola"))
    refused = run("accept", str(lead), "--rep", "silje")
    assert refused.exit_code == 1
    assert refused.stderr.strip().endswith("rep 'silje' is deactivated: another rep must act "
                                           "(--rep / rep)")  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("reps", "team", "add", "x", "--time-zone", "Mars/Olympus"), "unknown time zone"),
        (("reps", "team", "add", "x", "--time-zone", "UTC", "--hours", "always"), "not a weekday"),
        (("reps", "add", "eva", "--team", "nowhere", "--capacity", "3"), "no team with key"),
        (("reps", "absent", "eva", "--from", "soon", "--until", "2026-01-01"), "is not a date"),
        (
            ("reps", "absent", "eva", "--from", "2026-12-10", "--until", "9999-12-31"),
            "day 9999-12-31 must fall between 2000 and 2100",
        ),
        (("accept", "424242"), "no contact with id 424242"),
        (("reject", "424242", "--reason", "spam"), "no contact with id 424242"),
        (("nurture", "export", "--segment", "sql"), "'sql' is not a nurtured stage"),
        (
            ("nurture", "export", "--channel", "telepathy"),
            "'telepathy' is not an acquisition channel of any contact",
        ),
        (("opportunity", "win", "424242"), "no opportunity with id 424242"),
        (
            ("opportunity", "create", "424242", "--close-date", "9999-12-31"),
            "expected close date 9999-12-31 must fall between 2000 and 2100",
        ),
        (("reps", "capacity", "ghost", "3"), "no rep with key 'ghost'"),
    ],
)
def test_mistakes_are_one_line_and_exit_1(run: Run, args: tuple[str, ...], message: str) -> None:
    result = run(*args)

    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_a_deactivated_rep_reads_inactive_even_while_an_absence_runs(run: Run) -> None:
    # A leader's holiday outlives their last day: "away" told the manager they would be
    # back, and hid that nobody routes to them again.
    # Today in the team's zone: between 23:00 and 24:00 UTC, Berlin's day is tomorrow.
    today = SystemClock().now().astimezone(ZoneInfo("Europe/Berlin")).date().isoformat()
    _ok(run("reps", "team", "add", "dach", "--time-zone", "Europe/Berlin"))
    _ok(run("reps", "add", "lena", "--team", "dach", "--capacity", "10"))
    _ok(run("reps", "add", "jonas", "--team", "dach", "--capacity", "10"))
    for key in ("lena", "jonas"):
        _ok(run("reps", "absent", key, "--from", today, "--until", today))
    _ok(run("reps", "deactivate", "lena"))

    listed = dict(line.split(maxsplit=1) for line in _ok(run("reps", "list")).splitlines())

    assert listed["lena"].endswith("inactive")
    assert listed["jonas"].endswith("away")


def test_an_absence_says_its_days_and_that_a_past_one_changes_nothing(run: Run) -> None:
    _ok(run("reps", "team", "add", "dach", "--time-zone", "Europe/Berlin"))
    _ok(run("reps", "add", "jonas", "--team", "dach", "--capacity", "10"))

    past = run("reps", "absent", "jonas", "--from", "2020-01-01", "--until", "2020-01-02")

    assert _ok(past).startswith("jonas away 2020-01-01 to 2020-01-02, whole days in the team's")
    assert "(2019-12-31 23:00 UTC to 2020-01-02 23:00 UTC)" in past.stdout
    assert past.stderr == "note: that absence ended already (2020-01-02); it changes no routing\n"
    coming = run("reps", "absent", "jonas", "--from", "2099-07-01", "--until", "2099-07-03")
    assert coming.stderr == ""


def test_a_deactivated_rep_is_given_no_named_account(run: Run, engine: Engine) -> None:
    # Routing passes over a leader's accounts (never available), so the account would
    # look owned while every lead of it went by territory.
    _ok(run("reps", "team", "add", "dach", "--time-zone", "Europe/Berlin"))
    _ok(run("reps", "add", "lena", "--team", "dach", "--capacity", "10"))
    _lead(engine, "DE")
    _ok(run("reps", "deactivate", "lena"))

    refused = run("reps", "own", "lena", "de-co.example")

    assert refused.exit_code == 1
    assert refused.stderr == (
        "error: rep 'lena' is deactivated: give the account to a rep who is still here\n"
    )


def test_an_attempt_or_conversation_takes_the_moment_it_happened(run: Run, engine: Engine) -> None:
    _ok(run("reps", "team", "add", "benelux", "--time-zone", "Europe/Amsterdam"))
    _ok(run("reps", "add", "eva", "--team", "benelux", "--capacity", "5"))
    lead = _lead(engine)
    _ok(run("accept", str(lead)))
    with session_factory(engine)() as session:
        handed_off = session.scalars(select(Handoff.at).where(Handoff.contact_id == lead)).one()
    made = handed_off.isoformat()

    assert "next: call due" in _ok(
        run("attempt", str(lead), "--channel", "call", "--outcome", "no_answer", "--at", made)
    )
    said = _ok(run("conversation", str(lead), "--outcome", "interested", "--at", made))
    assert said.startswith(f"conversation with lead {lead} logged (interested) at ")
    with session_factory(engine)() as session:
        assert session.scalars(select(SalesAttempt.at)).one() == handed_off
        assert session.scalars(select(Conversation.at)).one() == handed_off

    refused = {
        "2026-03-02T09:00:00": "has no offset: write 2026-03-02T09:00:00Z for UTC",
        "yesterday": "is not an ISO 8601 moment with its offset",
        (handed_off - timedelta(days=1)).isoformat(): "before contact",
        (handed_off + timedelta(days=3)).isoformat(): "is in the future",
    }
    for moment, message in refused.items():
        result = run("attempt", str(lead), "--channel", "email", "--outcome", "no_answer",
                     "--at", moment)  # fmt: skip
        assert result.exit_code == 1, result.output
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
