"""Random definitions and worlds for comparing the batch engine with the real-time one.

Definitions are compiled ``Definition`` objects with the operand shapes the compiler
produces (casefolded words, enum members for ordered paths, compiled regexes, ranges as
float pairs). Worlds are lists of ``Facts``: attribute values in mixed case and types
(numeric text, lists, nested mappings), e-mails with odd spacing and case, events around
``now`` (some after it), stated BANT facts, conversations and opportunities.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta

from hypothesis import strategies as st

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
    LeadTypeConfig,
    Not,
    Op,
    SalesActionConfig,
    SalesReadyGate,
    Stage,
    TemperatureConfig,
)
from leadflow.domain.facts import (
    BantFact,
    BantFacts,
    Conversation,
    Event,
    Facts,
    Opportunity,
    SalesFacts,
    Source,
)
from leadflow.domain.vocabulary import Grade, Identity, LeadType, Temperature

__all__ = ["definitions", "worlds"]

TYPES = (
    "page_view",
    "email_click",
    "content_download",
    "form_submit",
    "demo_request",
    "unsubscribe",
    "webinar_attendance",
)
URLS = ("https://a.example/pricing", "https://a.example/blog/x", "/Pricing", "/docs/api")
ASSETS = ("Model X spec sheet", "marketing e-book", "whitepaper-2026", "checklist")
FORMS = ("contact-us", "demo-request", "newsletter")
INDUSTRIES = ("Software", "software ", "logistics", "Retail", "SaaS")
DOMAINS = ("acme.example", "Gmail.com", "web.de", "rival.example")
GLOBS = ("*pricing*", "*/docs/*", "*spec*", "*book*", "*demo*", "contact*", "*")

words = st.sampled_from
small = st.floats(min_value=-60, max_value=60, allow_nan=False).map(lambda x: round(x, 2))


# --- conditions ---------------------------------------------------------------------


def _matcher() -> st.SearchStrategy[EventMatcher]:
    where = st.dictionaries(words(("url", "asset", "form")), words(GLOBS), max_size=2)
    return st.builds(
        lambda types, found: EventMatcher(frozenset(types), tuple(sorted(found.items()))),
        st.sets(words(TYPES), min_size=1, max_size=3),
        where,
    )


def _event_test() -> st.SearchStrategy[EventTest]:
    return st.builds(
        EventTest,
        _matcher(),
        # Whole days too: events on whole hours then fall exactly on the window's edge.
        st.none() | st.sampled_from([1.0, 7.0]) | st.floats(min_value=0.5, max_value=120),
        st.integers(min_value=0, max_value=3),
    )


def _text_test(path: str, choices: tuple[str, ...]) -> st.SearchStrategy[FieldTest]:
    folded = [choice.strip().casefold() for choice in choices]
    return st.one_of(
        st.builds(lambda w, n: FieldTest(path, Op.EQUALS, w, n), words(folded), st.booleans()),
        st.builds(
            lambda ws, n: FieldTest(path, Op.IN, frozenset(ws), n),
            st.sets(words([*folded, 250.0]), min_size=1, max_size=3),
            st.booleans(),
        ),
        st.builds(
            lambda p, n: FieldTest(path, Op.REGEX, re.compile(p, re.IGNORECASE), n),
            words((r"soft", r"^re", r"\bvp\b", r"ex")),
            st.booleans(),
        ),
        st.builds(lambda w, n: FieldTest(path, Op.EXISTS, w, n), st.booleans(), st.booleans()),
    )


def _number_test(path: str, top: float) -> st.SearchStrategy[FieldTest]:
    bound = st.none() | st.floats(min_value=-1, max_value=top).map(lambda x: round(x, 1))
    return st.one_of(
        st.builds(
            lambda lo, hi, n: FieldTest(path, Op.RANGE, (lo, hi), n), bound, bound, st.booleans()
        ),
        st.builds(
            lambda xs, n: FieldTest(path, Op.IN, frozenset(xs), n),
            st.sets(st.integers(0, int(top)).map(float), min_size=1, max_size=3),
            st.booleans(),
        ),
        st.builds(lambda w, n: FieldTest(path, Op.EXISTS, w, n), st.booleans(), st.booleans()),
    )


def _flag_test(path: str) -> st.SearchStrategy[FieldTest]:
    return st.one_of(
        st.builds(lambda w, n: FieldTest(path, Op.EQUALS, w, n), st.booleans(), st.booleans()),
        st.builds(lambda w, n: FieldTest(path, Op.EXISTS, w, n), st.booleans(), st.booleans()),
    )


def _ordered_test(path: str, members: tuple[object, ...]) -> st.SearchStrategy[FieldTest]:
    ops = words((Op.AT_LEAST, Op.AT_MOST, Op.EQUALS))
    return st.one_of(
        st.builds(lambda op, m, n: FieldTest(path, op, m, n), ops, words(members), st.booleans()),
        st.builds(
            lambda ms, n: FieldTest(path, Op.IN, frozenset(str(m).casefold() for m in ms), n),
            st.sets(words(members), min_size=1, max_size=2),
            st.booleans(),
        ),
    )


def _attribute_test() -> st.SearchStrategy[FieldTest]:
    return st.one_of(
        _text_test("account.industry", INDUSTRIES),
        _text_test("contact.title", ("VP Sales", "student", "Head of IT")),
        _text_test("contact.tags", ("vip", "partner")),
        _text_test("contact.address.city", ("Oslo", "Bergen")),
        _text_test("contact.email_domain", DOMAINS),
        _text_test("source.channel", ("linkedin", "Referral")),
        _text_test("consent.email", ("granted", "withdrawn")),
        _number_test("account.employees", 2000),
        _number_test("account.revenue", 5e7),
        _flag_test("contact.free_mail"),
        _flag_test("source.purchased"),
    )


def _derived_test() -> st.SearchStrategy[FieldTest]:
    return st.one_of(
        _ordered_test("fit.grade", tuple(Grade)),
        _ordered_test("temperature", tuple(Temperature)),
        _ordered_test("lead_type", tuple(LeadType)),
        _ordered_test("identity", tuple(Identity)),
        _number_test("fit.score", 100),
        _number_test("engagement.score", 60),
        _number_test("bant.met", 4),
        _number_test("sales.conversations", 3),
        _number_test("opportunity.amount", 50_000),
        _number_test("prediction", 1),
        _flag_test("sales_ready"),
        _flag_test("sales.accepted"),
        _flag_test("bant.need"),
        _text_test("opportunity.status", ("open", "won", "lost")),
    )


def _tree(leaf: st.SearchStrategy[Condition]) -> st.SearchStrategy[Condition]:
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3).map(lambda xs: AllOf(tuple(xs))),
            st.lists(inner, max_size=3).map(lambda xs: AnyOf(tuple(xs))),
            inner.map(Not),
        ),
        max_leaves=4,
    )


# Built once: hypothesis validates a strategy on first use, and recursive ones are costly.
ATTRIBUTE_CONDITIONS = _tree(st.one_of(_attribute_test(), _event_test()))
ANY_CONDITIONS = _tree(st.one_of(_attribute_test(), _derived_test(), _event_test()))
# The gate may not read its own verdict.
GATE_CONDITIONS = _tree(
    st.one_of(
        _attribute_test(),
        _derived_test().filter(lambda test: test.field != "sales_ready"),
        _event_test(),
    )
)


# --- definitions ----------------------------------------------------------------------


ENGAGEMENT_RULES = st.lists(
    st.builds(
        lambda m, p, h, c, o: EngagementRule("rule", m, p, h, c, o),
        _matcher(),
        small,
        st.none() | st.floats(min_value=0.5, max_value=90),
        st.none() | st.floats(min_value=1, max_value=80),
        st.booleans(),
    ),
    max_size=5,
)
MATCHER = _matcher()


@st.composite
def _cutoffs(draw: st.DrawFn) -> tuple[tuple[Grade, float], ...]:
    values = sorted(draw(st.lists(st.integers(0, 100), min_size=3, max_size=3)), reverse=True)
    return tuple(zip((Grade.A, Grade.B, Grade.C), map(float, values), strict=True))


@st.composite
def _bant(draw: st.DrawFn) -> BantConfig:
    rules: dict[str, tuple[BantRule, ...]] = {}
    for key in draw(st.sets(words(("budget", "authority", "need", "timing")))):
        count = draw(st.integers(1, 2))
        rules[key] = tuple(
            BantRule(
                f"{key} {i}",
                draw(ATTRIBUTE_CONDITIONS),
                draw(st.booleans()),
                draw(st.none() | words(("said so", "form"))),
            )
            for i in range(count)
        )
    return BantConfig(rules)


@st.composite
def _definition(draw: st.DrawFn) -> Definition:
    fit = tuple(
        FitRule(f"fit {i}", draw(small), draw(ATTRIBUTE_CONDITIONS))
        for i in range(draw(st.integers(0, 4)))
    )
    engagement = tuple(
        replace(rule, name=f"rule {i}") for i, rule in enumerate(draw(ENGAGEMENT_RULES))
    )
    stage_count = draw(st.integers(1, 4))
    stages = tuple(
        Stage(f"s{i}", draw(ANY_CONDITIONS), manual=draw(st.booleans()) and i > 0)
        for i in range(stage_count)
    )
    actions = draw(st.lists(MATCHER, min_size=0, max_size=2))
    return Definition(
        name="random",
        version="1",
        stages=stages,
        fit=FitConfig(fit, draw(_cutoffs())),
        engagement=EngagementConfig(engagement),
        assets=AssetsConfig(
            product_specific=tuple(draw(st.lists(words(GLOBS), max_size=2))),
            general=tuple(draw(st.lists(words(GLOBS), max_size=2))),
        ),
        sales_actions=SalesActionConfig(
            tuple(actions) or SalesActionConfig().matchers,
            draw(st.floats(min_value=1, max_value=60)),
        ),
        sales_ready=SalesReadyGate(
            draw(words(tuple(Grade))),
            draw(st.booleans()),
            draw(st.none() | st.floats(min_value=-10, max_value=40)),
            draw(st.none() | GATE_CONDITIONS),
        ),
        bant=draw(_bant()),
        temperature=TemperatureConfig(
            *sorted(draw(st.lists(st.integers(0, 4), min_size=3, max_size=3)), reverse=True)
        ),
        lead_types=LeadTypeConfig(
            own_actions=draw(MATCHER),
            sql_outcomes=frozenset(draw(st.sets(words(("interested", "no_decision", ""))))),
        ),
        free_mail_domains=frozenset({"gmail.com", "web.de"}),
    )


# --- worlds -------------------------------------------------------------------------


def _maybe(values: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    return st.none() | values


def _contact() -> st.SearchStrategy[dict[str, object]]:
    email = st.builds(
        lambda user, domain, pad: f"{pad}{user}@{domain}{pad}",
        words(("ann", "Bo", "x.y")),
        words(DOMAINS),
        words(("", " ")),
    ) | words(("no-at-sign", "", "a@b@Acme.Example", "zoë@Ünï.example"))
    return st.fixed_dictionaries(
        {},
        optional={
            "email": email,
            "title": words(("VP Sales", "Student", "head of it", "")),
            "tags": st.lists(words(("VIP", "partner", "x")), max_size=2),
            "address": st.fixed_dictionaries({}, optional={"city": words(("Oslo", "bergen"))}),
            "address.city": words(("Oslo", "Paris")),
            "free_mail": st.booleans(),
            "email_domain": words(("rival.example", "ACME.example")),
        },
    )


def _account() -> st.SearchStrategy[dict[str, object]]:
    return st.fixed_dictionaries(
        {},
        optional={
            "industry": words(INDUSTRIES) | st.just(250),
            "employees": st.integers(0, 3000) | words(("250", " 1_200 ", "many")),
            "revenue": st.floats(min_value=0, max_value=1e8, allow_nan=False),
        },
    )


def _events(now: datetime) -> st.SearchStrategy[list[Event]]:
    props = st.fixed_dictionaries(
        {},
        optional={
            "url": words(URLS) | st.just(5),
            "asset": words(ASSETS) | st.lists(words(ASSETS), max_size=2),
            "form": words(FORMS),
        },
    )
    one = st.builds(
        lambda kind, days, p: Event(kind, now - timedelta(days=days), p),
        words(TYPES + ("page_view",) * 4),
        st.floats(min_value=-5, max_value=200, allow_nan=False),
        props,
    )
    return st.lists(one, max_size=25)


def _sales(now: datetime) -> st.SearchStrategy[SalesFacts]:
    moment = st.floats(min_value=-30, max_value=300).map(lambda d: now - timedelta(days=d))
    talk = st.builds(
        Conversation, moment, st.none(), _maybe(words(("Interested", "no_decision", "")))
    )
    deal = st.builds(
        Opportunity,
        words(("open", "won", "lost")),
        _maybe(st.floats(min_value=0, max_value=60_000)),
        st.none(),
        _maybe(moment),
        _maybe(moment),
    )
    return st.builds(
        SalesFacts, st.lists(talk, max_size=2).map(tuple), _maybe(st.booleans()), _maybe(deal)
    )


def _bant_facts() -> st.SearchStrategy[BantFacts]:
    fact = st.builds(BantFact, _maybe(st.booleans()), _maybe(words(("rep note", ""))))
    return st.builds(BantFacts, fact, fact, fact, fact)


def _person(now: datetime) -> st.SearchStrategy[Facts]:
    return st.builds(
        Facts,
        contact=_contact(),
        account=_account(),
        identity=words(tuple(Identity)),
        source=st.builds(Source, _maybe(words(("linkedin", "Referral", "ads"))), st.booleans()),
        events=_events(now).map(tuple),
        bant=_bant_facts(),
        sales=_sales(now),
        consent=st.dictionaries(
            words(("email", "phone")), words(("granted", "Withdrawn")), max_size=2
        ),
        prediction=_maybe(st.floats(min_value=0, max_value=1)),
    )


_WORLDS: dict[datetime, st.SearchStrategy[list[Facts]]] = {}


def worlds(now: datetime) -> st.SearchStrategy[list[Facts]]:
    if now not in _WORLDS:
        _WORLDS[now] = st.lists(_person(now), min_size=1, max_size=6)
    return _WORLDS[now]


DEFINITIONS = _definition()


def definitions() -> st.SearchStrategy[Definition]:
    return DEFINITIONS
