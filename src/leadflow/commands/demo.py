"""``leadflow demo``: write a deterministic demo world (placeholder until the generator lands)."""

from __future__ import annotations

import typer

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo() -> None:
        """Write a demo world."""
        raise typer.Exit(1)
