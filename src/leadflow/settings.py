"""Settings, read from the environment (prefix ``LEADFLOW_``) or a ``.env`` file in one place.

Nothing else in leadflow reads the environment. Build a ``Settings`` where a process
starts (the CLI, the server factory); never at import time.

    LEADFLOW_WORKSPACE      folder holding the definition and the SQLite database (default ".")
    LEADFLOW_DATABASE_URL   SQLAlchemy URL (default sqlite:///<workspace>/leadflow.db)
    LEADFLOW_DEFINITION     definition file or preset name (default <workspace>/definition.yaml)
    LEADFLOW_HOST / _PORT   where ``leadflow serve`` listens (127.0.0.1:8000)
    LEADFLOW_FORWARDED_ALLOW_IPS  proxies whose X-Forwarded-For/-Proto are believed
                            (comma-separated addresses or networks, "*"; 127.0.0.1)
    LEADFLOW_ROOT_PATH      the path prefix a reverse proxy serves leadflow under
                            (/leadflow; default none: at the root)

Retention (``leadflow db prune``, docs/store.md "Retention"), durations like 24h or 7d:

    LEADFLOW_RETENTION_REPLIES        Idempotency-Key replies kept at least this long (24h)
    LEADFLOW_RETENTION_MESSAGES       dispatched webhook messages and their delivery log (30d)
    LEADFLOW_RETENTION_CONFIRMATIONS  used or expired double opt-in tokens (7d)
    LEADFLOW_PRUNE_EVERY              the webhook worker prunes this often; "off": never (1h)
"""

from __future__ import annotations

import ipaddress
import re
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from leadflow.domain.durations import parse_duration

__all__ = ["Settings", "checked_root_path"]

_ROOT_PATH = re.compile(r"(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+")


def checked_root_path(value: str) -> str:
    """A root path as leadflow uses it: ``/leadflow`` (``/a/b`` too), or "" for none; a
    trailing slash is dropped. ValueError for anything else (a query, a full address)."""
    clean = value.strip().rstrip("/")
    if clean and not _ROOT_PATH.fullmatch(clean):
        raise ValueError(
            "expected a path such as /leadflow (a / and letters, digits, - _ . ~), or nothing"
        )
    return clean


class Settings(BaseSettings):
    # Inputs are left out of errors: LEADFLOW_DATABASE_URL may hold a password.
    model_config = SettingsConfigDict(
        env_prefix="LEADFLOW_", env_file=".env", extra="ignore", hide_input_in_errors=True
    )

    workspace: Path = Field(default=Path("."), description="Folder of the workspace.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy database URL; SQLite in the workspace if unset."
    )
    definition: str | None = Field(
        default=None, description="Definition file or preset name; definition.yaml if unset."
    )
    host: str = Field(default="127.0.0.1", description="Address the server binds to.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port the server listens on.")
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description="Reverse proxies trusted for X-Forwarded-For and -Proto (uvicorn's list).",
    )
    root_path: str = Field(
        default="",
        description="The path prefix a reverse proxy serves leadflow under (/leadflow), which"
        " the proxy strips; the pages' links and the snippet's addresses start with it.",
    )
    public_url: str | None = Field(
        default=None,
        description="The address the world reaches leadflow at (https://leads.example.com),"
        " for the links it hands out; the request's own address if unset.",
    )
    retention_replies: timedelta = Field(
        default=timedelta(hours=24),
        gt=timedelta(0),
        description="Keep Idempotency-Key replies this long.",
    )
    retention_messages: timedelta = Field(
        default=timedelta(days=30),
        gt=timedelta(0),
        description="Keep dispatched webhook messages and their delivery log this long.",
    )
    retention_confirmations: timedelta = Field(
        default=timedelta(days=7),
        gt=timedelta(0),
        description="Keep double opt-in tokens this long after their use or expiry.",
    )
    prune_every: timedelta | None = Field(
        default=timedelta(hours=1),
        gt=timedelta(0),
        description='How often the webhook worker prunes; None ("off") never.',
    )

    @field_validator("workspace")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser()

    @field_validator(
        "retention_replies", "retention_messages", "retention_confirmations", mode="before"
    )
    @classmethod
    def _window(cls, value: Any) -> Any:
        return parse_duration(value) if isinstance(value, str) else value

    @field_validator("root_path")
    @classmethod
    def _root(cls, value: str) -> str:
        return checked_root_path(value)

    @field_validator("host")
    @classmethod
    def _host(cls, value: str) -> str:
        # An empty address is every address: uvicorn would listen on all interfaces.
        if not value.strip():
            raise ValueError(
                "empty: write the address to listen on, 127.0.0.1 (this machine only) "
                "or 0.0.0.0 (every interface)"
            )
        return value

    @field_validator("public_url")
    @classmethod
    def _public(cls, value: str | None) -> str | None:
        if not value:
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                "expected an absolute http(s) address such as https://leads.example.com"
            )
        if parts.query or parts.fragment:
            raise ValueError("expected an address without a query or fragment")
        return value.strip().rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str | None) -> str | None:
        if value is not None:
            _check_database_url(value)
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _proxies(cls, value: str) -> str:
        # uvicorn keeps an entry it cannot parse as a literal that no TCP peer matches:
        # a typo would silently distrust the proxy and give all visitors one limit.
        for entry in value.split(","):
            written = entry.strip()
            if written == "*":
                continue
            try:
                ipaddress.ip_network(written)  # an address is a network of one
            except ValueError:
                raise ValueError(
                    f"{written!r} is not an IP address or network: write addresses or "
                    "networks separated by commas (10.0.0.5, 10.0.0.0/8), or * for any"
                ) from None
        return value

    @field_validator("prune_every", mode="before")
    @classmethod
    def _every(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in ("off", "never"):
            return None
        return parse_duration(value) if isinstance(value, str) else value

    @property
    def workspace_database(self) -> Path | None:
        """The workspace's SQLite file, when no database URL points elsewhere."""
        return None if self.database_url else self.workspace / "leadflow.db"

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.workspace / 'leadflow.db').resolve()}"

    @property
    def resolved_definition(self) -> str:
        return self.definition or str(self.workspace / "definition.yaml")


