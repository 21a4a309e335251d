"""`leadflow qualify --repair [--apply]`: leads a stale sales action moved to the
sales-ready stage, listed without writing, moved back with --apply."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner, Result

from leadflow.cli import app
from leadflow.commands.api_keys import workspace_session
from leadflow.domain.clock import SystemClock
from leadflow.engine.lifecycle import advance
from leadflow.services.accounts import create_account
from leadflow.services.contact_qualification import qualify_contact
from leadflow.services.contacts import create_contact
from leadflow.services.definitions import active_definition
from leadflow.store.driver import driver_for
from leadflow.store.models import Event, Qualification, StageTransition
from leadflow.store.realtime import RealtimeStore
from leadflow.store.realtime_handoff import HandoffStatements
from tests.integration.commands.events_file import import_events

runner = CliRunner()


def _workspace(tmp_path: Path) -> Path:
    assert runner.invoke(app, ["init", "--preset", "waterfall", str(tmp_path)]).exit_code == 0
    with workspace_session(tmp_path) as session:  # a director at a software company: grade A
        now = SystemClock().now()
        values = {"domain": "acme.example", "industry": "software", "employees": 300,
                  "country": "NL"}  # fmt: skip
        account = create_account(session, values, now)
        person = {"email": "ana.gil@acme.example", "seniority": "director",
                  "department": "marketing", "country": "NL", "account_id": account.id}  # fmt: skip
        create_contact(session, person, now)
        session.commit()
    ana = {"email": "ana.gil@acme.example"}
    lines = [
        {"id": "a1", "type": "newsletter_signup", "at": "2026-05-01T10:00:00Z", **ana},
        {"id": "a2", "type": "demo_request", "at": "2026-05-02T10:00:00Z", **ana},
    ]
    import_events(tmp_path, lines)  # months late: the demo request makes nobody sales-ready
    return tmp_path


def _moved_as_before_the_fix(workspace: Path) -> int:
    """The move the real-time path made before the gate took ``learned_at``: to sql as of
    the demo request, by the rule, caused by that event."""
    with workspace_session(workspace) as session:
        demo = session.scalars(select(Event).where(Event.type == "demo_request")).one()
        assert demo.contact_id is not None
        verdict = qualify_contact(session, demo.contact_id, demo.at).qualification
        store = RealtimeStore(driver_for(session.connection()))
        step = advance(store.load_person(demo.contact_id).lifecycle, verdict, demo.at)
        assert step.transition is not None
        assert step.transition.to_stage == "sql"
        HandoffStatements(store.driver).save_lifecycle(demo.contact_id, step.state, demo.at)
        version = active_definition(session).version_id
        store.add_transition(demo.contact_id, step.transition, version, demo.id)
        session.commit()
        return demo.contact_id


def _repair(workspace: Path, *args: str) -> Result:
    return runner.invoke(app, ["qualify", "--repair", *args, "-w", str(workspace)])


def _stage_and_last_move(workspace: Path, contact_id: int) -> tuple[str | None, str | None]:
    with workspace_session(workspace) as session:
        stage = session.scalar(
            select(Qualification.stage).where(Qualification.contact_id == contact_id)
        )
        last = session.scalars(
            select(StageTransition)
            .where(StageTransition.contact_id == contact_id)
            .order_by(StageTransition.id.desc())
        ).first()
        return stage, None if last is None else last.actor


def test_the_repair_lists_first_and_moves_back_with_apply(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)
    assert _repair(workspace).stdout.strip() == (
        "no lead stands in a stage that only a stale sales action let it into"
    )
    contact_id = _moved_as_before_the_fix(workspace)

    listed = _repair(workspace)
    after_listing = _stage_and_last_move(workspace, contact_id)
    applied = _repair(workspace, "--apply")

    assert listed.exit_code == applied.exit_code == 0, listed.output + applied.output
    line, summary = listed.stdout.strip().splitlines()
    assert line.startswith(f"contact {contact_id} ana.gil@acme.example: sql -> mql: entered sql")
    assert "on demo_request of 2026-05-02, " in line
    assert line.endswith("(> 30)")
    assert summary == (
        "1 lead(s) to move back; nothing written: run with --apply to record the moves"
    )
    assert after_listing == ("sql", None)
    assert applied.stdout.strip().splitlines()[-1] == (
        "1 lead(s) moved back, each recorded in the stage ledger by leadflow qualify --repair"
    )
    assert _stage_and_last_move(workspace, contact_id) == ("mql", "leadflow qualify --repair")
    assert _repair(workspace).stdout.strip().startswith("no lead stands")


def test_the_repair_is_for_the_whole_workspace(store_url: str | None, tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)

    refused = _repair(workspace, "--contact", "1")
    apply_alone = runner.invoke(app, ["qualify", "--apply", "--contact", "1", "-w", str(workspace)])

    assert refused.exit_code == apply_alone.exit_code == 1
    assert refused.stderr.strip() == (
        "error: --repair works on the whole workspace: give no --facts, --contact,"
        " --definition or --now"
    )
    assert apply_alone.stderr.strip() == refused.stderr.strip()
