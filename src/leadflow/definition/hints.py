"""What to write instead, for slips a marketer makes in a condition or a cut-off.

``validation`` says what was wrong; these add the line to write, in the words of the
file: ``equals: [vp, director]`` (several values are ``in``), ``range: 50-500`` (a
CRM's band, whose bounds are ``{min: 50, max: 500}``), ``between:`` (an operator from
another tool; the ones leadflow has are listed), a ``D`` cut-off (grade D is what
lies below C, so it has none) and ``within_days`` on an engagement rule (those fade
with ``half_life_days``; a hard cut-off is an event condition's).
"""

from __future__ import annotations

import re

from leadflow.definition.raw import LANGUAGE_PATTERN, STAGE_ID_PATTERN
from leadflow.definition.raw_condition import CONDITION_TAG_PREFIX, FIELD_OPERATORS
from leadflow.domain.keys import snake_case
from leadflow.domain.numbers import written_number
from leadflow.domain.yes_no import yes_no

__all__ = [
    "action_hint",
    "choice_hint",
    "count_hint",
    "engagement_hint",
    "flag_hint",
    "gate_recency_hint",
    "glob_list_hint",
    "grade_hint",
    "key_synonym",
    "labels_hint",
    "language_hint",
    "list_hint",
    "named_list_hint",
    "number_hint",
    "operator_hint",
    "operator_synonym",
    "recency_hint",
    "stage_id_hint",
    "stage_text_hint",
    "value_hint",
]

_FIELD_TEST = f"{CONDITION_TAG_PREFIX}field"
_EVENT_TEST = f"{CONDITION_TAG_PREFIX}event"
# How other tools (and a field test's at_least) say "this many events".
_COUNT_WORDS = frozenset({"count", "at_least", "times", "min", "minimum", "occurrences"})
# A band as CRMs export it: "50-500", "50 - 500", "50–500" (en dash).
_BAND = re.compile(r"\s*(\d+(?:\.\d+)?)\s*[-–]\s*(\d+(?:\.\d+)?)\s*")


def operator_hint(raw_loc: tuple[str | int, ...]) -> str | None:
    """An unknown key in a field test: the operators it takes."""
    if len(raw_loc) < 2 or raw_loc[-2] != _FIELD_TEST:
        return None
    return f"a field test takes one of {', '.join(FIELD_OPERATORS)}"


# Other tools' words for leadflow's operators (SQL, spreadsheets, CRMs' filters).
_OPERATOR_SYNONYMS: dict[str, str] = {
    **dict.fromkeys((">=", "gte", "ge", "min", "greater_or_equal", "from"), "at_least"),
    **dict.fromkeys(("<=", "lte", "le", "max", "less_or_equal", "to"), "at_most"),
    **dict.fromkeys(("==", "=", "eq", "is", "equal", "equal_to"), "equals"),
    **dict.fromkeys(("contains", "matches", "like", "match", "pattern"), "regex"),
    **dict.fromkeys(("one_of", "any_of", "is_one_of", "among", "values"), "in"),
    **dict.fromkeys(("present", "is_set", "has_value", "not_empty"), "exists"),
}
# ... and for the combinators, in the condition's leading key.
CONDITION_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("and", "all_of", "every", "both"), "all"),
    **dict.fromkeys(("or", "any_of", "one_of", "either"), "any"),
    **dict.fromkeys(("none", "nor", "except", "without", "none_of"), "not"),
}


def operator_synonym(raw_loc: tuple[str | int, ...]) -> str | None:
    """``'>=': 50`` in a field test: the operator meant (``at_least``)."""
    if len(raw_loc) < 2 or raw_loc[-2] != _FIELD_TEST or not isinstance(raw_loc[-1], str):
        return None
    return _OPERATOR_SYNONYMS.get(raw_loc[-1].casefold())


