"""The demo company's definition: valid, the waterfall preset's funnel with the world's
sales actions, and shown as it is in docs/demo.md."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from leadflow.definition.builtin import preset_text
from leadflow.definition.loader import load_definition_text
from leadflow.services.demo_workspace import DEMO_DEFINITION

DOC = Path(__file__).resolve().parents[3] / "docs" / "demo.md"


def test_the_demo_definition_is_the_waterfall_funnel_without_the_contact_us_rule() -> None:
    demo = load_definition_text(DEMO_DEFINITION, "kestrel.yaml")
    waterfall = load_definition_text(preset_text("waterfall"), "waterfall.yaml")

    assert (demo.name, demo.version) == ("kestrel", "1")
    assert demo.stages == waterfall.stages
    assert demo.handoff == waterfall.handoff
    assert demo.sales_actions != waterfall.sales_actions
    assert "contact*" in preset_text("waterfall")
    assert "contact*" not in DEMO_DEFINITION


def test_docs_demo_md_shows_the_demo_definition() -> None:
    section = DOC.read_text(encoding="utf-8").split("### The demo company's definition")[1]
    shown = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert shown is not None
    written = yaml.safe_load(DEMO_DEFINITION)
    del written["description"]  # the doc leaves the description out
    assert yaml.safe_load(shown.group(1)) == written
