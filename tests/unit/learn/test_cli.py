import csv
import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from leadflow.cli import app

from .conftest import planted_leads


def _csv(tmp_path: Path, size: int = 1500, seed: int = 0, *, leaky: bool = False) -> Path:
    table = planted_leads(size, seed).table
    path = tmp_path / "leads.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "decided", "Industry", "Employees", "Country", "Status", "won"])
        moments = table.decided_at
        assert moments is not None
        for row in range(len(table)):
            status = ("Closed" if table.outcome[row] else "Dead") if leaky else "n/a"
            writer.writerow(
                [
                    table.ids[row],
                    f"{int(moments[row])}",
                    *(table.attribute(n).values[row] for n in ("Industry", "Employees", "Country")),
                    status,
                    "yes" if table.outcome[row] else "no",
                ]
            )
    return path


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["learn", *args])
    return result.exit_code, result.stdout, result.stderr


BASIC = ("--target", "won", "--id", "id", "--drop", "decided,Status")


def test_icp_reports_and_writes_a_valid_patch(tmp_path: Path) -> None:
    source = _csv(tmp_path)
    patch = tmp_path / "proposal.yaml"
    report = tmp_path / "icp.md"
    code, out, err = _run(
        "icp", "--from", str(source), *BASIC, "--map", "Industry=account.industry",
        "--patch", str(patch), "--report", str(report), "--definition", "fit-first",
    )  # fmt: skip
    assert code == 0, err
    assert "What wins" in out
    assert "software" in out
    # The notes read as in `learn model` (not all of them set anything aside: a column
    # named like an outcome is only pointed out).
    assert "Note: dropped as declared: decided, Status" in out
    assert "Set aside" not in out
    assert patch.read_text().count("extends: fit-first") == 1
    assert "| Industry | software |" in report.read_text()
    validated = CliRunner().invoke(app, ["definition", "validate", str(patch)])
    assert validated.exit_code == 0, validated.stderr
    assert validated.stdout.startswith("ok: ")


