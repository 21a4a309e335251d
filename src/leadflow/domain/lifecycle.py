"""Where a lead stands in the funnel, and every move that brought it there.

    LifecycleState  current stage (a funnel stage, an off-ramp or None), since when,
                    and what an off-ramp needs to remember (why, when, from where)
    Transition      one move: from, to, at, the rule or the actor, the reason and the
                    definition version. Transitions are the history: the funnel at any
                    past moment is rebuilt by replaying them (engine.lifecycle.stage_at).

The rules that produce transitions (forward only, explicit recycling) live in
``leadflow.engine.lifecycle``; these are the values they exchange.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["LifecycleState", "Transition"]


@dataclass(frozen=True, slots=True)
class Transition:
    """One move of one lead. Automatic moves name a ``rule``; explicit ones an ``actor``."""

    from_stage: str | None
    to_stage: str
    at: datetime
    reason: str
    definition_version: str | None = None
    rule: str | None = None
    actor: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "from": self.from_stage,
            "to": self.to_stage,
            "at": self.at.isoformat(),
            "reason": self.reason,
            "definition_version": self.definition_version,
            "rule": self.rule,
            "actor": self.actor,
        }


@dataclass(frozen=True, slots=True)
class LifecycleState:
    """The lead's current position.

    ``stage`` None means the lead has not entered the funnel yet. ``funnel_stage`` is
    the last funnel stage it reached before an off-ramp (recycling and disqualifying
    remember it; the funnel reports "recycled from sql"). ``recycled_at`` is the moment
    of the last recycle: only activity after it can bring the lead back.
    """

    stage: str | None = None
    entered_at: datetime | None = None
    funnel_stage: str | None = None
    recycled_at: datetime | None = None
    recycled_reason: str | None = None
    disqualified_at: datetime | None = None
    disqualified_reason: str | None = None
    definition_version: str | None = None
