"""The ``handoff`` section as a team writes it: how sales-ready leads reach sales.

Marketing and sales agree here on what happens after the sales-ready gate: who gets a
lead (routing), how fast they answer (SLA), how hard they try (cadence), which reasons
they may give for sending one back (reject reasons) and the stages of a deal
(opportunities). Reps, teams, working hours and holidays are data in the workspace
(``leadflow reps``); the definition names teams by their key.

    HandoffSection
      routing          RoutingSection: rules (RoutingRuleSpec), first match wins; fallback
      sla              SlaSection: accept / first touch within N business hours
      cadence          CadenceSection: calls and e-mails over business days; minimum
      reject_reasons   RejectReasonSpec: code, then (recycle | disqualify), note_required
      opportunities    OpportunitiesSection: open stages, lost reasons, recycle_lost

Like ``raw.py``, these models say what is well-formed; ``compile_handoff.py`` checks
what makes sense (unique names and codes, attribute-only routing conditions).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from leadflow.definition.raw_condition import Flag, Number, RawCondition, WholeNumber

__all__ = [
    "CODE_PATTERN",
    "DEFAULT_REJECT_REASONS",
    "CadenceSection",
    "HandoffSection",
    "OpportunitiesSection",
    "RejectReasonSpec",
    "RoutingRuleSpec",
    "RoutingSection",
    "SlaSection",
]

CODE_PATTERN = r"^[a-z][a-z0-9_]*$"
Code = Annotated[str, Field(pattern=CODE_PATTERN)]
Name = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class RoutingRuleSpec(_Strict):
    """Who gets a lead: its account's owner, or a team (by territory, by segment)."""

    name: Name = Field(description="Unique name of the rule; every assignment records it.")
    named_account: Flag = Field(
        default=False,
        description="The owner of the contact's account gets the lead (a named account).",
    )
    team: Name | None = Field(
        default=None, description="Key of the team whose reps share the lead; omit for all reps."
    )
    when: RawCondition | None = Field(
        default=None,
        description="Condition on contact, account, source or consent; omit to always match.",
    )

    @model_validator(mode="after")
    def _one_kind(self) -> RoutingRuleSpec:
        if self.named_account and self.team is not None:
            raise ValueError("a named-account rule goes to the account's owner; drop `team`")
        return self


class RoutingSection(_Strict):
    """Rules tried in order; the first whose condition holds and that finds a rep wins."""

    rules: list[RoutingRuleSpec] = Field(
        default_factory=lambda: [RoutingRuleSpec(name="named account", named_account=True)],
        description="Routing rules, first to last.",
    )
    fallback: Literal["any_rep", "unassigned"] = Field(
        default="any_rep",
        description="When no rule finds a rep: round robin over every rep, or leave unassigned.",
    )


class SlaSection(_Strict):
    """How fast sales answers a hand-off, in business hours of the owner's team."""

    accept_within_hours: Number = Field(
        default=4.0, gt=0, description="Business hours to accept or reject a hand-off."
    )
    first_touch_within_hours: Number = Field(
        default=8.0, gt=0, description="Business hours to the first attempt to reach the lead."
    )
    reassign_on_breach: Flag = Field(
        default=False, description="Give the lead to another rep when the accept SLA is breached."
    )


class CadenceSection(_Strict):
    """How an accepted lead is worked: attempts spread over business days."""

    calls: WholeNumber = Field(default=6, ge=0, le=50, description="Call attempts in the cadence.")
    emails: WholeNumber = Field(
        default=4, ge=0, le=50, description="E-mail attempts in the cadence."
    )
    business_days: WholeNumber = Field(
        default=15, ge=1, le=120, description="Business days the cadence is spread over."
    )
    min_attempts: WholeNumber = Field(
        default=3,
        ge=1,
        description="Attempts before a rep may close an unreached lead; fewer is under-worked.",
    )

    @model_validator(mode="after")
    def _enough_steps(self) -> CadenceSection:
        if self.calls + self.emails < 1:
            raise ValueError("a cadence needs at least one call or e-mail")
        if self.min_attempts > self.calls + self.emails:
            raise ValueError(
                f"min_attempts ({self.min_attempts}) exceeds the cadence's "
                f"{self.calls + self.emails} attempts"
            )
        return self


class RejectReasonSpec(_Strict):
    """A reason sales may give for rejecting a hand-off, and what happens to the lead."""

    code: Code = Field(description="Stable code, e.g. `no_budget`; reports group by it.")
    then: Literal["recycle", "disqualify"] = Field(
        description="`recycle`: back to nurture; `disqualify`: out of the funnel."
    )
    note_required: Flag = Field(default=False, description="The rep must add a note.")
    description: str | None = Field(default=None, description="What the reason means.")


DEFAULT_REJECT_REASONS: tuple[RejectReasonSpec, ...] = (
    RejectReasonSpec(code="bad_fit", then="disqualify"),
    RejectReasonSpec(code="no_budget", then="recycle"),
    RejectReasonSpec(code="wrong_person", then="disqualify"),
    RejectReasonSpec(code="duplicate", then="disqualify"),
    RejectReasonSpec(code="spam", then="disqualify"),
    RejectReasonSpec(code="not_ready", then="recycle"),
    RejectReasonSpec(code="other", then="recycle", note_required=True),
)


class OpportunitiesSection(_Strict):
    """A deal's own stages while open, why deals are lost, and what a loss does."""

    stages: list[Code] = Field(
        default=["qualification", "discovery", "proposal", "negotiation"],
        min_length=1,
        description="Open stages of a deal, first to last; won and lost close it.",
    )
    lost_reasons: list[Code] = Field(
        default=["price", "competitor", "no_decision", "timing", "missing_feature", "other"],
        min_length=1,
        description="Codes a lost deal may give.",
    )
    recycle_lost: Flag = Field(
        default=True, description="A lost deal sends its contact back to nurture."
    )


class HandoffSection(_Strict):
    """The sales hand-off: routing, SLA, cadence, reject reasons and opportunities."""

    routing: RoutingSection = Field(default=RoutingSection(), description="Who gets a lead.")
    sla: SlaSection = Field(default=SlaSection(), description="Answer and first-touch SLA.")
    cadence: CadenceSection = Field(default=CadenceSection(), description="Follow-up cadence.")
    reject_reasons: list[RejectReasonSpec] = Field(
        default=list(DEFAULT_REJECT_REASONS),
        min_length=1,
        description="Reasons sales may give for rejecting a hand-off.",
    )
    opportunities: OpportunitiesSection = Field(
        default=OpportunitiesSection(), description="Deal stages and lost reasons."
    )