def test_icp_json(tmp_path: Path) -> None:
    code, out, _ = _run("icp", "--from", str(_csv(tmp_path)), *BASIC, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["findings"][0]["attribute"] == "Industry"
    assert data["findings"][0]["value"] == "software"
    assert data["rules"][0]["when"] == {"field": "contact.industry", "in": ["software"]}


def _noise_csv(tmp_path: Path, size: int = 400) -> Path:
    """Closed leads whose outcome no column explains: ICP discovery finds nothing."""
    rng = np.random.default_rng(11)
    path = tmp_path / "noise.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "Industry", "Country", "won"])
        for row in range(size):
            industry = rng.choice(["software", "retail", "energy", "health"])
            country = rng.choice(["DE", "NL", "FR", "NO"])
            writer.writerow([f"L{row}", industry, country, "yes" if rng.uniform() < 0.4 else "no"])
    return path


def test_icp_without_a_persona_finding_writes_no_patch(tmp_path: Path) -> None:
    # A patch of no rules would replace every fit rule of the definition with none:
    # every lead grade D, nobody ever sales-ready. No finding means the rules stand.
    patch = tmp_path / "proposal.yaml"
    code, out, err = _run(
        "icp", "--from", str(_noise_csv(tmp_path)), "--target", "won", "--id", "id",
        "--map", "Industry=account.industry", "--definition", "waterfall",
        "--patch", str(patch),
    )  # fmt: skip
    assert code == 0, err
    assert "What wins (findings above the base rate): none" in out
    assert not patch.exists()
    assert "no patch written" in err
    assert "the 10 fit rules of waterfall stand" in out + err
    assert "ROC-AUC 0.500" not in out


def test_icp_json_without_a_persona_finding_says_the_fit_rules_stand(tmp_path: Path) -> None:
    code, out, err = _run(
        "icp", "--from", str(_noise_csv(tmp_path)), "--target", "won", "--id", "id",
        "--map", "Industry=account.industry", "--definition", "waterfall", "--json",
    )  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["rules"] == []
    assert data["patch_proposed"] is False
    assert data["no_proposal"].endswith("; the 10 fit rules of waterfall stand")


def test_icp_json_with_rules_proposes_a_patch(tmp_path: Path) -> None:
    code, out, _ = _run("icp", "--from", str(_csv(tmp_path)), *BASIC, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["patch_proposed"] is True
    assert data["no_proposal"] is None


def test_icp_without_a_persona_finding_prints_no_empty_patch(tmp_path: Path) -> None:
    code, out, err = _run(
        "icp", "--from", str(_noise_csv(tmp_path)), "--target", "won", "--id", "id",
    )  # fmt: skip
    assert code == 0, err
    assert "rules: []" not in out
    assert "extends:" not in out


@pytest.mark.slow
def test_model_evaluate_and_predict(tmp_path: Path) -> None:
    source = _csv(tmp_path)
    models = tmp_path / "models"
    code, out, err = _run(
        "model", "--from", str(source), "--target", "won", "--id", "id", "--time", "decided",
        "--drop", "Status", "--out", str(models), "--examples", "2",
    )  # fmt: skip
    assert code == 0, err
    assert "time split" in out
    assert "frequency naive Bayes" in out
    assert "model v1 saved" in out
    assert {p.name for p in (models / "v1").iterdir()} == {
        "model.pkl",
        "card.json",
        "calibration.png",
        "report.md",
    }
    card = json.loads((models / "v1" / "card.json").read_text())
    assert card["training"]["split"] == "time"
    assert card["training"]["window"]["to"] < card["training"]["test_from"]

    code, out, _ = _run("evaluate", "--from", str(source), *BASIC, "--folds", "3")
    assert code == 0
    assert "stratified 3-fold cross-validation, seed 0" in out

    scores = tmp_path / "scores.csv"
    code, out, _ = _run(
        "predict", "--model", str(models), "--from", str(source), "--id", "id",
        "--out", str(scores),
    )  # fmt: skip
    assert code == 0
    assert "1500 leads scored with model v1" in out
    rows = list(csv.DictReader(scores.open()))
    assert len(rows) == 1500
    assert 0 < float(rows[0]["probability"]) < 1
    assert rows[0]["reasons_for"] or rows[0]["reasons_against"]


def test_small_data_says_so(tmp_path: Path) -> None:
    source = _csv(tmp_path, size=60, seed=4)
    code, out, _ = _run("model", "--from", str(source), *BASIC, "--out", str(tmp_path / "m"))
    assert code == 0
    assert out.startswith("small data: 60 closed leads")
    code, out, _ = _run("model", "--from", str(_csv(tmp_path, size=20)), *BASIC)
    assert code == 0
    assert out.startswith("too little data for a model: 20 closed leads")
    assert "What wins" in out  # the fallback: ICP discovery only


def test_leaky_column_is_refused_before_training(tmp_path: Path) -> None:
    source = _csv(tmp_path, leaky=True)
    code, out, err = _run("model", "--from", str(source), "--target", "won", "--id", "id")
    assert code == 1
    assert err.startswith("error: possible leakage: 'Status' (AUC 1.000)")
    assert err.count("\n") == 1
    assert not out


def test_icp_refuses_a_leaky_column_rather_than_proposing_it_as_a_fit_rule(
    tmp_path: Path,
) -> None:
    """A CRM's status written after the outcome (here: Closed for every win) would top the
    findings and come back as a fit rule; ICP discovery runs the model's guard."""
    source = _csv(tmp_path, leaky=True)
    args = ("--from", str(source), "--target", "won", "--id", "id", "--drop", "decided")

    code, out, err = _run("icp", *args)
    allowed = _run("icp", *args, "--allow-leaky", "Status", "--json")

    assert code == 1
    assert err.startswith("error: possible leakage: 'Status' (AUC 1.000)")
    assert not out
    assert allowed[0] == 0, allowed[2]
    allowed_run = json.loads(allowed[1])
    # Allowed, it is what the guard prevents by default: the top proposed fit rule.
    assert allowed_run["rules"][0]["name"] == "Status: not Dead"
    assert any("nearly deciding alone (allowed): Status" in n for n in allowed_run["notes"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--target", "outcome"), "error: "),
        (("--target", "Industry"), "'Industry' is not a yes/no outcome"),
        (("--target", "won", "--drop", "nope"), "no column 'nope' (from --drop)"),
        (("--target", "won", "--map", "Industry"), "--map 'Industry': expected COLUMN=FACT_PATH"),
        (("--target", "won", "--map", "Industry=fit.score"), "a fit fact path starts with"),
        (("--target", "won", "--leaky-preset", "crm"), "unknown leakage preset 'crm'"),
        (("--target", "won", "--format", "hubsport"), "--format: unknown format 'hubsport'"),
        ((), "--target is required"),
    ],
)
def test_bad_input_is_one_line_and_status_1(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    code, _, err = _run("icp", "--from", str(_csv(tmp_path, size=100)), *args)
    assert code == 1
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_missing_file_and_missing_source(tmp_path: Path) -> None:
    code, _, err = _run("icp", "--from", str(tmp_path / "none.csv"), "--target", "won")
    assert code == 1
    assert "cannot read" in err
    code, _, err = _run("icp", "--target", "won")
    assert code == 1
    assert "--target goes with --from FILE.csv" in err


def test_no_source_and_no_workspace_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["learn", "icp"], env={"LEADFLOW_WORKSPACE": str(tmp_path / "nowhere")}
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no workspace store at ")
    assert "--from FILE.csv or --world DIR" in result.stderr


@pytest.mark.parametrize("command", ["icp", "model", "evaluate"])
def test_the_workspace_option_chooses_the_store(tmp_path: Path, command: str) -> None:
    result = CliRunner().invoke(
        app,
        ["learn", command, "--workspace", str(tmp_path / "elsewhere")],
        env={"LEADFLOW_WORKSPACE": str(tmp_path / "nowhere")},
    )

    assert result.exit_code == 1
    assert result.stderr.startswith("error: no workspace store at ")
    assert "elsewhere" in result.stderr
    assert "nowhere" not in result.stderr


def test_predict_warns_of_attributes_the_new_leads_lack(tmp_path: Path) -> None:
    source = _csv(tmp_path, size=400)
    models = tmp_path / "models"
    code, _, err = _run("model", "--from", str(source), *BASIC, "--out", str(models))
    assert code == 0, err
    new = tmp_path / "new.csv"
    # Industries and countries as in training (conftest): only Employees is missing.
    industries = ("software", "retail", "logistics", "education", "agriculture")
    countries = ("NL", "DE", "FR", "NO", "BE")
    rows = [f"n{i},{industries[i % 5]},{countries[(i // 5) % 5]}" for i in range(1, 201)]
    new.write_text("id,industry,Country\n" + "\n".join(rows) + "\n")  # no Employees

    result = CliRunner().invoke(
        app, ["learn", "predict", "--model", str(models), "--from", str(new), "--id", "id"]
    )

    assert result.exit_code == 0, result.stderr
    # Said once: a missing column is not drift too.
    assert result.stderr.splitlines() == [
        f"warning: {new} has no column for 1 of the model's 3 attributes (Employees): "
        "those are read as not answered on every lead, which moves every probability"
    ]
    scored = list(csv.DictReader(result.stdout.splitlines()))
    assert [row["id"] for row in scored[:2]] == ["n1", "n2"]
    # 'industry' is the model's 'Industry', as a header folded: it is read.
    assert "Industry=retail" in scored[0]["reasons_for"] + scored[0]["reasons_against"]
    assert len(scored) == 200


def test_predict_says_when_the_new_leads_differ_from_the_training_leads(tmp_path: Path) -> None:
    source = _csv(tmp_path, size=400)
    models = tmp_path / "models"
    code, _, err = _run("model", "--from", str(source), *BASIC, "--out", str(models))
    assert code == 0, err
    card = json.loads((models / "v1" / "card.json").read_text())
    assert set(card["population"]["features"]) == {"Industry", "Employees", "Country"}
    new = tmp_path / "new.csv"
    rows = [f"n{i},software,{10 + i % 5},NO" for i in range(120)]
    new.write_text("id,Industry,Employees,Country\n" + "\n".join(rows) + "\n")

    result = CliRunner().invoke(
        app, ["learn", "predict", "--model", str(models), "--from", str(new), "--id", "id"]
    )

    assert result.exit_code == 0, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("drift (major): the 120 leads scored differ from the ")
    assert "Country (PSI" in line


def test_predict_reads_a_crm_export_by_the_import_s_fact_paths(tmp_path: Path) -> None:
    """A model names its attributes as it learned them (Branche, account.industry); a
    HubSpot export with other headers for the same fields still feeds it: --format reads
    them by the fact paths the import stores them under, in the import's words."""
    rows = ["id,Branche,Land,Größe,won"]
    # Learned in the store's words (as from the workspace): computer_software, DE.
    rows += [f"c{i},{'computer_software' if i % 3 else 'retail'},Germany,{i},"
             f"{'yes' if (i % 3 > 0) != (i % 4 == 0) else 'no'}" for i in range(120)]  # fmt: skip
    source = tmp_path / "learned.csv"
    source.write_text("\n".join(rows) + "\n")
    models = tmp_path / "models"
    code, _, err = _run(
        "model", "--from", str(source), "--target", "won", "--id", "id", "--out", str(models),
        "--map", "Branche=account.industry", "--map", "Land=contact.country",
    )  # fmt: skip
    assert code == 0, err
    new = tmp_path / "hubspot.csv"
    new.write_text("Record ID,Industry,Country/Region,Größe\n51,COMPUTER_SOFTWARE,Deutschland,7\n")

    result = CliRunner().invoke(app, [
        "learn", "predict", "--model", str(models), "--from", str(new), "--id", "Record ID",
        "--format", "hubspot",
    ])  # fmt: skip

    assert result.exit_code == 0, result.stderr
    assert "no column" not in result.stderr
    [row] = list(csv.DictReader(result.stdout.splitlines()))
    assert "Branche=computer_software" in row["reasons_for"] + row["reasons_against"]


def test_predict_derives_the_e_mail_facts_from_the_address(tmp_path: Path) -> None:
    """A model learned on the store reads contact.free_mail and contact.email_domain,
    which the store derives from the address; a CRM export has the address only."""
    rows = ["id,Email,Segment,won"]
    rows += [f"c{i},p{i}@{'gmail.com' if i % 3 == 0 else f'firm{i % 4}.example'},"
             f"{'ab'[i % 2]},{'no' if (i % 3 == 0) != (i % 5 == 0) else 'yes'}"
             for i in range(150)]  # fmt: skip
    source = tmp_path / "learned.csv"
    source.write_text("\n".join(rows) + "\n")
    table = tmp_path / "with_facts.csv"
    lines = ["id,free_mail,email_domain,Segment,won"]
    for line in rows[1:]:
        ident, email, segment, won = line.split(",")
        domain = email.split("@")[1]
        lines.append(f"{ident},{str(domain == 'gmail.com').lower()},{domain},{segment},{won}")
    table.write_text("\n".join(lines) + "\n")
    models = tmp_path / "models"
    code, _, err = _run(
        "model", "--from", str(table), "--target", "won", "--id", "id", "--out", str(models),
        "--map", "free_mail=contact.free_mail", "--map", "email_domain=contact.email_domain",
    )  # fmt: skip
    assert code == 0, err
    new = tmp_path / "hubspot.csv"
    new.write_text("Record ID,Email,Segment\n51,ann@gmail.com,a\n52,bo@firm1.example,b\n")

    result = CliRunner().invoke(app, [
        "learn", "predict", "--model", str(models), "--from", str(new), "--id", "Record ID",
        "--format", "hubspot",
    ])  # fmt: skip

    assert result.exit_code == 0, result.stderr
    assert "no column" not in result.stderr
    first, _ = list(csv.DictReader(result.stdout.splitlines()))
    assert "free_mail=true" in first["reasons_for"] + first["reasons_against"]
