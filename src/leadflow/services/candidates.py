"""A candidate definition sent over the API: validate it, or activate it as a new version.

Text from the network may only ``extends`` a shipped preset. A file name would be
resolved on the server's disk, letting a caller read files through error messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import yaml
from sqlalchemy.orm import Session

from leadflow.definition.builtin import PRESET_NAMES, is_preset
from leadflow.definition.document import syntax_error_line
from leadflow.definition.errors import DefinitionError, LocatedProblem
from leadflow.definition.loader import load_definition_text
from leadflow.definition.model import Definition
from leadflow.services.definitions import VersionConflictError, activate_definition
from leadflow.services.refusals import ConflictError
from leadflow.store.models import DefinitionVersion

__all__ = ["CANDIDATE_SOURCE", "CandidateReport", "activate_candidate", "check_candidate"]

CANDIDATE_SOURCE = "candidate.yaml"


@dataclass(frozen=True, slots=True)
class CandidateReport:
    definition: Definition | None
    errors: tuple[LocatedProblem, ...]


def check_candidate(text: str) -> CandidateReport:
    """Compile the text; every problem is reported, none raised."""
    refused = _foreign_extends(text)
    if refused is not None:
        return CandidateReport(None, (refused,))
    try:
        return CandidateReport(load_definition_text(text, CANDIDATE_SOURCE), ())
    except DefinitionError as error:
        return CandidateReport(None, tuple(error.errors))


def activate_candidate(session: Session, text: str, now: datetime) -> DefinitionVersion:
    """Record the text as a version and make it active; DefinitionError when invalid."""
    report = check_candidate(text)
    if report.definition is None:
        raise DefinitionError(report.errors)
    try:
        stored = activate_definition(session, text, source_name=CANDIDATE_SOURCE, now=now)
    except VersionConflictError as error:
        session.rollback()
        raise ConflictError(str(error)) from None
    session.commit()
    return stored


def _foreign_extends(text: str) -> LocatedProblem | None:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        # Stop here rather than hand text PyYAML cannot read to the loader.
        # The line to fix, as the command line names it: where an unclosed quote opens.
        line = syntax_error_line(error, text) if isinstance(error, yaml.MarkedYAMLError) else 1
        reason = getattr(error, "problem", None) or "not valid YAML"
        return LocatedProblem(CANDIDATE_SOURCE, line, "(document)", f"YAML syntax: {reason}")
    if not isinstance(data, dict) or "extends" not in data:
        return None
    extends = data["extends"]
    if isinstance(extends, str) and is_preset(extends):
        return None
    presets = ", ".join(PRESET_NAMES)
    message = f"over the API a definition may only extend a preset ({presets})"
    return LocatedProblem(CANDIDATE_SOURCE, 1, "extends", message)
