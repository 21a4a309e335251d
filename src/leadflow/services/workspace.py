"""A workspace: a folder with the team's ``definition.yaml`` and (by default) its SQLite store.

``init_workspace`` makes one: the folder, a definition file copied from a preset, a
database migrated to the newest schema, and the definition recorded as the active
version. Running it again is safe: an existing definition file is never overwritten
(it is what the team edits), the migrations only apply what is missing, and recording
an unchanged definition only re-activates it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from leadflow.definition.builtin import DEFAULT_PRESET, preset_text
from leadflow.definition.loader import load_definition, self_contained_text
from leadflow.services.definitions import activate_file
from leadflow.store.database import make_engine, normalise_url
from leadflow.store.migrate import current, upgrade

__all__ = ["DEFINITION_FILE", "WorkspaceError", "WorkspaceReport", "init_workspace"]

DEFINITION_FILE = "definition.yaml"


class WorkspaceError(ValueError):
    """The workspace cannot be made as asked; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class WorkspaceReport:
    directory: Path
    definition_file: Path
    wrote_definition: bool  # False: an existing file was kept
    definition_name: str
    definition_version: str
    database: str  # the URL, password hidden
    revision: str | None


def _create_folder(directory: Path) -> None:
    """The workspace's folder, with those above it; WorkspaceError saying why it cannot
    be (it said ``[Errno 20] Not a directory: 'ws/definition.yaml/new'``)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        blocking = next((above for above in directory.parents if above.is_file()), None)
        why = (
            f"{blocking} is a file, not a folder"
            if blocking is not None
            else (error.strerror or str(error)).lower()
        )
        raise WorkspaceError(f"cannot create the workspace {directory}: {why}") from None


def init_workspace(
    directory: Path,
    *,
    preset: str | None,
    database_url: str,
    now: datetime,
    definition: Path | None = None,
) -> WorkspaceReport:
    """Create (or complete) the workspace in ``directory``; DefinitionError when invalid.

    ``definition`` starts it from a team's own file instead of a preset: the file is
    checked, then written as the workspace's ``definition.yaml`` with the files it
    ``extends`` merged in (the copy must load from the workspace's folder).
    """
    if directory.exists() and not directory.is_dir():
        raise WorkspaceError(f"{directory} exists and is not a folder")
    if definition is not None and preset is not None:
        raise WorkspaceError("give a preset or a definition file, not both")
    if definition is not None:
        chosen = self_contained_text(definition)  # DefinitionError: the file's own problems
    else:
        chosen = preset_text(preset or DEFAULT_PRESET)  # UnknownPresetError names the presets
    _create_folder(directory)
    path = directory / DEFINITION_FILE
    explicit = preset is not None or definition is not None
    wrote = _write_definition(path, chosen, explicit=explicit, source=definition)
    load_definition(path)  # an invalid file fails here, before the database is touched
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with Session(engine) as session:
            name, version = activate_file(session, path, now=now).after
            session.commit()
        revision = current(engine)
    finally:
        engine.dispose()
    return WorkspaceReport(
        directory=directory,
        definition_file=path,
        wrote_definition=wrote,
        definition_name=name,
        definition_version=version,
        database=normalise_url(database_url).render_as_string(hide_password=True),
        revision=revision,
    )


def _write_definition(path: Path, text: str, *, explicit: bool, source: Path | None) -> bool:
    """Write the preset (or the team's file) unless a definition is there already
    (never overwrite a team's file)."""
    if source is not None and path.exists() and path.resolve() == source.resolve():
        return False  # init -w ws --definition ws/definition.yaml: the file is in place
    if path.exists():
        if explicit and path.read_text(encoding="utf-8") != text:
            given = "the preset" if source is None else str(source)
            option = "--preset" if source is None else "--definition"
            raise WorkspaceError(
                f"{path} already exists and differs from {given}; remove it to start "
                f"again from {given}, or run init without {option}"
            )
        return False
    path.write_text(text, encoding="utf-8")
    return True
