import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from leadflow.cli import app

FACTS = {
    "contact": {"email": "ann@acme.example", "seniority": "VP"},
    "account": {"industry": "software", "employees": 250, "country": "DE"},
    "events": [
        {"type": "demo_request", "at": "2026-05-31T09:00:00Z"},
        {"type": "page_view", "at": "2026-05-30T09:00:00Z", "properties": {"url": "/pricing"}},
    ],
}
NOW = "2026-06-01T12:00:00Z"


@pytest.fixture
def facts_file(tmp_path: Path) -> Path:
    path = tmp_path / "ann.json"
    path.write_text(json.dumps(FACTS), encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["qualify", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_output_has_the_public_keys(facts_file: Path) -> None:
    code, out, _ = run(
        "--definition", "waterfall", "--facts", str(facts_file), "--now", NOW, "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["definition"]["name"] == "waterfall"
    assert data["definition"]["version"]
    assert data["stage"] == "sql"
    assert data["sales_ready"] is True
    assert data["fit"]["grade"] == "A"
    assert data["lead_type"] == "srl"
    assert data["at"] == "2026-06-01T12:00:00+00:00"
    assert any("demo_request" in line for line in data["explanation"])
    assert {"score", "contributions"} <= data["engagement"].keys()
    assert data["temperature"] in {"unknown", "cold", "warm", "hot"}


def test_table_output(facts_file: Path) -> None:
    code, out, _ = run("--definition", "waterfall", "--facts", str(facts_file), "--now", NOW)
    assert code == 0
    assert "sales-ready" in out
    assert "yes: fit grade A and demo_request" in out
    assert "stage: sql (the furthest stage whose rule holds)" in out


def test_the_same_facts_in_another_school(facts_file: Path) -> None:
    code, out, _ = run(
        "--definition", "fit-first", "--facts", str(facts_file), "--now", NOW, "--json"
    )
    assert code == 0
    assert json.loads(out)["definition"]["name"] == "fit-first"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--definition", "no-such-preset"), "no such file"),
        (("--definition", "waterfall", "--now", "tomorrow"), "error: --now: "),
        (("--definition", "waterfall", "--now", "2026-06-01T12:00:00"), "no time zone"),
    ],
)
def test_bad_input_is_one_clear_line(facts_file: Path, args: tuple[str, ...], message: str) -> None:
    code, out, err = run(*args, "--facts", str(facts_file))
    assert code == 1
    assert message in err
    assert "Traceback" not in out + err
    assert len(err.strip().splitlines()) == 1


def test_a_missing_facts_file(tmp_path: Path) -> None:
    missing = tmp_path / "nobody.json"
    code, _, err = run("--definition", "waterfall", "--facts", str(missing), "--now", NOW)
    assert code == 1
    assert err.strip() == f"error: {missing}: cannot read the file: No such file or directory"


def test_a_bad_facts_document(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"events": [{"type": "demo_request", "at": "2026-05-31"}], "x": 1}')
    code, _, err = run("--definition", "waterfall", "--facts", str(path), "--now", NOW)
    assert code == 1
    assert err.strip().splitlines() == [
        f"error: {path}: events[0].at: Input should have timezone info",
        f"error: {path}: x: Extra inputs are not permitted",
    ]
