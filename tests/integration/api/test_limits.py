"""Per-key rate limits (429 with Retry-After) and the Prometheus metrics."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from leadflow.api.state import ApiLimits

Headers = Callable[[str], dict[str, str]]


@pytest.fixture
def limits() -> ApiLimits:
    return ApiLimits(rate_per_second=0.5, burst=3, public_rate_per_second=0.5, public_burst=2)


def test_a_key_over_its_burst_gets_429_with_retry_after(
    client: TestClient, headers: Headers
) -> None:
    statuses = [client.get("/contacts", headers=headers("sales")).status_code for _ in range(4)]
    other = client.get("/contacts", headers=headers("marketing"))

    assert statuses == [200, 200, 200, 429]
    limited = client.get("/contacts", headers=headers("sales"))
    assert limited.headers["Retry-After"] == "2"
    assert limited.json()["type"].endswith("/rate_limited")
    assert other.status_code == 200  # each key has its own bucket


def test_public_routes_are_limited_per_client_address(client: TestClient) -> None:
    statuses = [client.get("/healthz").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


def test_metrics_count_requests_and_events(client: TestClient, headers: Headers) -> None:
    event = {"type": "page_view", "visitor_id": "v-1"}
    client.post("/events", json=event, headers=headers("ingest"))
    client.get("/contacts/12345", headers=headers("sales"))

    text = client.get("/metrics", headers=headers("admin")).text

    assert 'leadflow_events_ingested_total{outcome="stored"} 1.0' in text
    assert (
        'leadflow_http_requests_total{method="GET",route="/contacts/{contact_id}",status="404"} 1.0'
        in text
    )
    assert "leadflow_http_request_duration_seconds_bucket" in text


def test_metrics_name_a_page_by_its_whole_path_not_the_part_after_ui(
    client: TestClient, headers: Headers
) -> None:
    # The pages are mounted at /ui: /ui/leads was counted as route="/leads" (where the
    # API's hand-off routes live) and the dashboard /ui/ as "/".
    client.get("/ui/leads", follow_redirects=False)
    client.get("/ui/", follow_redirects=False)

    text = client.get("/metrics", headers=headers("admin")).text

    assert 'route="/ui/leads",status="303"' in text
    assert 'route="/ui/",status="303"' in text
    assert 'route="/leads"' not in text


def test_metrics_name_the_root_redirect_and_static_files_not_unmatched(
    client: TestClient, headers: Headers
) -> None:
    # "/" (a redirect to the pages) and the pages' static files were counted as
    # "unmatched", with the 404s of paths nobody serves; a file's own path is no label
    # either (one series per file name a client asks for).
    client.get("/", follow_redirects=False)
    client.get("/ui/static/app.css")
    client.get("/no-such-page")

    text = client.get("/metrics", headers=headers("admin")).text

    assert 'leadflow_http_requests_total{method="GET",route="/",status="307"} 1.0' in text
    assert 'route="/ui/static/{path}",status="200"' in text
    assert "app.css" not in text
    assert 'leadflow_http_requests_total{method="GET",route="unmatched",status="404"} 1.0' in text
