"""What goes wrong in a definition, and where.

Problem            a message at a key path of the (merged) document; the compiler
                   and validators produce these without knowing files or lines
LocatedProblem     the same, pointed at FILE:LINE for the person who wrote it
DefinitionError    every LocatedProblem of one load, raised together
CompileError       every Problem of one compilation, raised together (internal)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "CompileError",
    "DefinitionError",
    "Loc",
    "LocatedProblem",
    "Problem",
    "format_loc",
]

# A key path inside the document: mapping keys and list indices, e.g. ("stages", 2, "when").
Loc = tuple[str | int, ...]


def format_loc(loc: Loc) -> str:
    """``("stages", 2, "when", "all", 0)`` -> ``stages[2].when.all[0]``."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(document)"


@dataclass(frozen=True, slots=True)
class Problem:
    loc: Loc
    message: str


@dataclass(frozen=True, slots=True)
class LocatedProblem:
    source: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.path}: {self.message}"


class CompileError(Exception):
    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{format_loc(p.loc)}: {p.message}" for p in self.problems))


class DefinitionError(Exception):
    """A definition that cannot be used; ``errors`` lists every problem found, in file order."""

    def __init__(self, errors: Sequence[LocatedProblem]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)
