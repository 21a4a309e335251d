"""A report's terminal table: every header readable however many columns it has."""

from __future__ import annotations

import io

from rich.console import Console

from leadflow.analytics.channels import CHANNEL_COLUMNS
from leadflow.analytics.report import Section
from leadflow.commands.analytics import report_table


def _printed(section: Section, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), color_system=None)
    console.print(report_table(section))
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def test_headers_wrap_on_their_words_instead_of_being_cut() -> None:
    row = ("organic_search", 2000, 0.727, 1525, 0, 0.0, 0, None, 0.0, 0.0, None, None, None)
    text = _printed(Section("channels", CHANNEL_COLUMNS, (row,)), width=120)
    assert "…" not in text
    # The header's words stand in its column, one below the other where it is narrow.
    words = text.split()
    for column in CHANNEL_COLUMNS:
        for word in column.split("_"):
            assert word in words, column
    # The cells keep their values as the CSV has them (folded only when it must).
    assert "organic_search" in _printed(Section("channels", CHANNEL_COLUMNS, (row,)), width=160)
