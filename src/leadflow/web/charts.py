"""Chart geometry for the inline SVG charts: numbers in, rectangles out.

The templates draw what these return (``charts.html``), so a chart is plain markup:
no script, no image request, readable by a screen reader through its title and the
data table beside it, and its labels are escaped like any other text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = ["Bar", "Chart", "columns", "horizontal_bars"]


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    text: str  # the value as the reader should see it
    x: float
    y: float
    width: float
    height: float
    series: int = 0
    name: str = ""  # a column's series, so its title names it (colour is not enough)


@dataclass(frozen=True, slots=True)
class Chart:
    width: float
    height: float
    bars: tuple[Bar, ...]
    ticks: tuple[tuple[str, float], ...] = ()  # column charts: (label, x centre)


def horizontal_bars(
    items: Sequence[tuple[str, float, str]],
    *,
    width: float = 640,
    label_width: float = 190,
    bar_height: float = 22,
    gap: float = 8,
) -> Chart:
    """One bar per (label, value, text), longest = the full width left after labels."""
    top = max((value for _, value, _ in items), default=0.0) or 1.0
    room = width - label_width - 90  # room on the right for the value's text
    bars = tuple(
        Bar(
            label,
            text,
            label_width,
            gap + i * (bar_height + gap),
            room * max(value, 0) / top,
            bar_height,
        )
        for i, (label, value, text) in enumerate(items)
    )
    return Chart(width, gap + len(items) * (bar_height + gap), bars)


def columns(
    labels: Sequence[str],
    series: Sequence[Sequence[float]],
    *,
    width: float = 640,
    height: float = 220,
    bottom: float = 28,
    names: Sequence[str] = (),
    say: Callable[[float], str] = lambda value: f"{value:g}",
) -> Chart:
    """Side-by-side columns: for each label, one column per series (``names``), its
    value as ``say`` writes it for the reader."""
    top = max((value for values in series for value in values), default=0.0) or 1.0
    slot = width / max(len(labels), 1)
    column = slot * 0.8 / max(len(series), 1)
    plot = height - bottom - 16
    bars = []
    for i, label in enumerate(labels):
        for s, values in enumerate(series):
            value = values[i] if i < len(values) else 0.0
            tall = plot * max(value, 0) / top
            x = i * slot + slot * 0.1 + s * column
            name = names[s] if s < len(names) else ""
            bars.append(Bar(label, say(value), x, height - bottom - tall, column, tall, s, name))
    ticks = tuple((label, i * slot + slot / 2) for i, label in enumerate(labels))
    return Chart(width, height, tuple(bars), ticks)
