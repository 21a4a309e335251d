"""Command groups of the ``leadflow`` CLI, one module per group, registered on the root app.

To add a group: write ``leadflow/commands/<name>.py`` exposing ``register(app)`` and
list it in ``_GROUPS``. Modules are imported when the CLI starts, so they must not
build engines, sessions or settings at import time.
"""

from __future__ import annotations

import importlib

import typer

__all__ = ["register"]

_GROUPS: tuple[str, ...] = (
    "demo",
    "definition",
    "qualify",
    "workspace",
    "imports",
    "identity",
    "learn",
    "api_keys",
    "serve",
    "webhooks",
    "handoff",
    "analytics",
    "users",
    "run_demo",
)


def register(app: typer.Typer) -> None:
    for name in _GROUPS:
        module = importlib.import_module(f"leadflow.commands.{name}")
        module.register(app)
