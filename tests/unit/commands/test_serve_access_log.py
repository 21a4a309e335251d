"""The access log leaves out what identifies a person or lets someone act as them: a
request's query (a leads search by e-mail address) and a double opt-in link's token."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi import FastAPI

from leadflow.commands.serve import server_config
from leadflow.settings import Settings


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/ui/leads?q=ana.gil@acme.example", "/ui/leads?…"),
        ("/forms/confirm/8QbT9fd22zrhHX3-T1IP1vioWC3J8Y", "/forms/confirm/…"),
        ("/contacts/42/consents", "/contacts/42/consents"),
    ],
)
def test_the_access_log_shows_paths_without_queries_and_tokens(
    path: str, shown: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server_config(FastAPI(), Settings(workspace=tmp_path))  # configures uvicorn's logging
    access = logging.getLogger("uvicorn.access")

    access.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", path, "1.1", 200)

    logged = capsys.readouterr().out
    assert f"GET {shown} HTTP/1.1" in logged
    assert path == shown or path not in logged
