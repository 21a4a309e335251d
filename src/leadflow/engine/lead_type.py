"""Lead type: the kind of exchange that made someone a lead (domain.md, German article).

Precedence, strongest first:

    SQL   a logged sales conversation (up to now) with an SQL outcome ("interested")
    SRL   any sales-specific action, ever (asked for a demo, a trial, a quote, a call)
    IQL   downloaded a product-specific information asset (whitepaper, spec sheet)
    MQL   gave details for general marketing content (e-book, video, blog)
    MSRL  came from a purchased source and has taken no own action yet
    none  none of the above

The purchased origin itself is kept apart (``Qualification.purchased``): a bought
contact who later asks for a demo is an SRL, still known to have been bought.
"""

from __future__ import annotations

from leadflow.domain.vocabulary import LeadType
from leadflow.engine.plan import QualificationPlan
from leadflow.engine.scope import Scope

__all__ = ["lead_type_of"]


def lead_type_of(plan: QualificationPlan, scope: Scope) -> LeadType:
    # Sales actions, assets and own actions are mark slots: held when any event matched.
    held = scope.held
    layout = plan.layout
    if scope.facts.sales.conversations and _had_sql_conversation(plan, scope):
        return LeadType.SQL
    for slot_id in plan.sales_slots:
        if slot_id in held:
            return LeadType.SRL
    if layout.product_assets.id in held:
        return LeadType.IQL
    if layout.general_assets.id in held:
        return LeadType.MQL
    if scope.facts.source.purchased and layout.own_actions.id not in held:
        return LeadType.MSRL
    return LeadType.NONE


def _had_sql_conversation(plan: QualificationPlan, scope: Scope) -> bool:
    outcomes = plan.definition.lead_types.sql_outcomes
    return any(
        talk.at <= scope.now and (talk.outcome or "").casefold() in outcomes
        for talk in scope.facts.sales.conversations
    )
