"""``leadflow run-demo``: what ``make run`` calls. Build the demo workspace once, then serve it.

    run-demo [--workspace DIR] [--contacts N] [--seed S] [--build-only]

The workspace is built on the embedded SQLite default unless LEADFLOW_DATABASE_URL says
otherwise; a second run reuses it.
"""

from __future__ import annotations

from pathlib import Path

import typer

from leadflow.commands.workspace import fail, settings_for
from leadflow.domain.clock import SystemClock
from leadflow.services.demo_workspace import DemoWorkspace, build_demo_workspace

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    app.command("run-demo")(run_demo)


def run_demo(
    workspace: Path = typer.Option(
        Path("demo-workspace"), "--workspace", "-w", help="Folder of the demo workspace."
    ),
    contacts: int = typer.Option(1500, "--contacts", min=50, max=200_000, help="World size."),
    seed: int = typer.Option(7, "--seed", help="Seed of the generated world."),
    build_only: bool = typer.Option(False, "--build-only", help="Build, print, do not serve."),
) -> None:
    """Build the demo workspace (once) and serve the API on 127.0.0.1:8000 (LEADFLOW_PORT)."""
    settings = settings_for(workspace)
    if not build_only:
        from leadflow.commands.listening import listening_socket  # uvicorn: only to serve

        # A port in use stops here, not after a minute and a half of building the demo.
        listening_socket(settings.host, settings.port).close()
    try:
        built = build_demo_workspace(
            workspace,
            database_url=settings.resolved_database_url,
            clock=SystemClock(),
            contacts=contacts,
            seed=seed,
            on_stage=lambda text: typer.echo(f"demo: {text} ...", err=True),
            address=f"http://{settings.host}:{settings.port}",
        )
    except (OSError, ValueError) as error:
        fail(str(error))
    _print(built)
    if build_only:
        return
    # Imported here: uvicorn and the web app are only needed to serve.
    from leadflow.api.state import ApiLimits
    from leadflow.commands.serve import serve

    limits = ApiLimits()  # Typer fills defaults only on the command line: pass every option
    serve(
        host=settings.host,
        port=settings.port,
        workspace=workspace,
        rate_limit=limits.rate_per_second,
        burst=limits.burst,
        access_log=True,
        root_path=None,  # the settings' own (LEADFLOW_ROOT_PATH), if any
    )


def _print(built: DemoWorkspace) -> None:
    state = "built" if built.built_now else "reused"
    typer.echo(
        f"demo workspace {built.directory} ({state}): {built.contacts} contacts, "
        f"{built.events_recorded} events recorded ({built.events_rejected} rejected), "
        f"{built.sales_ready} sales-ready leads; {built.handed_off} hand-offs, "
        f"{built.accepted} accepted, {built.rejected} rejected, {built.won} deals won"
    )
