"""Definition problems and the meaning diff in the reader's language.

A definition that cannot be used is reported as ``FILE:LINE: key.path: message``
(``definition.errors.LocatedProblem``); the page keeps the file, line and key path as
they are (they point into the YAML, which is English) and says the message again by
its shape (``phrases``): the validator's words for what was expected and given, the
compiler's and the condition checker's findings, YAML syntax errors. Values, keys and
names quoted in a message stay as written.

The meaning diff (``definition.diff.Change``) is structured: its kind, subject and
aspect are translated, its old and new values too when they are one of the diff's
summaries; conditions stay in their notation (``account.employees in 51..1000``).
"""

from __future__ import annotations

from leadflow.definition.diff import Change, ChangeKind
from leadflow.web import i18n
from leadflow.web.labels import N_
from leadflow.web.phrases import NUMBER, QUOTED, Kind, Phrase, Phrasebook, Speech, phrase_of

__all__ = [
    "ASPECTS",
    "PROBLEMS",
    "SUBJECTS",
    "VALUES",
    "WARNINGS",
    "change_text",
    "problem_text",
    "warning_text",
]


# What the validator says was expected, and what it says was given.
WANTED = Phrasebook(
    Phrase(N_("a mapping (key: value)")),
    Phrase(N_("a list")),
    Phrase(N_("text")),
    Phrase(N_("a number")),
    Phrase(N_("a whole number")),
    Phrase(N_("a finite number")),
    Phrase(N_("true or false")),
    Phrase(N_("lower-case letters, digits and _, starting with a letter")),
    Phrase(N_("a language code such as en, nl, de, fr, nb or pt-BR")),
    Phrase(N_("text matching %(pattern)s")),
    # pydantic's allowed values: 'marketing', 'sales' or 'customer'
    Phrase(N_("%(choices)s or %(last)s")),
)
GIVEN = Phrasebook(Phrase(N_("a mapping")), Phrase(N_("a list")), Phrase(N_("nothing")))
_WANTED = phrase_of(WANTED)
_GIVEN = phrase_of(GIVEN)

# What a field test says a fact holds (conditions.py).
_FACT_KIND = phrase_of(
    Phrasebook(
        Phrase(N_("is one of %(words)s")),
        Phrase(N_("is text")),
        Phrase(N_("is a number")),
        Phrase(N_("is true or false")),
        Phrase(N_("holds any value")),
    )
)

# PyYAML's own words for the commonest syntax errors (the candidate check reports the
# problem part only: "YAML syntax: ...").
YAML = Phrasebook(
    Phrase(N_("mapping values are not allowed here")),
    Phrase(N_("sequence entries are not allowed here")),
    Phrase(N_("could not find expected ':'")),
    Phrase(N_("found unexpected end of stream")),
    Phrase(N_("found character %(character)s that cannot start any token")),
    Phrase(N_("found undefined alias %(name)s")),
    Phrase(N_("found unknown escape character %(character)s")),
    Phrase(N_("expected <block end>, but found %(token)s")),
    Phrase(N_("expected ',' or '}', but got %(token)s")),
    Phrase(N_("expected ',' or ']', but got %(token)s")),
    Phrase(N_("expected the node content, but found %(token)s")),
    Phrase(N_("expected a comment or a line break, but found %(character)s")),
    Phrase(N_("expected a single document in the stream")),
    Phrase(N_("invalid indentation or unclosed '[' or '{'")),
    Phrase(N_("not valid YAML")),
)

