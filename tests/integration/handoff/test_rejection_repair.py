"""`leadflow handoff repair-rejections`: rejections of customers' leads stored before they
were recorded as ``stays_customer`` say a recycle or disqualification that never happened;
listed without writing, corrected with --apply, and only those."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from leadflow.cli import app
from leadflow.services.feedback import reject
from leadflow.services.rejection_repair import find_misrecorded_rejections, repair_rejections
from leadflow.store.models import HandoffWork, Rejection, StageTransition
from tests.integration.handoff.conftest import Desk
from tests.integration.handoff.test_opportunities import _crm_deal


def _as_before_the_fix(desk: Desk, contact_id: int, action: str) -> Rejection:
    """The row a rejection of a customer's lead wrote then: the reason's action, and the
    work item's reason without '(stays a customer)'."""
    row = desk.session.scalars(select(Rejection).where(Rejection.contact_id == contact_id)).one()
    row.action = action
    item = desk.session.scalars(
        select(HandoffWork).where(HandoffWork.handoff_id == row.handoff_id)
    ).one()
    item.close_reason = row.code
    desk.session.commit()
    return row


def _actions(desk: Desk) -> dict[int, str]:
    rows = desk.session.scalars(select(Rejection)).all()
    return {row.contact_id: row.action for row in rows}


def test_only_a_customers_rejection_that_moved_nobody_is_corrected(desk: Desk) -> None:
    desk.team("benelux")
    desk.rep("eva", "benelux")
    stale, moved, plain, later = desk.lead(), desk.lead(), desk.lead(), desk.lead()
    _crm_deal(desk, stale, "won", "crm-1")
    _crm_deal(desk, moved, "won", "crm-2")
    desk.later(hours=1)
    for contact_id, code in ((stale, "no_budget"), (moved, "not_ready"), (plain, "spam")):
        reject(desk.session, contact_id, code=code, note=None, rep=None, clock=desk.clock)
    reject(desk.session, later, code="no_budget", note=None, rep=None, clock=desk.clock)
    _as_before_the_fix(desk, stale, "recycle")
    # Before customers stayed customers, the move happened: that row tells the truth.
    row = _as_before_the_fix(desk, moved, "recycle")
    desk.session.add(
        StageTransition(contact_id=moved, from_stage="customer", to_stage="nurture",
                        at=row.at, actor="eva", reason="rejected by sales: not_ready")
    )  # fmt: skip
    desk.later(days=3)
    _crm_deal(desk, later, "won", "crm-3")  # a customer only after sales recycled the lead

    listed = find_misrecorded_rejections(desk.session)

    assert [(r.contact_id, r.recorded, r.stage) for r in listed] == [(stale, "recycle", "customer")]
    assert _actions(desk)[stale] == "recycle"  # listing writes nothing
    said = "recycle -> stays_customer, stood in customer and no recycle was recorded"
    assert listed[0].why.endswith(said)

    repaired = repair_rejections(desk.session)

    assert [r.contact_id for r in repaired] == [stale]
    assert _actions(desk) == {stale: "stays_customer", moved: "recycle", plain: "disqualify",
                              later: "recycle"}  # fmt: skip
    item = desk.session.scalars(select(HandoffWork).where(HandoffWork.contact_id == stale)).one()
    assert item.close_reason == "no_budget (stays a customer)"
    assert find_misrecorded_rejections(desk.session) == []


def test_the_command_lists_then_corrects(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--preset", "waterfall", str(tmp_path)]).exit_code == 0

    listed = runner.invoke(app, ["handoff", "repair-rejections", "--workspace", str(tmp_path)])
    applied = runner.invoke(
        app, ["handoff", "repair-rejections", "--apply", "--workspace", str(tmp_path)]
    )

    assert (listed.exit_code, applied.exit_code) == (0, 0)
    assert listed.output == "no rejection says a customer was recycled or disqualified\n"
