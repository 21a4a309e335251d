from typer.testing import CliRunner

from leadflow import __version__
from leadflow.cli import app


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == __version__


def test_no_arguments_prints_help() -> None:
    result = CliRunner().invoke(app, [])
    assert "Usage" in result.stdout
