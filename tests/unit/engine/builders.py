"""Compiled definitions and facts built directly in Python, for the engine's tests.

The engine's input contract is the compiled ``Definition`` (definition/model.py), so its
tests build one here rather than through YAML: they test the engine, not the loader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from leadflow.definition.model import (
    AllOf,
    AnyOf,
    AssetsConfig,
    BantConfig,
    BantRule,
    Condition,
    Definition,
    EngagementConfig,
    EngagementRule,
    EventMatcher,
    EventTest,
    FieldTest,
    FitConfig,
    FitRule,
    Op,
    SalesReadyGate,
    Stage,
    StageKind,
)
from leadflow.domain.facts import Event
from leadflow.domain.vocabulary import Grade, Identity

__all__ = ["at_least", "equals", "event", "events_of", "matcher", "one_of", "waterfall"]


def equals(path: str, value: object, *, negate: bool = False) -> FieldTest:
    operand = value.casefold() if isinstance(value, str) else value
    return FieldTest(path, Op.EQUALS, operand, negate)


def one_of(path: str, *values: object) -> FieldTest:
    members = frozenset(v.casefold() if isinstance(v, str) else v for v in values)
    return FieldTest(path, Op.IN, members)


def at_least(path: str, value: object) -> FieldTest:
    if isinstance(value, int | float):
        return FieldTest(path, Op.RANGE, (float(value), None))
    return FieldTest(path, Op.AT_LEAST, value)


def matcher(*types: str, **where: str) -> EventMatcher:
    return EventMatcher(frozenset(types), tuple(sorted(where.items())))


def event(kind: str, at: datetime, id: str | None = None, **properties: object) -> Event:
    return Event(kind, at, dict(properties), id)


def events_of(
    now: datetime, *specs: tuple[str, float] | tuple[str, float, Mapping[str, object]]
) -> tuple[Event, ...]:
    """Events given as (type, days ago[, properties])."""
    built = []
    for spec in specs:
        props = spec[2] if len(spec) == 3 else {}
        built.append(Event(spec[0], now - timedelta(days=spec[1]), dict(props)))
    return tuple(built)


def _fit() -> FitConfig:
    return FitConfig(
        rules=(
            FitRule("target_industry", 30, one_of("account.industry", "software", "saas")),
            FitRule("company_size", 25, FieldTest("account.employees", Op.RANGE, (50.0, 5000.0))),
            FitRule("dach_region", 15, one_of("account.country", "de", "at", "ch")),
            FitRule("decision_maker", 20, one_of("contact.seniority", "director", "vp", "c-level")),
            FitRule("free_mail", -20, equals("contact.free_mail", True)),
            FitRule("competitor", -100, equals("contact.email_domain", "rival.example")),
        )
    )


def _engagement() -> EngagementConfig:
    return EngagementConfig(
        rules=(
            EngagementRule("page_view", matcher("page_view"), 1, half_life_days=14, cap=15),
            EngagementRule("pricing_page", matcher("page_view", url="*/pricing*"), 5, 14, 20),
            EngagementRule("email_click", matcher("email_click"), 3, half_life_days=30),
            EngagementRule("newsletter", matcher("newsletter_signup"), 5, once=True),
            EngagementRule("download", matcher("content_download"), 10, half_life_days=60),
            EngagementRule("webinar", matcher("webinar_attendance"), 15, half_life_days=60),
            EngagementRule("demo_request", matcher("demo_request"), 30, 30, once=True),
            EngagementRule("unsubscribe", matcher("unsubscribe"), -25),
            EngagementRule("bounce", matcher("email_bounce"), -10, cap=20),
        )
    )


def _stages() -> tuple[Stage, ...]:
    known = at_least("identity", Identity.KNOWN)
    engaged: Condition = AnyOf(
        (
            one_of("lead_type", "mql", "iql", "srl", "sql"),
            at_least("engagement.score", 20),
            EventTest(matcher("webinar_attendance"), within_days=90),
        )
    )
    return (
        Stage("lead", known, labels={"en": "Lead", "nl": "Lead"}),
        Stage("mql", AllOf((known, engaged, at_least("fit.grade", Grade.C)))),
        Stage(
            "sql", AllOf((known, equals("sales_ready", True))), StageKind.SALES, {"en": "Prospect"}
        ),
        Stage("opportunity", FieldTest("opportunity.status", Op.EXISTS, True), StageKind.SALES),
        Stage("customer", equals("opportunity.status", "won"), StageKind.CUSTOMER),
    )


def _bant() -> BantConfig:
    return BantConfig(
        rules={
            "authority": (
                BantRule("senior_title", one_of("contact.seniority", "director", "vp", "c-level")),
            ),
            "need": (
                BantRule(
                    "asked_for_demo",
                    EventTest(matcher("demo_request", "quote_request"), within_days=90),
                    evidence="asked for a demo or quote",
                ),
            ),
            "timing": (
                BantRule(
                    "student",
                    equals("contact.title", "student"),
                    met=False,
                    evidence="students do not buy",
                ),
            ),
        }
    )


def waterfall(**changes: object) -> Definition:
    """A waterfall definition in the spirit of the shipped preset (lead → … → customer)."""
    definition = Definition(
        name="test-waterfall",
        version="1.0",
        stages=_stages(),
        fit=_fit(),
        engagement=_engagement(),
        assets=AssetsConfig(product_specific=("*spec*", "*whitepaper*"), general=()),
        sales_ready=SalesReadyGate(min_fit_grade=Grade.B),
        bant=_bant(),
        free_mail_domains=frozenset({"gmail.com", "web.de"}),
    )
    return replace(definition, **changes)  # type: ignore[arg-type]
