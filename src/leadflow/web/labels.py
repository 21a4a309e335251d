"""The words the pages show for leadflow's codes: roles, temperatures, lead types,
attempt channels and outcomes, consent states, event types, stage kinds, report values.

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
    # An API key's role: the users' roles, and one for tools that only push data.
    "key_role": {
        "admin": N_("Administrator"),
        "marketing": N_("Marketing"),
        "sales": N_("Sales"),
        "ingest": N_("Ingest (events and forms only)"),
    },
    # Acquisition channels as leadflow names them (domain.vocabulary.ACQUISITION_CHANNELS).
    "source": {
        "organic_search": N_("organic search"),
        "paid_search": N_("paid search"),
        "linkedin": N_("LinkedIn"),
        "paid_social": N_("paid social"),
        "events": N_("events and trade shows"),
        "webinar": N_("webinar"),
        "newsletter": N_("newsletter"),
        "referral": N_("referral"),
        "direct": N_("direct"),
        "outbound_list": N_("outbound list"),
        "purchased": N_("purchased list"),
        "other": N_("other"),
    },
    # A learned model's learner, as its card names it (learn/predictive.py).
    "learner": {
        "gradient_boosting": N_("gradient boosting"),
        "logistic_regression": N_("logistic regression"),
    },
    "temperature": {
        "hot": N_("hot"),
        "warm": N_("warm"),
        "cold": N_("cold"),
        "unknown": N_("unknown"),
    },
    "lead_type": {
        "sql": N_("SQL (sales qualified)"),
        # The type says what the lead did; whether it may go to sales now is the gate's
        # "sales-ready", shown beside it and often "no" for an old request.
        "srl": N_("SRL (asked for sales)"),
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
    # leadflow's levels of seniority (imports read a CRM's words into them: ingest.values);
    # a level outside them shows as stored.
    "seniority": {
        "c_level": N_("C-level"),
        "vp": N_("vice president"),
        "director": N_("director"),
        "manager": N_("manager"),
        "individual": N_("individual contributor"),
        "student": N_("student or intern"),
    },
    # The channels a consent is given on (consents.channel).
    "consent_channel": {
        "email": N_("e-mail"),
        "phone": N_("phone"),
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
    "conversation": {
        "interested": N_("interested"),
        "not_interested": N_("not interested"),
        "no_decision": N_("no decision"),
    },
    "opportunity": {
        "open": N_("open"),
        "won": N_("won"),
        "lost": N_("lost"),
    },
    # The definition's default deal stages (handoff.opportunity.stages); a team's own
    # stages show as written.
    "deal_stage": {
        "qualification": N_("qualification"),
        "discovery": N_("discovery"),
        "proposal": N_("proposal"),
        "negotiation": N_("negotiation"),
    },
    "handoff": {
        "open": N_("waiting for an answer"),
        "accepted": N_("accepted"),
        "rejected": N_("rejected"),
    },
    # How sales' work on a hand-off ended (handoff_work.outcome): a refusal names it.
    "work_outcome": {
        "rejected": N_("rejected"),
        "recycled": N_("recycled"),
        "disqualified": N_("disqualified"),
        "cadence_ended": N_("cadence ended"),
        "closed": N_("closed (stays a customer)"),
        "merged": N_("merged"),
        "won": N_("won"),
        "lost": N_("lost"),
    },
    "stage_kind": {
        "marketing": N_("Marketing"),
        "sales": N_("Sales"),
        "customer": N_("Customer"),
    },
    # Routing rules the hand-off names itself (the definition's rules keep their names).
    "routing": {
        "claimed": N_("claimed from the unassigned queue"),
        "fallback: any rep": N_("fallback: any rep"),
        "unassigned: no rep available": N_("unassigned: no rep available"),
    },
    # Report sections and columns (leadflow.analytics).
    "section": {
        "stages": N_("Stages"),
        "channels": N_("Channels"),
        "hand-offs": N_("Hand-offs"),
        "rejection reasons": N_("Rejection reasons"),
        "attempts before giving up": N_("Attempts before giving up"),
        "by fit decile": N_("By fit decile"),
        "by engagement decile": N_("By engagement decile"),
        "grade x engagement": N_("Grade × engagement"),
        "summary": N_("Summary"),
        "changed leads": N_("Leads that change"),
    },
    "column": {
        "group": N_("Group"),
        "stage": N_("Stage"),
        "leads": N_("Leads"),
        "conversion_rate": N_("Conversion"),
        "median_days": N_("Median days to next"),
        "pipeline_value": N_("Pipeline value"),
        "won_value": N_("Won value"),
        "standing": N_("Now"),
        "persona_match_rate": N_("Persona match"),
        "mql": N_("MQL"),
        "sql": N_("SQL"),
        "mql_to_sql_rate": N_("MQL to SQL"),
        "won": N_("Won"),
        "sql_to_won_rate": N_("SQL to won"),
        "lead_to_won_rate": N_("Lead to won"),
        "revenue": N_("Revenue"),
        "cost": N_("Cost"),
        "cost_per_sql": N_("Cost per SQL"),
        "cost_per_won": N_("Cost per won deal"),
        "sales_ready_share": N_("Sales-ready share"),
        "handed_off": N_("Handed off"),
        "accepted": N_("Accepted"),
        "rejected": N_("Rejected"),
        "unanswered": N_("Waiting for an answer"),
        "acceptance_rate": N_("Acceptance rate"),
        "median_hours_to_accept": N_("Median hours to accept"),
        "sla_met_rate": N_("First-attempt SLA met"),
        "attempts_per_lead": N_("Attempts per lead"),
        "gave_up": N_("Given up"),
        "under_worked_share": N_("Under-worked share"),
        "reason": N_("Reason"),
        "share": N_("Share"),
        "attempts": N_("Attempts"),
        "decile": N_("Decile"),
        "min_score": N_("Lowest score"),
        "max_score": N_("Highest score"),
        "sql_rate": N_("SQL rate"),
        "won_rate": N_("Won rate"),
        "grade": N_("Fit grade"),
        "engagement": N_("Engagement"),
        "metric": N_("Figure"),
        "active": N_("Active definition"),
        "candidate": N_("Candidate"),
        "contact_id": N_("Contact number"),
        "active_stage": N_("Stage now"),
        "candidate_stage": N_("Stage with the candidate"),
        "active_sales_ready": N_("Sales-ready now"),
        "candidate_sales_ready": N_("Sales-ready with the candidate"),
    },
    # Values the reports write themselves: the whole population, engagement bands.
    "group": {"all": N_("all leads")},
    "answer": {"yes": N_("yes"), "no": N_("no")},
    "band": {"low": N_("low"), "medium": N_("medium"), "high": N_("high")},
    "report": {
        "funnel": N_("Funnel"),
        "channels": N_("Channel quality"),
        "alignment": N_("Alignment of marketing and sales"),
        "scoring": N_("Scoring: does the definition rank leads well?"),
    },
    "by": {
        "month": N_("month the lead arrived"),
        "channel": N_("channel"),
        "campaign": N_("campaign"),
        "owner": N_("owner"),
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
