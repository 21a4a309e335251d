"""The definition file as a team writes it (schema version 1), before compilation.

These pydantic models are the user-facing contract: every model forbids unknown keys,
every field carries the description that the JSON Schema and docs/definition.md show.
They say what is *well-formed*; whether it *makes sense* (fact paths, stage references,
cycles) is the compiler's job (``definition/compiler.py``), which turns a
``RawDefinition`` into the engine's ``Definition``.

    RawDefinition
      fit            FitSection: rules (FitRuleSpec) + grades (GradeCutoffs)
      engagement     EngagementSection: rules (EngagementRuleSpec)
      assets         AssetsSection
      sales_actions  SalesActionsSection: actions (EventMatcherSpec)
      sales_ready    SalesReadySection
      bant           BantSection: budget / authority / need / timing (BantRuleSpec)
      temperature    TemperatureSection
      lead_types     LeadTypesSection
      stages         StageSpec, in funnel order
      off_ramps      OffRampsSection
      handoff        HandoffSection (raw_handoff.py): routing, SLA, cadence, reject reasons
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    WithJsonSchema,
    model_validator,
)

from leadflow.definition.model import LeadTypeConfig
from leadflow.definition.raw_condition import (
    EventTypes,
    Flag,
    Number,
    RawCondition,
    WherePatterns,
    WholeNumber,
)
from leadflow.definition.raw_handoff import HandoffSection
from leadflow.domain.vocabulary import SALES_ACTION_EVENTS, Grade

__all__ = [
    "LANGUAGE_PATTERN",
    "SCHEMA_VERSION",
    "STAGE_ID_PATTERN",
    "AssetsSection",
    "BantRuleSpec",
    "BantSection",
    "EngagementRuleSpec",
    "EngagementSection",
    "EventMatcherSpec",
    "FitRuleSpec",
    "FitSection",
    "GradeCutoffs",
    "Labels",
    "LeadTypesSection",
    "OffRampsSection",
    "RawDefinition",
    "SalesActionsSection",
    "SalesReadySection",
    "StageSpec",
    "TemperatureSection",
]

SCHEMA_VERSION = 1
STAGE_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
LANGUAGE_PATTERN = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _version_text(value: object) -> object:
    # YAML reads `version: 3` as a number; that is harmless. `version: 1.10` is not:
    # it becomes 1.1, so refuse floats rather than silently change the version.
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise ValueError(f"quote the version (version: '...'); YAML read it as the number {value}")
    return value


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


Name = Annotated[str, Field(min_length=1)]
StageId = Annotated[str, Field(pattern=STAGE_ID_PATTERN)]
GradeValue = Annotated[
    Grade,
    BeforeValidator(_upper),
    WithJsonSchema({"type": "string", "enum": ["A", "B", "C", "D", "a", "b", "c", "d"]}),
]
VersionText = Annotated[
    Name,
    BeforeValidator(_version_text),
    WithJsonSchema({"anyOf": [{"type": "string", "minLength": 1}, {"type": "integer"}]}),
]
Labels = Annotated[
    dict[Annotated[str, Field(pattern=LANGUAGE_PATTERN)], Name],
    Field(description="Language code (`en`, `nl`, `de`, `fr`, `nb` ...) -> label."),
]


class FitRuleSpec(_Strict):
    """A persona rule: when ``when`` holds, ``points`` (may be negative) count toward fit."""

    name: Name = Field(description="Unique name of the rule, shown in explanations.")
    points: Number = Field(description="Points added to the fit score; negative to penalise.")
    when: RawCondition = Field(description="Condition on contact, account, source or consent.")
    description: str | None = Field(default=None, description="Why this rule exists.")


class GradeCutoffs(_Strict):
    """Minimum fit score for each grade; below ``C`` is grade D. Must decrease A > B > C."""

    A: Number = Field(default=75.0, ge=0, le=100, description="Minimum fit score for grade A.")
    B: Number = Field(default=50.0, ge=0, le=100, description="Minimum fit score for grade B.")
    C: Number = Field(default=25.0, ge=0, le=100, description="Minimum fit score for grade C.")

    @model_validator(mode="after")
    def _decreasing(self) -> GradeCutoffs:
        if not self.A > self.B > self.C:
            raise ValueError(
                f"grade cut-offs must decrease A > B > C (got A {self.A:g}, "
                f"B {self.B:g}, C {self.C:g})"
            )
        return self


class FitSection(_Strict):
    """Persona fit: the matched rules' points, summed and clamped to 0-100, give a grade."""

    rules: list[FitRuleSpec] = Field(default_factory=list, description="Fit rules.")
    grades: GradeCutoffs = Field(default=GradeCutoffs(), description="Grade cut-offs.")


