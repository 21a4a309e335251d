"""``leadflow definition ...``: exit codes and what is printed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import typer
from typer.testing import CliRunner

from leadflow.commands import definition as definition_commands
from leadflow.definition.builtin import PRESET_NAMES, preset_text
from leadflow.definition.json_schema import checked_in_schema_text
from tests.unit.definition.conftest import DEFINITIONS, MINIMAL

Write = Callable[[str, str], Path]


def _app() -> typer.Typer:
    # The definition group alone: the full CLI also loads other groups' heavy imports.
    root = typer.Typer()
    definition_commands.register(root)
    return root


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(_app(), ["definition", *args])
    return result.exit_code, result.stdout, result.stderr


def test_validate_a_good_file_prints_one_summary_line() -> None:
    code, out, err = _run("validate", str(DEFINITIONS / "valid" / "acme-funnel.yaml"))
    assert (code, out, err) == (
        0,
        "ok: acme-funnel v3, 5 stages, 12 fit rules, 9 engagement rules\n",
        "",
    )


def test_validate_a_preset_by_name() -> None:
    code, out, _ = _run("validate", "hubspot")
    assert code == 0
    assert out.startswith("ok: hubspot v1, 8 stages, ")


def test_validate_a_bad_file_prints_every_error_and_exits_1() -> None:
    path = DEFINITIONS / "invalid" / "mixed-errors.yaml"
    code, out, err = _run("validate", str(path))
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        f"{path}:7: engagement.rules[0].half_life_days: must be greater than 0, got -14",
        f"{path}:12: stages[1].requires[0]: unknown stage 'mql' (stages: lead, sql)",
    ]


def test_validate_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "absent.yaml"
    assert _run("validate", str(missing)) == (1, "", f"{missing}:1: (file): no such file\n")


def test_validate_malformed_yaml_is_no_traceback(write_definition: Write) -> None:
    path = write_definition("stages: [\n", "bad.yaml")
    code, _, err = _run("validate", str(path))
    assert code == 1
    assert err.startswith(f"{path}:2: (yaml): ")
    assert "Traceback" not in err


def test_presets_lists_every_preset_with_its_description() -> None:
    code, out, _ = _run("presets")
    lines = out.splitlines()
    assert code == 0
    assert [line.split(":")[0] for line in lines] == [
        "waterfall (default)",
        *PRESET_NAMES[1:],
    ]
    assert "prospect" in lines[1].lower()


def test_show_prints_the_preset_yaml_verbatim() -> None:
    assert _run("show", "split-prospect") == (0, preset_text("split-prospect"), "")


def test_show_an_unknown_preset() -> None:
    code, out, err = _run("show", "bowtie")
    assert (code, out) == (1, "")
    assert err == (
        "error: unknown preset 'bowtie'; presets: waterfall, fit-first, engagement-first, "
        "split-prospect, hubspot\n"
    )


def test_diff_of_a_file_against_its_preset(write_definition: Write) -> None:
    path = write_definition(
        "extends: waterfall\nname: tuned\nversion: '2'\nsales_ready: {min_fit_grade: A}\n",
        "tuned.yaml",
    )
    code, out, _ = _run("diff", "waterfall", str(path))
    assert code == 0
    assert out.splitlines() == [
        "waterfall v1, 5 stages, 10 fit rules, 12 engagement rules -> "
        "tuned v2, 5 stages, 10 fit rules, 12 engagement rules",
        "  sales-ready gate: minimum fit grade: B -> A",
    ]


def test_diff_without_changes(write_definition: Write) -> None:
    path = write_definition(MINIMAL, "same.yaml")
    code, out, _ = _run("diff", str(path), str(path))
    assert code == 0
    assert out.splitlines()[1:] == ["  no change in meaning"]


def test_diff_with_an_invalid_side_reports_its_errors() -> None:
    bad = DEFINITIONS / "invalid" / "empty-stages.yaml"
    code, out, err = _run("diff", "waterfall", str(bad))
    assert (code, out) == (1, "")
    assert err == f"{bad}:5: stages: must not be empty\n"


def test_schema_prints_the_checked_in_schema() -> None:
    code, out, _ = _run("schema")
    assert code == 0
    assert out == checked_in_schema_text()
    assert json.loads(out)["title"] == "leadflow definition (schema version 1)"


def test_validate_warns_of_a_gate_nobody_can_pass(write_definition: Write) -> None:
    code, out, err = _run("validate", str(write_definition(MINIMAL)))
    assert code == 0  # the file is usable; the warning says what it will not do
    assert out == "ok: minimal v1, 1 stage, 0 fit rules, 0 engagement rules\n"
    assert err.startswith("warning: sales_ready.min_fit_grade: no lead can ever be sales-ready")


def test_validate_names_the_file_and_line_of_each_warning(write_definition: Write) -> None:
    """A warning is found like an error: FILE:LINE, then the rule it is about."""
    text = (
        'schema_version: 1\nname: own\nversion: "1"\nextends: waterfall\n'
        "engagement:\n  rules:\n"
        "    - {name: demo, event: demo_requested, points: 30}\n"
        "fit:\n  rules:\n"
        "    - {name: size, points: 40, when: {field: account.employees, at_least: 50}}\n"
        "    - {name: DACH, points: 20, when: {field: account.country, in: [Deutschland]}}\n"
        "sales_ready:\n  min_fit_grade: A\n"
    )
    path = write_definition(text, "own.yaml")
    code, _, err = _run("validate", str(path))
    assert code == 0
    assert err.splitlines() == [
        f"warning: {path}:13: sales_ready.min_fit_grade: no lead can ever be sales-ready:"
        " grade A needs a fit score of at least 75, and the fit rules' positive points add"
        " up to 60; lower min_fit_grade or the grade's cut-off (fit.grades), or add fit rules",
        f"warning: {path}:7: engagement rule 'demo': event type 'demo_requested' is not a"
        " standard type; did you mean 'demo_request'? (a custom type scores only events sent"
        " with exactly that type)",
        f"warning: {path}:11: fit rule 'DACH': account.country holds ISO codes, so"
        " 'Deutschland' never matches (a country is stored as its code); write DE",
    ]


def test_a_warning_about_what_the_file_never_wrote_has_no_line(write_definition: Write) -> None:
    # The default gate of a file without fit rules: no line of the file to point at.
    code, _, err = _run("validate", str(write_definition(MINIMAL)))
    assert code == 0
    assert err.startswith("warning: sales_ready.min_fit_grade: no lead can ever")


def test_validate_warns_of_a_bare_url_pattern_at_its_line(write_definition: Write) -> None:
    text = (
        'schema_version: 1\nname: own\nversion: "1"\nextends: waterfall\n'
        "engagement:\n  rules:\n"
        "    - {name: pricing, event: page_view, where: {url: /pricing}, points: 10}\n"
    )
    path = write_definition(text, "own.yaml")
    code, _, err = _run("validate", str(path))
    assert code == 0  # events posted over the API may carry bare paths
    assert f"warning: {path}:7: engagement rule 'pricing': url pattern '/pricing'" in err
    assert "write '*/pricing*'" in err
