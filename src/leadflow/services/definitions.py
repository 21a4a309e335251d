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
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from leadflow.definition.loader import load_definition_text
from leadflow.definition.model import Definition
from leadflow.services.prediction import ModelRef
from leadflow.store.models import DefinitionVersion, PredictionModel

__all__ = [
    "ActiveDefinition",
    "NoActiveDefinitionError",
    "VersionConflictError",
    "activate_definition",
    "active_definition",
]


class NoActiveDefinitionError(LookupError):
    def __init__(self) -> None:
        super().__init__("the workspace has no active definition; run `leadflow init` first")


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


def activate_definition(
    session: Session, text: str, *, source_name: str, now: datetime
) -> DefinitionVersion:
    """Compile ``text`` (DefinitionError when invalid), store it if new, make it active.

    Does not commit: the caller decides (``leadflow init`` commits with the migration).
    """
    definition = _compiled(text, source_name)
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
    return ActiveDefinition(version_id, _compiled(text, f"{name}.yaml"), ref)


@lru_cache(maxsize=16)
def _compiled(text: str, source_name: str) -> Definition:
    return load_definition_text(text, source_name)
