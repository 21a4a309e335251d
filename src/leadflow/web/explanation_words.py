"""The engine's explanation and verdicts in the reader's language.

``engine.explain`` writes one English line per point and verdict (the API returns
them, hand-offs keep them as the rep's "why"); ``engine.sales_ready`` gives the gate's
reason; the lifecycle and the hand-off services write why a lead moved. The pages
read each line back by its shape (``phrases``) and say it again: the words translated,
numbers in the language's conventions, event types, temperatures, lead types and
stages by their labels, and rule names, attribute paths, values and evidence as the
definition and the data have them.
"""

from __future__ import annotations

import re

from leadflow.domain.facts import BANT_KEYS
from leadflow.web.labels import LABELS, N_
from leadflow.web.phrases import (
    INSTANT,
    NUMBER,
    Kind,
    Phrase,
    Phrasebook,
    Speech,
    label_of,
    phrase_of,
)

__all__ = [
    "EXPLANATION",
    "MOVES",
    "SALES_READY",
    "explanation_line",
    "handoff_reason",
    "move_reason",
    "sales_ready_reason",
]

_EVENT = label_of("event")
# An event test as the definition describes it: event x, not (event x), (event x and ...).
_EVENT_TEST = Kind(r"[(]*(?:not [(])?[(]*event .+", lambda value, speech: value)
_GRADE = Kind(r"[A-Z]", lambda value, speech: value)
_POINTS = Kind(r"[-+]\d+\.\d\d", NUMBER.show)
_STAGE = Kind(r"[^\s,;()]+", lambda value, speech: speech.stages.get(value, value))


def _events(value: str, speech: Speech) -> str:
    """``call_request, demo_request``: each type by its label."""
    return ", ".join(speech.label("event", part) for part in value.split(", "))


_EVENTS = Kind(r"[^\s,;()]+(?:, [^\s,;()]+)*", _events)

# engine.sales_ready: why a lead is sales-ready or not. A pass names the fit grade and the
# recent sales action, then the engagement floor and the extra condition when the gate has
# them (definition.describe.gate_passed), each shape reading the one before it.
_PASSED = Phrasebook(
    Phrase(
        N_("fit grade %(grade)s and %(action)s %(age)s days ago"),
        grade=_GRADE,
        action=_EVENT,
        age=NUMBER,
    ),
    Phrase(N_("fit grade %(grade)s"), grade=_GRADE),
)
_PASSED_ENGAGED = Phrasebook(
    Phrase(
        N_("%(passed)s, engagement %(score)s (at least %(minimum)s)"),
        passed=phrase_of(_PASSED),
        score=NUMBER,
        minimum=NUMBER,
    ),
    *_PASSED.phrases,
)
# The gate's extras failing only when counted back from when leadflow learned of the facts
# (engine.sales_ready): the failure, then that moment.
_EXTRAS_FAILED = Phrasebook(
    Phrase(N_("engagement %(score)s is below %(minimum)s"), score=NUMBER, minimum=NUMBER),
    Phrase(N_("the gate's extra condition does not hold: %(condition)s")),
)
SALES_READY = Phrasebook(
    Phrase(
        N_("%(failed)s, counted back from %(moment)s, when leadflow learned of it"),
        failed=phrase_of(_EXTRAS_FAILED),
        moment=INSTANT,
    ),
    Phrase(N_("fit grade %(grade)s is below %(minimum)s"), grade=_GRADE, minimum=_GRADE),
    Phrase(N_("no sales-specific action yet")),
    Phrase(
        N_("last sales action %(action)s was %(age)s days ago (> %(within)s)"),
        action=_EVENT,
        age=NUMBER,
        within=NUMBER,
    ),
    Phrase(N_("engagement %(score)s is below %(minimum)s"), score=NUMBER, minimum=NUMBER),
    Phrase(N_("the gate's extra condition does not hold: %(condition)s")),
    Phrase(N_("the gate's extra condition does not hold")),  # reasons stored before it named it
    Phrase(
        N_("%(passed)s; the gate's extra condition holds: %(condition)s"),
        passed=phrase_of(_PASSED_ENGAGED),
    ),
    *_PASSED_ENGAGED.phrases,
)

_WORDS = {True: N_("yes"), False: N_("no"), None: N_("unknown")}
_VERDICTS = {"yes": True, "no": False, "unknown": None}
_CRITERION = r"{key} (?P<{key}>yes|no|unknown)(?: \((?P<{key}_evidence>.*)\))?"
_BANT_LIST = re.compile(", ".join(_CRITERION.format(key=key) for key in BANT_KEYS), re.DOTALL)


def _bant_list(value: str, speech: Speech) -> str:
    """``budget unknown, authority yes (evidence)``: criteria and verdicts translated."""
    found = _BANT_LIST.fullmatch(value)
    if found is None:
        return value
    parts = []
    for key in BANT_KEYS:
        verdict = speech.gettext(_WORDS[_VERDICTS[found[key]]])
        evidence = found[f"{key}_evidence"]
        shown = f"{speech.label('bant', key)} {verdict}"
        parts.append(shown if evidence is None else f"{shown} ({evidence})")
    return ", ".join(parts)


