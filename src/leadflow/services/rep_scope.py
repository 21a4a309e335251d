"""What a caller bound to a rep may see and act on: one rule for the API's rep-bound keys
(``leadflow keys create --role sales --rep REP``, api/bound_rep.py) and the web's
salespeople (a user with a rep key, web/pages/queue.py), so the two cannot drift apart.

A caller *bound* to a rep

- sees its rep's queue and the hand-offs nobody holds (accepting one claims it), never
  another rep's; asked for one of the two, it gets that one;
- acts as its rep only: it names no other rep, and touches no lead or deal another rep
  holds (``NotYoursError``: 403 ``not_your_lead`` in the API, the same status on a page).

An *unbound* caller (a team's integration key, a salesperson without a rep key, an
admin) sees every queue its role allows, or the one it asks for, and acts as the rep it
names, else as the lead's owner.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from leadflow.services.opportunities import get_opportunity
from leadflow.services.queue import QueueItem, queue
from leadflow.services.refusals import NotFoundError, NotYoursError
from leadflow.services.sales_work import lead_owner

__all__ = ["RepScope"]


@dataclass(frozen=True, slots=True)
class RepScope:
    """The caller's reach: ``rep`` is the rep it is bound to, None when unbound."""

    rep: str | None = None

    def acting(self, named: str | None) -> str | None:
        """The rep acting: the one named, or the bound rep (who may name only themselves)."""
        if self.rep is None:
            return named
        if named is not None and named != self.rep:
            raise NotYoursError(f"you act as rep {self.rep!r} only, not as rep {named!r}")
        return self.rep

    def queue(
        self, session: Session, now: datetime, *, rep: str | None = None, unassigned: bool = False
    ) -> list[QueueItem]:
        """The queue items the caller sees: the one asked for, else all it may see."""
        if rep is not None or unassigned:
            chosen = None if unassigned and rep is None else self.acting(rep)
            return queue(session, now, rep=chosen, unassigned=unassigned)
        if self.rep is None:
            return queue(session, now)
        return _own(session, now, self.rep) + queue(session, now, unassigned=True)

    def on_lead(self, session: Session, contact_id: int, named: str | None) -> str | None:
        """``acting``, and a bound caller's lead is its rep's or nobody's (claimed by acting)."""
        acting = self.acting(named)
        if self.rep is not None:
            owner = lead_owner(session, contact_id)
            if owner is not None and owner != self.rep:
                raise NotYoursError(
                    f"contact {contact_id} is rep {owner!r}'s lead;"
                    f" you act as rep {self.rep!r} only"
                )
        return acting

    def on_deal(self, session: Session, deal_id: int, named: str | None) -> str | None:
        """``acting``, and a bound caller's deal is its rep's or nobody's."""
        acting = self.acting(named)
        if self.rep is not None:
            owner = get_opportunity(session, deal_id).opportunity.owner
            if owner is not None and owner != self.rep:
                raise NotYoursError(
                    f"opportunity {deal_id} is rep {owner!r}'s deal;"
                    f" you act as rep {self.rep!r} only"
                )
        return acting


def _own(session: Session, now: datetime, rep: str) -> list[QueueItem]:
    try:
        return queue(session, now, rep=rep)
    except NotFoundError:  # a web user's rep key that names no rep (yet): nothing held
        return []
