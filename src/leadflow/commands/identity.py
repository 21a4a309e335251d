"""``leadflow duplicates``, ``leadflow merge A B``, ``leadflow unmerge MERGE_ID``.

duplicates [--min-score 90] [--limit 50]   candidate pairs, best first (nothing merged);
                                           only --limit pairs are held, the rest counted
merge SURVIVOR MERGED [--reason TEXT]      merge MERGED into SURVIVOR and re-qualify it
unmerge MERGE_ID                           undo a merge from its record; re-qualify both
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError, ProgrammingError

from leadflow.commands.options import database_problem, workspace_settings
from leadflow.commands.workspace import WorkspaceOption, fail
from leadflow.domain.clock import SystemClock
from leadflow.ingest.duplicates import MAX_BLOCK
from leadflow.services.identity import (
    Duplicate,
    DuplicateListing,
    merge_contacts,
    scan_duplicates,
    unmerge,
)
from leadflow.services.refusals import RefusedError
from leadflow.store.database import engine_from_settings, writer
from leadflow.store.models import Qualification

__all__ = ["register"]

T = TypeVar("T")


def register(app: typer.Typer) -> None:
    app.command("duplicates")(duplicates)
    app.command("merge")(merge)
    app.command("unmerge")(unmerge_command)


def duplicates(
    min_score: float = typer.Option(
        90.0, "--min-score", min=0.0, max=100.0, help="Lowest score listed (0-100)."
    ),
    limit: int = typer.Option(
        50, "--limit", min=1, help="Most pairs listed (the rest are only counted)."
    ),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """List contacts that are probably the same person (fuzzy name + company/domain)."""
    found = _in_transaction(
        workspace, lambda c: scan_duplicates(c, min_score=min_score, limit=limit)
    )
    if not found.pairs:
        typer.echo(f"no candidate duplicates scoring {min_score:g} or more")
    for pair in found.pairs:
        typer.echo(_line(pair))
    if found.total > len(found.pairs):
        typer.echo(f"... and {found.total - len(found.pairs):,} more (raise --limit)")
    for line in _windowed(found):
        typer.echo(line)
    if found.pairs:
        typer.echo("merge a pair with `leadflow merge SURVIVOR MERGED`")


def _windowed(found: DuplicateListing) -> list[str]:
    """What was compared only in windows: a person may want to look at those names."""
    if not found.windowed_blocks:
        return []
    lines = [
        f"note: {found.windowed_blocks:,} groups of more than {MAX_BLOCK} contacts (largest "
        f"{found.largest_block:,}) were compared in windows of {MAX_BLOCK}, in order of name "
        "then company: contacts far apart in that order were not compared"
    ]
    if found.common_names:
        shown = ", ".join(f"{c.name} ({c.people:,})" for c in found.common_names[:5])
        more = len(found.common_names) - 5
        lines.append(
            f"note: names shared by more than {MAX_BLOCK // 2} contacts, compared only with "
            f"namesakes near them in company order: {shown}"
            + (f" and {more:,} more" if more > 0 else "")
        )
    return lines


def _line(pair: Duplicate) -> str:
    """``98.8  12 Ann Visser <ann@acme.nl> (Acme)  =  13 ... [name 100, same domain]``."""

    def card(side: dict[str, Any]) -> str:
        email = f" <{side['email']}>" if side["email"] else ""
        company = f" ({side['company']})" if side["company"] else ""
        return f"{side['id']} {side['name']}{email}{company}"

    reasons = ", ".join(pair.candidate.reasons)
    return f"{pair.candidate.score:5.1f}  {card(pair.first)}  =  {card(pair.second)}  [{reasons}]"


def merge(
    survivor: int = typer.Argument(..., help="Contact id that survives."),
    merged: int = typer.Argument(..., help="Contact id merged into it."),
    reason: str | None = typer.Option(None, "--reason", help="Why (kept in the merge record)."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Merge contact MERGED into SURVIVOR: values by survivorship, history re-pointed."""
    now = SystemClock().now()

    def merge_and_read(connection: Connection) -> tuple[int, str]:
        merge_id = merge_contacts(connection, survivor, merged, now=now, actor="cli", reason=reason)
        return merge_id, _standing(connection, survivor)

    merge_id, standing = _in_transaction(workspace, merge_and_read, write=True)
    typer.echo(
        f"merged contact {merged} into {survivor} (merge {merge_id}){standing}; "
        f"undo with `leadflow unmerge {merge_id}`"
    )


def _standing(connection: Connection, contact_id: int) -> str:
    """``, re-qualified: stage mql, sales-ready`` from the stored qualification."""
    q = Qualification.__table__.c
    row = connection.execute(
        select(q.stage, q.sales_ready, q.definition_version_id).where(q.contact_id == contact_id)
    ).first()
    if row is None or row.definition_version_id is None:
        return ""  # not qualified (no active definition): nothing to tell
    ready = ", sales-ready" if row.sales_ready else ""
    return f"; contact {contact_id} re-qualified: stage {row.stage or 'none'}{ready}"


def unmerge_command(
    merge_id: int = typer.Argument(..., help="The merge to undo (shown by `leadflow merge`)."),
    workspace: Path | None = WorkspaceOption,
) -> None:
    """Undo a merge: rows moved back, the survivor's overwritten values restored."""
    now = SystemClock().now()
    result = _in_transaction(workspace, lambda c: unmerge(c, merge_id, now=now), write=True)
    moved = sum(result.moved.values())
    requalified = "; both re-qualified from their own histories" if result.requalified else ""
    typer.echo(
        f"undid merge {merge_id}: contact {result.merged_id} is separate from "
        f"{result.survivor_id} again; {moved} rows moved back, "
        f"{len(result.restored)} values restored{requalified}"
    )
    if result.kept:
        typer.echo(f"kept (changed since the merge): {', '.join(result.kept)}")


def _in_transaction(
    workspace: Path | None, action: Callable[[Connection], T], *, write: bool = False
) -> T:
    engine: Engine = engine_from_settings(workspace_settings(workspace))
    try:
        with (writer(engine) if write else engine).begin() as connection:
            return action(connection)
    except RefusedError as error:
        fail(str(error))
    except (OperationalError, ProgrammingError) as error:
        fail(database_problem(error))
    finally:
        engine.dispose()
