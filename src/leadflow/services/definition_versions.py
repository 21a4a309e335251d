"""The definition's history as the definition page shows it: recorded versions, newest first.

Each version is kept verbatim (``services.definitions``); the page lists them with when
they were recorded and activated, and shows the active one's YAML.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.services.refusals import NotFoundError
from leadflow.store.models import DefinitionVersion

__all__ = ["recent_versions", "stored_version"]


def recent_versions(session: Session, limit: int = 50) -> list[DefinitionVersion]:
    query = select(DefinitionVersion).order_by(DefinitionVersion.id.desc()).limit(limit)
    return list(session.scalars(query))


def stored_version(session: Session, version_id: int) -> DefinitionVersion:
    row = session.get(DefinitionVersion, version_id)
    if row is None:
        raise NotFoundError(f"no definition version {version_id}")
    return row
