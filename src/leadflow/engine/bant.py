"""BANT (Budget, Authority, Need, Timing) and the temperature read from it.

A criterion given explicitly in the facts (a rep's note, a form answer) always wins: a
person on the phone knows more than an attribute rule. Otherwise the criterion's rules
are tried in order and the first that holds decides, with its evidence. Temperature
counts the criteria met: hot at ``hot_min`` (3–4 by default), warm at ``warm_min``,
cold at ``cold_min``, unknown below.
"""

from __future__ import annotations

from operator import attrgetter

from leadflow.definition.model import TemperatureConfig
from leadflow.domain.facts import BANT_KEYS, BantFact
from leadflow.domain.qualification import FROM_FACT, BantCriterion, BantResult
from leadflow.domain.vocabulary import Temperature
from leadflow.engine.plan import CompiledBantRule, QualificationPlan
from leadflow.engine.scope import Scope

__all__ = ["assess_bant", "temperature_for"]


def assess_bant(plan: QualificationPlan, scope: Scope) -> BantResult:
    # plan.bant lists exactly the BANT_KEYS, in order, so the four facts are read in one
    # call rather than through BantFacts.get (this runs for every qualification).
    facts = _FACTS(scope.facts.bant)
    return BantResult(
        tuple(
            [
                _criterion(key, fact, rules, scope)
                for (key, rules), fact in zip(plan.bant, facts, strict=True)
            ]
        )
    )


def _criterion(
    key: str, fact: BantFact, rules: tuple[CompiledBantRule, ...], scope: Scope
) -> BantCriterion:
    if fact.met is not None:
        return BantCriterion(key, fact.met, fact.evidence, FROM_FACT)
    for compiled in rules:
        if compiled.holds(scope):
            return compiled.verdict
    if fact.evidence:
        # Evidence without a verdict (a note that says "maybe") is kept; the answer stays open.
        return BantCriterion(key, None, fact.evidence, FROM_FACT)
    return _UNKNOWN[key]


_UNKNOWN = {key: BantCriterion(key) for key in BANT_KEYS}
_FACTS = attrgetter(*BANT_KEYS)


def temperature_for(met: int, config: TemperatureConfig) -> Temperature:
    if met >= config.hot_min:
        return Temperature.HOT
    if met >= config.warm_min:
        return Temperature.WARM
    if met >= config.cold_min:
        return Temperature.COLD
    return Temperature.UNKNOWN
