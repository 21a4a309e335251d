"""``leadflow reps``: the sales team as data (teams, hours, holidays, reps, absences,
named accounts). Registered by ``commands/handoff.py`` with the other hand-off commands.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import typer

from leadflow.commands.api_keys import workspace_session
from leadflow.commands.workspace import WorkspaceOption, fail
from leadflow.domain.clock import SystemClock
from leadflow.services import reps
from leadflow.services.public_holidays import public_holidays
from leadflow.services.reassignment import deactivate_rep

__all__ = ["parse_date", "reps_app", "shown"]

reps_app = typer.Typer(name="reps", help="Sales reps and teams.", no_args_is_help=True)
team_app = typer.Typer(name="team", help="Teams: time zone, hours, holidays.", no_args_is_help=True)
reps_app.add_typer(team_app, name="team")


def parse_date(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option} {text!r} is not a date like 2026-12-24")


def shown(moment: datetime | None) -> str:
    return "-" if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


@team_app.command("add")
def team_add(
    key: str = typer.Argument(..., help="What routing rules name, e.g. benelux."),
    zone: str = typer.Option(..., "--time-zone", "-z", help="IANA zone, e.g. Europe/Amsterdam."),
    hours: str = typer.Option("mon-fri 09:00-17:00", "--hours", help="Working hours."),
    holiday: list[str] = typer.Option([], "--holiday", help="A day off (YYYY-MM-DD)."),
    name: str | None = typer.Option(None, "--name", help="The team's name (default: its key)."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Add a team; SLA clocks tick in its working hours."""
    days = [parse_date(day, "--holiday") for day in holiday]
    with workspace_session(workspace) as session:
        team = reps.add_team(
            session, key=key, name=name, zone=zone, working_hours=hours, holidays=days,
            now=SystemClock().now(),
        )  # fmt: skip
        typer.echo(f"team {team.key}: {team.working_hours} ({team.time_zone})")