# Every message the loader, the validator, the compiler and the condition checker
# write (definition/*.py, services/candidates.py), the more specific first.
PROBLEMS = Phrasebook(
    # validation.py
    Phrase(N_("required key missing")),
    Phrase(N_("this leadflow reads schema_version 1, got %(given)s"), given=_GIVEN),
    Phrase(
        N_(
            "expected a number of days, got %(given)s: write %(days)s (counting a month as 30 days)"
        ),
        given=_GIVEN,
        days=NUMBER,
    ),
    Phrase(
        N_(
            "expected a number of days, got %(given)s: write %(days)s (counting a year as 365 days)"
        ),
        given=_GIVEN,
        days=NUMBER,
    ),
    Phrase(
        N_("expected a number of days, got %(given)s: write %(days)s"), given=_GIVEN, days=NUMBER
    ),
    # hints.py: the line to write, before the plainer shapes they extend
    Phrase(
        N_("expected %(wanted)s, got %(given)s; write range: {min: %(min)s, max: %(max)s}"),
        wanted=_WANTED,
        given=_GIVEN,
        min=NUMBER,
        max=NUMBER,
    ),
    Phrase(
        N_(
            "expected %(wanted)s, got %(given)s; write range: {min: ..., max: ...} (either or both)"
        ),
        wanted=_WANTED,
        given=_GIVEN,
    ),
    Phrase(
        N_(
            "expected %(wanted)s, got %(given)s; write %(id)s (the labels carry the name as"
            " people read it)"
        ),
        wanted=_WANTED,
        given=_GIVEN,
    ),
    Phrase(
        N_(
            "expected %(wanted)s, got %(given)s; requires names stages by their id, not by"
            " their label"
        ),
        wanted=_WANTED,
        given=_GIVEN,
    ),
    Phrase(
        N_(
            "expected %(wanted)s, got %(given)s; write one list item per stage, first to last,"
            " its key as the id: - id: %(first)s"
        ),
        wanted=_WANTED,
        given=_GIVEN,
    ),
    Phrase(
        N_(
            "expected %(wanted)s, got %(given)s; write one list item per rule, its key as the"
            " name: - name: %(first)s"
        ),
        wanted=_WANTED,
        given=_GIVEN,
    ),
    Phrase(
        N_(
            "expected %(wanted)s, got %(given)s; write - id: %(id)s (a stage is its id and the"
            " condition under when)"
        ),
        wanted=_WANTED,
        given=_GIVEN,
    ),
    Phrase(
        N_("expected %(wanted)s, got %(given)s; a list item starts with a dash: - %(line)s"),
        wanted=_WANTED,
        given=_GIVEN,
    ),
    Phrase(
        N_(
            "expected %(wanted)s, got %(given)s; write %(key)s: {en: %(text)s} (one text per"
            " language code)"
        ),
        wanted=_WANTED,
        given=_GIVEN,
    ),
    Phrase(
        N_(
            "expected %(wanted)s, got %(given)s; a where glob is one pattern (%(first)s): for"
            " several values, one rule per value, or a glob they all match (%(glob)s)"
        ),
        wanted=_WANTED,
        given=_GIVEN,
    ),
    Phrase(
        N_(
            "expected %(wanted)s, got %(given)s; a where glob is one pattern (%(first)s): for"
            " several values, one rule per value"
        ),
        wanted=_WANTED,
        given=_GIVEN,
    ),
    Phrase(N_("expected %(wanted)s, got %(given)s; write %(line)s"), wanted=_WANTED, given=_GIVEN),
    Phrase(
        N_(
            "expected a single value (text, number, true or false); to match any of"
            " several, write in: [%(values)s]"
        )
    ),
    Phrase(N_("unknown key %(key)s; a field test takes one of %(operators)s")),
    Phrase(
        N_(
            "unknown key %(key)s; how recent a sales action must be is set once, for every"
            " action: sales_actions.within_days"
        )
    ),
    Phrase(
        N_(
            "unknown key %(key)s; how recent the sales action must be is"
            " sales_actions.within_days (write sales_actions: {within_days: %(days)s}); for"
            " other events, a condition in sales_ready.when: {event: ..., within_days:"
            " %(days)s}"
        )
    ),
    Phrase(
        N_(
            "unknown key %(key)s; an event test counts matching events with min_count"
            " (write min_count: %(count)s)"
        )
    ),
    Phrase(
        N_(
            "unknown key %(key)s; cut-offs are set for A, B and C (grade D is every score"
            " below C's)"
        )
    ),
    Phrase(N_("expected %(wanted)s, got %(given)s"), wanted=_WANTED, given=_GIVEN),
    Phrase(N_("must not be empty")),
    Phrase(N_("string should have at least 1 character")),
    Phrase(N_("string should have at least %(count)s characters"), count=NUMBER),
    Phrase(N_("needs at least %(count)s items"), count=NUMBER),
    Phrase(N_("must be greater than %(limit)s, got %(given)s"), given=_GIVEN),
    Phrase(N_("must be at least %(limit)s, got %(given)s"), given=_GIVEN),
    Phrase(N_("must be less than %(limit)s, got %(given)s"), given=_GIVEN),
    Phrase(N_("must be at most %(limit)s, got %(given)s"), given=_GIVEN),
    Phrase(N_("unknown key %(key)s; did you mean %(suggestion)s?")),
    Phrase(N_("unknown key %(key)s; it belongs under %(section)s: indent it there")),
    Phrase(
        N_(
            "unknown key %(key)s; it belongs under one of %(sections)s: indent it under "
            "the one meant"
        )
    ),
    Phrase(N_("unknown key %(key)s")),
    Phrase(
        N_(
            "a condition is a mapping with one of the keys field, event, all, any or not"
            " (found: %(keys)s); did you mean %(suggestion)s?"
        )
    ),
    Phrase(
        N_(
            "a condition is a mapping with one of the keys field, event, all, any or not"
            " (found: %(keys)s)"
        )
    ),
    Phrase(
        N_(
            "a condition is a mapping with one of the keys field, event, all, any or not"
            ", got %(given)s"
        ),
        given=_GIVEN,
    ),
    Phrase(N_("a condition is a mapping with one of the keys field, event, all, any or not")),
    Phrase(N_("the file is empty; a definition is a mapping of keys (see schema)")),
    Phrase(N_("the file is a %(type)s; a definition is a mapping of keys (see schema)")),
    # raw.py, raw_condition.py, raw_handoff.py
    Phrase(N_("quote the version (version: '...'); YAML read it as the number %(number)s")),
    Phrase(N_("grade cut-offs must decrease A > B > C (got A %(a)s, B %(b)s, C %(c)s)")),
    Phrase(
        N_(
            "temperature cut-offs must decrease hot > warm > cold "
            "(got hot %(hot)s, warm %(warm)s, cold %(cold)s)"
        )
    ),
    Phrase(N_("expected a single value (text, number, true or false)")),
    Phrase(N_("give min, max or both")),
    Phrase(N_("min %(min)s is greater than max %(max)s")),
    Phrase(N_("invalid regular expression: %(error)s")),
    Phrase(N_("a field test needs exactly one of %(operators)s (found: %(found)s)")),
    Phrase(N_("a named-account rule goes to the account's owner; drop `team`")),
    Phrase(N_("a cadence needs at least one call or e-mail")),
    Phrase(N_("min_attempts (%(minimum)s) exceeds the cadence's %(count)s attempts")),
    # compiler.py, compile_handoff.py
    Phrase(N_("duplicate rule name %(name)s (also %(other)s)")),
    Phrase(N_("duplicate reject reason %(name)s (also %(other)s)")),
    Phrase(N_("duplicate opportunity stage %(name)s (also %(other)s)")),
    Phrase(N_("duplicate lost reason %(name)s (also %(other)s)")),
    Phrase(N_("duplicate stage id %(stage)s (also %(other)s)")),
    Phrase(N_("%(stage)s is an off-ramp every definition has; label it in off_ramps")),
    Phrase(N_("unknown stage %(stage)s (stages: %(known)s)")),
    Phrase(N_("stage %(stage)s requires itself")),
    Phrase(N_("%(stage)s is entered only by hand; a rule cannot require it")),
    Phrase(N_("cycle: %(path)s")),
    Phrase(
        N_(
            "%(later)s comes after %(stage)s: wherever %(stage_id)s's rule holds %(later_id)s's"
            " holds too, and the last stage whose rule holds wins, so nobody could ever be in"
            " %(stage_id2)s; require earlier stages only"
        )
    ),
    Phrase(N_("routing conditions test who the lead is, not events; drop the event test")),
    # conditions.py, paths.py
    Phrase(N_("%(field)s cannot be used here (it depends on this rule)")),
    Phrase(
        N_(
            "%(key)s compares numbers, or the ordered facts fit.grade, identity, temperature "
            "and lead_type; got %(value)s for %(path)s; write %(line)s"
        )
    ),
    Phrase(
        N_(
            "%(key)s compares numbers, or the ordered facts fit.grade, identity, temperature "
            "and lead_type; got %(value)s for %(path)s"
        )
    ),
    Phrase(
        N_(
            "prediction is a probability from 0 to 1 (a model's win chance); got %(bound)s:"
            " write %(fraction)s if %(percent)s is a percentage"
        ),
        bound=NUMBER,
        fraction=NUMBER,
        percent=NUMBER,
    ),
    Phrase(
        N_("prediction is a probability from 0 to 1 (a model's win chance); got %(bound)s"),
        bound=NUMBER,
    ),
    Phrase(
        N_("%(path)s is from %(low)s to %(high)s; got %(bound)s"),
        low=NUMBER,
        high=NUMBER,
        bound=NUMBER,
    ),
    Phrase(N_("range compares numbers; %(path)s %(kind)s"), kind=_FACT_KIND),
    Phrase(N_("regex searches text; %(path)s %(kind)s"), kind=_FACT_KIND),
    Phrase(N_("%(path)s is a number; got %(value)s; write %(line)s")),
    Phrase(N_("%(path)s is a number; got %(value)s")),
    Phrase(N_("%(path)s is true or false; got %(value)s; write %(line)s")),
    Phrase(N_("%(path)s is true or false; got %(value)s")),
    Phrase(N_("%(path)s is one of %(words)s; got %(value)s; write %(line)s")),
    Phrase(N_("%(path)s is one of %(words)s; got %(value)s")),
    Phrase(
        N_(
            "%(path)s is computed by qualification; fit and BANT rules may only name "
            "contact.*, account.*, source.* and consent.* paths"
        )
    ),
    Phrase(
        N_(
            "unknown fact path %(path)s (did you mean %(suggestion)s?); use contact.<attr>, "
            "account.<attr>, source.<key>, consent.<channel> or one of: %(paths)s"
        )
    ),
    Phrase(
        N_(
            "unknown fact path %(path)s; use contact.<attr>, account.<attr>, source.<key>, "
            "consent.<channel> or one of: %(paths)s"
        )
    ),
    Phrase(N_("%(path)s needs an attribute name after %(namespace)s. (letters, _)")),
    Phrase(
        N_(
            "%(path)s: an attribute name is ASCII letters, digits and _ (an import stores a"
            " column %(key)s as %(stored)s); write %(written)s"
        )
    ),
    Phrase(N_("unknown source key %(key)s (did you mean %(suggestion)s?); one of: %(keys)s")),
    Phrase(N_("unknown source key %(key)s; one of: %(keys)s")),
    # document.py, loader.py, services/candidates.py
    Phrase(N_("character %(code)s is not allowed in YAML")),
    Phrase(
        N_(
            "an alias stands inside the anchor it names, so the list or mapping would hold"
            " itself; copy the values it should repeat instead"
        )
    ),
    Phrase(
        N_(
            "the aliases expand to more than %(count)s values; a definition is far smaller:"
            " copy the values an alias should repeat instead"
        )
    ),
    Phrase(N_("duplicate key %(key)s (first at line %(line)s)"), line=NUMBER),
    Phrase(
        N_(
            "YAML reads %(written)s as the decimal number %(value)s; write %(meant)s if the"
            " point separates thousands"
        )
    ),
    Phrase(
        N_(
            "YAML reads %(written)s inside {...} as %(number)s followed by a key %(key)s (a"
            " comma separates entries); write %(meant)s, without a thousands separator"
        )
    ),
    Phrase(N_("YAML syntax: %(problem)s"), problem=phrase_of(YAML)),
    Phrase(N_("expected a preset name or a relative file name")),
    Phrase(N_("only a preset can be extended here, not %(name)s (presets: %(presets)s)")),
    Phrase(N_("over the API a definition may only extend a preset (%(presets)s)")),
)


