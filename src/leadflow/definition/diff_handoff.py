"""The ``handoff`` section's part of the meaning diff (diff.py lays these out as Changes).

Each group is (subject, [(aspect, before, after), ...]) with the values already written
as text, so a routing rule reads ``Benelux territory: team benelux when account.country
in [be, lu, nl]`` and a reviewer sees which promise or rule moved.
"""

from __future__ import annotations

from leadflow.definition.describe import describe_condition
from leadflow.definition.model_handoff import HandoffConfig, RejectReason, RoutingRule

__all__ = ["HandoffAspects", "handoff_aspects"]

HandoffAspects = list[tuple[str, list[tuple[str, object, object]]]]


def handoff_aspects(old: HandoffConfig, new: HandoffConfig) -> HandoffAspects:
    """Every comparable property of the two sections, grouped by subject."""
    sla, sla2 = old.sla, new.sla
    plan, plan2 = old.cadence, new.cadence
    deals, deals2 = old.opportunities, new.opportunities
    fallback = (old.routing.fallback_any_rep, new.routing.fallback_any_rep)
    return [
        (
            "hand-off routing",
            [
                ("rules", _rules(old.routing.rules), _rules(new.routing.rules)),
                ("fallback to any rep", *fallback),
            ],
        ),
        (
            "hand-off SLA",
            [
                ("accept within hours", sla.accept_within_hours, sla2.accept_within_hours),
                (
                    "first touch within hours",
                    sla.first_touch_within_hours,
                    sla2.first_touch_within_hours,
                ),
                ("re-assign on breach", sla.reassign_on_breach, sla2.reassign_on_breach),
            ],
        ),
        (
            "hand-off cadence",
            [
                ("calls", plan.calls, plan2.calls),
                ("e-mails", plan.emails, plan2.emails),
                ("business days", plan.business_days, plan2.business_days),
                ("minimum attempts", plan.min_attempts, plan2.min_attempts),
            ],
        ),
        (
            "hand-off reject reasons",
            [("reasons", _reasons(old.reject_reasons), _reasons(new.reject_reasons))],
        ),
        (
            "hand-off opportunities",
            [
                ("stages", ", ".join(deals.stages), ", ".join(deals2.stages)),
                ("lost reasons", ", ".join(deals.lost_reasons), ", ".join(deals2.lost_reasons)),
                ("lost recycles", deals.recycle_lost, deals2.recycle_lost),
            ],
        ),
    ]


def _rules(rules: tuple[RoutingRule, ...]) -> str:
    return "; ".join(_rule(rule) for rule in rules)


def _rule(rule: RoutingRule) -> str:
    target = "the account's owner" if rule.named_account else f"team {rule.team or '(any)'}"
    when = "" if rule.condition is None else f" when {describe_condition(rule.condition)}"
    return f"{rule.name}: {target}{when}"


def _reasons(reasons: tuple[RejectReason, ...]) -> str:
    return ", ".join(
        f"{reason.code} -> {reason.action.value}{' (note)' if reason.note_required else ''}"
        for reason in reasons
    )
