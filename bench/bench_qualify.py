"""Qualification throughput for one person with 100 events (issue 3: target ≥ 20,000/s).

The definition is a realistic waterfall built in Python: 10 fit rules, 12 engagement
rules (half-lives, caps, ``once``, URL globs, negative points), 5 stages, BANT rules and
the sales-ready gate. The person has 100 events over the last 200 days (mostly page
views and e-mail activity, a few downloads, a webinar, a demo request). Measured, in one
process:

    full, no explanation    qualify(explain=False): the batch path
    full, explained         qualify(): every point with its event, age and decay
    summary                 qualify_summary(explain=False): the real-time path, which
                            reads an incremental ActivitySummary instead of the events
    fold                    ActivitySummary.add: events folded in per second

Usage: ``python -m bench qualify`` (or ``python bench/bench_qualify.py --seconds 3``).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from leadflow.definition.model import (
    AllOf,
    AnyOf,
    AssetsConfig,
    BantConfig,
    BantRule,
    Definition,
    EngagementConfig,
    EngagementRule,
    EventMatcher,
    EventTest,
    FieldTest,
    FitConfig,
    FitRule,
    Op,
    Stage,
    StageKind,
)
from leadflow.domain.facts import Event, Facts, Source
from leadflow.domain.vocabulary import Grade, Identity
from leadflow.engine import ActivitySummary, qualify, qualify_summary

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
_STUDENT = re.compile(r"\b(student|intern)\b", re.IGNORECASE)


def _in(path: str, *words: str) -> FieldTest:
    return FieldTest(path, Op.IN, frozenset(word.casefold() for word in words))


def _is(path: str, value: object) -> FieldTest:
    return FieldTest(path, Op.EQUALS, value.casefold() if isinstance(value, str) else value)


def _range(path: str, low: float | None, high: float | None) -> FieldTest:
    return FieldTest(path, Op.RANGE, (low, high))


def _events(*types: str, **where: str) -> EventMatcher:
    return EventMatcher(frozenset(types), tuple(sorted(where.items())))


def _fit() -> FitConfig:
    return FitConfig(
        (
            FitRule("industry", 25, _in("account.industry", "software", "saas", "it services")),
            FitRule("size core", 20, _range("account.employees", 51, 1000)),
            FitRule("size edge", 10, _range("account.employees", 1001, 10000)),
            FitRule("region", 15, _in("account.country", "de", "at", "ch", "nl", "fr")),
            FitRule("revenue", 10, _range("account.revenue", 5e6, None)),
            FitRule("seniority", 15, _in("contact.seniority", "director", "vp", "c-level")),
            FitRule("department", 10, _in("contact.department", "it", "engineering", "operations")),
            FitRule("channel", 5, _in("source.channel", "linkedin", "referral", "events")),
            FitRule("free mail", -20, _is("contact.free_mail", True)),
            FitRule("student", -30, FieldTest("contact.title", Op.REGEX, _STUDENT)),
        )
    )


def _engagement() -> EngagementConfig:
    rule = EngagementRule
    return EngagementConfig(
        (
            rule("page view", _events("page_view"), 1, 14, cap=15),
            rule("pricing page", _events("page_view", url="*/pricing*"), 5, 14, cap=20),
            rule("docs page", _events("page_view", url="*/docs/*"), 2, 30, cap=10),
            rule("email open", _events("email_open"), 0.5, 30, cap=5),
            rule("email click", _events("email_click"), 3, 30, cap=15),
            rule("newsletter", _events("newsletter_signup"), 5, once=True),
            rule("download", _events("content_download"), 10, 60, cap=30),
            rule("webinar", _events("webinar_attendance", "event_attendance"), 15, 60),
            rule("form", _events("form_submit"), 8, 45, cap=16),
            rule("sales action", _events("demo_request", "quote_request", "call_request"), 30, 30),
            rule("unsubscribe", _events("unsubscribe"), -25),
            rule("bounce", _events("email_bounce"), -10, cap=20),
        )
    )


def _stages() -> tuple[Stage, ...]:
    known = FieldTest("identity", Op.AT_LEAST, Identity.KNOWN)
    engaged = AnyOf(
        (
            _in("lead_type", "mql", "iql", "srl", "sql"),
            _range("engagement.score", 25, None),
            EventTest(_events("page_view", url="*/pricing*"), within_days=30, min_count=2),
        )
    )
    return (
        Stage("lead", known),
        Stage("mql", AllOf((known, engaged, FieldTest("fit.grade", Op.AT_LEAST, Grade.C)))),
        Stage("sql", AllOf((known, _is("sales_ready", True))), StageKind.SALES),
        Stage("opportunity", FieldTest("opportunity.status", Op.EXISTS, True), StageKind.SALES),
        Stage("customer", _is("opportunity.status", "won"), StageKind.CUSTOMER),
    )


def _bant() -> BantConfig:
    senior = _in("contact.seniority", "director", "vp", "c-level")
    asked = EventTest(_events("demo_request", "quote_request"), within_days=90)
    return BantConfig(
        {
            "authority": (BantRule("senior", senior, evidence="seniority"),),
            "need": (BantRule("asked", asked, evidence="asked for a demo or a quote"),),
            "budget": (BantRule("revenue", _range("account.revenue", 5e6, None)),),
        }
    )


def definition() -> Definition:
    return Definition(
        name="bench-waterfall",
        version="1",
        stages=_stages(),
        fit=_fit(),
        engagement=_engagement(),
        assets=AssetsConfig(product_specific=("*spec*", "*datasheet*")),
        bant=_bant(),
        free_mail_domains=frozenset({"gmail.com", "web.de", "outlook.com"}),
    )


_MIX = (
    ["page_view"] * 50
    + ["email_open"] * 20
    + ["email_click"] * 10
    + ["content_download"] * 6
    + ["form_submit"] * 4
    + ["webinar_registration", "webinar_attendance", "newsletter_signup", "chat_started"]
    + ["demo_request", "email_bounce"]
    + ["page_view"] * 4
)
_URLS = ("/pricing", "/blog/why-crm", "/docs/api/intro", "/", "/careers", "/product/x")


def person(count: int = 100, seed: int = 7) -> Facts:
    rng = random.Random(seed)
    events = tuple(
        Event(
            kind,
            NOW - timedelta(days=rng.uniform(0, 200)),
            {
                "url": "https://acme.example" + rng.choice(_URLS),
                "asset": rng.choice(("ebook", "spec")),
            },
        )
        for kind in rng.sample(_MIX * 2, count)
    )
    return Facts(
        contact={
            "email": "ann@acme.example",
            "seniority": "VP",
            "department": "IT",
            "title": "CIO",
        },
        account={"industry": "Software", "employees": 420, "country": "DE", "revenue": 4e7},
        source=Source(channel="linkedin"),
        events=events,
    )


def _rate(call: Callable[[], object], seconds: float) -> tuple[float, float]:
    """Calls per second of this process's CPU time, and per second of wall time.

    CPU time is the headline: it does not depend on what else the machine is running
    (a shared runner, other processes); wall time shows what the load cost.
    """
    for _ in range(50):
        call()
    done, start, wall = 0, time.process_time(), time.perf_counter()
    while (elapsed := time.process_time() - start) < seconds:
        for _ in range(200):
            call()
        done += 200
    return done / elapsed, done / (time.perf_counter() - wall)


def _line(name: str, rates: tuple[float, float], unit: str) -> str:
    cpu, wall = rates
    return (
        f"{name:>24}: {cpu:>9,.0f} {unit}/s CPU time, {1e6 / cpu:,.1f} µs each ({wall:,.0f}/s wall)"
    )


def _load() -> str:
    """The load average, to print beside the figures: the machine may be shared."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:  # not available on this platform
        return "load average unknown"
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench qualify")
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement")
    args = parser.parse_args(argv)
    rules = definition()
    facts = person()
    summary = ActivitySummary.of(rules, facts.events)
    bare = Facts(facts.contact, facts.account, facts.identity, facts.source)
    result = qualify(facts, rules, NOW)
    print(_load())
    print(
        f"definition: {len(rules.fit.rules)} fit rules, {len(rules.engagement.rules)} "
        f"engagement rules, {len(rules.stages)} stages; person: {len(facts.events)} events "
        f"-> stage {result.stage}, fit {result.fit.score:g}, engagement "
        f"{result.engagement.score:.1f}, {len(result.explanation)} explanation lines"
    )
    figures = {
        "full, no explanation": lambda: qualify(facts, rules, NOW, explain=False),
        "full, explained": lambda: qualify(facts, rules, NOW),
        "summary, no explanation": lambda: qualify_summary(
            bare, summary, rules, NOW, explain=False
        ),
        "summary, explained": lambda: qualify_summary(bare, summary, rules, NOW),
    }
    for name, call in figures.items():
        print(_line(name, _rate(call, args.seconds), "qualifications"))
    fold = ActivitySummary.empty(rules)
    events = facts.events
    cpu, wall = _rate(lambda: fold.add_all(events), args.seconds)
    print(_line("summary fold", (cpu * len(events), wall * len(events)), "events"))
    print(_load())


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
