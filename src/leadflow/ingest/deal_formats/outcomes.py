"""Open, won or lost: what each CRM's words for a deal's stage or status mean.

A deal's outcome is read, in this order, from
    status          Pipedrive's ``open``/``won``/``lost`` (or a mapping's words for them)
    won, closed     Salesforce's IsWon and IsClosed flags: closed and won is won, closed
                    and not won is lost, not closed is open
    stage           a *closed* stage says won or lost (``Closed Won``, HubSpot's
                    ``closedwon``, German HubSpot's ``Abgeschlossen und gewonnen``);
                    every other stage is an open one, kept as the deal's stage

The closed-stage words below are the ones the built-in formats' sources write (see
docs/importing.md, *Importing deals*); a team's own closed stages ("Signed", "Churned")
are given in a mapping file (``values: {stage: {Signed: won}}``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from leadflow.ingest.countries import fold

__all__ = ["CLOSED_STAGES", "STATUS_WORDS", "stage_outcome", "status_word"]


def _folded(table: dict[str, tuple[str, ...]]) -> Mapping[str, str]:
    return MappingProxyType(
        {fold(word): status for status, words in table.items() for word in words}
    )


# Closed stages, any format: English labels and internal names, and the German ones
# HubSpot and Salesforce write (see the module doc for which).
CLOSED_STAGES: Mapping[str, str] = _folded(
    {
        "won": (
            "Closed Won",
            "closedwon",
            "Closed/Won",
            "Won",
            "Abgeschlossen und gewonnen",
            "Geschlossen und gewonnen",
        ),
        "lost": (
            "Closed Lost",
            "closedlost",
            "Closed/Lost",
            "Lost",
            "Abgeschlossen und verloren",
            "Geschlossen und verloren",
        ),
    }
)

# A status column's words (Pipedrive writes its API values in every language).
STATUS_WORDS: Mapping[str, str] = _folded(
    {
        "open": ("open", "Open"),
        "won": ("won", "Won", "Closed Won", "closedwon"),
        "lost": ("lost", "Lost", "Closed Lost", "closedlost"),
    }
)


def stage_outcome(stage: str, own: Mapping[str, str] | None = None) -> str:
    """``won``, ``lost`` or ``open`` for a stage label; ``own`` (folded label -> status,
    a layout's or mapping's) is asked first."""
    key = fold(stage)
    if own is not None and key in own:
        return own[key]
    return CLOSED_STAGES.get(key, "open")


def status_word(text: str, own: Mapping[str, str] | None = None) -> str | None:
    """``open``, ``won`` or ``lost`` for a status cell; None when it is no status word."""
    key = fold(text)
    if own is not None and key in own:
        return own[key]
    return STATUS_WORDS.get(key)
