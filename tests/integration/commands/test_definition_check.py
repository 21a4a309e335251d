"""`leadflow definition check [FILE] -w WS`: a definition held against a real workspace
(init, then imported contacts and events), on SQLite and PostgreSQL; nothing is written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import text
from typer.testing import CliRunner

from leadflow.cli import app
from leadflow.store.database import make_engine
from tests.integration.commands.events_file import import_events

runner = CliRunner()

# Written the way a team might before looking at the data: `job_title` where imports
# fill `title`, `Software` where the data says `software`, `Computer Software` where it
# says nothing of the kind, `demo_requested` where the website sends `demo_request`.
CANDIDATE = """
schema_version: 1
name: acme-funnel
version: "2"
fit:
  rules:
    - name: decision-maker
      points: 30
      when: {field: contact.job_title, regex: "head|chief"}
    - name: target industry
      points: 40
      when: {field: account.industry, in: [Software, Computer Software]}
    - name: retail
      points: 10
      when: {field: account.industry, equals: retail}
engagement:
  rules:
    - {name: pricing page, event: page_view, where: {url: "*/pricing*"}, points: 10}
    - {name: demo, event: demo_requested, points: 30}
    - {name: page visits, event: page_view, points: 1}
stages:
  - {id: lead, when: {field: identity, at_least: known}}
