"""``leadflow rescore``, ``leadflow report`` and ``leadflow backtest`` (docs/analytics.md).

    rescore [--at ISO] [--parquet DIR --out FILE.parquet]
        qualify every contact at once with the active definition and record the result
        (or qualify a Parquet export and write the verdicts to a file)
    report funnel|channels|alignment|scoring [--from ISO] [--to ISO] [--time-zone ZONE]
           [--by month|channel|campaign|owner] [--format table|csv|json] [--chart FILE]
    backtest CANDIDATE.yaml|PRESET [--from ISO] [--to ISO] [--step DAYS] [--json]

Each takes ``--workspace DIR`` (or LEADFLOW_WORKSPACE / LEADFLOW_DATABASE_URL).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, OperationalError, ProgrammingError

from leadflow.analytics.charts import ChartError, draw_chart
from leadflow.analytics.costs import COSTS_FILE, CostsError, load_costs
from leadflow.analytics.report import Report, Section, render_csv, render_json, render_rows
from leadflow.commands.options import database_problem, settings_for, workspace_settings
from leadflow.commands.workspace import WorkspaceOption, fail
from leadflow.definition.builtin import PRESET_NAMES, is_preset
from leadflow.definition.errors import DefinitionError
from leadflow.definition.loader import load_definition
from leadflow.domain.clock import SystemClock, parse_instant
from leadflow.services.backtest import BacktestError, BacktestRequest, backtest
from leadflow.services.definitions import NoActiveDefinitionError
from leadflow.services.reports import (
    GROUPS,
    REPORTS,
    ReportError,
    ReportRequest,
    build_report,
    report_moment,
    time_zone,
)
from leadflow.services.rescore import Rescored, RescoreError, rescore, rescore_parquet
from leadflow.store.database import engine_from_settings

__all__ = ["register"]

_FORMATS = ("table", "csv", "json")
_TABLE_ROWS = 60  # rows printed per section in a terminal table


def register(app: typer.Typer) -> None:
    app.command("rescore")(rescore_command)
    app.command("report")(report_command)
    app.command("backtest")(backtest_command)


def rescore_command(
    at: str | None = typer.Option(
        None, "--at", help="Qualify as of this ISO instant (default: now)."
    ),
    parquet: Path | None = typer.Option(
        None, "--parquet", help="Qualify a Parquet export (demo layout) instead of the store."
    ),
    out: Path | None = typer.Option(None, "--out", help="With --parquet: the verdicts file."),
    definition: str | None = typer.Option(
        None,
        "--definition",
        help="With --parquet: a definition file or preset (default waterfall).",
    ),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Qualify every contact at once (set-based) and record results and stage moves."""
    moment = _instant("--at", at)
    if parquet is not None:
        _rescore_parquet(parquet, out, definition, moment)
        return
    if out is not None or definition is not None:
        fail("--out and --definition go with --parquet; the store uses its active definition")
    engine = _engine(workspace)
    try:
        done = rescore(engine, clock=SystemClock(), at=moment)
    except (RescoreError, NoActiveDefinitionError) as error:
        fail(str(error))
    except (OperationalError, ProgrammingError) as error:
        fail(database_problem(error))
    finally:
        engine.dispose()
    _print_rescored(done)
    if done.sales_ready:
        # A rescore routes nobody to sales (services/pending_handoffs.py says why).
        typer.echo(
            "  a rescore hands nobody off: `leadflow handoff pending` lists the sales-ready"
            " leads that wait for a hand-off"
        )


def _rescore_parquet(folder: Path, out: Path | None, name: str | None, at: datetime | None) -> None:
    if out is None:
        fail("--parquet needs --out FILE.parquet for the verdicts")
    if not folder.is_dir():
        fail(f"--parquet {folder} is not a folder")
    try:
        compiled = load_definition(name or "waterfall")
    except DefinitionError as error:
        fail("; ".join(str(problem) for problem in error.errors))
    try:
        done = rescore_parquet(folder, compiled, out, at=at or SystemClock().now())
    except RescoreError as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot write {out}: {error.strerror or error}")
    _print_rescored(done)
    typer.echo(f"verdicts written to {out}")


def _print_rescored(done: Rescored) -> None:
    typer.echo(f"qualified {done.contacts:,} contacts as of {done.at.isoformat()}")
    typer.echo(f"  sales-ready: {done.sales_ready:,}")
    for stage, count in sorted(done.moved_to.items()):
        typer.echo(f"  moved to {stage}: {count:,}")
    timing = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in done.seconds.items())
    typer.echo(f"  {timing}")
    if done.drift is not None:
        typer.echo(f"  {done.drift}")