# What ``leadflow definition validate`` warns about (definition/lint.py): a definition
# that loads but cannot work as written.
WARNINGS = Phrasebook(
    Phrase(
        N_(
            "url pattern %(pattern)s matches only a url that is exactly this text, and the"
            " website snippet sends whole urls (https://site/path?query); write %(glob)s,"
            " unless your events carry exactly this text"
        ),
        pattern=QUOTED,
        glob=QUOTED,
    ),
    Phrase(
        N_(
            "no lead can ever be sales-ready: grade %(grade)s needs a fit score of at least"
            " %(cutoff)s, and the fit rules' positive points add up to %(best)s; lower"
            " min_fit_grade or the grade's cut-off (fit.grades), or add fit rules"
        ),
        cutoff=NUMBER,
        best=NUMBER,
    ),
    Phrase(
        N_(
            "no lead can ever be sales-ready: grade %(grade)s needs a fit score of at least"
            " %(cutoff)s, and there are no fit rules, so every fit score is 0 (grade D); write"
            " min_fit_grade: D to hand off without a fit test, or add fit rules"
        ),
        cutoff=NUMBER,
    ),
    Phrase(
        N_(
            "every contact of fit grade %(grade)s or better is sales-ready without having done"
            " anything: no sales action is required, and the gate has no when and no"
            " min_engagement; put the signal that should open the gate (usage, a request) in"
            " sales_ready.when, or require the sales action"
        )
    ),
    Phrase(
        N_(
            "event type %(kind)s is not a standard type; did you mean %(standard)s? (a custom"
            " type scores only events sent with exactly that type)"
        ),
        kind=QUOTED,
        standard=QUOTED,
    ),
    Phrase(
        N_(
            "%(path)s is not a key imports store (they store the column %(key)s as"
            " %(stored)s); write %(namespace)s.%(stored)s, unless the API sends exactly"
            " this key"
        )
    ),
    Phrase(
        N_(
            "%(path)s holds ISO codes, so %(value)s never matches (a country is stored as its"
            " code); write %(code)s"
        ),
        value=QUOTED,
    ),
    Phrase(
        N_(
            "%(path)s holds ISO codes, so %(value)s never matches (it is not a country name"
            " or code); list the countries' codes (DE, NL ...)"
        ),
        value=QUOTED,
    ),
    Phrase(
        N_(
            "imports store the channel %(value)s as %(stored)s, so it never matches an"
            " imported contact; write %(word)s, unless the API sends exactly this text"
        ),
        value=QUOTED,
        stored=QUOTED,
    ),
    Phrase(
        N_(
            "conversation outcome %(outcome)s is never recorded: conversations are logged and"
            " imported as interested, not_interested or no_decision, so it never makes an"
            " SQL; did you mean %(meant)s?"
        ),
        outcome=QUOTED,
        meant=QUOTED,
    ),
    Phrase(
        N_(
            "conversation outcome %(outcome)s is never recorded: conversations are logged and"
            " imported as interested, not_interested or no_decision, so it never makes an SQL"
        ),
        outcome=QUOTED,
    ),
)