class EngagementRuleSpec(_Strict):
    """Points per matching event, fading with age: ``points × 0.5^(age / half_life_days)``."""

    name: Name = Field(description="Unique name of the rule, shown in explanations.")
    event: EventTypes = Field(description="Event type, or list of event types, that score.")
    where: WherePatterns = Field(default_factory=dict)
    points: Number = Field(description="Points per matching event; negative for unsubscribes.")
    half_life_days: Number | None = Field(
        default=None, gt=0, description="Days after which an event is worth half; omit: no decay."
    )
    cap: Number | None = Field(
        default=None, gt=0, description="Most this rule may contribute in total (absolute value)."
    )
    once: Flag = Field(default=False, description="Count only the most recent matching event.")


class EngagementSection(_Strict):
    """Engagement score: the sum of every rule's decayed, capped points."""

    rules: list[EngagementRuleSpec] = Field(default_factory=list, description="Engagement rules.")


class AssetsSection(_Strict):
    """Which downloads are product-specific (make an IQL) or general content (MQL type)."""

    product_specific: list[str] = Field(
        default_factory=list, description="Globs of product-specific assets (spec sheets ...)."
    )
    general: list[str] = Field(
        default_factory=list, description="Globs of general marketing assets (e-books ...)."
    )
    events: EventTypes = Field(
        default=["content_download"], description="Event types that deliver an asset."
    )
    property: Name = Field(default="asset", description="Event property naming the asset.")


class EventMatcherSpec(_Strict):
    """Events of these types whose properties match every ``where`` glob."""

    event: EventTypes = Field(description="Event type, or list of event types.")
    where: WherePatterns = Field(default_factory=dict)


class SalesActionsSection(_Strict):
    """Sales-specific actions: the person asked to talk to sales, not for more content."""

    actions: list[EventMatcherSpec] = Field(
        default=[EventMatcherSpec(event=list(SALES_ACTION_EVENTS))],
        min_length=1,
        description="Events (and forms, via `where`) that count as a sales action.",
    )
    within_days: Number = Field(
        default=30.0, gt=0, description="How recent a sales action must be, in days."
    )


class SalesReadySection(_Strict):
    """The hand-off gate: persona match AND a recent sales action (AND the extras)."""

    min_fit_grade: GradeValue = Field(default=Grade.B, description="Lowest fit grade handed off.")
    require_sales_action: Flag = Field(
        default=True, description="Whether a recent sales action is required."
    )
    min_engagement: Number | None = Field(
        default=None, description="Lowest engagement score handed off; omit for none."
    )
    when: RawCondition | None = Field(
        default=None, description="An extra condition that must hold too (any fact path)."
    )


class BantRuleSpec(_Strict):
    """When ``when`` holds, the criterion is ``met`` (or not), with ``evidence``."""

    name: Name = Field(description="Unique name of the rule within its criterion.")
    when: RawCondition = Field(description="Condition on contact, account, source or consent.")
    met: Flag = Field(default=True, description="What the rule concludes: met or not met.")
    evidence: str | None = Field(default=None, description="Evidence shown with the result.")


class BantSection(_Strict):
    """Rules per BANT criterion; the first rule that holds decides, explicit facts win."""

    budget: list[BantRuleSpec] = Field(default_factory=list, description="Budget rules.")
    authority: list[BantRuleSpec] = Field(default_factory=list, description="Authority rules.")
    need: list[BantRuleSpec] = Field(default_factory=list, description="Need rules.")
    timing: list[BantRuleSpec] = Field(default_factory=list, description="Timing/demand rules.")


