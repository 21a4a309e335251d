"""docs/engine.md's worked example is run: its facts block must give its output block.

The example uses the shipped waterfall preset, so a change to the preset's weights
shows up here: update the example in the docs with it.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest

from leadflow.definition.loader import load_definition
from leadflow.domain.clock import parse_instant
from leadflow.engine import qualify
from leadflow.ingest.facts_document import parse_facts_document

DOC = Path(__file__).resolve().parents[3] / "docs" / "engine.md"


def _block(language: str, after: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(after)
    match = re.search(rf"```{language}\n(.*?)```", text[start:], re.DOTALL)
    assert match is not None, f"no {language} block after {after!r} in {DOC}"
    return match.group(1)


@pytest.fixture(scope="module")
def example() -> tuple[str, str]:
    return _block("json", "## Worked example"), _block("text", "## Worked example")


def test_the_worked_example_gives_the_documented_explanation(example: tuple[str, str]) -> None:
    facts_text, expected = example
    now = parse_instant("2026-06-01T09:00:00Z")
    command = "leadflow qualify --definition waterfall --facts sam.json --now 2026-06-01T09:00:00Z"
    assert command in DOC.read_text(encoding="utf-8")
    result = qualify(parse_facts_document(facts_text), load_definition("waterfall"), now)
    assert list(result.explanation) == expected.rstrip("\n").split("\n")


def test_a_stale_demo_request_lowers_the_target_as_documented(example: tuple[str, str]) -> None:
    document = json.loads(example[0])
    demo = next(e for e in document["events"] if e["type"] == "demo_request")
    demo["at"] = (parse_instant("2026-06-01T09:00:00Z") - timedelta(days=31)).isoformat()
    facts = parse_facts_document(json.dumps(document))
    result = qualify(facts, load_definition("waterfall"), parse_instant("2026-06-01T09:00:00Z"))
    assert result.stage == "mql"
    assert not result.sales_ready
    assert result.sales_ready_reason.endswith("(> 30)")