def warning_text(message: str, speech: Speech) -> str:
    """A definition warning's message (not its key path, which stays as it is)."""
    return WARNINGS.say(message, speech)


def problem_text(message: str, speech: Speech) -> str:
    """A problem's message (not its FILE:LINE: key.path, which stays as it is)."""
    return PROBLEMS.say(message, speech)


# --- the meaning diff ------------------------------------------------------------------

SUBJECTS = Phrasebook(
    Phrase(N_("stage order")),
    Phrase(N_("stage %(stage)s")),
    Phrase(N_("fit rule order")),
    Phrase(N_("fit rule %(name)s"), name=QUOTED),
    Phrase(N_("fit grades")),
    Phrase(N_("engagement rule order")),
    Phrase(N_("engagement rule %(name)s"), name=QUOTED),
    Phrase(N_("BANT %(criterion)s rule order")),
    Phrase(N_("BANT %(criterion)s rule %(name)s"), name=QUOTED),
    Phrase(N_("assets")),
    Phrase(N_("sales actions")),
    Phrase(N_("sales-ready gate")),
    Phrase(N_("temperature")),
    Phrase(N_("lead types")),
    Phrase(N_("off-ramp %(ramp)s")),
    Phrase(N_("free-mail domains")),
    Phrase(N_("hand-off routing")),
    Phrase(N_("hand-off SLA")),
    Phrase(N_("hand-off cadence")),
    Phrase(N_("hand-off reject reasons")),
    Phrase(N_("hand-off opportunities")),
)

