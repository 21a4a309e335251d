"""Qualify one contact from scratch, for the API's qualification and explanation and
``leadflow qualify --contact``.

The real-time path keeps a running summary per contact and no per-event detail. To
*explain* a verdict (every point, its event, its age and decay), this reads the
contact's whole history and runs ``engine.qualify`` over it at ``now``: the facts the
store holds (services/facts.py) plus every event. Nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from leadflow.definition.model import Definition
from leadflow.domain.facts import Event
from leadflow.domain.qualification import Qualification
from leadflow.engine.qualify import qualify
from leadflow.services.definitions import active_definition
from leadflow.services.facts import facts_of
from leadflow.services.prediction import person_prediction
from leadflow.services.refusals import ConflictError, NotFoundError
from leadflow.store.driver import driver_for
from leadflow.store.realtime import RealtimeStore

__all__ = ["Recomputed", "qualify_contact"]


@dataclass(frozen=True, slots=True)
class Recomputed:
    contact_id: int
    qualification: Qualification
    lifecycle_stage: str | None  # where the lead actually is (forward-only moves)


def qualify_contact(
    session: Session,
    contact_id: int,
    now: datetime,
    *,
    explain: bool = True,
    definition: Definition | None = None,
    learned_at: datetime | None = None,
) -> Recomputed:
    """The contact's verdict at ``now`` under the active definition, or under
    ``definition`` (a candidate tried on a real contact; the active learned model's
    prediction is still the one it sees). ``learned_at``: the sales action's age counts
    from then, as when leadflow learned of the facts later (engine/qualify.py)."""
    try:
        active = active_definition(session)
    except LookupError as error:  # NoActiveDefinitionError
        raise ConflictError(str(error)) from None
    store = RealtimeStore(driver_for(session.connection()))
    try:
        person = store.load_person(contact_id)
    except LookupError:
        raise NotFoundError(f"no contact with id {contact_id}") from None
    events = tuple(
        Event(stored.type, stored.at, stored.properties, str(stored.id))
        for stored in store.contact_events(contact_id)
    )
    facts = replace(facts_of(store, person, as_of=now), events=events)
    if active.model is not None:  # the active learned model's probability, as in real time
        facts = person_prediction(store, active.model, contact_id, facts, now)
    chosen = definition or active.definition
    verdict = qualify(facts, chosen, now, explain=explain, learned_at=learned_at)
    return Recomputed(contact_id, verdict, person.lifecycle.stage)
