"""Where a warning points: the file and line that wrote what it is about.

A warning (lint.py) carries the key path of its rule; the loaded document maps key
paths to the file and line that wrote them. A gate left at its default, or a line of a
shipped preset, is no line the team can edit, so such a warning points nowhere.
"""

from __future__ import annotations

from dataclasses import dataclass

from leadflow.definition.builtin import PRESET_NAMES
from leadflow.definition.document import Document
from leadflow.definition.errors import Loc
from leadflow.definition.lint import definition_warnings
from leadflow.definition.loader import load_definition_text_document, preset_source

__all__ = ["LocatedWarning", "located_warnings", "shipped_sources", "warning_place"]


def shipped_sources() -> frozenset[str]:
    """How the shipped presets are named in lines: none of them is the team's to edit."""
    return frozenset(preset_source(name) for name in PRESET_NAMES)


def warning_place(document: Document, loc: Loc, shipped: frozenset[str]) -> tuple[str, int] | None:
    """``(file, line)`` of what a warning is about; None when no own file wrote it."""
    if not any(loc[:end] in document.lines for end in range(len(loc), 0, -1)):
        return None
    source, line = document.locate(loc)
    return None if source in shipped else (source, line)


@dataclass(frozen=True, slots=True)
class LocatedWarning:
    """A warning with the file and line validate prints (None, None: no own line)."""

    path: str
    message: str
    file: str | None
    line: int | None


def located_warnings(text: str, source_name: str) -> list[LocatedWarning]:
    """The warnings of a stored or candidate definition's text, each at its line (the API
    and the web page: the text came without its folder, so ``extends`` names presets)."""
    definition, document = load_definition_text_document(text, source_name, allow_files=False)
    shipped = shipped_sources()
    found: list[LocatedWarning] = []
    for warning in definition_warnings(definition):
        place = warning_place(document, warning.loc, shipped)
        file, line = (None, None) if place is None else place
        found.append(LocatedWarning(warning.path, warning.message, file, line))
    return found
