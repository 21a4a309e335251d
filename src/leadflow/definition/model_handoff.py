"""The compiled ``handoff`` section: the part of the Definition that services apply after
the sales-ready gate (routing, SLA, cadence, reject reasons, opportunity stages).

Built by ``compile_handoff.py`` from ``raw_handoff.py``; ``Definition.handoff`` holds it.
Routing conditions are ordinary compiled conditions restricted to attribute paths
(contact, account, source, consent), so they can be evaluated at hand-off time without
the person's events.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # model.py imports this module; the condition types are only annotations
    from leadflow.definition.model import Condition

__all__ = [
    "CadenceConfig",
    "HandoffConfig",
    "OpportunityConfig",
    "RejectAction",
    "RejectReason",
    "RoutingConfig",
    "RoutingRule",
    "SlaConfig",
]


@dataclass(frozen=True, slots=True)
class RoutingRule:
    """``named_account``: the account's owner; otherwise round robin over ``team``'s reps
    (all reps when ``team`` is None). ``condition`` None always holds."""

    name: str
    named_account: bool = False
    team: str | None = None
    condition: Condition | None = None


@dataclass(frozen=True, slots=True)
class RoutingConfig:
    rules: tuple[RoutingRule, ...] = (RoutingRule("named account", named_account=True),)
    fallback_any_rep: bool = True  # no rule found a rep: round robin over every rep


@dataclass(frozen=True, slots=True)
class SlaConfig:
    """Business hours (of the owner's team) to answer a hand-off and to first touch it."""

    accept_within_hours: float = 4.0
    first_touch_within_hours: float = 8.0
    reassign_on_breach: bool = False


@dataclass(frozen=True, slots=True)
class CadenceConfig:
    calls: int = 6
    emails: int = 4
    business_days: int = 15
    min_attempts: int = 3  # closing an unreached lead with fewer attempts is under-working it


class RejectAction(StrEnum):
    RECYCLE = "recycle"  # back to nurture: marketing keeps talking to the lead
    DISQUALIFY = "disqualify"  # out of the funnel until someone moves it back


@dataclass(frozen=True, slots=True)
class RejectReason:
    code: str
    action: RejectAction
    note_required: bool = False
    description: str | None = None


_DEFAULT_REASONS = (
    RejectReason("bad_fit", RejectAction.DISQUALIFY),
    RejectReason("no_budget", RejectAction.RECYCLE),
    RejectReason("wrong_person", RejectAction.DISQUALIFY),
    RejectReason("duplicate", RejectAction.DISQUALIFY),
    RejectReason("spam", RejectAction.DISQUALIFY),
    RejectReason("not_ready", RejectAction.RECYCLE),
    RejectReason("other", RejectAction.RECYCLE, note_required=True),
)


@dataclass(frozen=True, slots=True)
class OpportunityConfig:
    stages: tuple[str, ...] = ("qualification", "discovery", "proposal", "negotiation")
    lost_reasons: tuple[str, ...] = (
        "price",
        "competitor",
        "no_decision",
        "timing",
        "missing_feature",
        "other",
    )
    recycle_lost: bool = True


@dataclass(frozen=True, slots=True)
class HandoffConfig:
    routing: RoutingConfig = RoutingConfig()
    sla: SlaConfig = SlaConfig()
    cadence: CadenceConfig = CadenceConfig()
    reject_reasons: tuple[RejectReason, ...] = _DEFAULT_REASONS
    opportunities: OpportunityConfig = OpportunityConfig()

    def reject_reason(self, code: str) -> RejectReason:
        """The reason with ``code``; KeyError naming the codes there are."""
        for reason in self.reject_reasons:
            if reason.code == code:
                return reason
        known = ", ".join(reason.code for reason in self.reject_reasons)
        raise KeyError(f"unknown reject reason {code!r} (reasons: {known})")
