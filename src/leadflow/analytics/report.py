"""A report: titled sections of rows, written as a terminal table, CSV or JSON.

Every report function returns a ``Report``; the CLI prints it, the API and the web UI
can serialise ``to_dict()``. A value is a number, a text, or None (not applicable:
a rate without a denominator, a median of nothing).

CSV holds every section: a ``section`` column first, then the section's own columns,
with a blank line and a new header between sections; the last section, ``about``, says
what the report covers and holds its notes. Cells that would run as a spreadsheet
formula are written as text (``services/spreadsheet.py``).
"""

from __future__ import annotations

import csv
import io
import json
import math
from dataclasses import dataclass, field
from datetime import datetime

from leadflow.services.spreadsheet import spreadsheet_cell

__all__ = ["Report", "Section", "Value", "rate", "render_csv", "render_json", "render_rows"]

Value = float | int | str | None


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]

    def records(self) -> list[dict[str, Value]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


@dataclass(frozen=True, slots=True)
class Report:
    name: str
    title: str
    as_of: datetime
    sections: tuple[Section, ...]
    notes: tuple[str, ...] = ()
    parameters: dict[str, Value] = field(default_factory=dict)

    def section(self, title: str) -> Section:
        for section in self.sections:
            if section.title == title:
                return section
        raise KeyError(title)

    def to_dict(self) -> dict[str, object]:
        return {
            "report": self.name,
            "title": self.title,
            "as_of": self.as_of.isoformat(),
            "parameters": self.parameters,
            "sections": [
                {"title": s.title, "columns": list(s.columns), "rows": s.records()}
                for s in self.sections
            ],
            "notes": list(self.notes),
        }


def rate(part: float, whole: float) -> float | None:
    """``part / whole``, or None when there is nothing to divide by."""
    return None if whole <= 0 else part / whole


def render_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, default=_plain)


def render_csv(report: Report) -> str:
    """Every section, then an ``about`` section saying what the file covers (the report,
    its period, grouping and currency) and the report's notes, so a file opened weeks
    later in a spreadsheet still says which figures it holds and what they leave out.
    A cell a spreadsheet would run as a formula is written as text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for section in (*report.sections, _about(report)):
        if out.tell():
            out.write("\n")
        writer.writerow(["section", *section.columns])
        for row in section.rows:
            writer.writerow([section.title, *(spreadsheet_cell(value) for value in row)])
    return out.getvalue()


def _about(report: Report) -> Section:
    rows: list[tuple[Value, ...]] = [
        ("report", report.title),
        ("from", report.parameters.get("from")),
        ("to", report.as_of.isoformat()),
    ]
    rows.extend((key, value) for key, value in report.parameters.items() if key != "from")
    rows.extend(("note", note) for note in report.notes)
    return Section("about", ("about", "value"), tuple(rows))


_SHARES = ("rate", "share", "precision", "recall")


def render_rows(section: Section) -> list[list[str]]:
    """Cells as text for a terminal table: rates and shares as percentages (by column, or
    by row in a section of named metrics), other numbers with one decimal."""
    rows = []
    for row in section.rows:
        label = str(row[0]) if section.columns[0] == "metric" else ""
        rows.append(
            [
                _shown(f"{column} {label}", value)
                for column, value in zip(section.columns, row, strict=True)
            ]
        )
    return rows


def _shown(name: str, value: Value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if math.isnan(value):
            return "-"
        if any(word in name for word in _SHARES):
            return f"{value:.1%}"
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return value


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