"""

CONTACTS = """\
email,first_name,last_name,title,industry,company
ana@acme.example,Ana,Gil,Head of Sales,software,Acme
bo@acme.example,Bo,Lund,CTO,software,Acme
cy@shop.example,Cy,Moe,Buyer,retail,Shop
"""


def _workspace(tmp_path: Path) -> Path:
    workspace = tmp_path / "ws"
    assert runner.invoke(app, ["init", "--preset", "waterfall", str(workspace)]).exit_code == 0
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(CONTACTS, encoding="utf-8")
    imported = runner.invoke(
        app, ["import", "contacts", str(contacts), "-f", "generic", "-w", str(workspace)]
    )
    assert imported.exit_code == 0, imported.output
    import_events(
        workspace,
        [
            {"id": "e1", "type": "page_view", "email": "ana@acme.example",
             "at": "2026-11-20T10:00:00Z", "properties": {"url": "https://acme.example/pricing"}},
            {"id": "e2", "type": "page_view", "email": "ana@acme.example",
             "at": "2026-11-20T10:05:00Z", "properties": {"url": "https://acme.example/blog"}},
            {"id": "e3", "type": "page_view", "email": "bo@acme.example",
             "at": "2026-11-21T10:00:00Z", "properties": {"url": "https://acme.example/Pricing/eu"}},
            {"id": "e4", "type": "demo_request", "email": "bo@acme.example",
             "at": "2026-11-21T11:00:00Z"},
        ],
    )  # fmt: skip
    (tmp_path / "candidate.yaml").write_text(CANDIDATE, encoding="utf-8")
    return workspace


def _check(workspace: Path, *args: str) -> Any:
    return runner.invoke(app, ["definition", "check", *args, "-w", str(workspace)])


def _json(workspace: Path, *args: str) -> dict[str, Any]:
    result = _check(workspace, *args, "--json")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def test_the_candidate_and_the_data_disagree_where_the_check_says(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)

    found = _json(workspace, str(tmp_path / "candidate.yaml"))

    assert (found["contacts"], found["events"]) == (3, 4)
    fields = {f["path"]: f for f in found["fields"]}
    assert fields["contact.job_title"]["warning"] is True
    assert fields["contact.job_title"]["closest"][0] == {"name": "contact.title", "count": 3}
    assert fields["account.industry"] == {
        "path": "account.industry",
        "read_by": ["fit rule 'target industry'", "fit rule 'retail'"],
        "contacts": 3,
        "closest": [],
        "warning": False,
    }
    values = {v["value"]: v for v in found["values"]}
    assert set(values) == {"Software", "Computer Software"}  # `retail` is held as written
    assert values["Software"]["warning"] is False
    assert values["Software"]["case_differs"] == [{"name": "software", "count": 2}]
    assert values["Computer Software"]["warning"] is True
    assert values["Computer Software"]["read_by"] == ["fit rule 'target industry'"]
    assert values["Computer Software"]["closest"] == [{"name": "software", "count": 2}]
    types = {e["type"]: e for e in found["event_types"]}
    assert types["demo_requested"]["warning"] is True
    assert types["demo_requested"]["closest"] == [{"name": "demo_request", "count": 1}]
    assert (types["page_view"]["events"], types["page_view"]["contacts"]) == (3, 2)
    rules = {r["name"]: r for r in found["rules"]}
    assert rules["decision-maker"]["contacts"] == 0
    assert rules["decision-maker"]["warning"]
    assert rules["target industry"]["contacts"] == 2  # the data's `software`, any case
    assert rules["retail"]["contacts"] == 1
    # The glob ignores case: /pricing and /Pricing/eu, two contacts.
    assert (rules["pricing page"]["events"], rules["pricing page"]["contacts"]) == (2, 2)
    assert (rules["demo"]["events"], rules["demo"]["contacts"]) == (0, 0)
    assert (rules["page visits"]["events"], rules["page visits"]["contacts"]) == (3, 2)
    # job_title, Computer Software, demo_requested, and the two rules that never hold.
    assert found["warnings"] == 5


def test_the_table_names_the_findings_and_strict_fails_on_them(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)
    candidate = str(tmp_path / "candidate.yaml")

    shown = _check(workspace, candidate)
    strict = _check(workspace, candidate, "--strict")

    assert shown.exit_code == 0, shown.output
    assert "acme-funnel v2" in shown.stdout
    assert "contact.job_title" in shown.stdout
    assert "only the case differs: software (2)" in shown.stdout
    assert "demo_request (1)" in shown.stdout
    assert shown.stdout.rstrip().endswith("5 warnings")
    assert strict.exit_code == 1
    assert strict.stdout == shown.stdout


def test_without_a_file_the_active_definition_is_checked(
    store_url: str | None, tmp_path: Path
) -> None:
    workspace = _workspace(tmp_path)

    found = _json(workspace)

    assert found["definition"].startswith("waterfall v1")
    assert {r["section"] for r in found["rules"]} == {"fit", "bant", "engagement"}
    assert any(e["type"] == "demo_request" and not e["warning"] for e in found["event_types"])


_TABLES = ("contacts", "accounts", "events", "qualifications", "stage_transitions",
           "definition_versions")  # fmt: skip


def test_nothing_is_written(store_url: str | None, tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    engine = make_engine(store_url or f"sqlite:///{workspace / 'leadflow.db'}")

    def snapshot() -> dict[str, list[tuple[Any, ...]]]:
        with engine.connect() as connection:
            return {
                table: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table}"))]
                for table in _TABLES
            }

    try:
        before = snapshot()
        assert _check(workspace, str(tmp_path / "candidate.yaml"), "--strict").exit_code == 1
        assert snapshot() == before
    finally:
        engine.dispose()


def test_what_cannot_be_checked_is_a_usage_error(store_url: str | None, tmp_path: Path) -> None:
    workspace = _workspace(tmp_path)
    (tmp_path / "broken.yaml").write_text("schema_version: 1\nname: x\n", encoding="utf-8")

    missing_file = _check(workspace, str(tmp_path / "nope.yaml"))
    broken = _check(workspace, str(tmp_path / "broken.yaml"))
    no_workspace = runner.invoke(
        app, ["definition", "check", "waterfall", "-w", str(tmp_path / "elsewhere")]
    )

    assert missing_file.exit_code == broken.exit_code == 2
    assert "nope.yaml" in missing_file.output
    assert "no such file" in missing_file.output
    assert "version: required key missing" in broken.output
    if store_url is None:  # a PostgreSQL URL in the environment needs no folder
        assert no_workspace.exit_code == 2
        assert no_workspace.output.strip() == (
            f"error: no workspace at {tmp_path / 'elsewhere'}: name one with --workspace or "
            f"LEADFLOW_WORKSPACE, or create it with `leadflow init {tmp_path / 'elsewhere'}`"
        )


def test_the_purchased_flag_is_a_field_every_contact_holds(
    store_url: str | None, tmp_path: Path
) -> None:
    """Every contact is purchased or not, so a rule on source.purchased reads a field that
    is held: the check once counted 0 contacts for it beside a rule matching some."""
    workspace = _workspace(tmp_path)
    purchased = CANDIDATE.replace(
        "    - name: retail\n",
        "    - {name: bought list, points: -10, when: {field: source.purchased, equals: false}}\n"
        "    - name: retail\n",
    )
    (tmp_path / "purchased.yaml").write_text(purchased, encoding="utf-8")

    found = _json(workspace, str(tmp_path / "purchased.yaml"))

    field = next(f for f in found["fields"] if f["path"] == "source.purchased")
    assert (field["contacts"], field["warning"]) == (3, False)
    rule = next(r for r in found["rules"] if r["name"] == "bought list")
    assert rule["contacts"] == 3
