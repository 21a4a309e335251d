"""Chart geometry: bars in proportion to their values, inside the drawing."""

from __future__ import annotations

import pytest

from leadflow.web.charts import columns, horizontal_bars


def test_the_longest_bar_fills_the_room_and_the_others_are_in_proportion() -> None:
    chart = horizontal_bars([("lead", 200, "200"), ("mql", 50, "50"), ("sql", 0, "0")])

    widths = [bar.width for bar in chart.bars]
    assert widths[0] == pytest.approx(4 * widths[1])
    assert widths[2] == 0
    assert all(bar.x + bar.width <= chart.width for bar in chart.bars)
    assert chart.bars[2].y + chart.bars[2].height <= chart.height
    assert [bar.label for bar in chart.bars] == ["lead", "mql", "sql"]


def test_no_data_draws_nothing_and_divides_by_nothing() -> None:
    assert horizontal_bars([]).bars == ()
    assert [bar.height for bar in columns(["w1"], [[0.0]]).bars] == [0.0]


def test_columns_stand_on_the_axis_side_by_side_per_series() -> None:
    chart = columns(["w1", "w2"], [[10.0, 20.0], [5.0, 0.0]], height=200, bottom=20)

    first, second = [bar for bar in chart.bars if bar.label == "w1"]
    assert (first.series, second.series) == (0, 1)
    assert second.x > first.x
    assert first.height == pytest.approx(2 * second.height)
    assert all(bar.y + bar.height == pytest.approx(180) for bar in chart.bars)
    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert tallest.label == "w2"
    assert tallest.y >= 0
    assert [label for label, _ in chart.ticks] == ["w1", "w2"]


def test_a_column_says_its_series_and_its_value_the_readers_way() -> None:
    chart = columns(
        ["2026-03", "2026-04"],
        [[1079.0, 12.0], [216.0, 3.0]],
        names=["Lead", "Marketing Qualified Lead"],
        say=lambda value: f"{value:,.0f}".replace(",", "."),  # as German groups digits
    )

    first, second = [bar for bar in chart.bars if bar.label == "2026-03"]
    # Not only the colour tells the two series apart: each column names its own.
    assert (first.name, first.text) == ("Lead", "1.079")
    assert (second.name, second.text) == ("Marketing Qualified Lead", "216")
