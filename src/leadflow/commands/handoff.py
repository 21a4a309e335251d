"""The sales hand-off on the command line, for reps and sales managers without the web UI.

    reps team add KEY --time-zone TZ [--hours "mon-fri 09:00-17:00"] [--holiday DATE ...]
    reps team holiday KEY DATE [DATE ...] [--name TEXT]       reps team list
    reps add KEY --team KEY --capacity N [--name] [--email]   reps list [--team KEY]
    reps absent KEY --from DATE --until DATE [--reason]       reps capacity KEY N
    reps own KEY ACCOUNT (id or domain)                       reps deactivate KEY
    queue [--rep KEY | --unassigned] [--why]
    accept ID [--rep KEY]                 reject ID --reason CODE [--note TEXT]
    attempt ID --channel call --outcome no_answer [--note] [--at MOMENT]
    conversation ID --outcome interested [--note] [--at MOMENT]
    bant ID --criterion budget --met yes|no|unknown [--evidence TEXT] [--rep KEY]
    close ID --reason TEXT [--disqualify]
    opportunity create ID [--amount] [--currency] [--close-date] [--product ...]
    opportunity stage|win|lose OPPORTUNITY_ID ...
    nurture export [--segment STAGE[,STAGE]] [--temperature] [--grade] [--channel] [--out]
    handoff check-sla                     record breaches as of now, end spent cadences
    handoff pending [--hand-off]          sales-ready leads nobody handed off (a rescore's)
    handoff report [--since DATE|MOMENT]  per rep: answers, reasons, breaches, under-worked
    handoff repair-rejections [--apply]   customers' rejections stored as recycle/disqualify

The `reps` group is defined in handoff_team.py and registered here. ID is the lead's
contact id. Each command calls one service and prints what it did;
mistakes end as one line on stderr with exit status 1.
"""

from __future__ import annotations

import math
import sys
from datetime import datetime
from pathlib import Path

import typer

from leadflow.commands.api_keys import workspace_session
from leadflow.commands.handoff_team import parse_date, reps_app, shown
from leadflow.commands.workspace import WorkspaceOption, fail
from leadflow.domain.clock import SystemClock
from leadflow.services import cadence, feedback, nurture, opportunities
from leadflow.services.bant import MET_WORDS, state_bant
from leadflow.services.handoff_report import RepReport, handoff_report, parse_since
from leadflow.services.pending_handoffs import hand_off_pending
from leadflow.services.queue import QueueItem, queue
from leadflow.services.refusals import InvalidInputError
from leadflow.services.rejection_repair import find_misrecorded_rejections, repair_rejections
from leadflow.services.sla import check_sla

__all__ = ["register"]

_LARGEST_AMOUNT = 1e15  # as the API's: opportunities.amount holds 16 digits and cents

deals_app = typer.Typer(name="opportunity", help="Deals from accepted leads.", no_args_is_help=True)
nurture_app = typer.Typer(name="nurture", help="One-to-many send lists.", no_args_is_help=True)
handoff_app = typer.Typer(name="handoff", help="Hand-off upkeep.", no_args_is_help=True)

RepOption = typer.Option(None, "--rep", "-r", help="The acting rep (default: the owner).")
AtOption = typer.Option(
    None, "--at", help="When it happened (ISO 8601 with offset: 2026-03-02T14:30:00+01:00)."
)


def register(app: typer.Typer) -> None:
    app.add_typer(reps_app, name="reps")
    app.add_typer(deals_app, name="opportunity")
    app.add_typer(nurture_app, name="nurture")
    app.add_typer(handoff_app, name="handoff")
    for command in (queue_, accept, reject, attempt, conversation, bant, close):
        app.command(command.__name__.rstrip("_"))(command)


# --- the rep's queue and answers ----------------------------------------------------------


