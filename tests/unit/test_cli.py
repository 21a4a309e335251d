import importlib
import pkgutil
import subprocess
import sys

from typer.testing import CliRunner

import leadflow.commands
from leadflow import __version__
from leadflow.cli import app
from leadflow.commands import COMMANDS, load_module_commands


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


def test_a_command_does_not_import_the_heavy_libraries() -> None:
    code = (
        "import sys; from typer.testing import CliRunner; from leadflow.cli import app;"
        "r = CliRunner().invoke(app, ['definition', 'presets']); assert r.exit_code == 0, r.stdout;"
        "print(sorted(m for m in ('sklearn', 'fastapi', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