# engine.explain: the score, each point, then each verdict. The points' lines follow
# the kind of contribution: a rule's total, one event, what a cap removed, an attribute.
EXPLANATION = Phrasebook(
    Phrase(N_("fit %(score)s (grade %(grade)s)"), score=NUMBER, grade=_GRADE),
    Phrase(N_("fit points %(raw)s held within 0-100"), raw=NUMBER),
    Phrase(N_("engagement %(score)s"), score=NUMBER),
    Phrase(
        N_("BANT %(met)s of 4 met: %(temperature)s; %(criteria)s"),
        met=NUMBER,
        temperature=label_of("temperature"),
        criteria=Kind(r".+", _bant_list),
    ),
    Phrase(
        N_("prediction %(probability)s: the learned model's win probability"),
        probability=NUMBER,
    ),
    Phrase(N_("lead type %(type)s (purchased origin)"), type=label_of("lead_type")),
    Phrase(N_("lead type %(type)s"), type=label_of("lead_type")),
    Phrase(N_("sales-ready: yes: %(reason)s"), reason=phrase_of(SALES_READY)),
    Phrase(N_("sales-ready: no: %(reason)s"), reason=phrase_of(SALES_READY)),
    Phrase(N_("stage: none (no stage's rule holds)")),
    Phrase(N_("stage: %(stage)s (the furthest stage whose rule holds)"), stage=_STAGE),
    Phrase(N_("%(points)s %(rule)s: capped at %(cap)s"), points=_POINTS, cap=NUMBER),
    Phrase(
        N_("%(points)s %(rule)s: %(count)s x %(events)s, last %(age)s days ago, decay %(decay)s"),
        points=_POINTS,
        count=NUMBER,
        events=_EVENTS,
        age=NUMBER,
        decay=NUMBER,
    ),
    Phrase(
        N_("%(points)s %(rule)s: %(count)s x %(events)s, last %(age)s days ago"),
        points=_POINTS,
        count=NUMBER,
        events=_EVENTS,
        age=NUMBER,
    ),
    Phrase(
        N_("%(points)s %(rule)s: %(count)s x %(events)s, last"),
        points=_POINTS,
        count=NUMBER,
        events=_EVENTS,
    ),
    Phrase(
        N_("%(points)s %(rule)s: %(event)s %(detail)s, %(age)s days ago, decay %(decay)s"),
        points=_POINTS,
        event=_EVENT,
        age=NUMBER,
        decay=NUMBER,
    ),
    Phrase(
        N_("%(points)s %(rule)s: %(event)s, %(age)s days ago, decay %(decay)s"),
        points=_POINTS,
        event=_EVENT,
        age=NUMBER,
        decay=NUMBER,
    ),
    Phrase(
        N_("%(points)s %(rule)s: %(event)s %(detail)s, %(age)s days ago"),
        points=_POINTS,
        event=_EVENT,
        age=NUMBER,
    ),
    Phrase(
        N_("%(points)s %(rule)s: %(event)s, %(age)s days ago"),
        points=_POINTS,
        event=_EVENT,
        age=NUMBER,
    ),
    Phrase(N_("%(points)s %(rule)s: %(field)s = %(value)s"), points=_POINTS),
    # A fit rule on events only: its test, in the definition's notation.
    Phrase(N_("%(points)s %(rule)s: %(test)s"), points=_POINTS, test=_EVENT_TEST),
)

# Why a lead moved: the lifecycle's forward moves and the hand-off services' explicit
# ones (a free-text reason or note inside stays as it was typed).
MOVES = Phrasebook(
    Phrase(N_("entered the funnel")),
    Phrase(N_("moved forward: %(stage)s holds"), stage=_STAGE),
    Phrase(N_("re-qualified after recycling: %(action)s at %(at)s"), action=_EVENT, at=INSTANT),
    Phrase(N_("rejected by sales: %(reason)s: %(note)s"), reason=label_of("reject")),
    Phrase(N_("rejected by sales: %(reason)s"), reason=label_of("reject", r".+")),
    Phrase(N_("cadence ended without a connection (%(count)s attempts)"), count=NUMBER),
    Phrase(N_("closed by sales: %(reason)s")),
    Phrase(N_("deal won: %(reason)s")),
    Phrase(N_("deal won")),
    Phrase(N_("accepted from the unassigned queue")),
    Phrase(N_("re-assigned: accept SLA breached (due %(due)s)"), due=INSTANT),
)


def explanation_line(line: str, speech: Speech) -> str:
    """One line of an explanation, its indentation kept (the points under a score)."""
    text = line.lstrip(" ")
    return line[: len(line) - len(text)] + EXPLANATION.say(text, speech)


def sales_ready_reason(reason: str, speech: Speech) -> str:
    return SALES_READY.say(reason, speech)


def move_reason(reason: str, speech: Speech) -> str:
    return MOVES.say(reason, speech)


def handoff_reason(reason: str, speech: Speech) -> str:
    """A hand-off's answer: a rejection's ``code`` or ``code: note`` (the code by its
    label, the note as typed), else one of the moves' reasons."""
    code, separator, note = reason.partition(": ")
    if code in LABELS["reject"]:
        return speech.label("reject", code) + separator + note
    return MOVES.say(reason, speech)
