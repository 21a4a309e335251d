"""The ``leadflow`` command line: a root Typer app; command groups live in ``leadflow.commands``.

Commands are thin: they parse and validate input, call a service, and print. Errors a
user can fix are printed as one clear line and exit with status 1, never a traceback.
Command modules are imported lazily (see ``leadflow.commands``) so a command starts fast.
"""

from __future__ import annotations

import typer

from leadflow import __version__
from leadflow.commands import LazyCommands

__all__ = ["app", "main"]

app = typer.Typer(
    name="leadflow",
    cls=LazyCommands,
    help="One shared definition of the marketing-to-sales funnel.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        typer.echo(__version__)
        raise typer.Exit()


def main() -> None:
    app()


if __name__ == "__main__":  # python -m leadflow.cli, as python -m leadflow
    main()
