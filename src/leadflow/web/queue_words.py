"""A queue item's next action and SLA clock in the reader's language.

The hand-off's queue (``services.queue``) states the next action as an English phrase
built from its parts; the page rebuilds it from the same parts so it can be
translated: the item's status, then the shape of the phrase the queue chose. A phrase
this module does not know is shown as the queue wrote it.
"""

from __future__ import annotations

import re
from datetime import datetime

from babel.dates import format_timedelta

from leadflow.services.queue import QueueItem
from leadflow.web import i18n
from leadflow.web.labels import LABELS, N_

__all__ = ["next_action_words", "sla_words"]

_ATTEMPT = re.compile(r"^(?P<channel>\w+) \(attempt (?P<number>\d+)\)$")
_DEAL = re.compile(r"^move the deal on \(stage (?P<stage>.+)\)$")
_PHRASES = {
    "accept or reject": N_("Accept or reject"),
    "book a meeting or send a quote (open an opportunity)": N_(
        "Book a meeting or send a quote (open an opportunity)"
    ),
    "close the lead (the cadence has no step left)": N_(
        "Close the lead (the cadence has no step left)"
    ),
    "reject: a customer now (they stay one)": N_("Reject: a customer now (they stay one)"),
    "close the lead: a customer now (they stay one)": N_(
        "Close the lead: a customer now (they stay one)"
    ),
}


def next_action_words(item: QueueItem, language: str) -> str:
    gettext = i18n.translations(language).gettext
    if item.next_action in _PHRASES:
        return gettext(_PHRASES[item.next_action])
    attempt = _ATTEMPT.match(item.next_action)
    if attempt is not None:
        channel = LABELS["channel"].get(attempt["channel"], attempt["channel"])
        return gettext("%(channel)s, attempt %(number)s") % {
            "channel": gettext(channel),
            "number": attempt["number"],
        }
    deal = _DEAL.match(item.next_action)
    if deal is not None:
        stage = LABELS["deal_stage"].get(deal["stage"])
        shown = deal["stage"] if stage is None else gettext(stage)
        return gettext("Move the deal on (stage %(stage)s)") % {"stage": shown}
    return item.next_action


def sla_words(item: QueueItem, now: datetime, language: str) -> str:
    """``in 3 hours`` or ``4 hours ago``: how long until (or since) the item is due."""
    if item.due_at is None:
        return ""
    locale = i18n.BABEL_LOCALES[language]
    return str(format_timedelta(item.due_at - now, add_direction=True, locale=locale))
