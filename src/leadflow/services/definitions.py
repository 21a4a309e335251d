"""Definition versions in the store: record a definition's YAML, activate it, load the active one.

The YAML is kept verbatim, so what qualified a contact can always be shown and diffed.
A name and version identify a definition: recording the same name and version again
with other content is refused (bump the version), with the same content it only
re-activates that version. Exactly one version is active (a partial unique index).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from leadflow.definition.errors import DefinitionError
from leadflow.definition.loader import load_definition_text, self_contained_text
from leadflow.definition.model import DISQUALIFIED, NURTURE, Definition
from leadflow.services.prediction import ModelRef
from leadflow.store.database import serialise_writers
from leadflow.store.models import DefinitionVersion, PredictionModel, Qualification

__all__ = [
    "ActiveDefinition",
    "FileActivation",
    "NoActiveDefinitionError",
    "UnusableDefinitionError",
    "VersionConflictError",
    "activate_definition",
    "activate_file",
    "active_definition",
    "leads_in_retired_stages",
    "stored_definition",
]


class NoActiveDefinitionError(LookupError):
    def __init__(
        self, message: str = "the workspace has no active definition; run `leadflow init` first"
    ) -> None:
        super().__init__(message)


class UnusableDefinitionError(NoActiveDefinitionError):
    """The active version's stored text no longer compiles on its own.

    A version recorded before extended files were merged in at activation may name a
    file; it has to be activated again from its folder.
    """

    def __init__(self, name: str, version: str, error: DefinitionError) -> None:
        first = error.errors[0] if error.errors else "it does not compile"
        super().__init__(
            f"the active definition {name} version {version} cannot be used ({first}); "
            "activate it again from its folder with `leadflow definition activate`"
        )


class VersionConflictError(ValueError):
    """The same name and version were recorded before with different content."""


@dataclass(frozen=True, slots=True)
class ActiveDefinition:
    """The compiled active definition and the id of its stored version."""

    version_id: int
    definition: Definition
    # The active learned model (services/prediction.py), read in the same query, so
    # qualifying knows at no extra cost whether to fill Facts.prediction.
    model: ModelRef | None = None


@dataclass(frozen=True, slots=True)
class FileActivation:
    """What activating a definition file did: the version active before, and now."""

    before: tuple[str, str] | None  # (name, version); None: no version was active
    after: tuple[str, str]

    @property
    def changed(self) -> bool:
        return self.before != self.after


def activate_file(session: Session, path: Path, *, now: datetime) -> FileActivation:
    """Record a definition file as a version and make it active (does not commit).

    DefinitionError when the file is invalid, VersionConflictError when its name and
    version were recorded before with other content.
    """
    text = self_contained_text(path)
    before = session.execute(
        select(DefinitionVersion.name, DefinitionVersion.version).where(DefinitionVersion.active)
    ).one_or_none()
    stored = activate_definition(session, text, source_name=str(path), now=now)
    return FileActivation(
        None if before is None else (before.name, before.version), (stored.name, stored.version)
    )


def leads_in_retired_stages(session: Session, definition: Definition) -> dict[str, int]:
    """Leads standing in a stage ``definition`` does not have, by stage: after a change of
    definition they stay there until a rescore moves them (engine/lifecycle.py)."""
    kept = (*definition.stage_ids, NURTURE, DISQUALIFIED)
    rows = session.execute(
        select(Qualification.stage, func.count())
        .where(Qualification.stage.is_not(None), Qualification.stage.not_in(kept))
        .group_by(Qualification.stage)
        .order_by(Qualification.stage)
    )
    return {str(stage): int(count) for stage, count in rows}


def activate_definition(
    session: Session, text: str, *, source_name: str, now: datetime
) -> DefinitionVersion:
    """Compile ``text`` (DefinitionError when invalid), store it if new, make it active.

    ``text`` must load on its own: a file's text goes through ``self_contained_text``
    first, so a version never depends on files next to it. Does not commit: the caller
    decides (``leadflow init`` commits with the migration).
    """
    definition = _compiled(text, source_name)
    serialise_writers(session, "definition_versions")  # two activations at once: one waits
    stored = session.scalars(
        select(DefinitionVersion).where(
            DefinitionVersion.name == definition.name,
            DefinitionVersion.version == definition.version,
        )
    ).one_or_none()
    if stored is not None and stored.yaml != text:
        raise VersionConflictError(
            f"{definition.name} version {definition.version} is already recorded with other "
            "content; give the changed definition a new version"
        )
    if stored is not None and stored.active:
        return stored
    session.execute(update(DefinitionVersion).where(DefinitionVersion.active).values(active=False))
    if stored is None:
        stored = DefinitionVersion(
            name=definition.name, version=definition.version, yaml=text, created_at=now
        )
        session.add(stored)
    stored.active = True
    stored.activated_at = now
    session.flush()
    return stored


def active_definition(session: Session) -> ActiveDefinition:
    """The active version, compiled (compilation is cached by the YAML text)."""

    def model(column: Any) -> Any:
        return select(column).where(PredictionModel.active).scalar_subquery()

    row = session.execute(
        select(
            DefinitionVersion.id,
            DefinitionVersion.yaml,
            DefinitionVersion.name,
            model(PredictionModel.id),
            model(PredictionModel.digest),
        ).where(DefinitionVersion.active)
    ).one_or_none()
    if row is None:
        raise NoActiveDefinitionError()
    version_id, text, name, model_id, digest = row
    ref = None if model_id is None else ModelRef(int(model_id), str(digest))
    try:
        definition = _compiled(text, f"{name}.yaml")
    except DefinitionError as error:
        version = session.get_one(DefinitionVersion, version_id).version
        raise UnusableDefinitionError(name, version, error) from None
    return ActiveDefinition(version_id, definition, ref)


def stored_definition(session: Session, version_id: int) -> Definition | None:
    """A recorded version, compiled; None when it is gone or no longer compiles (a
    preset it extends changed meaning since)."""
    stored = session.get(DefinitionVersion, version_id)
    if stored is None:
        return None
    try:
        return _compiled(stored.yaml, f"{stored.name}.yaml")
    except DefinitionError:
        return None


@lru_cache(maxsize=16)
def _compiled(text: str, source_name: str) -> Definition:
    # Stored text never reads a file: an ``extends`` naming one would be looked up
    # wherever the process happens to run.
    return load_definition_text(text, source_name, allow_files=False)
