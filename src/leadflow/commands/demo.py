"""``leadflow demo``: write a deterministic demo world (and its ground truth) to a folder.

    leadflow demo --out DIR [--contacts 500] [--seed 1] [--months 15] [--end 2026-06-30]
                  [--format jsonl|parquet] [--force]

The same options always give byte-identical files; docs/demo.md describes every file.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from leadflow.commands.workspace import fail
from leadflow.demo import DEFAULT_END, DemoInputError, WorldSummary, generate_world
from leadflow.demo.world import Progress as ProgressHook

__all__ = ["register"]

# Worlds at least this large show a progress bar; small ones finish before it would draw.
PROGRESS_FROM = 20_000
_STAGES = {"contacts": "contacts", "visitors": "anonymous visitors", "events": "sorting events"}


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    out: Path = typer.Option(
        ..., "--out", "-o", help="Folder to write the world to (created if missing)."
    ),
    contacts: int = typer.Option(
        500, "--contacts", "-n", help="Number of contacts (1 to 5,000,000)."
    ),
    seed: int = typer.Option(1, "--seed", help="Random seed: the same seed gives the same files."),
    months: int = typer.Option(
        15, "--months", help="Length of the simulated history, 12 to 18 months."
    ),
    end: str = typer.Option(
        DEFAULT_END.isoformat(), "--end", help="Last simulated day, YYYY-MM-DD."
    ),
    fmt: str = typer.Option(
        "jsonl", "--format", help="jsonl (CSV + JSON lines) or parquet (for big worlds)."
    ),
    force: bool = typer.Option(
        False, "--force", help="Overwrite the world files of a non-empty folder."
    ),
) -> None:
    """Simulate a B2B company's last 12-18 months: contacts, events, sales, and the truth."""
    last_day = _day(end)
    if fmt not in ("jsonl", "parquet"):
        fail(f"--format must be jsonl or parquet, got {fmt!r}")
    try:
        with _progress(contacts) as hook:
            summary = generate_world(
                out,
                contacts,
                seed,
                months,
                last_day,
                "parquet" if fmt == "parquet" else "jsonl",
                overwrite=force,
                progress=hook,
            )
    except DemoInputError as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot write the world to {out}: {error.strerror or error}")
    _print(summary)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        fail(f"--end must be a date like 2026-06-30, got {text!r}")


@contextmanager
def _progress(contacts: int) -> Iterator[ProgressHook | None]:
    if contacts < PROGRESS_FROM:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True)) as bar:
        tasks: dict[str, TaskID] = {}

        def hook(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(_STAGES.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        yield hook


def _print(summary: WorldSummary) -> None:
    config = summary.config
    console = Console()
    console.print(
        f"Demo world written to {summary.out_dir} (seed {config.seed}, "
        f"{config.contacts:,} contacts, {config.window_start:%Y-%m-%d} to {config.end:%Y-%m-%d}, "
        f"{config.fmt})",
        soft_wrap=True,
    )
    table = Table("file", "rows", box=None, pad_edge=False)
    for name, rows in sorted(summary.files.items()):
        table.add_row(name, f"{rows:,}")
    console.print(table)
    auc = (
        "n/a (too few closed leads)"
        if summary.bayes_optimal_auc is None
        else f"{summary.bayes_optimal_auc:.4f}"
    )
    console.print(
        f"hand-offs {summary.handed_off:,}: won {summary.won:,}, lost {summary.lost:,}, "
        f"open {summary.open:,}; Bayes-optimal ROC-AUC {auc}",
        soft_wrap=True,
    )
