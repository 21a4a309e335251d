"""``leadflow import contacts|events``: the ``import`` sub-app; each command has its own module."""

from __future__ import annotations

import typer

from leadflow.commands import import_accounts, import_contacts, import_events

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Import accounts, contacts and events from files.", no_args_is_help=True
    )
    import_accounts.register(group)
    import_contacts.register(group)
    import_events.register(group)
    app.add_typer(group, name="import")
