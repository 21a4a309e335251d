"""What the analytics reports write in English, in the reader's language: their notes,
the back-test's title and metric names, and the few cell values that are words (the
whole population's group, stages, engagement bands, rejection reasons).

Section and column names are codes with labels (``labels.LABELS``); the rest of a
report is numbers, dates and the workspace's own names (channels, campaigns, reps).
"""

from __future__ import annotations

from leadflow.web.labels import N_
from leadflow.web.phrases import NUMBER, Kind, Phrase, Phrasebook, Speech

__all__ = ["METRICS", "NOTES", "TITLES", "report_cell", "report_note", "report_title"]

_STAGE = Kind(r"[^\s,;()]+", lambda value, speech: speech.stages.get(value, value))
_ID = Kind(r"\d+", lambda value, speech: value)  # a stored model's id or version, as is
_CODE = Kind(r"[A-Z]{3}", lambda value, speech: value)  # a currency, as ISO 4217 writes it

NOTES = Phrasebook(
    Phrase(
        N_(
            "leads: reached the stage or a later one; median_days: days from entering the "
            "stage to reaching the next, over the leads that stood in it and moved on"
        )
    ),
    Phrase(N_("MQL = reached %(mql)s, SQL = reached %(sql)s"), mql=_STAGE, sql=_STAGE),
    Phrase(N_("no costs.yaml: cost columns are empty")),
    Phrase(
        N_(
            "values in %(currency)s; deals in %(currencies)s converted at the exchange rates "
            "of costs.yaml"
        ),
        currency=_CODE,
    ),
    Phrase(
        N_(
            "values in %(currency)s; deals left out of them (no exchange rate in costs.yaml): "
            "%(counts)s"
        ),
        currency=_CODE,
    ),
    Phrase(N_("under-worked: given up after fewer than %(count)s attempts"), count=NUMBER),
    Phrase(N_("sales_ready_share: handed off, or sales-ready in the current qualification")),
    Phrase(N_("current scores: activity during the sales process counts too")),
    Phrase(N_("outcomes were produced by sales working the active definition's hand-offs")),
    Phrase(N_("explicit moves (recycling, disqualifying) are not replayed")),
    Phrase(
        N_(
            "learned model %(model)s (v%(version)s) cannot be loaded here: no prediction "
            "while it was active"
        ),
        model=_ID,
        version=_ID,
    ),
)

TITLES = Phrasebook(Phrase(N_("Back-test: %(candidate)s against %(active)s")))

# The back-test's summary rows.
METRICS = Phrasebook(
    Phrase(N_("contacts")),
    Phrase(N_("reached %(stage)s"), stage=_STAGE),
    Phrase(N_("MQL (stage)")),
    Phrase(N_("SQL (stage)")),
    Phrase(N_("MQL leads")),
    Phrase(N_("SQL leads")),
    Phrase(N_("median days to MQL")),
    Phrase(N_("median days to SQL")),
    Phrase(N_("won (all contacts)")),
    Phrase(N_("sales-ready")),
    Phrase(N_("median days to sales-ready")),
    Phrase(N_("sales-ready later won")),
    Phrase(N_("precision")),
    Phrase(N_("recall")),
    Phrase(N_("lift")),
)

# Columns whose text cells are stage ids (the back-test's active and candidate
# columns hold one in the "MQL (stage)" and "SQL (stage)" rows).
_STAGE_COLUMNS = frozenset({"stage", "active_stage", "candidate_stage", "active", "candidate"})


def report_note(note: str, speech: Speech) -> str:
    return NOTES.say(note, speech)


def report_title(title: str, speech: Speech) -> str:
    return TITLES.say(title, speech)


def report_cell(column: str, value: str, speech: Speech) -> str:
    """A text cell of a report in the language (numbers are formatted elsewhere)."""
    if column == "group":  # the whole population, or a channel when grouped by channel
        return speech.label("group" if value == "all" else "source", value)
    if column == "metric":
        return METRICS.say(value, speech)
    if column == "engagement":
        return speech.label("band", value)
    if column == "won":  # the back-test's changed leads: was the lead won
        return speech.label("answer", value)
    if column == "reason":
        return speech.label("reject", value)
    if column in _STAGE_COLUMNS:
        return speech.stages.get(value, value)
    return value
