"""The statements of the real-time path (recording one event), on a ``Driver``.

Each method is one or two indexed statements; together they are what
``services.events`` needs to store an event, find or create its contact, read the
person's facts and qualification state, and write the new state back. Nothing here
commits: the caller owns the transaction.

    realtime_events          events, contacts, visitors, the contact lock
    realtime_people          the person's facts and stored state; consent
    realtime_qualification   the qualification row (only what changed) and the ledger
    suppression_list         whether an address a new contact would take was erased
"""

from __future__ import annotations

from leadflow.store.driver import Driver
from leadflow.store.realtime_events import EventStatements, StoredEvent
from leadflow.store.realtime_people import (
    CONTACT_COLUMNS,
    SIDE_TABLES,
    PersonRow,
    PersonStatements,
)
from leadflow.store.realtime_qualification import QualificationStatements
from leadflow.store.suppression_list import SuppressionStatements

__all__ = ["CONTACT_COLUMNS", "SIDE_TABLES", "PersonRow", "RealtimeStore", "StoredEvent"]


class RealtimeStore(
    EventStatements, PersonStatements, QualificationStatements, SuppressionStatements
):
    """The real-time path's statements; the caller begins and commits transactions."""

    def __init__(self, driver: Driver) -> None:
        self.driver = driver
