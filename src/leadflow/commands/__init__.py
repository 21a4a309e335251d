"""Command groups of the ``leadflow`` CLI, one module per group, loaded only when used.

Each module ``leadflow/commands/<module>.py`` exposes ``register(app)``, which adds its
commands to a Typer app. ``COMMANDS`` maps every top-level command name to the module
that registers it, so running ``leadflow demo`` imports the demo module alone and not
scikit-learn, FastAPI or matplotlib (seconds of start-up). ``leadflow --help`` lists
the commands with their ``SUMMARIES`` and loads no module (loading them all for one line
each took 4 s of CPU). Tests check that ``COMMANDS`` names exactly what the modules
register and that each summary is the first paragraph of its command's help.

To add a command: write or extend its module, list the command name in ``COMMANDS`` and
its help's first paragraph in ``SUMMARIES``.
"""

from __future__ import annotations

import importlib
import inspect
from functools import cache

import typer

# Typer 0.29+ carries its own copy of Click; its groups take and return these types.
from typer._click.core import Command, Context
from typer._click.formatting import HelpFormatter
from typer.core import TyperCommand, TyperGroup

__all__ = ["COMMANDS", "SUMMARIES", "LazyCommands", "load_module_commands"]

COMMANDS: dict[str, str] = {
    "demo": "demo",
    "definition": "definition",
    "qualify": "qualify",
    "init": "workspace",
    "db": "workspace",
    "import": "imports",
    "duplicates": "identity",
    "merge": "identity",
    "unmerge": "identity",
    "gdpr": "gdpr",
    "export": "export",
    "learn": "learn",
    "keys": "api_keys",
    "serve": "serve",
    "webhooks": "webhooks",
    "run-demo": "run_demo",
    "reps": "handoff",
    "queue": "handoff",
    "accept": "handoff",
    "reject": "handoff",
    "attempt": "handoff",
    "conversation": "handoff",
    "bant": "handoff",
    "close": "handoff",
    "opportunity": "handoff",
    "nurture": "handoff",
    "handoff": "handoff",
    "users": "users",
    "rescore": "analytics",
    "report": "analytics",
    "backtest": "analytics",
}

SUMMARIES: dict[str, str] = {
    "demo": "Simulate a B2B company's last 12-18 months: contacts, events, sales, and the truth.",
    "definition": "Validate, compare and inspect funnel definitions.",
    "qualify": "Qualify one person: stage, sales-ready, fit, engagement, temperature, lead type.",
    "init": "Create a workspace: definition.yaml from a preset or your file, a migrated database.",
    "db": "Migrate the database schema; prune old rows.",
    "import": "Import accounts, contacts, deals, events and sales activities from files.",
    "duplicates": "List contacts that are probably the same person (fuzzy name + company/domain).",
    "merge": "Merge contact MERGED into SURVIVOR: values by survivorship, history re-pointed.",
    "unmerge": "Undo a merge: rows moved back, the survivor's overwritten values restored.",
    "gdpr": "GDPR requests of one person: export what is held (art. 15), erase it (art. 17);"
    " the suppression list of erased people.",
    "export": "Export leads with their stage and scores (CSV for a CRM import or a spreadsheet).",
    "learn": "Learn the ideal lead from history: ICP discovery and predictive scoring.",
    "keys": "API keys: create, list, revoke.",
    "serve": "Serve the HTTP API (OpenAPI document at /openapi.json, docs at /docs).",
    "webhooks": "Webhook subscriptions and delivery.",
    "run-demo": "Build the demo workspace (once) and serve the API on 127.0.0.1:8000"
    " (LEADFLOW_PORT).",
    "reps": "Sales reps and teams.",
    "queue": "The leads sales holds, with the next action due first.",
    "accept": "Accept a lead: it becomes sales-accepted and the cadence starts.",
    "reject": "Reject a lead with a reason code: recycled or disqualified as the reason says.",
    "attempt": "Log one attempt to reach a lead; prints the next one due.",
    "conversation": "Log a two-way conversation with a lead.",
    "bant": "State a BANT criterion heard on a call: it wins over the definition's rules.",
    "close": "Stop working a lead (back to nurture); too few attempts marks it under-worked.",
    "opportunity": "Deals from accepted leads.",
    "nurture": "One-to-many send lists.",
    "handoff": "Hand-off upkeep.",
    "users": "Web users: create, list, disable, enable.",
    "rescore": "Qualify every contact at once (set-based) and record results and stage moves.",
    "report": "Funnel, channel, alignment and scoring reports from the store.",
    "backtest": "Replay history under CANDIDATE and the active definition, side by side.",
}
# Set in a context's meta while the root help is drawn: its command list needs names and
# summaries only.
_LISTING = "leadflow.listing_commands"


@cache
def load_module_commands(module_name: str) -> dict[str, Command]:
    """The Click commands that ``leadflow.commands.<module_name>`` registers, by name."""
    module = importlib.import_module(f"leadflow.commands.{module_name}")
    holder = typer.Typer()

    @holder.callback()
    def _group() -> None:
        """A callback keeps Typer from collapsing a one-command app into that command."""

    module.register(holder)
    group = typer.main.get_command(holder)
    assert isinstance(group, TyperGroup)
    for command in group.commands.values():
        _reflow(command)
    return dict(group.commands)


def _reflow(command: Command) -> None:
    """Join the lines of every paragraph of ``command``'s help, and its subcommands'.

    Docstrings are wrapped at the source's line length; Typer joins the lines of the
    first paragraph only where it shows a command alone, and of none in a group's list,
    so a summary came out broken where its source line ended ("events," then
    "consents, ..."). A paragraph starting with ``\b`` keeps its lines, as in Click."""
    if command.help:
        command.help = "\n\n".join(
            paragraph if paragraph.startswith("\b") else " ".join(paragraph.split("\n"))
            for paragraph in inspect.cleandoc(command.help).split("\n\n")
        )
    if isinstance(command, TyperGroup):
        for subcommand in command.commands.values():
            _reflow(subcommand)


class LazyCommands(TyperGroup):
    """The root group: knows command names up front, imports a module when its command runs."""

    def list_commands(self, ctx: Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        module_name = COMMANDS.get(cmd_name)
        if module_name is None:
            return super().get_command(ctx, cmd_name)
        if ctx.meta.get(_LISTING):
            return TyperCommand(cmd_name, help=SUMMARIES[cmd_name])
        return load_module_commands(module_name).get(cmd_name)

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        """The root help: its command list drawn from ``SUMMARIES``, no module loaded."""
        ctx.meta[_LISTING] = True
        try:
            super().format_help(ctx, formatter)
        finally:
            ctx.meta[_LISTING] = False
