"""`leadflow import` command module `import_contacts` (filled in by its issue)."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(group: typer.Typer) -> None:
    """Add this command to the `import` group."""
    del group