def action_hint(loc: tuple[str | int, ...], given: object) -> str | None:
    """``actions: [demo_request]``: a sales action is a matcher, ``{event: demo_request}``."""
    if len(loc) != 3 or loc[:2] != ("sales_actions", "actions"):
        return None
    if isinstance(given, list) and all(isinstance(item, str) for item in given):
        return f"write {{event: [{', '.join(given)}]}}"
    return f"write {{event: {given}}}" if isinstance(given, str) else None


def recency_hint(loc: tuple[str | int, ...]) -> str | None:
    """``within_days`` on one sales action: the window is the section's, one for all."""
    if len(loc) != 4 or loc[:2] != ("sales_actions", "actions") or loc[3] != "within_days":
        return None
    return (
        "how recent a sales action must be is set once, for every action: sales_actions.within_days"
    )


def count_hint(raw_loc: tuple[str | int, ...], given: object) -> str | None:
    """``{event: teammate_invited, count: 3}``: an event test counts with ``min_count``."""
    if len(raw_loc) < 2 or raw_loc[-2] != _EVENT_TEST or raw_loc[-1] not in _COUNT_WORDS:
        return None
    whole = isinstance(given, int) and not isinstance(given, bool) and given >= 1
    count = str(given) if whole else "N"
    return f"an event test counts matching events with min_count (write min_count: {count})"


def stage_text_hint(loc: tuple[str | int, ...], given: object) -> str | None:
    """``stages: [kontakt, anfrage]``: a stage is a mapping, named by its id."""
    is_stage = loc == ("stages",) or (len(loc) == 2 and loc[0] == "stages")
    if not is_stage or not isinstance(given, str):
        return None
    return f"write - id: {given} (a stage is its id and the condition under when)"


def list_hint(loc: tuple[str | int, ...], given: object) -> str | None:
    """``requires: kontakt``, ``in: DE``: one value where a list is due, as that list."""
    if loc == ("stages",):
        return stage_text_hint(loc, given)
    if not loc or not isinstance(loc[-1], str) or isinstance(given, dict | list | bool):
        return None
    if not isinstance(given, str | int | float):
        return None
    return f"write {loc[-1]}: [{given}]"


def stage_id_hint(loc: tuple[str | int, ...], given: object) -> str | None:
    """``id: Kontakt``, ``id: Erstkontakt Messe``: the id it may be, when there is one.

    In ``requires`` the text is usually a stage's label (``Contact`` for ``kontakt``):
    its snake_case would name no stage, so the hint says what requires names instead.
    """
    if len(loc) >= 2 and loc[-2] == "requires":
        return "requires names stages by their id, not by their label"
    meant = snake_case(given) if isinstance(given, str) else ""
    if not re.fullmatch(STAGE_ID_PATTERN, meant) or meant == given:
        return None
    return f"write {meant} (the labels carry the name as people read it)"


def value_hint(raw_loc: tuple[str | int, ...], given: object) -> str | None:
    """``equals`` given a list, ``range`` given text: the form meant."""
    if len(raw_loc) < 2 or raw_loc[-2] != _FIELD_TEST:
        return None
    if raw_loc[-1] == "equals" and isinstance(given, list):
        return f"to match any of several, write in: [{', '.join(map(str, given))}]"
    if raw_loc[-1] == "range" and not isinstance(given, dict):
        bounds = _bounds(given)
        if bounds is None:
            return "write range: {min: ..., max: ...} (either or both)"
        return f"write range: {{min: {bounds[0]}, max: {bounds[1]}}}"
    return None


def _bounds(given: object) -> tuple[str, str] | None:
    """The two bounds of ``50-500`` or ``[50, 500]``, as written."""
    if isinstance(given, list):
        numbers = [v for v in given if isinstance(v, int | float) and not isinstance(v, bool)]
        return (f"{numbers[0]:g}", f"{numbers[1]:g}") if len(given) == len(numbers) == 2 else None
    band = _BAND.fullmatch(str(given))
    return None if band is None else (band[1], band[2])


