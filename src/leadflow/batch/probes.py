"""Field tests answered once per distinct value, by the real-time engine's own predicates.

A condition such as ``account.industry in [software, logistics]`` is the same question
for every contact with the same industry, so the batch engine asks it once per distinct
value (a dozen industries, not a million contacts) and spreads the answers by code.
Each answer comes from ``engine.conditions.compile_condition`` applied to a *probe*: a
minimal ``Scope`` whose facts hold just that value. The batch engine therefore never
re-implements the text, list, regex, flag and number rules of a test, and cannot drift
from the real-time engine on them.

Numbers are the exception: numeric columns (``account.revenue``, ``engagement.score``)
have too many distinct values to probe one by one, so ``numeric_test`` applies the
engine's number semantics (``equals``/``in`` by value, ``range`` inclusive, ``exists``)
to whole arrays; other operators on numbers fall back to probing distinct values. The
property test (tests/unit/batch) checks both against ``engine.qualify``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import numpy as np
import numpy.typing as npt

from leadflow.definition.model import FieldTest, Op
from leadflow.domain.facts import Conversation, Facts, Opportunity, SalesFacts, Source
from leadflow.domain.vocabulary import Grade, Identity, LeadType, Temperature
from leadflow.engine.conditions import Predicate, compile_condition
from leadflow.engine.scope import Scope

__all__ = [
    "CATEGORIES",
    "FACT_PATHS",
    "NUMERIC_PATHS",
    "attribute_probe",
    "derived_probe",
    "numeric_test",
    "predicate_of",
    "verdicts",
]

Flags = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]

# Derived paths whose values are few and known: a contact's value is a code into these.
CATEGORIES: dict[str, tuple[object, ...]] = {
    "fit.grade": tuple(Grade),
    "temperature": tuple(Temperature),
    "lead_type": tuple(LeadType),
    "identity": tuple(Identity),
    "sales_ready": (False, True),
    "sales.accepted": (None, False, True),
    "bant.budget": (None, False, True),
    "bant.authority": (None, False, True),
    "bant.need": (None, False, True),
    "bant.timing": (None, False, True),
}
NUMERIC_PATHS = frozenset(
    {
        "fit.score",
        "engagement.score",
        "bant.met",
        "sales.conversations",
        "opportunity.amount",
        "prediction",
    }
)
# Derived paths read from the facts rather than from values qualification computed.
FACT_PATHS = frozenset(
    {
        "identity",
        "sales.accepted",
        "sales.conversations",
        "opportunity.status",
        "opportunity.amount",
        "prediction",
    }
)


def predicate_of(test: FieldTest) -> Predicate:
    """The real-time engine's predicate for one field test (no event slots needed)."""
    return compile_condition(test, {})


def verdicts(predicate: Predicate, scopes: Sequence[Scope]) -> Flags:
    return np.fromiter((predicate(scope) for scope in scopes), dtype=bool, count=len(scopes))


def attribute_probe(
    namespace: str, values: dict[str, object], now: datetime, free_mail: frozenset[str]
) -> Scope:
    """A scope whose ``namespace`` facts hold exactly ``values`` (absent keys: missing)."""
    if namespace == "source":
        facts = Facts(source=Source(**values))  # type: ignore[arg-type]  # probe values
    elif namespace == "account":
        facts = Facts(account=values)
    elif namespace == "consent":
        facts = Facts(consent={key: str(value) for key, value in values.items()})
    else:
        facts = Facts(contact=values)
    return Scope(facts, now, {}, free_mail)


def derived_probe(path: str, value: object, now: datetime, free_mail: frozenset[str]) -> Scope:
    """A scope in which the derived ``path`` reads ``value``."""
    facts = _FACT_PROBES[path](value, now) if path in _FACT_PROBES else Facts()
    scope = Scope(facts, now, {}, free_mail)
    if path not in FACT_PATHS:
        scope.values[path] = value
    return scope


def _opportunity(**fields: object) -> Facts:
    return Facts(sales=SalesFacts(opportunity=Opportunity(**fields)))  # type: ignore[arg-type]


_FACT_PROBES: dict[str, Callable[[object, datetime], Facts]] = {
    "identity": lambda value, now: Facts(identity=value),  # type: ignore[arg-type]
    "sales.accepted": lambda value, now: Facts(sales=SalesFacts(accepted=value)),  # type: ignore[arg-type]
    "sales.conversations": lambda value, now: Facts(
        sales=SalesFacts(conversations=(Conversation(now),) * int(value))  # type: ignore[call-overload]
    ),
    "opportunity.status": lambda value, now: (
        Facts() if value is None else _opportunity(status=value)
    ),
    "opportunity.amount": lambda value, now: (
        Facts() if value is None else _opportunity(amount=value)
    ),
    "prediction": lambda value, now: Facts(prediction=value),  # type: ignore[arg-type]
}


def numeric_test(test: FieldTest, numbers: Floats, present: Flags) -> Flags | None:
    """The engine's verdict for a test on numeric values, whole arrays at once.

    None when the operator is not one of the number operators (the caller probes
    distinct values instead). ``present`` is False where the value is missing.
    """
    mask = _numeric(test.op, test.operand, numbers, present)
    if mask is None:
        return None
    return ~mask if test.negate else mask


def _numeric(op: Op, operand: object, numbers: Floats, present: Flags) -> Flags | None:
    if op is Op.EXISTS:
        return present.copy() if bool(operand) else ~present
    if op is Op.RANGE and isinstance(operand, tuple) and len(operand) == 2:
        return _within(numbers, present, operand[0], operand[1])
    if op in (Op.AT_LEAST, Op.AT_MOST) and _is_number(operand):
        bound = float(operand)  # type: ignore[arg-type]  # _is_number checked it
        low, high = (bound, None) if op is Op.AT_LEAST else (None, bound)
        return _within(numbers, present, low, high)
    if op in (Op.EQUALS, Op.IN):
        members = (operand,) if op is Op.EQUALS else operand
        if not isinstance(members, frozenset | set | tuple | list):
            return None
        wanted = [
            float(m) for m in members if isinstance(m, int | float) and not isinstance(m, bool)
        ]
        return present & np.isin(numbers, np.array(wanted, dtype=np.float64))
    return None


def _within(numbers: Floats, present: Flags, low: object, high: object) -> Flags:
    mask = present.copy()
    with np.errstate(invalid="ignore"):
        if low is not None:
            mask &= numbers >= float(low)  # type: ignore[arg-type]  # a bound is a number
        if high is not None:
            mask &= numbers <= float(high)  # type: ignore[arg-type]
    return mask


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
