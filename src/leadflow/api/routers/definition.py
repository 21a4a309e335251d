"""The shared definition: read the active one, validate a candidate, activate a new version."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.api.auth import allow
from leadflow.api.deps import (
    NowDep,
    ReadSessionDep,
    StateDep,
    WriteSessionDep,
    active_or_conflict,
)
from leadflow.api.problems import ProblemError, ProblemKind, problem_responses
from leadflow.definition.errors import DefinitionError, LocatedProblem
from leadflow.definition.located import located_warnings
from leadflow.definition.model import Definition
from leadflow.services.api_keys import Role
from leadflow.services.candidates import CANDIDATE_SOURCE, activate_candidate, check_candidate
from leadflow.services.definitions import (
    active_definition,
    leads_in_retired_stages,
)
from leadflow.store.models import DefinitionVersion

__all__ = ["router"]

router = APIRouter(
    prefix="/definition", tags=["definition"], responses=problem_responses(401, 403, 422, 429)
)

MAX_YAML = 200_000


class Candidate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    yaml: str = Field(min_length=1, max_length=MAX_YAML, description="The definition file.")


class StageOut(BaseModel):
    id: str
    kind: str
    labels: dict[str, str]
    manual: bool


class DefinitionOut(BaseModel):
    name: str
    version: str
    description: str | None
    stages: list[StageOut]
    version_id: int
    activated_at: datetime | None
    yaml: str
    leads_in_retired_stages: dict[str, int] = Field(
        default_factory=dict,
        description="Leads standing in a stage this definition does not have, by stage: "
        "they stay there until a rescore (leadflow rescore) moves them.",
    )
    warnings: list[DefinitionWarningOut] = Field(
        default_factory=list,
        description="What `leadflow definition validate` warns about: it loads, but some of "
        "it cannot work (a sales-ready gate no lead can pass, a misspelt event type, an "
        "attribute key imports never write).",
    )


class VersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    version: str
    active: bool
    created_at: datetime
    activated_at: datetime | None


class DefinitionWarningOut(BaseModel):
    path: str = Field(description="The key path the warning is about.")
    message: str
    file: str | None = Field(
        default=None, description="The file that wrote it, as validate prints it; null: none."
    )
    line: int | None = Field(default=None, description="Its line there; null with no file.")


def _warnings(text: str) -> list[DefinitionWarningOut]:
    """What ``leadflow definition validate`` warns about, at the file and line it prints."""
    return [
        DefinitionWarningOut(path=w.path, message=w.message, file=w.file, line=w.line)
        for w in located_warnings(text, CANDIDATE_SOURCE)
    ]


class DefinitionErrorOut(BaseModel):
    source: str
    line: int
    path: str
    message: str


class ValidationReport(BaseModel):
    valid: bool
    name: str | None = None
    version: str | None = None
    stages: list[str] = Field(default_factory=list)
    errors: list[DefinitionErrorOut] = Field(default_factory=list)
    warnings: list[DefinitionWarningOut] = Field(
        default_factory=list,
        description="A valid candidate's warnings, as `leadflow definition validate` prints them.",
    )


@router.get(
    "",
    dependencies=[allow(Role.MARKETING, Role.SALES)],
    responses=problem_responses(409),
    summary="The active definition: its stages and its YAML as recorded.",
)
def get_definition(session: ReadSessionDep) -> DefinitionOut:
    active = active_or_conflict(session)
    row = session.get(DefinitionVersion, active.version_id)
    assert row is not None  # active_definition just read it
    return _described(active.definition, row, session)


@router.post(
    "/validate",
    dependencies=[allow(Role.MARKETING)],
    summary="Check a candidate definition; every problem as FILE:LINE, key path, message.",
)
def validate_definition(body: Candidate) -> ValidationReport:
    report = check_candidate(body.yaml)
    if report.definition is None:
        return ValidationReport(valid=False, errors=[_error(e) for e in report.errors])
    found = report.definition
    return ValidationReport(
        valid=True,
        name=found.name,
        version=found.version,
        stages=list(found.stage_ids),
        warnings=_warnings(body.yaml),
    )


@router.post(
    "/versions",
    status_code=201,
    dependencies=[allow()],
    responses=problem_responses(409),
    summary="Record a definition as a new version and make it active (admin).",
)
def activate_version(
    body: Candidate, session: WriteSessionDep, now: NowDep, state: StateDep
) -> DefinitionOut:
    try:
        row = activate_candidate(session, body.yaml, now)
    except DefinitionError as error:
        raise ProblemError(
            ProblemKind.VALIDATION,
            str(error.errors[0]) if error.errors else "invalid definition",
            errors=[_error(e).model_dump() for e in error.errors],
        ) from None
    state.recorders.forget_active()
    return _described(active_definition(session).definition, row, session)


@router.get(
    "/versions",
    dependencies=[allow(Role.MARKETING, Role.SALES)],
    summary="Every recorded version, newest first.",
)
def list_versions(session: ReadSessionDep) -> list[VersionOut]:
    rows = session.scalars(select(DefinitionVersion).order_by(DefinitionVersion.id.desc()))
    return [VersionOut.model_validate(row) for row in rows]


def _described(definition: Definition, row: DefinitionVersion, session: Session) -> DefinitionOut:
    return DefinitionOut(
        name=definition.name,
        version=definition.version,
        description=definition.description,
        stages=[
            StageOut(id=s.id, kind=s.kind.value, labels=dict(s.labels), manual=s.manual)
            for s in definition.stages
        ],
        version_id=row.id,
        activated_at=row.activated_at,
        yaml=row.yaml,
        leads_in_retired_stages=leads_in_retired_stages(session, definition),
        warnings=_warnings(row.yaml),
    )


def _error(problem: LocatedProblem) -> DefinitionErrorOut:
    return DefinitionErrorOut(
        source=problem.source, line=problem.line, path=problem.path, message=problem.message
    )
