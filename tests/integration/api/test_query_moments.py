"""A moment with a ``+`` offset, typed into a query string as written, is read as meant.

In a query string ``+`` means a space, so ``?since=2026-03-02T09:00:00+01:00`` (the
form the refusals themselves suggested) reached the route as ``...09:00:00 01:00`` and
was refused as not a moment, on every route that takes one.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

Headers = Callable[[str], dict[str, str]]


@pytest.mark.parametrize(
    ("path", "role"),
    [
        ("/reports/funnel?from=2026-01-01T09:00:00+01:00", "sales"),
        ("/reports/channels?from=2026-01-01T00:00:00+01:00&to=2026-06-01 12:30+02:00", "sales"),
        ("/exports/leads?changed_since=2026-01-01T09:00:00.5+01:00", "marketing"),
        ("/handoff/report?since=2026-01-02T09:00+0100", "sales"),
    ],
)
def test_a_plus_offset_sent_unencoded_is_the_moment_meant(
    client: TestClient, headers: Headers, path: str, role: str
) -> None:
    answered = client.get(path, headers=headers(role))

    assert answered.status_code == 200, answered.text


def test_the_report_describes_the_moment_of_the_offset_given(
    client: TestClient, headers: Headers
) -> None:
    raw = client.get("/reports/funnel?from=2026-01-01T09:00:00+01:00", headers=headers("sales"))
    encoded = client.get(
        "/reports/funnel?from=2026-01-01T09:00:00%2B01:00", headers=headers("sales")
    )

    assert raw.status_code == encoded.status_code == 200, raw.text
    assert raw.json()["parameters"]["from"] == encoded.json()["parameters"]["from"]
    assert raw.json()["parameters"]["from"].startswith("2026-01-01T08:00:00")


@pytest.mark.parametrize(
    "value", ["2026-01-01 01:00", "yesterday 09:00", "2026-01-01T09:00:00 1", "2026-01-01T09:00"]
)
def test_only_a_space_where_an_offset_belongs_is_read_as_plus(
    client: TestClient, headers: Headers, value: str
) -> None:
    """A date and a time (no offset) stays naive and refused; other text stays text."""
    answered = client.get("/reports/funnel", params={"from": value}, headers=headers("sales"))

    assert answered.status_code == 422, answered.text