def grade_hint(loc: tuple[str | int, ...]) -> str | None:
    """``fit.grades.D``: no cut-off, since D is every score below C's."""
    if loc == ("fit", "grades", "D"):
        return "cut-offs are set for A, B and C (grade D is every score below C's)"
    return None


def engagement_hint(loc: tuple[str | int, ...], given: object) -> str | None:
    """``within_days`` on an engagement rule: they fade, a condition cuts off."""
    if len(loc) != 4 or loc[:2] != ("engagement", "rules") or loc[3] != "within_days":
        return None
    days = _days(given)
    return (
        f"engagement rules fade instead of stopping: half_life_days: {days} makes an event"
        f" worth half after {days} days (a quarter after {_twice(days)}); to require events"
        f" of the last {days} days, use an event condition such as"
        f" {{event: ..., within_days: {days}}} in a stage, fit rule or the sales-ready gate"
    )


def _days(given: object) -> str:
    """The days as written, when a number; else a placeholder the reader fills in."""
    if isinstance(given, int | float) and not isinstance(given, bool) and given > 0:
        return f"{given:g}"
    return "N"


def _twice(days: str) -> str:
    return "2N" if days == "N" else f"{float(days) * 2:g}"


# Other tools' (and languages') words for the keys of a rule, a stage and the gate, by
# where they stand ("[]" for any list index): scoring tools weigh with a "score" or
# "weight", decay with a "decay", cap with a "maximum".
_WHEN = dict.fromkeys(("condition", "conditions", "if", "rule", "criteria", "filter"), "when")
_POINTS = dict.fromkeys(("score", "weight", "value", "punkte", "punten", "poeng"), "points")
_KEY_SYNONYMS: dict[tuple[str, ...], dict[str, str]] = {
    ("fit", "rules", "[]"): {**_POINTS, **_WHEN},
    ("engagement", "rules", "[]"): {
        **_POINTS,
        **dict.fromkeys(("decay", "decay_days", "halflife", "fade"), "half_life_days"),
        **dict.fromkeys(("max", "maximum", "max_points", "limit", "max_score"), "cap"),
        **dict.fromkeys(("events", "type", "types", "event_type"), "event"),
    },
    ("bant", "[]", "[]"): _WHEN,
    ("stages", "[]"): {
        **_WHEN,
        **dict.fromkeys(("type", "owner", "team"), "kind"),
        **dict.fromkeys(("require", "depends_on", "after", "needs"), "requires"),
    },
    ("sales_ready",): {
        **_WHEN,
        **dict.fromkeys(("min_grade", "grade", "fit_grade", "minimum_grade"), "min_fit_grade"),
        **dict.fromkeys(("min_score", "engagement", "min_engagement_score"), "min_engagement"),
    },
}


def key_synonym(loc: tuple[str | int, ...]) -> str | None:
    """``score: 25`` on a fit rule, ``decay: 180`` on an engagement rule: the key meant."""
    if not loc or not isinstance(loc[-1], str):
        return None
    place = tuple("[]" if isinstance(part, int) else part for part in loc[:-1])
    if place[:1] == ("bant",):
        place = ("bant", "[]", *place[2:])
    return _KEY_SYNONYMS.get(place, {}).get(loc[-1].casefold())


def gate_recency_hint(loc: tuple[str | int, ...], given: object) -> str | None:
    """``within_days`` on the gate: the sales action's recency is the section's own."""
    if loc != ("sales_ready", "within_days"):
        return None
    days = _days(given)
    return (
        f"how recent the sales action must be is sales_actions.within_days (write"
        f" sales_actions: {{within_days: {days}}}); for other events, a condition in"
        f" sales_ready.when: {{event: ..., within_days: {days}}}"
    )


# A list of named things written as a mapping: the key is the item's id or name.
_NAMED_LISTS: dict[str, tuple[str, str]] = {
    "stages": ("stage, first to last", "id"),
    "rules": ("rule", "name"),
    **dict.fromkeys(("budget", "authority", "need", "timing"), ("rule", "name")),
}

