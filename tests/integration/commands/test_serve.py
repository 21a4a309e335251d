"""`leadflow serve` behind a reverse proxy: public routes are limited per real client."""

from __future__ import annotations

import logging
import logging.config
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
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
    standard error (uvicorn's loggers too). Put them back, so later tests' records reach
    pytest's capture."""
    loggers = [logging.getLogger(name) for name in ("leadflow", "uvicorn", "uvicorn.access")]
    kept = [(list(logger.handlers), logger.propagate, logger.level) for logger in loggers]
    yield
    for logger, (handlers, propagate, level) in zip(loggers, kept, strict=True):
        logger.handlers[:], logger.propagate, logger.level = handlers, propagate, level


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


def test_every_server_log_line_starts_with_its_moment_in_utc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A log written to a file or a service that adds no time of its own could not say
    # when the database went away: uvicorn's lines carry no moment.
    logging.config.dictConfig(server_config(FastAPI(), Settings(workspace=tmp_path)).log_config)
    before = datetime.now(UTC)

    logging.getLogger("leadflow.api").warning("the database does not answer")
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d', "10.0.0.7:5000", "GET", "/contacts?q=x", "1.1", 200
    )

    written = capsys.readouterr()  # uvicorn writes its access log to the standard output
    lines = [*written.err.splitlines(), *written.out.splitlines()]
    assert len(lines) == 2
    for line in lines:
        moment = line.partition(" ")[0]
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", moment), line
        stamped = datetime.strptime(moment, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        assert abs(stamped - before) < timedelta(minutes=1)  # UTC, not the local time
    assert lines[0].endswith("the database does not answer")
    assert lines[1].endswith('10.0.0.7:5000 - "GET /contacts?… HTTP/1.1" 200 OK')


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[[str], Result]:
    """``leadflow serve`` on a database URL, up to the point where uvicorn would run."""
    started: list[bool] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: started.append(True))

    def serve(url: str) -> Result:
        monkeypatch.setenv("LEADFLOW_DATABASE_URL", url)
        monkeypatch.setenv("LEADFLOW_PORT", str(free_port()))  # serve binds it before running
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


def test_under_a_root_path_the_pages_link_redirect_and_set_cookies_under_it(
    engine: Engine, tmp_path: Path
) -> None:
    """A proxy serves leadflow at https://example.com/leadflow/ and strips the prefix:
    the requests below are what reaches the server, the addresses in the answers what the
    browser follows."""
    settings = Settings(workspace=tmp_path, root_path="/leadflow/")
    app = create_app(settings, engine=engine, forms=FormsConfig())
    port = free_port()
    server = uvicorn.Server(server_config(app, settings, port=port, access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}"
    try:
        home = httpx.get(f"{url}/")
        guarded = httpx.get(f"{url}/ui/leads")
        signin = httpx.get(f"{url}/ui/signin")
        api = httpx.get(f"{url}/healthz")
        docs = httpx.get(f"{url}/docs")
    finally:
        server.should_exit = True
        thread.join(timeout=10)

    assert settings.root_path == "/leadflow"
    assert (home.status_code, home.headers["location"]) == (307, "/leadflow/ui/")
    assert guarded.headers["location"] == "/leadflow/ui/signin?next=/leadflow/ui/leads"
    assert signin.status_code == 200
    assert 'action="/leadflow/ui/signin"' in signin.text
    assert 'href="/leadflow/ui/static/app.css' in signin.text
    assert re.findall(r'(?:href|src|action)="/(?!leadflow/)', signin.text) == []
    assert "Path=/leadflow/ui" in signin.headers["set-cookie"]
    assert api.status_code == 200
    assert "'/leadflow/openapi.json'" in docs.text


@pytest.mark.parametrize("written", ["leadflow", "/lead flow", "/x?y=1", "https://a.example/x"])
def test_a_root_path_that_is_not_a_path_is_refused(written: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--root-path", written, "-w", str(tmp_path)])

    assert result.exit_code == 1
    assert result.output.startswith("error: --root-path: expected a path such as /leadflow")
    with pytest.raises(ValueError, match="expected a path such as /leadflow"):
        Settings(workspace=tmp_path, root_path=written)


def test_a_port_in_use_is_one_line_naming_the_address_and_how_to_choose_another(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # uvicorn started the application, logged the bind error between five lines of
    # start-up and shut-down, and exited with status 3.
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        result = CliRunner().invoke(cli, ["serve", "-w", str(tmp_path), "--port", str(port)])

    assert result.exit_code == 1, result.output
    assert result.output == (
        f"error: cannot listen on 127.0.0.1:{port}: the address is already in use "
        "(another server? choose another with --port or LEADFLOW_PORT)\n"
    )


def test_the_demo_on_a_port_in_use_stops_before_building_the_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``make run`` with another server on port 8000 spent a minute and a half building the
    demo, then stopped at the bind: the port is checked first."""
    workspace = tmp_path / "demo"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setenv("LEADFLOW_PORT", str(port))

        result = CliRunner().invoke(cli, ["run-demo", "--workspace", str(workspace)])

    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"error: cannot listen on 127.0.0.1:{port}: the address")
    assert not workspace.exists()


def test_a_host_that_is_not_this_machines_is_one_line(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    port = free_port()

    result = CliRunner().invoke(
        cli, ["serve", "-w", str(tmp_path), "--host", "192.0.2.1", "--port", str(port)]
    )

    assert result.exit_code == 1, result.output
    assert result.output.startswith(f"error: cannot listen on 192.0.2.1:{port}: ")
    assert len(result.output.splitlines()) == 1, result.output
