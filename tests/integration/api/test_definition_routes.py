"""The definition over HTTP, and a contact's qualification with its explanation."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from leadflow.definition.builtin import preset_text

Headers = Callable[[str], dict[str, str]]


def test_the_active_definition_is_readable(client: TestClient, headers: Headers) -> None:
    reply = client.get("/definition", headers=headers("sales"))

    assert reply.status_code == 200
    assert [stage["id"] for stage in reply.json()["stages"]][:2] == ["lead", "mql"]


def test_a_candidate_is_validated_with_located_errors(client: TestClient, headers: Headers) -> None:
    good = client.post(
        "/definition/validate",
        json={"yaml": preset_text("fit-first")},
        headers=headers("marketing"),
    )
    bad = client.post(
        "/definition/validate",
        json={"yaml": "name: x\nversion: '1'\nstages: []\n"},
        headers=headers("marketing"),
    )

    assert good.json()["valid"] is True
    assert bad.json()["valid"] is False
    first = bad.json()["errors"][0]
    assert first["source"] == "candidate.yaml"
    assert first["line"] >= 1


def test_extends_may_only_name_a_preset_over_the_api(client: TestClient, headers: Headers) -> None:
    reply = client.post(
        "/definition/validate",
        json={"yaml": "extends: ../../etc/passwd\nname: x\nversion: '2'\n"},
        headers=headers("marketing"),
    )

    [error] = reply.json()["errors"]
    assert error["path"] == "extends"
    assert "preset" in error["message"]


def test_admin_activates_a_new_version(client: TestClient, headers: Headers) -> None:
    text = preset_text("fit-first")

    reply = client.post("/definition/versions", json={"yaml": text}, headers=headers("admin"))
    current = client.get("/definition", headers=headers("marketing")).json()
    invalid = client.post(
        "/definition/versions", json={"yaml": "stages: 3"}, headers=headers("admin")
    )

    assert reply.status_code == 201, reply.text
    assert current["version_id"] == reply.json()["version_id"]
    assert current["stages"][1]["id"] == "prospect"
    assert invalid.status_code == 422
    assert invalid.json()["errors"]


def test_qualification_is_recomputed_and_explained(client: TestClient, headers: Headers) -> None:
    event = {"type": "demo_request", "email": "q@acme.example", "at": "2026-05-30T10:00:00Z"}
    contact_id = client.post("/events", json=event, headers=headers("ingest")).json()["contact_id"]

    verdict = client.get(f"/contacts/{contact_id}/qualification", headers=headers("sales"))
    why = client.get(
        f"/contacts/{contact_id}/qualification/explanation", headers=headers("marketing")
    )
    missing = client.get("/contacts/999999/qualification", headers=headers("sales"))

    assert verdict.status_code == 200, verdict.text
    assert verdict.json()["last_sales_action"]["type"] == "demo_request"
    assert verdict.json()["explanation"] == []
    assert why.json()["explanation"]
    assert why.json()["stage"] == verdict.json()["stage"]
    assert missing.status_code == 404


def test_the_definition_counts_leads_left_in_stages_it_does_not_have(
    client: TestClient, headers: Headers
) -> None:
    split = {"yaml": preset_text("split-prospect")}
    assert client.post("/definition/versions", json=split, headers=headers("admin")).is_success
    event = {"type": "page_view", "email": "r@acme.example", "at": "2026-05-30T10:00:00Z"}
    stage = client.post("/events", json=event, headers=headers("ingest")).json()["stage"]
    before = client.get("/definition", headers=headers("sales")).json()

    activated = client.post(
        "/definition/versions", json={"yaml": preset_text("waterfall")}, headers=headers("admin")
    )
    after = client.get("/definition", headers=headers("sales")).json()

    assert stage == "marketing_prospect"  # split-prospect's; waterfall has no such stage
    assert before["leads_in_retired_stages"] == {}
    assert activated.json()["leads_in_retired_stages"] == {"marketing_prospect": 1}
    assert after["leads_in_retired_stages"] == {"marketing_prospect": 1}


def _misspelt() -> str:
    """The waterfall with a sales action misspelt: valid, and a warning of validate."""
    text = preset_text("waterfall").replace('version: "1"', 'version: "2"', 1)
    return text.replace("event: [demo_request,", "event: [demo_requested,", 1)


def test_validate_and_the_active_definition_carry_the_warnings_validate_prints(
    client: TestClient, headers: Headers
) -> None:
    checked = client.post("/definition/validate", json={"yaml": _misspelt()},
                          headers=headers("marketing"))  # fmt: skip
    clean = client.get("/definition", headers=headers("sales"))
    activated = client.post("/definition/versions", json={"yaml": _misspelt()},
                            headers=headers("admin"))  # fmt: skip
    active = client.get("/definition", headers=headers("sales"))

    assert checked.json()["valid"] is True
    [warning] = checked.json()["warnings"]
    assert warning["path"] == "engagement rule 'sales action'"
    assert "event type 'demo_requested' is not a standard type" in warning["message"]
    assert "did you mean 'demo_request'?" in warning["message"]
    # Where the CLI points, FILE:LINE: the line that names the rule.
    line = _misspelt().splitlines().index("    - name: sales action") + 1
    assert (warning["file"], warning["line"]) == ("candidate.yaml", line)
    assert clean.json()["warnings"] == []
    assert activated.status_code == 201, activated.text
    assert active.json()["warnings"] == checked.json()["warnings"]
