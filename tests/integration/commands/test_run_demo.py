"""`leadflow run-demo --build-only` (what `make run` calls): build once, print, reuse."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadflow.cli import app

runner = CliRunner()
SUMMARY = re.compile(
    r"demo workspace .* \((built|reused)\): 50 contacts, (\d+) events recorded \(0 rejected\), "
    r"(\d+) sales-ready leads; (\d+) hand-offs, (\d+) accepted, (\d+) rejected, (\d+) deals won"
)


@pytest.mark.slow
def test_run_demo_builds_once_and_prints_the_sales_side(
    store_url: str | None, tmp_path: Path
) -> None:
    arguments = ["run-demo", "--workspace", str(tmp_path), "--contacts", "50", "--build-only"]

    first = runner.invoke(app, arguments)
    second = runner.invoke(app, arguments)

    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    built, reused = SUMMARY.search(first.output), SUMMARY.search(second.output)
    assert built is not None, first.output
    assert reused is not None, second.output
    assert (built.group(1), reused.group(1)) == ("built", "reused")
    assert built.groups()[1:] == reused.groups()[1:]
    handed_off, accepted, rejected = (int(built.group(n)) for n in (4, 5, 6))
    assert accepted + rejected <= handed_off
    assert int(built.group(2)) > 0
    assert (tmp_path / "world" / "activities.jsonl").exists()


@pytest.mark.slow
def test_run_demo_says_where_to_sign_in_on_the_port_it_will_serve(
    store_url: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LEADFLOW_PORT", "8123")
    arguments = ["run-demo", "--workspace", str(tmp_path), "--contacts", "50", "--build-only"]

    result = runner.invoke(app, arguments)

    assert result.exit_code == 0, result.output
    assert "sign in at http://127.0.0.1:8123/ui/ as admin@demo.leadflow" in result.output


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answer(url: str) -> int:
    request = urllib.request.Request(url, method="GET")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=2) as reply:
            return int(reply.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.mark.slow
def test_run_demo_serves_the_workspace_it_built(tmp_path: Path) -> None:
    """What `make run` does, to the end: the build, then the server answering. Calling
    `serve` from `run-demo` had once passed a Typer option object for an option it
    left out, and the server never started; only the build had been tested."""
    port = _free_port()
    env = {**os.environ, "LEADFLOW_PORT": str(port), "LEADFLOW_HOST": "127.0.0.1"}
    env.pop("LEADFLOW_DATABASE_URL", None)
    arguments = ["run-demo", "--workspace", str(tmp_path), "--contacts", "50"]
    server = subprocess.Popen(
        [sys.executable, "-c", "from leadflow.cli import main; main()", *arguments],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        health = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                health = _answer(f"{base}/healthz")
                break
            except OSError:
                time.sleep(0.5)
        assert server.poll() is None, server.communicate()[0][-3000:]
        assert health == 200
        assert _answer(f"{base}/ui/") == 303  # to the sign-in page
    finally:
        server.terminate()
        server.wait(timeout=30)
