"""docs/api.md stays true: every route is listed with its roles, the snippet verifies."""

from __future__ import annotations

import re
import time
from pathlib import Path

from leadflow.api.app import create_app
from leadflow.api.auth import api_routes, gate_of
from leadflow.services.form_config import FormsConfig
from leadflow.services.signatures import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from leadflow.settings import Settings

DOCS = Path(__file__).resolve().parents[3] / "docs"
DOC = DOCS / "api.md"
# The routers this page documents (api/routers/<name>.py).
DOCUMENTED_HERE = frozenset(
    {"health", "contacts", "qualification", "accounts", "events", "forms", "definition"}
    | {"webhooks", "keys", "models", "reports", "suppressions"}
)


def _rows() -> dict[str, str]:
    """Each ``METHOD /path`` of a role table in docs/*.md -> its roles cell."""
    rows: dict[str, str] = {}
    lines = [
        line for page in sorted(DOCS.glob("*.md")) for line in page.read_text("utf-8").splitlines()
    ]
    for line in lines:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0].startswith("`"):
            for operation in re.findall(r"`([A-Z]+ /[^`]*)`", cells[0]):
                rows[operation] = cells[1]
    return rows


def test_every_route_is_documented_with_its_roles(tmp_path: Path) -> None:
    settings = Settings(workspace=tmp_path, database_url=f"sqlite:///{tmp_path / 'x.db'}")
    app = create_app(settings, forms=FormsConfig())
    rows = _rows()
    checked = 0
    for template, route in api_routes(app):
        if route.endpoint.__module__.rpartition(".")[2] not in DOCUMENTED_HERE:
            continue  # a later issue's router documents its own routes
        gate = gate_of(route)
        assert gate is not None
        expected = (
            "public"
            if gate.public
            else ", ".join(sorted(role.value for role in gate.roles if role.value != "admin"))
            or "admin"
        )
        for method in route.methods or ():
            assert rows.get(f"{method} {template}") == expected, (method, template)
            checked += 1

    assert checked >= 30


def test_the_verification_snippet_accepts_a_real_signature_only() -> None:
    text = DOC.read_text(encoding="utf-8")
    snippet = text.split("<!-- verification-snippet -->", 1)[1].split("```python", 1)[1]
    namespace: dict[str, object] = {}
    exec(snippet.split("```", 1)[0], namespace)  # the documented code, as written
    check = namespace["verify_leadflow_signature"]
    assert callable(check)
    body, stamp = b'{"id":"m-1"}', int(time.time())
    headers = {TIMESTAMP_HEADER: str(stamp), SIGNATURE_HEADER: sign("whsec_x", stamp, body)}

    assert check("whsec_x", headers, body) is True
    assert check("whsec_y", headers, body) is False
    assert check("whsec_x", headers, body + b"!") is False
    # As HTTP/2, API gateways and Node write them: names are not case-sensitive.
    lowered = {name.lower(): value for name, value in headers.items()}
    assert check("whsec_x", lowered, body) is True
