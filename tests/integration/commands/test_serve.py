"""`leadflow serve` behind a reverse proxy: public routes are limited per real client."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlalchemy import Engine, text
from typer.testing import CliRunner, Result

from leadflow.api.app import create_app
from leadflow.api.state import ApiLimits
from leadflow.cli import app as cli
from leadflow.commands.serve import server_config
from leadflow.services.form_config import FormsConfig
from leadflow.settings import Settings
from leadflow.store.migrate import current, downgrade, head
from tests.web.conftest import free_port

# One request per client address, then 429 for a long while.
ONE_EACH = ApiLimits(rate_per_second=0, public_rate_per_second=0.001, public_burst=1)

Serve = Callable[[str], str]


@pytest.fixture(autouse=True)
def _leadflow_logger_restored() -> Iterator[None]:
    """Building a server's configuration configures logging for the whole process (as
    uvicorn does): the ``leadflow`` logger gets a handler on this test's captured
    standard error. Put it back, so later tests' records reach pytest's capture."""
    logger = logging.getLogger("leadflow")
    kept = (list(logger.handlers), logger.propagate, logger.level)
    yield
    logger.handlers[:], logger.propagate, logger.level = kept


@pytest.fixture
def serve(engine: Engine, tmp_path: Path) -> Iterator[Serve]:
    servers: list[tuple[uvicorn.Server, threading.Thread]] = []

    def started(trusted: str) -> str:
        settings = Settings(workspace=tmp_path, forwarded_allow_ips=trusted)
        app = create_app(settings, engine=engine, limits=ONE_EACH, forms=FormsConfig())
        port = free_port()
        server = uvicorn.Server(server_config(app, settings, port=port, access_log=False))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        servers.append((server, thread))
        deadline = time.monotonic() + 20
        while not server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        return f"http://127.0.0.1:{port}"

    yield started
    for server, thread in servers:
        server.should_exit = True
        thread.join(timeout=10)


def _statuses(url: str, *clients: str) -> list[int]:
    return [
        httpx.get(f"{url}/healthz", headers={"X-Forwarded-For": client}).status_code
        for client in clients
    ]


def test_behind_a_trusted_proxy_each_visitor_has_their_own_limit(serve: Serve) -> None:
    url = serve("127.0.0.1")  # the proxy runs on this machine (the default)

    assert _statuses(url, "203.0.113.7", "203.0.113.7", "198.51.100.2") == [200, 429, 200]


def test_an_untrusted_sender_cannot_choose_its_address(serve: Serve) -> None:
    url = serve("10.0.0.5")  # the proxy is elsewhere: this connection is not it

    assert _statuses(url, "203.0.113.7", "198.51.100.2") == [200, 429]


def test_the_trusted_proxies_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LEADFLOW_FORWARDED_ALLOW_IPS", "10.0.0.0/8, 192.168.1.1")

    assert Settings().forwarded_allow_ips == "10.0.0.0/8, 192.168.1.1"


@pytest.mark.parametrize(
    "written", ["10.0.0.0/33", "10.0.0.300", "10.0.0.1/8", "proxy.internal", "10.0.0.1;10.0.0.2"]
)
def test_a_proxy_list_that_names_no_address_is_refused_not_ignored(
    monkeypatch: pytest.MonkeyPatch, written: str
) -> None:
    # uvicorn keeps what it cannot parse as a literal name that no TCP peer ever has:
    # the proxy would be silently distrusted and every visitor share its limit.
    monkeypatch.setenv("LEADFLOW_FORWARDED_ALLOW_IPS", f"127.0.0.1, {written}")

    with pytest.raises(ValueError, match="is not an IP address or network"):
        Settings()


def test_a_proxy_list_of_addresses_networks_or_any_is_accepted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for written in ("*", "10.0.0.0/8, 192.168.1.1", "::1, fd00::/8", " 127.0.0.1 "):
        monkeypatch.setenv("LEADFLOW_FORWARDED_ALLOW_IPS", written)
        assert Settings().forwarded_allow_ips == written


def test_leadflows_own_log_lines_go_where_uvicorns_go(tmp_path: Path) -> None:
    settings = Settings(workspace=tmp_path)
    config = server_config(FastAPI(), settings, port=free_port())

    assert isinstance(config.log_config, dict)
    leadflow = config.log_config["loggers"]["leadflow"]
    assert leadflow["handlers"] == config.log_config["loggers"]["uvicorn"]["handlers"]
    assert leadflow["level"] == "INFO"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[str], Result]:
    """``leadflow serve`` on a database URL, up to the point where uvicorn would run."""
    started: list[bool] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: started.append(True))

    def serve(url: str) -> Result:
        monkeypatch.setenv("LEADFLOW_DATABASE_URL", url)
        result = CliRunner().invoke(cli, ["serve", "-w", str(tmp_path)])
        assert bool(started) == (result.exit_code == 0), result.output
        return result

    return serve


def test_serve_starts_on_a_schema_at_the_newest_revision(
    served: Callable[[str], Result], database_url: str
) -> None:
    result = served(database_url)

    assert (result.exit_code, result.output) == (0, "")


def test_serve_refuses_a_schema_an_upgrade_has_not_reached_yet(
    served: Callable[[str], Result], database_url: str, engine: Engine
) -> None:
    # The operator installed a new leadflow and started it before `leadflow db upgrade`:
    # every route reading what the migration adds answered 500.
    downgrade(engine, "-1")
    behind = current(engine)

    result = served(database_url)

    assert result.exit_code == 1
    assert result.output == (
        f"error: the database's schema is at revision {behind} and this leadflow needs "
        f"{head()}: stop every leadflow process on it, back it up and run "
        "`leadflow db upgrade`\n"
    )


def test_serve_refuses_a_schema_a_newer_leadflow_migrated(
    served: Callable[[str], Result], database_url: str, engine: Engine
) -> None:
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))

    result = served(database_url)

    assert result.exit_code == 1
    assert "revision 9999, which this leadflow does not know" in result.output


def test_serve_refuses_a_database_without_leadflows_tables(
    served: Callable[[str], Result], database_url: str, engine: Engine
) -> None:
    downgrade(engine, "base")

    result = served(database_url)

    assert result.exit_code == 1
    assert result.output == (
        "error: the database has no leadflow tables: run `leadflow db upgrade` "
        "(or `leadflow init`)\n"
    )


def test_serve_starts_on_a_database_that_does_not_answer_yet_and_says_so(
    served: Callable[[str], Result],
) -> None:
    result = served("postgresql://postgres@127.0.0.1:9/leadflow")

    assert result.exit_code == 0
    [line] = result.output.splitlines()
    assert line.startswith("warning: cannot use the database: connection failed")
    assert line.endswith("; answering 503 until it does")