class TemperatureSection(_Strict):
    """How many BANT criteria met make a lead hot, warm or cold (fewer: unknown)."""

    hot: WholeNumber = Field(default=3, ge=1, le=4, description="Criteria met for hot.")
    warm: WholeNumber = Field(default=2, ge=1, le=4, description="Criteria met for warm.")
    cold: WholeNumber = Field(default=1, ge=1, le=4, description="Criteria met for cold.")

    @model_validator(mode="after")
    def _increasing(self) -> TemperatureSection:
        if not self.hot > self.warm > self.cold:
            raise ValueError(
                f"temperature cut-offs must decrease hot > warm > cold (got hot {self.hot}, "
                f"warm {self.warm}, cold {self.cold})"
            )
        return self


class LeadTypesSection(_Strict):
    """Inputs of lead typing (SQL > SRL > IQL > MQL > MSRL) beyond assets and sales actions."""

    own_actions: EventTypes = Field(
        default=sorted(LeadTypeConfig().own_actions.types),
        description="Event types that are the person acting; a purchased lead stops being MSRL.",
    )
    sql_outcomes: list[Name] = Field(
        default=["interested"],
        min_length=1,
        description="Conversation outcomes that make a lead an SQL.",
    )


class StageSpec(_Strict):
    """One funnel stage: a named rule over the facts, with labels per language."""

    id: StageId = Field(description="Stable identifier (lower case, digits, `_`).")
    kind: Literal["marketing", "sales", "customer"] = Field(
        default="marketing", description="Who talks to the stage: marketing, sales or customer."
    )
    labels: Labels = Field(default_factory=dict)
    description: str | None = Field(default=None, description="What the stage means.")
    when: RawCondition | None = Field(
        default=None,
        description="Condition for reaching the stage; omit for a stage entered only by hand.",
    )
    requires: list[StageId] = Field(
        default_factory=list, description="Stages whose conditions must hold as well."
    )


class OffRampsSection(_Strict):
    """Labels of the two off-ramps every definition has (entered only explicitly)."""

    nurture: Labels = Field(default_factory=dict)
    disqualified: Labels = Field(default_factory=dict)


class RawDefinition(_Strict):
    """A leadflow funnel definition: one file marketing and sales review together."""

    model_config = ConfigDict(title="leadflow definition (schema version 1)")

    schema_version: Literal[1] = Field(description="Version of this file format; always 1.")
    name: Name = Field(description="Name of the definition, e.g. `acme-funnel`.")
    version: VersionText = Field(
        description="Version of the definition; every qualification names it."
    )
    description: str | None = Field(default=None, description="What this definition is for.")
    extends: str | None = Field(
        default=None,
        description="Preset name or relative file this one builds on; its keys override.",
    )
    fit: FitSection = Field(default=FitSection(), description="Persona fit.")
    engagement: EngagementSection = Field(default=EngagementSection(), description="Engagement.")
    assets: AssetsSection = Field(default=AssetsSection(), description="Asset kinds.")
    sales_actions: SalesActionsSection = Field(
        default=SalesActionsSection(), description="Sales-specific actions."
    )
    sales_ready: SalesReadySection = Field(
        default=SalesReadySection(), description="The sales-ready gate."
    )
    bant: BantSection = Field(default=BantSection(), description="BANT rules.")
    temperature: TemperatureSection = Field(
        default=TemperatureSection(), description="Temperature cut-offs."
    )
    lead_types: LeadTypesSection = Field(
        default=LeadTypesSection(), description="Lead typing inputs."
    )
    stages: list[StageSpec] = Field(min_length=1, description="Funnel stages, first to last.")
    off_ramps: OffRampsSection = Field(default=OffRampsSection(), description="Off-ramp labels.")
    free_mail_domains: list[Name] = Field(
        default_factory=list,
        description="Free-mail domains added to the built-in list (`contact.free_mail`).",
    )
    handoff: HandoffSection = Field(
        default=HandoffSection(), description="The sales hand-off (raw_handoff.py)."
    )
