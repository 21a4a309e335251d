"""Simulated events as parallel integer arrays, and the operations the generator needs on them.

Per-event Python objects would not survive 50 million events; columns of int64 do. An
event belongs to a contact (``contact`` > 0) or to a visitor who never identified
(``contact`` == 0); ``anonymous`` events were sent before the person identified, so their
JSON carries only the visitor id, although the simulation knows whose they are.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import numpy.typing as npt

from leadflow.domain.vocabulary import STANDARD_EVENT_TYPES

__all__ = ["TYPE", "Events"]

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

TYPE: dict[str, int] = {name: code for code, name in enumerate(STANDARD_EVENT_TYPES)}
_EPOCH_2000 = 946_684_800  # config allows windows from 2000 to 2100: fits in 32 bits


@dataclass(frozen=True, slots=True)
class Events:
    contact: Ints  # contact number, 0 for a visitor who never identified
    visitor: Ints  # visitor serial carried by the event, 0 when none
    anonymous: Bools
    type: Ints  # index into STANDARD_EVENT_TYPES
    at: Ints  # epoch seconds, UTC
    variant: Ints  # index into the world's PropertyTable

    @property
    def size(self) -> int:
        return int(self.at.size)

    @classmethod
    def of(
        cls,
        contact: Ints,
        type_name: str,
        at: Ints,
        variant: Ints,
        visitor: Ints | None = None,
        anonymous: bool = False,
    ) -> Events:
        """Events of one type; ``visitor`` defaults to none."""
        size = at.size
        return cls(
            contact=np.asarray(contact, dtype=np.int64),
            visitor=np.zeros(size, dtype=np.int64)
            if visitor is None
            else np.asarray(visitor, dtype=np.int64),
            anonymous=np.full(size, anonymous),
            type=np.full(size, TYPE[type_name], dtype=np.int64),
            at=np.asarray(at, dtype=np.int64),
            variant=np.asarray(variant, dtype=np.int64),
        )

    @classmethod
    def concat(cls, parts: list[Events]) -> Events:
        columns = {f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)}
        return cls(**columns)

    def take(self, rows: Ints | Bools) -> Events:
        return Events(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})

    def by_person(self) -> Events:
        """Ordered by person, then time; same-second events keep the order they were made in."""
        person = np.where(self.contact > 0, self.contact, self.visitor)
        # One stable sort on a packed key (person, seconds since 2000) is much faster than a
        # three-key lexsort; stability keeps the making order for same-second events.
        key = (person << 32) | (self.at - _EPOCH_2000)
        return self.take(np.argsort(key, kind="stable"))
