from pathlib import Path

import pytest

from leadflow.settings import Settings


def test_defaults_put_sqlite_in_the_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings(workspace=tmp_path / "ws")
    assert settings.resolved_database_url == f"sqlite:///{(tmp_path / 'ws' / 'leadflow.db')}"
    assert settings.resolved_definition == str(tmp_path / "ws" / "definition.yaml")
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", "postgresql://db/leadflow")
    monkeypatch.setenv("LEADFLOW_PORT", "9000")
    settings = Settings()
    assert settings.resolved_database_url == "postgresql://db/leadflow"
    assert settings.port == 9000


def test_invalid_port_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEADFLOW_PORT", "70000")
    with pytest.raises(ValueError, match="port"):
        Settings()