def report_command(
    name: str = typer.Argument(..., help=f"One of: {', '.join(REPORTS)}."),
    start: str | None = typer.Option(
        None, "--from", help="Leads that entered the funnel from then on (ISO; included)."
    ),
    stop: str | None = typer.Option(
        None,
        "--to",
        help="The end of the period, not included: the moment described (ISO; default now).",
    ),
    by: str | None = typer.Option(None, "--by", help=f"Split by: {', '.join(GROUPS)}."),
    fmt: str = typer.Option("table", "--format", help="table, csv or json."),
    chart: Path | None = typer.Option(None, "--chart", help="Also draw a chart (.png or .svg)."),
    zone: str | None = typer.Option(
        None,
        "--time-zone",
        help="IANA zone (Europe/Berlin) of the cohort months and of a date alone in --from"
        " and --to (default UTC).",
    ),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Funnel, channel, alignment and scoring reports from the store."""
    if fmt not in _FORMATS:
        fail(f"--format must be one of {', '.join(_FORMATS)}, got {fmt!r}")
    if chart is not None and chart.suffix.lower() not in (".png", ".svg"):
        fail(f"--chart must name a .png or .svg file, got {chart.name!r}")
    if chart is not None and not chart.parent.is_dir():  # before the report is computed
        fail(f"--chart: no folder {chart.parent} to write {chart.name} in")
    if name == "scoring" and by is not None:  # it would print the same report, unsplit
        fail("the scoring report is not split into groups; leave out --by")
    if zone is not None:
        try:
            time_zone(zone)
        except ReportError as error:
            fail(f"--time-zone: {error}")
    request = ReportRequest(
        name, _moment("--from", start, zone), _moment("--to", stop, zone), by, zone
    )
    settings = settings_for(workspace)
    try:
        costs = load_costs(settings.workspace / COSTS_FILE)
    except CostsError as error:
        fail(str(error))
    engine = _engine(workspace)
    try:
        report = build_report(engine, request, clock=SystemClock(), costs=costs)
    except (ReportError, NoActiveDefinitionError) as error:
        fail(str(error))
    except (OperationalError, ProgrammingError) as error:
        fail(database_problem(error))
    finally:
        engine.dispose()
    _show(report, fmt)
    if chart is not None:
        _draw(report, chart)


def backtest_command(
    candidate: str = typer.Argument(..., help="The candidate definition (file or preset name)."),
    start: str | None = typer.Option(None, "--from", help="Replay from (ISO; default: the start)."),
    stop: str | None = typer.Option(None, "--to", help="Replay up to (ISO; default now)."),
    step: float = typer.Option(7.0, "--step", help="Days between checkpoints of the replay."),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Replay history under CANDIDATE and the active definition, side by side."""
    if not is_preset(candidate) and not Path(candidate).is_file():
        fail(f"{candidate} is not a file, nor a preset ({', '.join(PRESET_NAMES)})")
    try:
        compiled = load_definition(candidate)
    except DefinitionError as error:
        for problem in error.errors:
            typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(1) from None
    request = BacktestRequest(compiled, _instant("--from", start), _instant("--to", stop), step)
    engine = _engine(workspace)
    try:
        report = backtest(engine, request, clock=SystemClock())
    except (BacktestError, NoActiveDefinitionError) as error:
        fail(str(error))
    except (OperationalError, ProgrammingError) as error:
        fail(database_problem(error))
    finally:
        engine.dispose()
    _show(report, "json" if as_json else "table")


def _show(report: Report, fmt: str) -> None:
    if fmt == "json":
        typer.echo(render_json(report))
        return
    if fmt == "csv":
        typer.echo(render_csv(report), nl=False)
        return
    # A wide table is more use wrapped in a file or a pipe than cut at 80 columns.
    console = Console(width=None if sys.stdout.isatty() else 160)
    console.print(f"[bold]{report.title}[/bold] as of {report.as_of:%Y-%m-%d %H:%M} UTC")
    for section in report.sections:
        console.print(report_table(section))
        rows = section.rows
        if len(rows) > _TABLE_ROWS:
            console.print(
                f"... and {len(rows) - _TABLE_ROWS:,} more rows (the JSON output has them all)"
            )
    for note in report.notes:
        console.print(f"[dim]{note}[/dim]")


def report_table(section: Section) -> Table:
    """One section as a terminal table, its first rows only. A header shows its words
    (``mql to sql rate``) so a narrow column wraps them onto lines of their own: cut to
    the width of its values it read ``mql_to_sql_ra…``. The cells keep their text."""
    table = Table(title=section.title, title_justify="left")
    for name in section.columns:
        table.add_column(Text(name.replace("_", " "), overflow="fold"), overflow="fold")
    for row in render_rows(section)[:_TABLE_ROWS]:
        table.add_row(*row)
    return table


def _draw(report: Report, path: Path) -> None:
    try:
        draw_chart(report, path)
    except ChartError as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot write {path}: {error.strerror or error}")
    typer.echo(f"chart written to {path}")


def _instant(option: str, text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return parse_instant(text)
    except ValueError as error:
        fail(f"{option}: {error}")


def _moment(option: str, text: str | None, zone: str | None) -> datetime | None:
    """A report's --from or --to: a date alone is midnight in --time-zone (default UTC)."""
    if text is None:
        return None
    try:
        return report_moment(text, zone)
    except ValueError as error:
        fail(f"{option}: {error}")


def _engine(workspace: Path | None) -> Engine:
    settings = workspace_settings(workspace)
    try:
        return engine_from_settings(settings)
    except ArgumentError as error:
        fail(f"bad database URL: {_first_line(error)}")


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
