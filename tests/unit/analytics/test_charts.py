"""Charts are real PNG and SVG images; matplotlib is imported only when one is drawn."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from leadflow.analytics.alignment import alignment_report
from leadflow.analytics.channels import channel_report
from leadflow.analytics.charts import ChartError, cohort_heatmap, draw_chart
from leadflow.analytics.costs import Costs
from leadflow.analytics.funnel import funnel_report
from leadflow.analytics.journeys import Journeys
from leadflow.analytics.report import Report
from leadflow.analytics.scoring import scoring_report
from leadflow.definition.loader import load_definition
from tests.unit.analytics.ledger import T0, tables

WATERFALL = load_definition("waterfall")
PNG = b"\x89PNG\r\n\x1a\n"


def _reports() -> dict[str, Report]:
    data = tables()
    journeys = Journeys.build(data, WATERFALL)
    return {
        "funnel": funnel_report(journeys, WATERFALL, as_of=T0, by="month"),
        "channels": channel_report(data, journeys, WATERFALL, Costs(), as_of=T0),
        "alignment": alignment_report(data, journeys, as_of=T0),
        "scoring": scoring_report(data, journeys, WATERFALL, as_of=T0),
    }


def test_each_report_draws_a_png_and_an_svg(tmp_path: Path) -> None:
    for name, report in _reports().items():
        png = draw_chart(report, tmp_path / f"{name}.png")
        assert png.read_bytes()[:8] == PNG
        assert png.stat().st_size > 5_000  # a picture, not an empty canvas
    svg = draw_chart(_reports()["channels"], tmp_path / "channels.SVG")
    assert ET.parse(svg).getroot().tag.endswith("svg")


def test_the_cohort_heat_map_alone(tmp_path: Path) -> None:
    path = cohort_heatmap(_reports()["funnel"], tmp_path / "cohorts.png")
    assert path.read_bytes()[:8] == PNG
    data = tables()
    journeys = Journeys.build(data, WATERFALL)
    flat = funnel_report(journeys, WATERFALL, as_of=T0, by=None)
    with pytest.raises(ChartError, match="no cohorts"):
        cohort_heatmap(flat, tmp_path / "none.png")


def test_only_png_and_svg_are_drawn(tmp_path: Path) -> None:
    with pytest.raises(ChartError, match=r"\.png or \.svg"):
        draw_chart(_reports()["funnel"], tmp_path / "funnel.jpg")


def test_importing_the_analytics_does_not_import_matplotlib() -> None:
    code = (
        "import sys, leadflow.analytics.charts, leadflow.services.reports, "
        "leadflow.commands.analytics; print('matplotlib' in sys.modules)"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"
