"""The compiled definition: typed, validated, ready for the engine.

This is the contract between ``leadflow.definition`` (which turns a YAML file into a
``Definition``) and ``leadflow.engine`` (which applies it). Nothing here is a string to
be parsed later: operators are enums, regexes are compiled, sets are frozensets,
stages are ordered. The raw YAML models live in ``definition/raw.py``.

Fact paths (``FieldTest.field``) a condition may name:

    contact.<attr>    contact attribute; also derived ``contact.email_domain``,
                      ``contact.free_mail`` (bool)
    account.<attr>    account attribute (industry, employees, revenue, country, ...)
    source.<key>      channel | purchased | campaign | medium | vendor
    consent.<channel> granted | confirmed | withdrawn | bounced (missing: absent)
    identity          anonymous < known < confirmed
    fit.score / fit.grade (A > B > C > D) / engagement.score
    temperature       unknown < cold < warm < hot;  bant.<key> true|false|null; bant.met (0-4)
    lead_type         sql | srl | iql | mql | msrl | none
    sales_ready       bool
    sales.accepted    true | false | null;  sales.conversations (count)
    opportunity.status open | won | lost (missing: no opportunity);  opportunity.amount
    prediction        model probability 0-1 (missing when no model)

Fit and BANT rules may only name contact, account, source and consent paths (they are
computed first); stage and gate conditions may name any path.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from leadflow.definition.model_handoff import HandoffConfig
from leadflow.domain.vocabulary import SALES_ACTION_EVENTS, Grade

__all__ = [
    "ATTRIBUTE_NAMESPACES",
    "DERIVED_PATHS",
    "DISQUALIFIED",
    "NURTURE",
    "AllOf",
    "AnyOf",
    "AssetsConfig",
    "BantConfig",
    "BantRule",
    "Condition",
    "Definition",
    "EngagementConfig",
    "EngagementRule",
    "EventMatcher",
    "EventTest",
    "FieldTest",
    "FitConfig",
    "FitRule",
    "LeadTypeConfig",
    "Not",
    "Op",
    "SalesActionConfig",
    "SalesReadyGate",
    "Stage",
    "StageKind",
    "TemperatureConfig",
    "condition_leaves",
]

# Paths whose value comes from the person's attributes (usable in fit and BANT rules).
ATTRIBUTE_NAMESPACES: frozenset[str] = frozenset({"contact", "account", "source", "consent"})
# Paths computed by qualification (usable in stage and gate conditions only).
DERIVED_PATHS: frozenset[str] = frozenset(
    {
        "identity",
        "fit.score",
        "fit.grade",
        "engagement.score",
        "temperature",
        "bant.budget",
        "bant.authority",
        "bant.need",
        "bant.timing",
        "bant.met",
        "lead_type",
        "sales_ready",
        "sales.accepted",
        "sales.conversations",
        "opportunity.status",
        "opportunity.amount",
        "prediction",
    }
)


class Op(StrEnum):
    """Comparison of one fact with an operand. Text compares case-insensitively."""

    EQUALS = "equals"  # operand: str | float | bool; on ordered paths the enum member
    IN = "in"  # operand: frozenset of casefolded str (grades too: "a") / numbers / bools
    RANGE = "range"  # operand: (min | None, max | None), inclusive
    REGEX = "regex"  # operand: compiled re.Pattern (IGNORECASE, search)
    EXISTS = "exists"  # operand: bool (present and non-empty)
    AT_LEAST = "at_least"  # operand: an ordered value (Grade, Identity, Temperature, LeadType)
    AT_MOST = "at_most"  # (the compiler turns at_least/at_most on numbers into RANGE)


@dataclass(frozen=True, slots=True)
class FieldTest:
    field: str
    op: Op
    operand: object
    negate: bool = False
    # The operand as the file wrote it (``in`` lists keep their order and case): the
    # engine compares ``operand``; a report on the data names what the author wrote.
    # Not part of the test's meaning, so two spellings of one test stay equal.
    # (``dataclasses.field``: the name ``field`` is this class's first attribute.)
    written: object = dataclasses.field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class EventMatcher:
    """Which events a rule is about: a type in ``types`` and every ``where`` glob matching.

    ``where`` maps an event property (``url``, ``asset``, ``form``, ``campaign`` ...) to a
    case-insensitive shell glob (fnmatch). An event lacking the property does not match.
    """

    types: frozenset[str]
    where: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class EventTest:
    """True when at least ``min_count`` matching events happened within ``within_days``."""

    matcher: EventMatcher
    within_days: float | None = None  # None: ever
    min_count: int = 1


@dataclass(frozen=True, slots=True)
class AllOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Condition


Condition = FieldTest | EventTest | AllOf | AnyOf | Not


def condition_leaves(condition: Condition) -> Iterator[FieldTest | EventTest]:
    """The field and event tests of a condition, in the order written."""
    if isinstance(condition, FieldTest | EventTest):
        yield condition
    elif isinstance(condition, AllOf | AnyOf):
        for item in condition.items:
            yield from condition_leaves(item)
    elif isinstance(condition, Not):
        yield from condition_leaves(condition.item)


@dataclass(frozen=True, slots=True)
class FitRule:
    """When ``condition`` holds, ``points`` (may be negative) are added to the fit score."""

    name: str
    points: float
    condition: Condition


@dataclass(frozen=True, slots=True)
class FitConfig:
    """Fit score = matched points summed and clamped to 0–100; grade by the cut-offs."""

    rules: tuple[FitRule, ...]
    # Minimum score for each grade, best first; D is whatever remains.
    grade_cutoffs: tuple[tuple[Grade, float], ...] = (
        (Grade.A, 75.0),
        (Grade.B, 50.0),
        (Grade.C, 25.0),
    )


@dataclass(frozen=True, slots=True)
class EngagementRule:
    """Points per matching event, fading as ``points × 0.5^(age / half_life_days)``.

    ``cap`` bounds the rule's total (in absolute value); ``once`` counts only the most
    recent matching event. ``half_life_days`` None means the points never fade.
    """

    name: str
    matcher: EventMatcher
    points: float
    half_life_days: float | None = None
    cap: float | None = None
    once: bool = False


@dataclass(frozen=True, slots=True)
class EngagementConfig:
    rules: tuple[EngagementRule, ...]


@dataclass(frozen=True, slots=True)
class AssetsConfig:
    """Which downloaded assets are product-specific (IQL) or general marketing (MQL).

    An information event is one whose type is in ``events``; its ``property`` (default
    ``asset``) is matched against the globs, product-specific first.
    """

    product_specific: tuple[str, ...] = ()
    general: tuple[str, ...] = ()
    events: frozenset[str] = frozenset({"content_download"})
    property: str = "asset"


@dataclass(frozen=True, slots=True)
class SalesActionConfig:
    """Events that count as a sales-specific action, and how recent one must be."""

    matchers: tuple[EventMatcher, ...] = (EventMatcher(frozenset(SALES_ACTION_EVENTS)),)
    within_days: float = 30.0


@dataclass(frozen=True, slots=True)
class SalesReadyGate:
    """Sales-ready = fit grade ≥ ``min_fit_grade`` AND a recent sales action (AND extras)."""

    min_fit_grade: Grade = Grade.B
    require_sales_action: bool = True
    min_engagement: float | None = None
    condition: Condition | None = None  # e.g. prediction ≥ 0.3, consent not withdrawn


@dataclass(frozen=True, slots=True)
class BantRule:
    """When ``condition`` holds, the criterion is set to ``met`` with ``evidence``.

    Facts given explicitly (a rep's note, a form answer) win over rules.
    """

    name: str
    condition: Condition
    met: bool = True
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class BantConfig:
    # criterion ("budget" | "authority" | "need" | "timing") -> its rules, first match wins
    rules: Mapping[str, tuple[BantRule, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TemperatureConfig:
    hot_min: int = 3
    warm_min: int = 2
    cold_min: int = 1


@dataclass(frozen=True, slots=True)
class LeadTypeConfig:
    """Inputs of lead typing beyond assets and sales actions.

    ``own_actions``: events that count as the person acting themselves (an MSRL stops
    being MSRL after one). ``sql_outcomes``: conversation outcomes that make an SQL.
    """

    own_actions: EventMatcher = EventMatcher(
        frozenset(
            {
                "email_click",
                "newsletter_signup",
                "form_submit",
                "content_download",
                "webinar_registration",
                "webinar_attendance",
                "event_attendance",
                "chat_started",
                "call_inbound",
                *SALES_ACTION_EVENTS,
            }
        )
    )
    sql_outcomes: frozenset[str] = frozenset({"interested"})


class StageKind(StrEnum):
    """How a stage is talked to (domain.md): one-to-many marketing or one-to-one sales."""

    MARKETING = "marketing"
    SALES = "sales"
    CUSTOMER = "customer"


@dataclass(frozen=True, slots=True)
class Stage:
    """A named rule over the facts; the target stage is the last one whose condition holds.

    ``condition`` is complete: the compiler has already ANDed into it the conditions of
    the stages named in ``requires``, so the engine evaluates ``condition`` alone.
    ``requires`` and ``own_condition`` (the stage's ``when`` as written) are kept for
    display and for the meaning diff. A ``manual`` stage is entered only explicitly (by
    a person or an import); its condition never holds.
    """

    id: str
    condition: Condition
    kind: StageKind = StageKind.MARKETING
    labels: Mapping[str, str] = field(default_factory=dict)  # language code -> label
    description: str | None = None
    requires: tuple[str, ...] = ()
    own_condition: Condition | None = None  # None: same as ``condition``
    manual: bool = False

    def label(self, language: str = "en") -> str:
        return self.labels.get(language) or self.labels.get("en") or self.id


# Off-ramps every definition has; they are entered only explicitly (recycle, disqualify).
NURTURE = "nurture"
DISQUALIFIED = "disqualified"


@dataclass(frozen=True, slots=True)
class Definition:
    """One team's shared funnel definition, compiled. Every result names its version."""

    name: str
    version: str
    stages: tuple[Stage, ...]
    fit: FitConfig
    engagement: EngagementConfig
    assets: AssetsConfig = AssetsConfig()
    sales_actions: SalesActionConfig = SalesActionConfig()
    sales_ready: SalesReadyGate = SalesReadyGate()
    bant: BantConfig = BantConfig()
    temperature: TemperatureConfig = TemperatureConfig()
    lead_types: LeadTypeConfig = LeadTypeConfig()
    # Labels of the off-ramps per language ("nurture", "disqualified").
    off_ramp_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    description: str | None = None
    # Free-mail provider domains used for ``contact.free_mail``.
    free_mail_domains: frozenset[str] = frozenset()
    # Routing, SLA, cadence, reject reasons, deal stages (model_handoff.py).
    handoff: HandoffConfig = field(default_factory=HandoffConfig)

    def stage_index(self, stage_id: str) -> int:
        """Position of a stage in the funnel; off-ramps have none (ValueError)."""
        for index, stage in enumerate(self.stages):
            if stage.id == stage_id:
                return index
        raise ValueError(f"unknown stage {stage_id!r} in definition {self.name} {self.version}")

    @property
    def stage_ids(self) -> tuple[str, ...]:
        return tuple(stage.id for stage in self.stages)