ASPECTS = Phrasebook(
    *(
        Phrase(message)
        for message in (
            N_("condition"),
            N_("requires"),
            N_("kind"),
            N_("set by hand"),
            N_("points"),
            N_("events"),
            N_("half-life days"),
            N_("cap"),
            N_("once"),
            N_("product-specific"),
            N_("general"),
            N_("property"),
            N_("actions"),
            N_("within days"),
            N_("minimum fit grade"),
            N_("requires a sales action"),
            N_("minimum engagement"),
            N_("extra condition"),
            N_("hot from criteria met"),
            N_("warm from criteria met"),
            N_("cold from criteria met"),
            N_("own actions"),
            N_("SQL outcomes"),
            N_("met"),
            N_("evidence"),
            N_("order"),
            N_("rules"),
            N_("fallback to any rep"),
            N_("accept within hours"),
            N_("first touch within hours"),
            N_("re-assign on breach"),
            N_("calls"),
            N_("e-mails"),
            N_("business days"),
            N_("minimum attempts"),
            N_("reasons"),
            N_("stages"),
            N_("lost reasons"),
            N_("lost recycles"),
        )
    ),
    Phrase(N_("label (%(language)s)")),
    Phrase(N_("%(grade)s from")),
)

_STAGE_KIND = Kind(
    r"marketing|sales|customer", lambda value, speech: speech.label("stage_kind", value)
)

