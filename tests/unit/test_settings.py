from datetime import timedelta
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


def test_retention_windows_default_and_read_durations(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = Settings()
    monkeypatch.setenv("LEADFLOW_RETENTION_REPLIES", "7d")
    monkeypatch.setenv("LEADFLOW_RETENTION_MESSAGES", "12w")
    monkeypatch.setenv("LEADFLOW_RETENTION_CONFIRMATIONS", "36h")
    monkeypatch.setenv("LEADFLOW_PRUNE_EVERY", "off")
    settings = Settings()

    assert (defaults.retention_replies, defaults.retention_messages) == (
        timedelta(hours=24),
        timedelta(days=30),
    )
    assert defaults.retention_confirmations == timedelta(days=7)
    assert defaults.prune_every == timedelta(hours=1)
    assert settings.retention_replies == timedelta(days=7)
    assert settings.retention_messages == timedelta(weeks=12)
    assert settings.retention_confirmations == timedelta(hours=36)
    assert settings.prune_every is None


@pytest.mark.parametrize(
    ("name", "value", "why"),
    [
        ("LEADFLOW_RETENTION_REPLIES", "soon", "not a duration like 30m, 24h, 7d or 2w"),
        ("LEADFLOW_RETENTION_MESSAGES", "0d", "longer than 0"),
        ("LEADFLOW_PRUNE_EVERY", "1.5h", "not a duration"),
    ],
)
def test_a_bad_window_names_the_setting_and_why(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, why: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=why) as refused:
        Settings()
    assert name.removeprefix("LEADFLOW_").lower() in str(refused.value)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("mysql://app@db/leadflow", "'mysql' is not a database leadflow runs on"),
        ("postgresql+psycopg2://app@db/leadflow", "write postgresql://"),
        ("postgresql+asyncpg://app:secret@db/leadflow", "write postgresql://"),
        ("sqlite+pysqlcipher:///ws/leadflow.db", "write sqlite:///"),
        ("db.internal/leadflow", "not a database URL"),
        ("postgresql://app:secret@db:54x2/leadflow", "the port after the host is not a number"),
        # A misspelt query parameter, or a value psycopg refuses before connecting: `db
        # current` and `serve` stopped with a page of traceback.
        (
            "postgresql://app:secret@db/leadflow?sslmod=require",
            'invalid connection option "sslmod"',
        ),
        (
            "postgresql://app:secret@db/leadflow?connect_timeout=ten",
            "bad value for connect_timeout",
        ),
    ],
)
def test_a_database_url_leadflow_cannot_use_is_refused_naming_what_it_takes(
    monkeypatch: pytest.MonkeyPatch, url: str, why: str
) -> None:
    # Refused here, each command stops with one line naming the setting; accepted, they
    # stopped with a page of traceback when SQLAlchemy could not import the driver.
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", url)
    with pytest.raises(ValueError, match=why) as refused:
        Settings()
    assert "database_url" in str(refused.value)
    assert "secret" not in str(refused.value)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://app@db/leadflow",
        "postgres://app:secret@db:5433/leadflow",
        "postgresql+psycopg://app@db/leadflow?sslmode=require",
        "sqlite:////srv/leadflow/leadflow.db",
        "sqlite://",
        "postgresql://app@db/leadflow?sslmode=require&connect_timeout=3&application_name=x",
    ],
)
def test_a_database_url_leadflow_runs_on_is_kept_as_written(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", url)
    assert Settings().database_url == url


@pytest.mark.parametrize("written", ["", "  "])
def test_an_empty_host_is_refused_rather_than_listening_on_every_interface(
    monkeypatch: pytest.MonkeyPatch, written: str
) -> None:
    # `LEADFLOW_HOST=` in a .env (meant as "unset") bound the server to every address of
    # the machine, as 0.0.0.0 does, and said it ran on "http://:8000".
    monkeypatch.setenv("LEADFLOW_HOST", written)
    with pytest.raises(ValueError, match="empty: write the address to listen on") as refused:
        Settings()
    assert "host" in str(refused.value)


def test_a_host_is_kept_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    for written in ("127.0.0.1", "0.0.0.0", "::1", "leadflow.internal"):
        monkeypatch.setenv("LEADFLOW_HOST", written)
        assert Settings().host == written
