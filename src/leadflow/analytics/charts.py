"""Charts of the reports, as PNG or SVG files a person would want to look at.

    funnel      a centred funnel of the leads at each stage, with the conversion from the
                stage before; by cohort (``--by month``) a heat map of the share of each
                monthly cohort that reached each stage beside it (``cohort_heatmap``
                draws the heat map alone)
    channels    per channel, the persona-match rate and the lead-to-won rate side by side
    alignment   how many attempts sales made before giving up on a lead
    scoring     won rate by fit decile and by engagement decile

matplotlib is imported inside the functions (it is slow to import, and a server that
never draws should not pay for it) and draws on a bare ``Figure``, the Agg way: no
pyplot, no global state, safe in threads.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from leadflow.analytics.report import Report, Section

__all__ = ["CHART_SUFFIXES", "ChartError", "cohort_heatmap", "draw_chart"]

CHART_SUFFIXES = (".png", ".svg")
_BLUE, _TEAL, _GREY = "#1f6feb", "#2da44e", "#8b949e"


class ChartError(ValueError):
    """The chart cannot be drawn as asked; the message is one line."""


def draw_chart(report: Report, path: Path) -> Path:
    """Draw the report's chart to ``path`` (.png or .svg)."""
    if path.suffix.lower() not in CHART_SUFFIXES:
        raise ChartError(f"--chart must name a .png or .svg file, got {path.name!r}")
    drawers: dict[str, Callable[[Report, Any], None]] = {
        "funnel": _funnel,
        "channels": _channels,
        "alignment": _alignment,
        "scoring": _scoring,
    }
    drawer = drawers.get(report.name)
    if drawer is None:
        raise ChartError(f"no chart for the {report.name} report")
    figure = _figure(10, 6)
    drawer(report, figure)
    return _save(figure, path)


def cohort_heatmap(report: Report, path: Path) -> Path:
    """Share of each cohort (rows: months) that reached each stage (columns)."""
    if path.suffix.lower() not in CHART_SUFFIXES:
        raise ChartError(f"--chart must name a .png or .svg file, got {path.name!r}")
    cohorts = _cohorts(report.section("stages"))
    if not cohorts:
        raise ChartError("the funnel has no cohorts to draw; use --by month")
    figure = _figure(1.4 * len(_stages(report.section("stages"))) + 3, 0.45 * len(cohorts) + 2)
    _heatmap(report, figure, figure.subplots())
    return _save(figure, path)


def _cohorts(section: Section) -> list[str]:
    return [g for g in dict.fromkeys(str(r[0]) for r in section.rows) if g != "all"]


def _heatmap(report: Report, figure: Any, axes: Any) -> None:
    section = report.section("stages")
    stages = _stages(section)
    cohorts = _cohorts(section)
    leads = {(str(r[0]), str(r[1])): r[2] for r in section.rows}
    grid = [[_share(leads.get((c, s)), leads.get((c, stages[0]))) for s in stages] for c in cohorts]
    image = axes.imshow(grid, cmap="Blues", vmin=0.0, vmax=1.0, aspect="auto")
    axes.set_xticks(range(len(stages)), stages, rotation=30, ha="right")
    axes.set_yticks(range(len(cohorts)), cohorts)
    for y, row in enumerate(grid):
        for x, value in enumerate(row):
            colour = "white" if value > 0.6 else "black"
            axes.text(x, y, f"{value:.0%}", ha="center", va="center", color=colour, fontsize=8)
    axes.set_xlabel("stage reached")
    axes.set_ylabel("cohort (month the contact became a lead)")
    axes.set_title("Share of each cohort reaching each stage")
    figure.colorbar(image, ax=axes, label="share of the cohort")


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=110, layout="constrained")


def _save(figure: Any, path: Path) -> Path:
    figure.savefig(path, format=path.suffix.lower().lstrip("."))
    return path


