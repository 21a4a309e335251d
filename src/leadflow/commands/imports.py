"""``leadflow import accounts|activities|contacts|deals|events``: the ``import`` sub-app,
a module each."""

from __future__ import annotations

import typer

from leadflow.commands import (
    import_accounts,
    import_activities,
    import_contacts,
    import_deals,
    import_events,
)

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    group = typer.Typer(
        help="Import accounts, contacts, deals, events and sales activities from files.",
        no_args_is_help=True,
    )
    import_accounts.register(group)
    import_activities.register(group)
    import_contacts.register(group)
    import_deals.register(group)
    import_events.register(group)
    app.add_typer(group, name="import")
