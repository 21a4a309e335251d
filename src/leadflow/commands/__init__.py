"""Command groups of the ``leadflow`` CLI, one module per group, loaded only when used.

Each module ``leadflow/commands/<module>.py`` exposes ``register(app)``, which adds its
commands to a Typer app. ``COMMANDS`` maps every top-level command name to the module
that registers it, so running ``leadflow demo`` imports the demo module alone and not
scikit-learn, FastAPI or matplotlib (seconds of start-up). ``leadflow --help`` loads
every module. A test checks that ``COMMANDS`` names exactly what the modules register.

To add a command: write or extend its module and list the command name here.
"""

from __future__ import annotations

import importlib
import inspect
from functools import cache

import typer

# Typer 0.29+ carries its own copy of Click; its groups take and return these types.
from typer._click.core import Command, Context
from typer.core import TyperGroup

__all__ = ["COMMANDS", "LazyCommands", "load_module_commands"]

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
    "close": "handoff",
    "opportunity": "handoff",
    "nurture": "handoff",
    "handoff": "handoff",
    "users": "users",
    "rescore": "analytics",
    "report": "analytics",
    "backtest": "analytics",
}


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
        return load_module_commands(module_name).get(cmd_name)