def _stages(section: Section) -> list[str]:
    return [str(r[1]) for r in section.rows if r[0] == "all" and r[2] is not None]


def _share(part: object, whole: object) -> float:
    if not isinstance(part, int) or not isinstance(whole, int) or whole <= 0:
        return 0.0
    return part / whole


def _funnel(report: Report, figure: Any) -> None:
    """The funnel; with cohorts (``--by month``), their heat map beside it."""
    section = report.section("stages")
    rows = [r for r in section.rows if r[0] == "all" and r[2] is not None]
    if report.parameters.get("by") == "month" and _cohorts(section):
        figure.set_size_inches(16, max(6.0, 0.4 * len(_cohorts(section)) + 2))
        axes, heat = figure.subplots(1, 2, width_ratios=(1, 1.3))
        _heatmap(report, figure, heat)
    else:
        axes = figure.subplots()
    widest = max((int(r[2] or 0) for r in rows), default=1) or 1
    for position, row in enumerate(rows):
        count = int(row[2] or 0)
        left = (widest - count) / 2
        axes.barh(position, count, left=left, color=_BLUE, height=0.8)
        conversion = "" if row[3] is None else f"  ({float(row[3]):.0%} of the stage before)"
        label = f"{row[1]}: {count:,}{conversion}"
        if count > widest * 0.45:  # wide enough to hold its label
            axes.text(widest / 2, position, label, ha="center", va="center", color="white")
        else:
            axes.text(left + count + widest * 0.02, position, label, ha="left", va="center")
    axes.set_xlim(0, widest * 1.35)
    axes.invert_yaxis()
    axes.set_axis_off()
    axes.set_title(f"{report.title}, as of {report.as_of:%Y-%m-%d}")


def _channels(report: Report, figure: Any) -> None:
    """Two panels on one channel order (best lead-to-won first): persona match above,
    lead-to-won and SQL-to-won below (their scales differ by an order of magnitude)."""
    section = report.section("channels")
    rows = sorted((r for r in section.rows if r[0] != "all"), key=lambda r: -(float(r[8] or 0.0)))
    names = [str(r[0]) for r in rows]
    places = list(range(len(rows)))
    match, won = figure.subplots(2, 1, sharex=True)
    match.bar(places, [float(r[2] or 0) for r in rows], 0.6, color=_BLUE)
    match.set_ylabel("persona match (grade A/B)")
    match.set_title("Channel quality, best lead-to-won first")
    won.bar([p - 0.2 for p in places], [float(r[8] or 0) for r in rows], 0.4,
            label="lead to won", color=_TEAL)  # fmt: skip
    won.bar([p + 0.2 for p in places], [float(r[7] or 0) for r in rows], 0.4,
            label="SQL to won", color=_GREY)  # fmt: skip
    won.set_ylabel("conversion")
    won.set_xticks(places, names, rotation=30, ha="right")
    won.legend()
    for axes in (match, won):
        axes.yaxis.set_major_formatter(_percent())


def _alignment(report: Report, figure: Any) -> None:
    section = report.section("attempts before giving up")
    axes = figure.subplots()
    axes.bar([str(r[0]) for r in section.rows], [int(r[1] or 0) for r in section.rows], color=_GREY)
    axes.set_xlabel("attempts before the lead was given up")
    axes.set_ylabel("leads")
    axes.set_title("How hard sales tried before giving up")


def _scoring(report: Report, figure: Any) -> None:
    fit, engagement = figure.subplots(1, 2, sharey=True)
    for axes, title in ((fit, "by fit decile"), (engagement, "by engagement decile")):
        section = report.section(title)
        axes.bar([int(r[0] or 0) for r in section.rows], [float(r[5] or 0) for r in section.rows],
                 color=_BLUE)  # fmt: skip
        axes.set_xlabel("decile (1 = lowest score)")
        axes.set_title(f"Won rate {title}")
        axes.yaxis.set_major_formatter(_percent())


def _percent() -> Any:
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(1.0)