def queue_(
    rep: str | None = typer.Option(None, "--rep", "-r", help="One rep's queue."),
    unassigned: bool = typer.Option(False, "--unassigned", help="Leads nobody holds yet."),
    why: bool = typer.Option(False, "--why", help="Show marketing's explanation."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """The leads sales holds, with the next action due first."""
    now = SystemClock().now()
    with workspace_session(workspace) as session:
        items = queue(session, now, rep=rep, unassigned=unassigned)
    for item in items:
        _print_item(item, why)
    if not items:
        typer.echo("the queue is empty")


def _print_item(item: QueueItem, why: bool) -> None:
    flag = "OVERDUE " if item.overdue else ""
    typer.echo(
        f"{item.contact_id:>8}  {item.rep or '(unassigned)':<12} {item.name} <{item.email}>"
        f"  {flag}{item.next_action}, due {shown(item.due_at)}"
    )
    if item.phone:
        typer.echo(f"          call {item.phone}")
    if why:
        typer.echo(f"          handed off {shown(item.handed_off_at)} ({item.trigger or '-'})")
        for line in item.why:
            typer.echo(f"          - {line}")


def accept(
    contact_id: int = typer.Argument(..., help="The lead's contact id."),
    rep: str | None = RepOption,
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Accept a lead: it becomes sales-accepted and the cadence starts."""
    with workspace_session(workspace) as session:
        done = feedback.accept(session, contact_id, rep=rep, clock=SystemClock())
    late = " (after the SLA: breach recorded)" if done.late else ""
    typer.echo(f"lead {contact_id} accepted by {done.rep}; stage {done.stage}{late}")


def reject(
    contact_id: int = typer.Argument(..., help="The lead's contact id (the queue's first column)."),
    reason: str = typer.Option(..., "--reason", help="A reject reason code of the definition."),
    note: str | None = typer.Option(None, "--note", help="Why, in words."),
    rep: str | None = RepOption,
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Reject a lead with a reason code: recycled or disqualified as the reason says.

    A customer is neither: it stays a customer.
    """
    with workspace_session(workspace) as session:
        done = feedback.reject(
            session, contact_id, code=reason, note=note, rep=rep, clock=SystemClock()
        )
    typer.echo(f"lead {contact_id} rejected ({reason}) by {done.rep}; stage {done.stage}")


def attempt(
    contact_id: int = typer.Argument(..., help="The lead's contact id (the queue's first column)."),
    channel: str = typer.Option(..., "--channel", help="call, email, linkedin or meeting."),
    outcome: str = typer.Option(..., "--outcome", help="no_answer, voicemail, connected ..."),
    note: str | None = typer.Option(None, "--note", help="What happened, in words."),
    at: str | None = AtOption,
    rep: str | None = RepOption,
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Log one attempt to reach a lead; prints the next one due."""
    moment = _moment(at)
    with workspace_session(workspace) as session:
        state = cadence.log_attempt(
            session, contact_id, channel=channel, outcome=outcome, note=note, rep=rep,
            clock=SystemClock(), at=moment,
        )  # fmt: skip
    if state.late:
        typer.echo("after the first-touch SLA: breach recorded", err=True)
    typer.echo(_progress(state))


def conversation(
    contact_id: int = typer.Argument(..., help="The lead's contact id (the queue's first column)."),
    outcome: str = typer.Option(..., "--outcome", help="interested, not_interested, no_decision."),
    note: str | None = typer.Option(None, "--note", help="What happened, in words."),
    at: str | None = AtOption,
    rep: str | None = RepOption,
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Log a two-way conversation with a lead."""
    moment = _moment(at)
    with workspace_session(workspace) as session:
        cadence.log_conversation(
            session, contact_id, outcome=outcome, note=note, rep=rep, clock=SystemClock(),
            at=moment,
        )  # fmt: skip
    when = "" if moment is None else f" at {shown(moment)}"
    typer.echo(f"conversation with lead {contact_id} logged ({outcome}){when}")


def bant(
    contact_id: int = typer.Argument(..., help="The lead's contact id (the queue's first column)."),
    criterion: str = typer.Option(..., "--criterion", help="budget, authority, need or timing."),
    met: str = typer.Option(
        ..., "--met", help="yes, no or unknown (the latest statement of a criterion counts)."
    ),
    evidence: str | None = typer.Option(None, "--evidence", help="What was said, by whom."),
    rep: str | None = typer.Option(None, "--rep", "-r", help="The rep who learned it."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """State a BANT criterion heard on a call: it wins over the definition's rules."""
    if met not in MET_WORDS:
        raise typer.BadParameter(f"{met!r}: say yes, no or unknown", param_hint="--met")
    with workspace_session(workspace) as session:
        done = state_bant(
            session, contact_id, criterion=criterion, met=MET_WORDS[met], evidence=evidence,
            actor="command line", clock=SystemClock(), rep=rep,
        )  # fmt: skip
    typer.echo(f"lead {contact_id}: {criterion} {_said(done.met)}; stage {done.stage}")


def _said(met: bool | None) -> str:
    return {True: "met", False: "not met", None: "unknown"}[met]


def _moment(text: str | None) -> datetime | None:
    """``--at``: an ISO 8601 moment with its offset (a clock guessed would move the touch
    by hours without a word, and with it the SLA)."""
    if text is None:
        return None
    raw = text.strip()
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        fail(f"--at {text!r} is not an ISO 8601 moment with its offset (2026-03-02T14:30:00+01:00)")
    if moment.utcoffset() is None:
        fail(
            f"--at {text!r} has no offset: write {moment.isoformat()}Z for UTC, or the offset "
            "meant (+01:00)"
        )
    return moment


def close(
    contact_id: int = typer.Argument(..., help="The lead's contact id (the queue's first column)."),
    reason: str = typer.Option(..., "--reason", help="e.g. unresponsive, not_interested."),
    disqualify: bool = typer.Option(False, "--disqualify", help="Out of the funnel, not nurture."),
    rep: str | None = RepOption,
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Stop working a lead (back to nurture); too few attempts marks it under-worked."""
    with workspace_session(workspace) as session:
        state = cadence.close_lead(
            session, contact_id, reason=reason, disqualify=disqualify, rep=rep,
            clock=SystemClock(),
        )  # fmt: skip
    typer.echo(_progress(state))


def _progress(state: cadence.WorkState) -> str:
    head = f"lead {state.contact_id}: {state.attempts} attempt(s)"
    if state.closed:
        flag = "; UNDER-WORKED" if state.under_worked else ""
        outcome = cadence.STAYS_CUSTOMER if state.outcome == cadence.CLOSED_CUSTOMER else None
        return f"{head}, closed {outcome or f'({state.outcome})'}{flag}"
    if state.connected:
        return f"{head}, reached: book a meeting or send a quote"
    return f"{head}, next: {state.next_channel} due {shown(state.next_attempt_due_at)}"


# --- opportunities, nurture, upkeep ------------------------------------------------------


@deals_app.command("create")
def deal_create(
    contact_id: int = typer.Argument(..., help="The accepted lead's contact id."),
    amount: float | None = typer.Option(None, "--amount", help="Zero or more."),
    currency: str | None = typer.Option(None, "--currency", help="ISO code, e.g. EUR."),
    close_date: str | None = typer.Option(None, "--close-date", help="Expected (YYYY-MM-DD)."),
    product: list[str] = typer.Option([], "--product", help="A product; repeat for more."),
    name: str | None = typer.Option(None, "--name", help="A name for the deal."),
    rep: str | None = RepOption,
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Open a deal for an accepted lead."""
    _check_amount(amount)
    expected = None if close_date is None else parse_date(close_date, "--close-date")
    with workspace_session(workspace) as session:
        deal = opportunities.create_opportunity(
            session, contact_id, amount=amount, currency=currency, expected_close=expected,
            products=product, name=name, rep=rep, clock=SystemClock(),
        )  # fmt: skip
        typer.echo(f"opportunity {deal.opportunity.id} opened ({deal.detail.stage})")


def _check_amount(amount: float | None) -> None:
    # Said here: the service's one check read "must be zero or more" for 1e26 too.
    if amount is None:
        return
    if math.isnan(amount):
        fail("--amount nan is not a number")
    if amount < 0:
        fail(f"--amount {amount:g} must be zero or more")
    if amount > _LARGEST_AMOUNT:
        fail(f"--amount {amount:g} is too large (at most {_LARGEST_AMOUNT:,.0f})")


@deals_app.command("stage")
def deal_stage(
    opportunity_id: int = typer.Argument(
        ..., help="The deal's id (`opportunity create` prints it)."
    ),
    stage: str = typer.Argument(..., help="An open stage of the definition."),
    rep: str | None = RepOption,
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Move a deal to another stage."""
    with workspace_session(workspace) as session:
        opportunities.move_opportunity(
            session, opportunity_id, stage, actor=rep, clock=SystemClock()
        )
    typer.echo(f"opportunity {opportunity_id} is in {stage}")


@deals_app.command("win")
def deal_win(
    opportunity_id: int = typer.Argument(
        ..., help="The deal's id (`opportunity create` prints it)."
    ),
    reason: str | None = typer.Option(None, "--reason", help="Why it was won, in words."),
    rep: str | None = RepOption,
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Close a deal won: the contact and its account become customers."""
    with workspace_session(workspace) as session:
        deal = opportunities.win_opportunity(
            session, opportunity_id, reason=reason, actor=rep, clock=SystemClock()
        )
    typer.echo(f"opportunity {opportunity_id} won; contact stage {deal.stage}")


@deals_app.command("lose")
def deal_lose(
    opportunity_id: int = typer.Argument(
        ..., help="The deal's id (`opportunity create` prints it)."
    ),
    reason: str = typer.Option(..., "--reason", help="A lost reason code of the definition."),
    note: str | None = typer.Option(None, "--note", help="What happened, in words."),
    rep: str | None = RepOption,
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Close a deal lost, with a reason."""
    with workspace_session(workspace) as session:
        deal = opportunities.lose_opportunity(
            session, opportunity_id, reason=reason, note=note, actor=rep, clock=SystemClock()
        )
    typer.echo(f"opportunity {opportunity_id} lost ({reason}); contact stage {deal.stage}")


def _list(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


@nurture_app.command("export")
def nurture_export(
    segment: str | None = typer.Option(None, "--segment", help="Stages, e.g. mql,nurture."),
    temperature: str | None = typer.Option(None, "--temperature", help="e.g. warm,cold."),
    grade: str | None = typer.Option(None, "--grade", help="Fit grades, e.g. A,B."),
    channel: str | None = typer.Option(None, "--channel", help="Acquisition channels."),
    out: Path | None = typer.Option(None, "--out", "-o", help="CSV file (default: stdout)."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Write the send list of nurtured contacts with e-mail consent (CSV)."""
    chosen = nurture.Segment(_list(segment), _list(temperature), _list(grade), _list(channel))
    if out is not None and out.is_dir():
        fail(f"--out {out} is a folder; give a file name")
    with workspace_session(workspace) as session:
        try:
            count = nurture.write_send_list(session, chosen, out or sys.stdout)
        except OSError as error:
            fail(f"cannot write {out}: {error.strerror}")
    typer.echo(f"{count} contact(s) exported", err=True)


@handoff_app.command("check-sla")
def handoff_check_sla(workspace: Path | None = WorkspaceOption) -> None:
    """Record SLA breaches as of now (and re-assign if configured); end spent cadences."""
    with workspace_session(workspace) as session:
        sweep = check_sla(session, SystemClock())
        for breach in sweep.breaches:
            typer.echo(
                f"breach: {breach.kind} of lead {breach.contact_id}, due {shown(breach.due_at)}"
            )
    typer.echo(
        f"{len(sweep.breaches)} breach(es) recorded, {sweep.reassigned} re-assigned, "
        f"{sweep.cadences_ended} cadence(s) ended"
    )


@handoff_app.command("pending")
def handoff_pending(
    hand_off: bool = typer.Option(
        False, "--hand-off", help="Hand them off now (route, SLA clock); else only list them."
    ),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Sales-ready leads that hold no hand-off (a rescore makes them; it hands none off)."""
    with workspace_session(workspace) as session:
        pending = hand_off_pending(session, SystemClock(), dry_run=not hand_off)
    verb = "handed off" if hand_off else "would go"
    for lead in pending:
        whom = lead.rep or "nobody (unassigned)"
        typer.echo(f"lead {lead.contact_id} {lead.email or ''}: {verb} to {whom} ({lead.rule})")
    if hand_off:
        typer.echo(f"{len(pending)} lead(s) handed off")
    elif pending:
        typer.echo(
            f"{len(pending)} lead(s) wait; hand them off with `leadflow handoff pending --hand-off`"
        )
    else:
        typer.echo("no sales-ready lead waits for a hand-off")


@handoff_app.command("repair-rejections")
def handoff_repair_rejections(
    apply: bool = typer.Option(False, "--apply", help="Correct them; else only list them."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Customers' rejections stored as recycle or disqualify: list, correct with --apply.

    Before a customer's rejection was stored as stays_customer, it said the reason's
    recycle or disqualify, which never happened to the customer.
    """
    with workspace_session(workspace) as session:
        found = repair_rejections(session) if apply else find_misrecorded_rejections(session)
    for row in found:
        who = f"contact {row.contact_id}" + (f" {row.email}" if row.email else "")
        typer.echo(f"rejection {row.rejection_id} of {who}: {row.why}")
    if not found:
        typer.echo("no rejection says a customer was recycled or disqualified")
    elif apply:
        typer.echo(f"{len(found)} rejection(s) corrected to stays_customer")
    else:
        typer.echo(
            f"{len(found)} rejection(s) to correct; nothing written: run with --apply to record it"
        )


@handoff_app.command("report")
def handoff_report_(
    since: str | None = typer.Option(
        None,
        "--since",
        help="Hand-offs from then on: a day (from midnight UTC) or an ISO 8601 moment with"
        " its offset (2026-03-02T09:00:00+01:00).",
    ),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Per rep: hand-offs, answers, reject reasons, breaches, attempts before giving up."""
    try:
        start = None if since is None else parse_since(since, SystemClock().now(), "--since")
    except InvalidInputError as error:
        fail(str(error))
    with workspace_session(workspace) as session:
        reports = handoff_report(session, start)
    for report in reports:
        typer.echo(_report_line(report))
    if not reports:
        typer.echo("no hand-offs yet" if since is None else f"no hand-offs since {since}")


def _report_line(report: RepReport) -> str:
    mean = report.attempts_before_giving_up
    gave_up = "-" if mean is None else f"{mean:.1f}"
    reasons = ", ".join(f"{code} {n}" for code, n in sorted(report.rejected_by_reason.items()))
    return (
        f"{report.rep:<14} handed off {report.handed_off}, accepted {report.accepted}, "
        f"rejected {report.rejected}{f' ({reasons})' if reasons else ''}, "
        f"breaches {sum(report.breaches.values())}, attempts before giving up {gave_up}, "
        f"UNDER-WORKED {report.under_worked}, won {report.won}, lost {report.lost}"
    )
