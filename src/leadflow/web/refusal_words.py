"""Why something was refused, in the reader's language.

The services refuse with one English line (``services.refusals.RefusedError`` and the
report, back-test and definition errors the pages pass on as such); the API and the
command line show it as it is, the pages say it again by its shape (``phrases``).
Every refusal a page can meet is here: the hand-off actions (accept, reject, attempts,
opportunities), BANT, users, API keys, webhooks, definitions, reports, and the pages'
own checks of their input. Names and values quoted in a refusal stay as given; a reject
reason and how a hand-off ended are named by their labels, as the queue names them.
"""

from __future__ import annotations

from leadflow.web.labels import N_
from leadflow.web.phrases import (
    QUOTED,
    REP,
    WORD,
    Phrase,
    Phrasebook,
    Speech,
    label_of,
    phrase_of,
    quoted_label_of,
)

__all__ = ["REFUSALS", "refusal_text"]

REFUSALS = Phrasebook(
    # services.feedback, cadence, opportunities, sales_work: the hand-off actions
    Phrase(
        N_(
            "contact %(contact)s's hand-off was %(status)s already; "
            "close the lead instead (leadflow close)"
        ),
        status=label_of("handoff"),
    ),
    Phrase(N_("reject reason %(code)s needs a note saying why"), code=quoted_label_of("reject")),
    Phrase(N_("unknown reject reason %(code)s (reasons: %(known)s)")),
    Phrase(N_("accept contact %(contact)s's hand-off first (leadflow accept)")),
    # services.cadence: an attempt or conversation logged with the moment it happened
    Phrase(
        N_(
            "at %(at)s is in the future (now is %(now)s): an attempt or conversation is "
            "logged once it happened"
        )
    ),
    Phrase(N_("%(at)s is before contact %(contact)s was handed off (%(handed_off)s)")),
    Phrase(
        N_(
            "contact %(contact)s's hand-off had ended by %(at)s (%(outcome)s on %(ended)s): "
            "it was not in sales' hands"
        )
    ),
    Phrase(
        N_("contact %(contact)s's hand-off was %(status)s by sales"),
        status=label_of("handoff"),
    ),
    Phrase(
        N_(
            "contact %(contact)s's hand-off was not accepted: reject it with a reason "
            "instead (leadflow reject)"
        )
    ),
    Phrase(
        N_(
            "contact %(contact)s withdrew %(consent)s consent (or the address bounced): "
            "no %(channel)s attempts"
        ),
        consent=label_of("consent_channel"),
        channel=label_of("channel"),
    ),
    Phrase(N_("closing a lead needs a reason (e.g. unresponsive, not_interested)")),
    Phrase(
        N_("unknown %(what)s %(value)s (one of: %(known)s)"),
        what=phrase_of(Phrasebook(Phrase(N_("channel")), Phrase(N_("outcome")))),
        value=QUOTED,
    ),
    Phrase(N_("accept contact %(contact)s's hand-off before opening a deal")),
    Phrase(
        N_(
            "contact %(contact)s's hand-off has an open opportunity already "
            "(%(opportunity)s): one deal per lead"
        )
    ),
    Phrase(N_("unknown deal stage %(stage)s (stages: %(stages)s)")),
    Phrase(N_("opportunity %(opportunity)s is in %(stage)s already")),
    Phrase(N_("unknown lost reason %(reason)s (reasons: %(known)s)")),
    Phrase(N_("no opportunity with id %(opportunity)s")),
    Phrase(N_("opportunity %(opportunity)s is %(status)s already")),
    Phrase(N_("amount %(amount)s must be zero or more")),
    Phrase(N_("expected close date %(day)s must fall between 2000 and 2100")),
    Phrase(N_("currency %(currency)s is not a three-letter ISO code (EUR, USD)")),
    Phrase(N_("contact %(contact)s has no hand-off in sales' hands")),
    Phrase(
        N_(
            "contact %(contact)s's last hand-off ended already (%(outcome)s): "
            "it is not in sales' hands"
        ),
        outcome=label_of("work_outcome"),
    ),
    Phrase(N_("rep %(key)s is deactivated: another rep must act (--rep / rep)")),
    Phrase(N_("no rep with key %(key)s")),
    Phrase(N_("the lead is unassigned: say which rep acts (--rep / rep)")),
    Phrase(N_("the SLA breach was just recorded by someone else; retry")),
    # services.bant, lead_detail
    Phrase(N_("unknown BANT criterion %(criterion)s; one of %(keys)s")),
    Phrase(N_("evidence is limited to %(limit)s characters")),
    Phrase(N_("no contact with id %(contact)s")),
    # services.users, api_keys, webhooks (and the e-mail address check they use)
    Phrase(N_("a user with e-mail %(email)s already exists")),
    Phrase(N_("no user %(user)s")),
    Phrase(N_("a name must have 1 to %(limit)s characters")),
    Phrase(N_("unknown role %(role)s; choose one of %(choices)s")),
    Phrase(N_("a password must have %(least)s to %(most)s characters")),
    Phrase(N_("unknown language %(language)s; choose one of %(choices)s")),
    Phrase(N_("e-mail %(email)s holds more than one address")),
    Phrase(N_("e-mail %(email)s is not valid: %(reason)s")),
    Phrase(N_("an API key named %(name)s already exists")),
    Phrase(N_("no API key with id %(key)s")),
    Phrase(N_("only a sales key is bound to a rep (--rep)")),
    Phrase(N_("a key name must have 1 to %(limit)s characters")),
    Phrase(N_("no webhook subscription with id %(webhook)s")),
    Phrase(N_("webhook URL %(url)s must be an absolute http(s) URL")),
    Phrase(N_("a webhook URL may have at most 2,000 characters")),
    Phrase(N_("choose kinds among %(kinds)s; got %(got)s")),
    # services.definitions, candidates
    Phrase(
        N_(
            "%(name)s version %(version)s is already recorded with other content; "
            "give the changed definition a new version"
        )
    ),
    Phrase(N_("the workspace has no active definition; run `leadflow init` first")),
    # services.reports, backtest
    Phrase(N_("unknown report %(name)s; reports: %(reports)s")),
    Phrase(N_("--by must be one of %(groups)s, got %(by)s")),
    Phrase(N_("--from %(start)s is not before --to %(stop)s")),
    Phrase(N_("--from %(start)s is in the future")),
    Phrase(N_("unknown time zone %(zone)s; give an IANA name such as Europe/Berlin")),
    Phrase(N_("--to %(to)s is in the future")),
    Phrase(N_("--step must be between 0 and 366 days, got %(step)s")),
    # the pages' own checks
    Phrase(N_("a definition file is limited to %(limit)s bytes")),
    Phrase(N_("the file is not UTF-8 text")),
    Phrase(N_("paste a definition or choose a file")),
    Phrase(N_("met must be one of %(choices)s")),
    Phrase(N_("unknown sort %(sort)s")),
    Phrase(N_("unknown %(key)s %(value)s"), key=WORD, value=QUOTED),
    Phrase(N_("%(text)s is not a date (YYYY-MM-DD)")),
    Phrase(N_("the period starts on %(start)s, after the day it ends (%(stop)s)")),
    Phrase(
        N_("contact %(contact)s is rep %(owner)s's lead; you act as rep %(rep)s only"),
        owner=REP,
        rep=REP,
    ),
    Phrase(
        N_("opportunity %(opportunity)s is rep %(owner)s's deal; you act as rep %(rep)s only"),
        owner=REP,
        rep=REP,
    ),
    Phrase(N_("you act as rep %(rep)s only, not as rep %(named)s"), rep=REP, named=REP),
    Phrase(N_("amount %(text)s is not a number")),
    Phrase(N_("no report %(name)s; reports: %(reports)s")),
    Phrase(N_("you cannot disable yourself; ask another administrator")),
)


def refusal_text(message: str, speech: Speech) -> str:
    return REFUSALS.say(message, speech)
