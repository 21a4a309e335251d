import importlib
import inspect
import pkgutil
import subprocess
import sys
from collections.abc import Iterator

import pytest
import typer
from typer._click.core import Command, Context
from typer.core import TyperGroup
from typer.testing import CliRunner

import leadflow.commands
from leadflow import __version__
from leadflow.cli import app
from leadflow.commands import COMMANDS, SUMMARIES, load_module_commands


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == __version__


def test_no_arguments_prints_help_listing_every_command() -> None:
    result = CliRunner().invoke(app, [])
    assert "Usage" in result.stdout
    for name in COMMANDS:
        assert name in result.stdout


def _registering_modules() -> set[str]:
    names = set()
    for info in pkgutil.iter_modules(leadflow.commands.__path__):
        module = importlib.import_module(f"leadflow.commands.{info.name}")
        if hasattr(module, "register") and not info.name.startswith("import_"):
            names.add(info.name)
    return names


def test_command_map_matches_what_the_modules_register() -> None:
    registered = {
        command: module
        for module in _registering_modules()
        for command in load_module_commands(module)
    }
    assert registered == COMMANDS


@pytest.mark.parametrize("args", [["definition", "presets"], ["--help"]])
def test_a_command_does_not_import_the_heavy_libraries(args: list[str]) -> None:
    """Neither a light command nor the command list (``leadflow --help``, drawn from
    ``SUMMARIES``: importing every module for its one line took seconds) loads
    scikit-learn, FastAPI or matplotlib."""
    code = (
        "import sys; from typer.testing import CliRunner; from leadflow.cli import app;"
        f"r = CliRunner().invoke(app, {args!r}); assert r.exit_code == 0, r.stdout;"
        "print(sorted(m for m in ('sklearn', 'fastapi', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _every_command() -> Iterator[tuple[str, Command]]:
    """Every command and group of the CLI with its full name (``gdpr export``)."""
    root = typer.main.get_command(app)
    context = Context(root)

    def walk(command: Command, path: tuple[str, ...]) -> Iterator[tuple[str, Command]]:
        yield " ".join(path), command
        if isinstance(command, TyperGroup):
            for name in command.list_commands(context):
                found = command.get_command(context, name)
                assert found is not None, name
                yield from walk(found, (*path, name))

    yield from walk(root, ())


def test_every_option_and_argument_of_every_command_says_what_it_is() -> None:
    # `serve --access-log`, `reps add --team`, `webhooks log SUBSCRIPTION_ID` and thirty
    # more showed a name and a type in --help, and nothing about what they do.
    unexplained = [
        f"{name} {parameter.name}"
        for name, command in _every_command()
        for parameter in command.params
        if parameter.name != "help" and not (getattr(parameter, "help", None) or "").strip()
    ]

    assert unexplained == []


def test_no_help_text_breaks_a_paragraph_where_its_source_line_ended() -> None:
    # Typer joins the lines of a help's first paragraph and of nothing else: `leadflow
    # gdpr --help` listed "... (their contact records, events," and "consents, ..." on
    # lines of their own, `definition check --help` a line holding only "the".
    for name in ("gdpr", "definition check", "learn", "import"):
        shown = CliRunner().invoke(app, [*name.split(), "--help"], env={"COLUMNS": "100"})
        assert shown.exit_code == 0, shown.output
        for line in shown.output.splitlines():
            text = line.strip("│ ")
            assert text not in ("the", "co"), (name, line)
    broken = [
        name
        for name, command in _every_command()
        for paragraph in inspect.cleandoc(command.help or "").split("\n\n")
        if "\n" in paragraph and not paragraph.startswith("\b")
    ]

    assert broken == []


def _first_paragraph(command: Command) -> str:
    """What a group's command list shows of a command: its help's first paragraph."""
    text = inspect.cleandoc(command.short_help or command.help or "")
    return " ".join(text.split("\n\n")[0].split())


def test_each_summary_is_the_first_paragraph_of_its_commands_help() -> None:
    assert set(SUMMARIES) == set(COMMANDS)
    for name, module in COMMANDS.items():
        assert SUMMARIES[name] == _first_paragraph(load_module_commands(module)[name]), name


def test_the_command_list_shows_each_summary() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    # The panel wraps a summary onto lines of its own: read the text without the box.
    text = " ".join(result.stdout.replace("│", " ").split())
    for name, summary in SUMMARIES.items():
        assert f" {name} {summary} " in text, name


@pytest.mark.parametrize("module", ["leadflow", "leadflow.cli"])
def test_python_dash_m_runs_the_command_line(module: str) -> None:
    # Without a __main__, `python -m leadflow.cli --version` ran nothing and said nothing.
    out = subprocess.run(
        [sys.executable, "-m", module, "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == __version__