# The diff's values: its summaries of an added or removed item, and plain values.
VALUES = Phrasebook(
    Phrase(N_("true")),
    Phrase(N_("false")),
    Phrase(N_("none")),
    Phrase(
        N_("position %(position)s, %(kind)s, when %(condition)s"),
        position=NUMBER,
        kind=_STAGE_KIND,
    ),
    Phrase(N_("%(kind)s, when %(condition)s"), kind=_STAGE_KIND),
    Phrase(N_("%(points)s points when %(condition)s"), points=NUMBER),
    Phrase(
        N_("%(points)s points per %(events)s, half-life %(days)s days"),
        points=NUMBER,
        days=NUMBER,
    ),
    Phrase(N_("%(points)s points per %(events)s, no decay"), points=NUMBER),
    Phrase(N_("not met when %(condition)s")),
    Phrase(N_("met when %(condition)s")),
)

_CHANGES = {
    (ChangeKind.ADDED, True): N_("%(subject)s: added (%(new)s)"),
    (ChangeKind.ADDED, False): N_("%(subject)s: added"),
    (ChangeKind.REMOVED, True): N_("%(subject)s: removed (was %(old)s)"),
    (ChangeKind.REMOVED, False): N_("%(subject)s: removed"),
    (ChangeKind.CHANGED, True): N_("%(subject)s: %(aspect)s: %(old)s -> %(new)s"),
    (ChangeKind.CHANGED, False): N_("%(subject)s: %(old)s -> %(new)s"),
}


def change_text(change: Change, speech: Speech) -> str:
    """One line of the meaning diff: ``str(change)`` in English, translated otherwise."""
    if speech.language == i18n.DEFAULT_LANGUAGE:
        return str(change)
    kind = ChangeKind.CHANGED if change.kind is ChangeKind.REORDERED else change.kind
    detail = {
        ChangeKind.ADDED: bool(change.new),
        ChangeKind.REMOVED: bool(change.old),
        ChangeKind.CHANGED: bool(change.aspect),
    }[kind]
    # A stage's kind is a code (marketing, sales, customer) shown by its label.
    value = _STAGE_KIND.show if change.aspect == "kind" else VALUES.say
    values = {
        "subject": SUBJECTS.say(change.subject, speech),
        "aspect": ASPECTS.say(change.aspect or "", speech),
        "old": value(change.old or "", speech),
        "new": value(change.new or "", speech),
    }
    return speech.gettext(_CHANGES[kind, detail]) % values
