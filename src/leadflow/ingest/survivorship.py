"""Survivorship: which value a merged contact keeps, field by field.

For each field (and each custom attribute) the survivor keeps its own value unless:

1. it has none: the merged contact's non-empty value is taken;
2. both have one and they differ: the value from the more trusted source wins, and
   between equally trusted sources the more recently updated record's value wins;
   on a full tie the survivor keeps its own.

Trust, most trusted first (``TRUST_ORDER``): ``manual`` (typed or corrected by a
person in leadflow); the CRMs sales works in, ``salesforce``, ``dynamics``, ``odoo``,
``zoho`` then ``pipedrive`` (systems of record, kept by the people who talk to the
customer); the marketing platforms, ``hubspot``, ``marketo`` then ``pardot`` (largely
filled by forms and enrichment); ``mautic`` (a
marketing tool, often self-hosted beside a CRM); other imports (``generic`` and
mapping files); what a person typed into a form or the API sent; and last
``purchased`` lists. A contact's source is the
``source_system`` attribute the importer writes; a purchased contact counts as
``purchased`` whatever imported it.

Some fields have their own rule:
    email, external_id   the survivor's, unless it has none (the user chose the survivor)
    purchased            true if either was purchased (an MSRL stays visible forever)
    identity             the higher level (anonymous < known < confirmed)
    created_at           the earlier: the person has been known since then

Consent on a channel both contacts have: the later decision wins, and on a tie the
restrictive one (withdrawn, bounced), so a merge never re-grants what was withdrawn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from leadflow.domain.vocabulary import Identity

__all__ = ["TRUST_ORDER", "Outcome", "Side", "consent_winner", "survive", "trust"]

TRUST_ORDER: tuple[str, ...] = (
    "manual",
    "salesforce",
    "dynamics",
    "odoo",
    "zoho",
    "pipedrive",
    "hubspot",
    "marketo",
    "pardot",
    "mautic",
    "import",
    "form",
    "purchased",
)
_RANK = {name: len(TRUST_ORDER) - index for index, name in enumerate(TRUST_ORDER)}
_SURVIVOR_KEYS = frozenset({"email", "external_id"})
_IDENTITIES = frozenset(level.value for level in Identity)


def trust(source: str | None, purchased: bool = False) -> int:
    """Higher is more trusted; unknown import names rank as ``import``, none as ``form``."""
    if purchased:
        return _RANK["purchased"]
    if source is None:
        return _RANK["form"]
    return _RANK.get(source, _RANK["import"])


@dataclass(frozen=True)
class Side:
    """One contact as survivorship sees it."""

    values: Mapping[str, object]
    attributes: Mapping[str, object] = field(default_factory=dict)
    source: str | None = None
    updated_at: datetime | None = None
    purchased: bool = False

    @property
    def rank(self) -> tuple[int, datetime | None]:
        return trust(self.source, self.purchased), self.updated_at


@dataclass
class Outcome:
    """What the survivor must change: only the fields whose value differs."""

    values: dict[str, object] = field(default_factory=dict)
    attributes: dict[str, object] = field(default_factory=dict)


def survive(survivor: Side, merged: Side) -> Outcome:
    outcome = Outcome()
    merged_wins = _outranks(merged, survivor)
    for name in sorted(set(survivor.values) | set(merged.values)):
        mine, theirs = survivor.values.get(name), merged.values.get(name)
        value = _field(name, mine, theirs, merged_wins)
        if value != mine:
            outcome.values[name] = value
    for key in sorted(set(survivor.attributes) | set(merged.attributes)):
        mine, theirs = survivor.attributes.get(key), merged.attributes.get(key)
        value = _pick(mine, theirs, merged_wins)
        if value != mine:
            outcome.attributes[key] = value
    return outcome


def _outranks(merged: Side, survivor: Side) -> bool:
    """True when the merged contact's values beat the survivor's on a conflict."""
    merged_trust, merged_at = merged.rank
    survivor_trust, survivor_at = survivor.rank
    if merged_trust != survivor_trust:
        return merged_trust > survivor_trust
    return merged_at is not None and (survivor_at is None or merged_at > survivor_at)


def _field(name: str, mine: object, theirs: object, merged_wins: bool) -> object:
    if name == "purchased":
        return bool(mine) or bool(theirs)
    if name == "identity":
        levels = [Identity(v) for v in (mine, theirs) if isinstance(v, str) and v in _IDENTITIES]
        return max(levels, key=lambda level: level.rank).value if levels else mine
    if name == "created_at":
        moments = [v for v in (mine, theirs) if isinstance(v, datetime)]
        return min(moments) if moments else mine
    if name in _SURVIVOR_KEYS:
        return mine if _given(mine) else theirs
    return _pick(mine, theirs, merged_wins)


def _pick(mine: object, theirs: object, merged_wins: bool) -> object:
    if not _given(theirs):
        return mine
    if not _given(mine):
        return theirs
    return theirs if merged_wins else mine


def _given(value: object) -> bool:
    return value is not None and value != "" and value != {} and value != []


_RESTRICTIVE = frozenset({"withdrawn", "bounced"})


def consent_winner(
    mine: Mapping[str, object], theirs: Mapping[str, object]
) -> Mapping[str, object]:
    """Which of two consent records (``status``, ``at``) on one channel survives.

    The later one, and at the same moment the restrictive one (withdrawn, bounced). A
    plain grant never outranks a confirmation (double opt-in), whatever their moments:
    signing up to another list later says nothing against it, as imports
    (consent_rules.py) and the consent in force as of a moment read it.
    """
    statuses = {mine.get("status"), theirs.get("status")}
    if statuses == {"granted", "confirmed"}:
        return mine if mine.get("status") == "confirmed" else theirs
    mine_at, theirs_at = mine.get("at"), theirs.get("at")
    if isinstance(mine_at, datetime) and isinstance(theirs_at, datetime) and mine_at != theirs_at:
        return theirs if theirs_at > mine_at else mine
    if theirs.get("status") in _RESTRICTIVE and mine.get("status") not in _RESTRICTIVE:
        return theirs
    return mine