@team_app.command("holiday")
def team_holiday(
    key: str = typer.Argument(..., help="The team's key, e.g. benelux."),
    days: list[str] = typer.Argument(None, help="Days off (YYYY-MM-DD)."),
    name: str | None = typer.Option(None, "--name", help="e.g. Christmas Day."),
    country: str | None = typer.Option(
        None, "--country", help="Add this country's public holidays, named (NO, DE, NL ...)."
    ),
    subdivision: str | None = typer.Option(
        None, "--subdivision", help="With --country: a region's own too (DE: BY, NW ...)."
    ),
    year: list[int] = typer.Option(
        [], "--year", help="With --country: the year(s); default this year and next."
    ),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Add days off to a team: days you name, or a country's public holidays."""
    with workspace_session(workspace) as session:  # its refusals end as one line
        named = _days_off(days or [], name, country, subdivision, year)
        added = reps.add_named_holidays(session, key, named)
    already = len(named) - added
    note = f" ({already} already there)" if already else ""
    typer.echo(f"{added} day(s) off added to {key}{note}")


def _days_off(
    days: list[str], name: str | None, country: str | None, region: str | None, years: list[int]
) -> dict[date, str | None]:
    if country is None and (region is not None or years):
        fail("--subdivision and --year go with --country")
    if not days and country is None:
        fail("name the days off, or a --country whose public holidays to add")
    named: dict[date, str | None] = {}
    if country is not None:
        this_year = SystemClock().now().year
        named.update(public_holidays(country, years or [this_year, this_year + 1], region))
    named.update(dict.fromkeys((parse_date(day, "day") for day in days), name))
    return named


@team_app.command("list")
def team_list(workspace: Path | None = WorkspaceOption) -> None:
    """Teams with their hours and holidays."""
    with workspace_session(workspace) as session:
        for team, holidays in reps.list_teams(session):
            days = ", ".join(day.isoformat() for day in holidays) or "none"
            typer.echo(f"{team.key:<16} {team.time_zone:<20} {team.working_hours}  off: {days}")


@reps_app.command("add")
def rep_add(
    key: str = typer.Argument(..., help="The rep's key, e.g. r0001 or an e-mail."),
    team: str = typer.Option(..., "--team", "-t", help="The key of the rep's team."),
    capacity: int = typer.Option(..., "--capacity", "-c", help="Leads worked at once."),
    name: str | None = typer.Option(None, "--name", help="The rep's name."),
    email: str | None = typer.Option(None, "--email", help="The rep's e-mail address."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Add a rep to a team."""
    with workspace_session(workspace) as session:
        rep = reps.add_rep(
            session, key=key, name=name, email=email, team_key=team, capacity=capacity,
            now=SystemClock().now(),
        )  # fmt: skip
        typer.echo(f"rep {rep.key} in {team}, capacity {rep.capacity}")


@reps_app.command("list")
def rep_list(
    team: str | None = typer.Option(None, "--team", "-t", help="Only this team's reps."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Reps with their load (leads held) and whether they are inactive or away now."""
    with workspace_session(workspace) as session:
        found = reps.list_reps(session, SystemClock().now(), team=team)
        for view in found:
            # A leaver is never routed to again: an absence still running says less.
            state = "inactive" if not view.rep.active else ("away" if view.absent else "")
            typer.echo(
                f"{view.rep.key:<12} {view.team.key:<16} {view.load:>4}/{view.rep.capacity:<4}"
                f" {view.rep.name} {state}".rstrip()
            )
    if not found:
        typer.echo("no reps yet: add one with `leadflow reps add`")


@reps_app.command("absent")
def rep_absent(
    key: str = typer.Argument(..., help="The rep's key, e.g. r0001."),
    first: str = typer.Option(..., "--from", help="First day away (YYYY-MM-DD)."),
    last: str = typer.Option(..., "--until", help="Last day away (YYYY-MM-DD)."),
    reason: str | None = typer.Option(None, "--reason", help="Why, e.g. holiday."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Mark a rep away: no new leads in those days (in the team's time zone)."""
    start, end = parse_date(first, "--from"), parse_date(last, "--until")
    with workspace_session(workspace) as session:
        absence = reps.add_absence(session, key, start, end, reason)
    # The days as typed first: the UTC moments alone read as another day in Europe
    # ("2019-12-31 23:00 UTC" for an absence from 1 January in Berlin).
    typer.echo(
        f"{key} away {start} to {end}, whole days in the team's time zone "
        f"({shown(absence.starts_at)} to {shown(absence.ends_at)})"
    )
    if absence.ends_at <= SystemClock().now():
        typer.echo(f"note: that absence ended already ({end}); it changes no routing", err=True)


@reps_app.command("capacity")
def rep_capacity(
    key: str = typer.Argument(..., help="The rep's key, e.g. r0001."),
    capacity: int = typer.Argument(..., help="Leads worked at once; 0 takes the rep off routing."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Change how many leads a rep works at once (also the round-robin weight)."""
    with workspace_session(workspace) as session:
        rep = reps.set_capacity(session, key, capacity, SystemClock().now())
        typer.echo(f"rep {rep.key}: capacity {rep.capacity}")


@reps_app.command("own")
def rep_own(
    key: str = typer.Argument(..., help="The rep's key, e.g. r0001."),
    account: str = typer.Argument(..., help="The account's id or domain."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Make an account a named account of the rep: its leads go to them."""
    with workspace_session(workspace) as session:
        found = reps.own_account(session, key, account, SystemClock().now())
        typer.echo(f"{found.domain or found.id} is a named account of {key}")


@reps_app.command("deactivate")
def rep_deactivate(
    key: str = typer.Argument(..., help="The rep's key, e.g. r0001."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """A rep who left: never routed to again; the leads they hold are re-routed."""
    with workspace_session(workspace) as session:
        done = deactivate_rep(session, key, SystemClock().now())
    typer.echo(f"rep {key} deactivated")
    for contact_id, owner in sorted(done.moved.items()):
        typer.echo(f"  lead {contact_id} re-assigned to {owner}")
    if done.kept:
        leads = ", ".join(str(contact_id) for contact_id in done.kept)
        typer.echo(
            f"  nobody else is available for lead(s) {leads}: they stay with {key}; "
            f"run `leadflow reps deactivate {key}` again once a colleague has room"
        )