# Keys of a stage or rule itself: a mapping holding one is an item, not items by name.
_ITEM_KEYS = frozenset({"id", "name", "when", "points", "event", "kind", "labels", "requires"})


def named_list_hint(loc: tuple[str | int, ...], given: object) -> str | None:
    """``stages: {kontakt: {...}}``: one list item per entry, its key as the id."""
    if not loc or not isinstance(given, dict) or not given:
        return None
    named = _NAMED_LISTS.get(str(loc[-1]))
    if named is None:
        return None
    noun, key = named
    if _ITEM_KEYS & set(given):  # one item without its dash, not items by name
        first, value = next(iter(given.items()))
        shown = value if isinstance(value, str | int | float) else "..."
        return f"a list item starts with a dash: - {first}: {shown}"
    return f"write one list item per {noun}, its key as the {key}: - {key}: {next(iter(given))}"


def number_hint(given: object, *, whole: bool) -> str | None:
    """``'40'``, ``75%``, ``'2,5'`` where a number is due: the number to write."""
    if not isinstance(given, str):
        return None
    number = written_number(given.strip().removesuffix("%"))
    if number is None or (whole and not number.is_integer()):
        return None
    return f"write {number:g}"


def labels_hint(loc: tuple[str | int, ...], given: object) -> str | None:
    """``labels: Trial sign-up``: the labels are one text per language."""
    if not loc or loc[-1] not in {"labels", "nurture", "disqualified"} or not given:
        return None
    if not isinstance(given, str):
        return None
    return f"write {loc[-1]}: {{en: {given}}} (one text per language code)"


def choice_hint(loc: tuple[str | int, ...], given: object, expected: str) -> str | None:
    """``kind: Sales``: the word meant, when only its case or blanks differ."""
    if not loc or not isinstance(given, str):
        return None
    words = re.findall(r"'([^']*)'", expected)
    meant = next((w for w in words if w.casefold() == given.strip().casefold()), None)
    return None if meant is None else f"write {loc[-1]}: {meant}"


def glob_list_hint(loc: tuple[str | int, ...], given: object) -> str | None:
    """``where: {feature: [a, b]}``: a glob is one pattern; how to match several."""
    if len(loc) < 2 or loc[-2] != "where" or not isinstance(given, list) or not given:
        return None
    texts = [str(item) for item in given]
    hint = f"a where glob is one pattern ({texts[0]}): for several values, one rule per value"
    glob = _shared_glob(texts)
    return hint if glob is None else f"{hint}, or a glob they all match ({glob!r})"


def _shared_glob(texts: list[str]) -> str | None:
    """``*_invoice`` for send_invoice and copy_invoice; ``rfq*`` for rfq-de and rfq-en."""
    if len(texts) < 2:
        return None
    suffix = _shared_start([text[::-1] for text in texts])[::-1]
    prefix = _shared_start(texts)
    if len(suffix) >= max(len(prefix), 3):
        return f"*{suffix}"
    return f"{prefix}*" if len(prefix) >= 3 else None


def _shared_start(texts: list[str]) -> str:
    """The longest text every one of ``texts`` starts with."""
    first, last = min(texts), max(texts)  # in sorted order, what these share all share
    pairs = zip(first, last, strict=False)
    size = next((i for i, (a, b) in enumerate(pairs) if a != b), None)
    return first if size is None else first[:size]


def flag_hint(given: object) -> str | None:
    """``once: yes``, ``require_sales_action: nein``: YAML 1.2 reads them as text."""
    flag = yes_no(given) if isinstance(given, str) else None
    return None if flag is None else f"write {str(flag).lower()}"


def language_hint(given: object) -> str | None:
    """``DE``, ``de_AT``: a language code is lower case, a region after a dash."""
    if not isinstance(given, str):
        return None
    language, _, region = given.strip().replace("_", "-").partition("-")
    code = language.lower() + (f"-{region}" if region else "")
    return f"write {code}" if code != given and re.fullmatch(LANGUAGE_PATTERN, code) else None
