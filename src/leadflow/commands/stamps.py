"""The moment a long-running command's line was written, as its lines start with it.

``leadflow serve`` (through its log formatters) and ``leadflow webhooks deliver`` write
lines a service manager, ``docker logs`` or a file keeps; not all of those add a time of
their own, and an outage's lines are read for when things happened.
"""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["stamped", "utc_text"]


def utc_text(moment: datetime) -> str:
    """``2026-11-24T06:41:07.512Z``: UTC, to the millisecond."""
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds")
    return text.removesuffix("+00:00") + "Z"


def stamped(line: str, moment: datetime) -> str:
    return f"{utc_text(moment)} {line}"
