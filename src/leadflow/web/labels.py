"""The words the pages show for leadflow's codes: roles, temperatures, lead types,
attempt channels and outcomes, consent states, event types.

Each label is an English message id marked with ``N_`` (extracted into the catalogs,
translated when shown). A code without a label (a custom event type, a channel the
workspace made up) is shown as it is. Stage labels are not here: the definition
carries them in each language.
"""

from __future__ import annotations

from collections.abc import Mapping

from leadflow.definition.model import Definition

__all__ = ["LABELS", "N_", "stage_names"]


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    return message


LABELS: Mapping[str, Mapping[str, str]] = {
    "role": {
        "admin": N_("Administrator"),
        "marketing": N_("Marketing"),
        "sales": N_("Sales"),
    },
    "temperature": {
        "hot": N_("hot"),
        "warm": N_("warm"),
        "cold": N_("cold"),
        "unknown": N_("unknown"),
    },
    "lead_type": {
        "sql": N_("SQL (sales qualified)"),
        "srl": N_("SRL (sales ready)"),
        "iql": N_("IQL (information qualified)"),
        "mql": N_("MQL (marketing qualified)"),
        "msrl": N_("MSRL (purchased)"),
        "none": N_("none yet"),
    },
    "identity": {
        "anonymous": N_("anonymous"),
        "known": N_("known"),
        "confirmed": N_("confirmed"),
    },
    "consent": {
        "granted": N_("granted"),
        "confirmed": N_("confirmed (double opt-in)"),
        "withdrawn": N_("withdrawn"),
        "bounced": N_("bounced"),
    },
    "bant": {
        "budget": N_("Budget"),
        "authority": N_("Authority"),
        "need": N_("Need"),
        "timing": N_("Timing"),
    },
    "channel": {
        "call": N_("call"),
        "email": N_("e-mail"),
        "linkedin": N_("LinkedIn"),
        "meeting": N_("meeting"),
    },
    "outcome": {
        "no_answer": N_("no answer"),
        "voicemail": N_("voicemail"),
        "wrong_number": N_("wrong number"),
        "connected": N_("connected"),
        "meeting_booked": N_("meeting booked"),
    },
    "reject": {
        "bad_fit": N_("bad fit"),
        "no_budget": N_("no budget"),
        "wrong_person": N_("wrong person"),
        "duplicate": N_("duplicate"),
        "spam": N_("spam"),
        "not_ready": N_("not ready (back to nurture)"),
        "other": N_("other (say why in the note)"),
    },
    "handoff": {
        "open": N_("waiting for an answer"),
        "accepted": N_("accepted"),
        "rejected": N_("rejected"),
    },
    "event": {
        "page_view": N_("page view"),
        "email_open": N_("e-mail opened"),
        "email_click": N_("e-mail link clicked"),
        "email_bounce": N_("e-mail bounced"),
        "unsubscribe": N_("unsubscribed"),
        "newsletter_signup": N_("newsletter sign-up"),
        "form_submit": N_("form sent"),
        "content_download": N_("content downloaded"),
        "webinar_registration": N_("webinar registration"),
        "webinar_attendance": N_("webinar attended"),
        "event_attendance": N_("event attended"),
        "chat_started": N_("chat started"),
        "call_inbound": N_("called in"),
        "demo_request": N_("demo requested"),
        "trial_start": N_("trial started"),
        "quote_request": N_("quote requested"),
        "call_request": N_("call requested"),
        "meeting_booked": N_("meeting booked"),
    },
}


def stage_names(definition: Definition, language: str) -> dict[str, str]:
    """Every stage id of the definition (off-ramps too) -> its label in ``language``."""
    names = {stage.id: stage.label(language) for stage in definition.stages}
    for ramp, labels in definition.off_ramp_labels.items():
        names[ramp] = labels.get(language) or labels.get("en") or ramp
    return names
