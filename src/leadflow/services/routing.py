"""Routing: which rep gets a sales-ready lead, and the rule that decided it.

The definition's routing rules (``handoff.routing``) are tried first to last:

* a **named-account** rule gives the lead to the owner of the contact's account;
* any other rule, when its condition holds (territory: ``account.country``; segment:
  ``account.employees``, ``account.industry`` ...), shares the lead among its team's reps
  (every rep when it names no team) by **smooth weighted round robin** on capacity
  (``domain.round_robin``), with the state persisted per pool so shares stay fair
  across processes;
* then the fallback: round robin over every rep, or nobody (unassigned).

Only *available* reps count everywhere: active, not absent right now, and holding fewer
open hand-offs than their capacity. A rule that finds nobody available (a team the
workspace does not have, an owner on holiday) lets the next rule try. The rule's name
is recorded with every assignment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from leadflow.definition.model import Condition
from leadflow.definition.model_handoff import RoutingConfig, RoutingRule
from leadflow.domain.facts import Facts
from leadflow.domain.round_robin import pick
from leadflow.engine.conditions import Predicate, compile_condition
from leadflow.engine.scope import Scope
from leadflow.store.realtime_handoff import CandidateRow, HandoffStatements

__all__ = ["ANY_REP_POOL", "FALLBACK_RULE", "UNASSIGNED_RULE", "Routed", "route"]

ANY_REP_POOL = "*"
FALLBACK_RULE = "fallback: any rep"
UNASSIGNED_RULE = "unassigned: no rep available"


@dataclass(frozen=True, slots=True)
class Routed:
    """The rep chosen (None: nobody was available) and the rule that chose."""

    rep: CandidateRow | None
    rule: str


def route(
    statements: HandoffStatements,
    config: RoutingConfig,
    *,
    contact_id: int,
    facts: Facts,
    free_mail_domains: frozenset[str],
    now: datetime,
    exclude: frozenset[int] = frozenset(),
) -> Routed:
    """Route one lead; ``exclude`` names reps it must not go to (a re-assignment)."""
    available = [c for c in statements.candidates(now) if c.available and c.id not in exclude]
    scope = Scope(facts, now, {}, free_mail_domains)
    for rule in config.rules:
        if not _holds(rule, scope):
            continue
        if rule.named_account:
            owner = _named_owner(statements, contact_id, available)
            if owner is not None:
                return Routed(owner, rule.name)
            continue
        pool = [c for c in available if rule.team is None or c.team == rule.team]
        if pool:
            key = ANY_REP_POOL if rule.team is None else f"team:{rule.team}"
            return Routed(_round_robin(statements, key, pool), rule.name)
    if config.fallback_any_rep and available:
        return Routed(_round_robin(statements, ANY_REP_POOL, available), FALLBACK_RULE)
    return Routed(None, UNASSIGNED_RULE)


def _holds(rule: RoutingRule, scope: Scope) -> bool:
    return rule.condition is None or _predicate(rule.condition)(scope)


@lru_cache(maxsize=256)
def _predicate(condition: Condition) -> Predicate:
    # Routing conditions hold no event tests (the compiler refuses them): no slots needed.
    return compile_condition(condition, {})


def _named_owner(
    statements: HandoffStatements, contact_id: int, available: Sequence[CandidateRow]
) -> CandidateRow | None:
    owner = statements.account_owner(contact_id)
    if owner is None:
        return None
    return next((c for c in available if c.id == owner), None)


def _round_robin(
    statements: HandoffStatements, pool: str, candidates: Sequence[CandidateRow]
) -> CandidateRow:
    state = statements.round_robin(pool)
    weights = {str(c.id): c.capacity for c in candidates}
    chosen = pick(weights, {str(rep): value for rep, value in state.items()})
    statements.save_round_robin(pool, {int(rep): value for rep, value in chosen.state.items()})
    return next(c for c in candidates if str(c.id) == chosen.chosen)