# The databases leadflow runs on, each with the one driver it ships and talks to directly
# (store/driver.py): a URL naming another driver would fail when SQLAlchemy imports it.
_DRIVERS = {"sqlite": ("pysqlite", "sqlite:///"), "postgresql": ("psycopg", "postgresql://")}


def _check_database_url(value: str) -> None:
    """ValueError, in one line and without the URL's password, for a URL leadflow cannot use."""
    try:
        url = make_url(value)
    except ArgumentError:
        raise ValueError(
            "not a database URL: write sqlite:///PATH or postgresql://USER@HOST/DATABASE"
        ) from None
    except ValueError:  # SQLAlchemy's int() of the port, whose message was Python's own
        raise ValueError(
            "the port after the host is not a number: write postgresql://USER@HOST:5432/DATABASE"
        ) from None
    backend = "postgresql" if url.get_backend_name() == "postgres" else url.get_backend_name()
    if backend not in _DRIVERS:
        raise ValueError(
            f"{backend!r} is not a database leadflow runs on: SQLite (sqlite:///PATH) "
            "or PostgreSQL (postgresql://USER@HOST/DATABASE)"
        )
    driver, scheme = _DRIVERS[backend]
    if "+" in url.drivername and url.get_driver_name() != driver:
        raise ValueError(
            f"leadflow talks to {backend} through {driver}, not {url.get_driver_name()}: "
            f"write {scheme}..."
        )
    if backend == "postgresql":
        _check_postgresql_options(url)


def _check_postgresql_options(url: URL) -> None:
    """The URL's query parameters as libpq would take them: a misspelt name (``sslmod``)
    or a timeout that is no number was a page of traceback from the first connection.
    Values only the server can judge (an ``sslmode`` it does not offer) stay its to refuse."""
    if not url.query:
        return
    # Imported here: the driver is needed only for a PostgreSQL URL with a query.
    from psycopg import ProgrammingError
    from psycopg.conninfo import conninfo_to_dict, make_conninfo, timeout_from_conninfo

    options = {
        name: value if isinstance(value, str) else value[-1] for name, value in url.query.items()
    }
    try:
        timeout_from_conninfo(conninfo_to_dict(make_conninfo("", **options)))
    except ProgrammingError as error:
        raise ValueError(
            f"{str(error).strip()} (the query's parameters go to PostgreSQL's client library)"
        ) from None
