"""``GET /reports/{name}``: the figures of ``leadflow report``, as JSON, over HTTP.

Three leads in May 2026 (waterfall preset), small enough to count by hand:

    1  lead 1 May, mql 3 May, sql 5 May, customer 20 May (a deal of 1,000 won that day)
    2  lead 2 May, recycled to nurture 10 May
    3  lead 4 May, from "Messe München", campaign "frühling ✓"
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert
from typer.testing import CliRunner

from leadflow.commands.analytics import register
from leadflow.store.models import Contact, Opportunity, StageTransition


def _may(day: int) -> datetime:
    return datetime(2026, 5, day, tzinfo=UTC)


@pytest.fixture
def store(api_engine: Engine) -> Engine:
    people = [(1, "linkedin", None), (2, "linkedin", None), (3, "Messe München", "frühling ✓")]
    moves = [(1, "lead", 1), (1, "mql", 3), (1, "sql", 5), (1, "customer", 20),
             (2, "lead", 2), (2, "nurture", 10), (3, "lead", 4)]  # fmt: skip
    with api_engine.begin() as c:
        c.execute(insert(Contact), [
            {"id": n, "email": f"c{n}@x.example", "identity": "known", "purchased": False,
             "attributes": {}, "source_channel": channel, "source_campaign": campaign,
             "created_at": _may(1), "updated_at": _may(1)}
            for n, channel, campaign in people
        ])  # fmt: skip
        c.execute(insert(StageTransition), [
            {"contact_id": n, "to_stage": stage, "at": _may(day), "reason": "test"}
            for n, stage, day in moves
        ])  # fmt: skip
        c.execute(insert(Opportunity).values(contact_id=1, status="won", amount=1000,
                                             created_at=_may(12), closed_at=_may(20)))  # fmt: skip
    return api_engine


def _rows(document: dict[str, object]) -> list[dict[str, object]]:
    sections = document["sections"]
    assert isinstance(sections, list)
    rows = sections[0]["rows"]
    assert isinstance(rows, list)
    return rows


def test_the_funnel_and_channels_figures_over_http(
    store: Engine, client: TestClient, headers: Callable[[str], dict[str, str]]
) -> None:
    reply = client.get("/reports/funnel", params={"by": "channel"}, headers=headers("sales"))

    assert reply.status_code == 200
    funnel = {(r["group"], r["stage"]): r for r in _rows(reply.json())}
    lead, mql, sql = funnel[("all", "lead")], funnel[("all", "mql")], funnel[("all", "sql")]
    assert (lead["leads"], mql["leads"], sql["leads"]) == (3, 1, 1)
    assert mql["conversion_rate"] == pytest.approx(1 / 3)
    assert lead["median_days"] == pytest.approx(2.0)  # only lead 1 moved on, in 2 days
    assert funnel[("all", "opportunity")]["leads"] == 1  # passed on the way to customer
    assert funnel[("all", "customer")]["won_value"] == 1000.0
    assert funnel[("all", "nurture")]["standing"] == 1
    assert funnel[("Messe München", "lead")]["standing"] == 1

    channels = client.get(
        "/reports/channels", params={"by": "campaign"}, headers=headers("marketing")
    )
    by_campaign = {r["group"]: r for r in _rows(channels.json())}
    assert by_campaign["all"]["lead_to_won_rate"] == pytest.approx(1 / 3)
    assert by_campaign["frühling ✓"]["leads"] == 1
    assert by_campaign["(none)"]["won"] == 1


def test_from_and_to_read_as_on_the_command_line(
    store: Engine, client: TestClient, headers: Callable[[str], dict[str, str]]
) -> None:
    # A bare date is midnight UTC, so from 2 May leaves lead 1 out; midnight in UTC+2 is
    # 22:00 UTC the day before, when lead 3 had not arrived yet.
    asked = {"from": "2026-05-02", "to": "2026-05-03T00:00:00+02:00"}
    reply = client.get("/reports/funnel", params=asked, headers=headers("marketing"))

    document = reply.json()
    assert document["as_of"] == "2026-05-02T22:00:00Z"
    assert _rows(document)[0]["leads"] == 1  # lead 2 only


def test_the_api_and_the_command_line_give_the_same_document(
    store: Engine,
    client: TestClient,
    headers: Callable[[str], dict[str, str]],
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("LEADFLOW_DATABASE_URL", database_url)
    app = typer.Typer()
    app.callback()(lambda: None)
    register(app)
    for name in ("funnel", "channels", "alignment", "scoring"):
        asked = ["--to", "2026-05-31T00:00:00Z", "--from", "2026-05-01"]
        printed = CliRunner().invoke(
            app, ["report", name, *asked, "--format", "json", "-w", str(tmp_path)]
        )
        assert printed.exit_code == 0, printed.stderr
        command_line = json.loads(printed.stdout)
        params = {"to": "2026-05-31T00:00:00Z", "from": "2026-05-01"}
        over_http = client.get(f"/reports/{name}", params=params, headers=headers("sales")).json()
        assert over_http["sections"] == command_line["sections"]
        assert over_http["notes"] == command_line["notes"]
        assert over_http["parameters"] == command_line["parameters"]
        # The period is stated: an exported report says what it covers.
        assert command_line["parameters"]["from"] == "2026-05-01T00:00:00+00:00"
        assert command_line["as_of"] == "2026-05-31T00:00:00+00:00"


@pytest.mark.parametrize(
    ("path", "params", "status", "words"),
    [
        ("/reports/pipeline", {}, 404, "reports: funnel, channels, alignment, scoring"),
        ("/reports/funnel", {"by": "country"}, 422, "by must be one of"),
        ("/reports/funnel", {"from": "last week"}, 422, "from: 'last week' is not an ISO 8601"),
        ("/reports/funnel", {"to": "2030-01-01"}, 422, "is in the future"),
        ("/reports/funnel", {"from": "2026-05-10", "to": "2026-05-09"}, 422, "before"),
        ("/reports/scoring", {"by": "month"}, 422, "not split into groups"),
        ("/reports/funnel", {"time_zone": "Europe/Berlinn"}, 422, "unknown time zone"),
    ],
)
def test_a_bad_request_is_a_problem_document_naming_what_is_wrong(
    store: Engine,
    client: TestClient,
    headers: Callable[[str], dict[str, str]],
    path: str,
    params: dict[str, str],
    status: int,
    words: str,
) -> None:
    reply = client.get(path, params=params, headers=headers("marketing"))

    assert reply.status_code == status
    assert reply.headers["content-type"] == "application/problem+json"
    assert words in reply.json()["detail"]
    if status == 422:  # the parameter at fault, as a schema error names it
        named = "from" if "from" in params else next(iter(params))
        assert [error["loc"] for error in reply.json()["errors"]] == [["query", named]]


def test_a_broken_costs_file_is_named(
    store: Engine, client: TestClient, headers: Callable[[str], dict[str, str]], tmp_path: Path
) -> None:
    (tmp_path / "costs.yaml").write_text("per_lead: {channel: {linkedin: lots}}\n", "utf-8")

    reply = client.get("/reports/channels", headers=headers("marketing"))

    assert reply.status_code == 409
    assert "costs.yaml: per_lead.channel.linkedin" in reply.json()["detail"]


def test_cohort_months_and_dates_in_a_time_zone(
    store: Engine, client: TestClient, headers: Callable[[str], dict[str, str]]
) -> None:
    # Lead 1 arrived at midnight UTC on 1 May: 20:00 on 30 April in New York.
    params = {"by": "month", "from": "2026-04-30", "time_zone": "America/New_York"}
    reply = client.get("/reports/funnel", params=params, headers=headers("marketing"))

    assert reply.status_code == 200
    document = reply.json()
    assert document["parameters"]["from"] == "2026-04-30T04:00:00+00:00"
    assert document["parameters"]["time_zone"] == "America/New_York"
    leads = {r["group"]: r["leads"] for r in _rows(document) if r["stage"] == "lead"}
    assert leads == {"all": 3, "2026-04": 1, "2026-05": 2}
