"""The fact paths a condition may name, and what kind of value each holds.

The list mirrors the docstring of ``definition/model.py``: attribute namespaces
(``contact.``, ``account.``, ``source.``, ``consent.``) are open-ended or fixed per
namespace; derived paths are computed by qualification and therefore only usable where
qualification has computed them (stages and the sales-ready gate, not fit or BANT).
Knowing a path's kind lets the compiler refuse ``fit.grade at_least E`` or a regex on a
number at load time instead of letting a rule silently never match.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import Enum, StrEnum

from leadflow.definition.model import ATTRIBUTE_NAMESPACES, DERIVED_PATHS
from leadflow.domain.keys import snake_case
from leadflow.domain.vocabulary import Grade, Identity, LeadType, Temperature

__all__ = ["ORDERED_PATHS", "FactPath", "ValueKind", "resolve_path"]

# The scores with a fixed scale: a bound outside it is a test that never (or always)
# holds, most often a percentage written where the scale is 0-1 (prediction).
_SCALES: dict[str, tuple[float, float]] = {
    "fit.score": (0.0, 100.0),
    "bant.met": (0.0, 4.0),
    "prediction": (0.0, 1.0),
}


class ValueKind(Enum):
    ANY = "any"  # a free attribute: text or number
    TEXT = "text"
    NUMBER = "number"
    BOOL = "bool"
    ORDERED = "ordered"  # members of an ordered enum (grade, identity ...)
    CHOICE = "choice"  # one of a fixed set of words


@dataclass(frozen=True, slots=True)
class FactPath:
    path: str
    kind: ValueKind
    order: type[StrEnum] | None = None  # for ORDERED
    choices: tuple[str, ...] = ()  # for CHOICE
    scale: tuple[float, float] | None = None  # for NUMBER paths with a fixed scale

    @property
    def values(self) -> tuple[str, ...]:
        """The words this path may hold, for ORDERED and CHOICE paths."""
        if self.order is not None:
            return tuple(member.value for member in self.order)
        return self.choices


ORDERED_PATHS: dict[str, type[StrEnum]] = {
    "identity": Identity,
    "fit.grade": Grade,
    "temperature": Temperature,
    "lead_type": LeadType,
}

_DERIVED_KINDS: dict[str, ValueKind] = {
    "fit.score": ValueKind.NUMBER,
    "engagement.score": ValueKind.NUMBER,
    "bant.met": ValueKind.NUMBER,
    "sales.conversations": ValueKind.NUMBER,
    "opportunity.amount": ValueKind.NUMBER,
    "prediction": ValueKind.NUMBER,
    "bant.budget": ValueKind.BOOL,
    "bant.authority": ValueKind.BOOL,
    "bant.need": ValueKind.BOOL,
    "bant.timing": ValueKind.BOOL,
    "sales_ready": ValueKind.BOOL,
    "sales.accepted": ValueKind.BOOL,
}
_CHOICES: dict[str, tuple[str, ...]] = {
    "opportunity.status": ("open", "won", "lost"),
}
_SOURCE_KEYS: dict[str, ValueKind] = {
    "channel": ValueKind.TEXT,
    "purchased": ValueKind.BOOL,
    "campaign": ValueKind.TEXT,
    "medium": ValueKind.TEXT,
    "vendor": ValueKind.TEXT,
}
_CONTACT_DERIVED: dict[str, ValueKind] = {
    "email_domain": ValueKind.TEXT,
    "free_mail": ValueKind.BOOL,
}
_CONSENT_STATES: tuple[str, ...] = ("granted", "confirmed", "withdrawn", "bounced")
_ATTRIBUTE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def resolve_path(path: str, *, attributes_only: bool) -> FactPath:
    """Describe ``path``, or raise ValueError saying why a condition may not name it."""
    namespace, _, key = path.partition(".")
    if namespace in ATTRIBUTE_NAMESPACES:
        return _attribute_path(path, namespace, key)
    if path in DERIVED_PATHS:
        if attributes_only:
            raise ValueError(
                f"{path} is computed by qualification; fit and BANT rules may only name "
                "contact.*, account.*, source.* and consent.* paths"
            )
        return _derived_path(path)
    raise ValueError(
        f"unknown fact path {path!r}{_did_you_mean(path, _path_candidates(key))}; use "
        "contact.<attr>, account.<attr>, source.<key>, consent.<channel> or one of: "
        f"{', '.join(sorted(DERIVED_PATHS))}"
    )


def _path_candidates(key: str) -> list[str]:
    """The paths a misspelt one may have meant: every derived path, and the attribute
    namespaces with the same key (``acount.industry`` -> ``account.industry``)."""
    attributes = [f"{namespace}.{key}" for namespace in ATTRIBUTE_NAMESPACES] if key else []
    return [*sorted(DERIVED_PATHS), *attributes]


def _did_you_mean(written: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(written, candidates, n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _attribute_path(path: str, namespace: str, key: str) -> FactPath:
    if not _ATTRIBUTE.match(key):
        raise ValueError(_bad_attribute_name(path, namespace, key))
    if namespace == "source":
        if key not in _SOURCE_KEYS:
            meant = _did_you_mean(key, list(_SOURCE_KEYS))
            raise ValueError(
                f"unknown source key {key!r}{meant}; one of: {', '.join(_SOURCE_KEYS)}"
            )
        return FactPath(path, _SOURCE_KEYS[key])
    if namespace == "consent":
        return FactPath(path, ValueKind.CHOICE, choices=_CONSENT_STATES)
    if namespace == "contact" and key in _CONTACT_DERIVED:
        return FactPath(path, _CONTACT_DERIVED[key])
    return FactPath(path, ValueKind.ANY)


def _derived_path(path: str) -> FactPath:
    if path in ORDERED_PATHS:
        return FactPath(path, ValueKind.ORDERED, order=ORDERED_PATHS[path])
    if path in _CHOICES:
        return FactPath(path, ValueKind.CHOICE, choices=_CHOICES[path])
    return FactPath(path, _DERIVED_KINDS[path], scale=_SCALES.get(path))


def _bad_attribute_name(path: str, namespace: str, key: str) -> str:
    """Why ``key`` is no attribute name, with the key an import stores such a column under
    (``Größe`` -> ``grosse``) when that one is a name."""
    stored = snake_case(key)
    if stored == key or not _ATTRIBUTE.match(stored):
        return f"{path!r} needs an attribute name after {namespace}. (letters, _)"
    return (
        f"{path!r}: an attribute name is ASCII letters, digits and _ (an import stores a"
        f" column {key} as {stored}); write '{namespace}.{stored}'"
    )
