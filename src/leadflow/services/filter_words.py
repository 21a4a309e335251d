"""What a person types into a list's filter, in the spelling the store holds.

``GET /contacts`` and ``GET /exports/leads`` take a stage, an owner and a channel as a
person writes them; compared with the stored column as typed, ``MQL`` or `` Anna@x.com``
would find nobody, and an empty answer reads as "none" rather than as a typo. So each is
read back to its stored form, or refused naming what it takes (channels:
``services.channels``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from leadflow.domain.keys import snake_case
from leadflow.engine.lifecycle import OFF_RAMPS
from leadflow.services.definitions import NoActiveDefinitionError, active_definition
from leadflow.services.lead_list import owners
from leadflow.services.refusals import InvalidInputError
from leadflow.store.models import Contact

__all__ = ["stage_id", "stored_owner"]

# An unknown owner's refusal lists this many reps, the rest counted.
_REPS_NAMED = 20


def stage_id(session: Session, text: str) -> str:
    """The stage id for what was typed: the id in any case or spacing (``MQL``, `` lead``)
    or a label in any of the definition's languages (``Marketing qualified lead``)."""
    typed = text.strip()
    try:
        definition = active_definition(session).definition
    except NoActiveDefinitionError:
        return typed  # nothing to check against; nothing is qualified either
    stages = [*definition.stage_ids, *sorted(OFF_RAMPS)]
    key = snake_case(typed)
    found = {stage for stage in stages if stage == typed or snake_case(stage) == key}
    if not found:
        found = {
            stage.id
            for stage in definition.stages
            if any(snake_case(label) == key for label in stage.labels.values())
        }
    if len(found) == 1:
        return found.pop()
    raise InvalidInputError(
        f"unknown stage {text!r} (stages of {definition.name} version "
        f"{definition.version}: {', '.join(stages)})",
        field="stage",
    )


def stored_owner(session: Session, text: str) -> str:
    """The owner as stored for what was typed: a rep's key or name in any case (as the
    leads page reads it), else an owner some contact has (an imported CRM owner)."""
    typed = text.strip()
    reps = owners(session)
    if any(key == typed for key, _ in reps):
        return typed
    wanted = typed.casefold()
    keys = sorted({key for key, name in reps if wanted in (key.casefold(), name.casefold())})
    if len(keys) > 1:
        raise InvalidInputError(
            f"owner {text!r} names {len(keys)} reps ({', '.join(keys)}): give the key",
            field="owner",
        )
    if keys:
        return keys[0]
    if session.scalar(select(Contact.id).where(Contact.owner == typed).limit(1)) is not None:
        return typed
    listed = ", ".join(f"{key} ({name})" for key, name in reps[:_REPS_NAMED])
    more = f" and {len(reps) - _REPS_NAMED} more" if len(reps) > _REPS_NAMED else ""
    raise InvalidInputError(
        f"unknown owner {text!r}: no rep and no contact has it "
        f"(reps: {listed + more if reps else 'none yet'})",
        field="owner",
    )
