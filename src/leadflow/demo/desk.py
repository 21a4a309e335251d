"""The rep's desk: how one lead's sales history is written, step by step.

Each story starts with the hand-off and ends in a recycle (back to marketing), a
rejection, a closed deal, or the end of the window (the lead stays open). Activities
after the window's end are never written. Reject reasons, attempt channels and outcomes
use the shared vocabulary (domain/vocabulary.py and catalog.py).
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass

import numpy as np

from leadflow.demo.catalog import LOST_REASONS, PRODUCTS
from leadflow.demo.config import WorldConfig

__all__ = ["DAY", "DEAL_SIZE", "Desk", "Lead"]

DAY = 86_400
# Typical first-year deal in EUR by size band (truth.SIZE_BAND_VALUES order, students last).
DEAL_SIZE = (6_000, 12_000, 24_000, 45_000, 80_000, 140_000, 3_000)
_PRODUCT_PRICE = (1.0, 0.8, 1.2)
_LOST_SHARES = (0.30, 0.25, 0.25, 0.12, 0.08)


@dataclass(frozen=True, slots=True)
class Lead:
    contact: str
    account: str
    rep: str
    at: int
    trigger: str
    event: str
    product: int
    band: int
    fit: float
    kind: str
    seniority: str


class Desk:
    """Writes each lead's sales history as activity records and opportunity rows."""

    def __init__(self, config: WorldConfig, rnd: random.Random, first_activity: int) -> None:
        self.end = config.end_s
        self.rnd = rnd
        self.next_activity = first_activity
        self.activities: list[tuple[int, str]] = []
        self.opportunities: list[list[str]] = []

    def work(self, lead: Lead, under_worked: bool, won: bool) -> str:
        decided = lead.at + int(self.rnd.lognormvariate(9.5, 1.0))  # median about 3.7 hours
        if under_worked:
            return self._give_up_early(lead, decided)
        if won:
            return self._pursue(lead, decided, won=True)
        reason = self._reject_reason(lead)
        if reason is not None:
            return "lost" if self._hand_off(lead, decided, reason) else "open"
        path = self.rnd.random()
        if path < 0.3:
            return self._unreachable(lead, decided)
        if path < 0.65:
            return self._not_interested(lead, decided)
        return self._pursue(lead, decided, won=False)

    # -- the stories ------------------------------------------------------------------------

    def _give_up_early(self, lead: Lead, decided: int) -> str:
        """Accepted, one or two unanswered tries, then back to marketing: the lead is lost."""
        if not self._hand_off(lead, decided, None):
            return "open"
        last = self._attempts(lead, decided, 1 if self.rnd.random() < 0.55 else 2, None)
        return self._recycle(lead, last, "unresponsive")

    def _unreachable(self, lead: Lead, decided: int) -> str:
        """Properly worked (three to six tries) but never reached."""
        if not self._hand_off(lead, decided, None):
            return "open"
        return self._recycle(
            lead, self._attempts(lead, decided, self.rnd.randint(3, 6), None), "unresponsive"
        )

    def _not_interested(self, lead: Lead, decided: int) -> str:
        if not self._hand_off(lead, decided, None):
            return "open"
        met = self._reach(lead, decided)
        outcome = "not_interested" if self.rnd.random() < 0.6 else "no_decision"
        if met < 0 or not self._log(met, "conversation", lead, outcome=outcome):
            return "open"
        reason = (
            "not_interested"
            if outcome == "not_interested"
            else self.rnd.choice(("not_ready", "no_budget"))
        )
        return self._recycle(lead, met, reason)

    def _pursue(self, lead: Lead, decided: int, *, won: bool) -> str:
        """Reached, interested, a deal opened, and (inside the window) won or lost."""
        if not self._hand_off(lead, decided, None):
            return "open"
        met = self._reach(lead, decided)
        if met < 0 or not self._log(met, "conversation", lead, outcome="interested"):
            return "open"
        return self._deal(lead, met, won)

    # -- steps ----------------------------------------------------------------------------

    def _hand_off(self, lead: Lead, decided: int, reason: str | None) -> bool:
        """Log the hand-off; False when sales had not answered it by the window's end."""
        inside = decided < self.end
        decision = ("rejected" if reason else "accepted") if inside else "pending"
        self._log(
            lead.at,
            "hand_off",
            lead,
            trigger=lead.trigger,
            event_id=lead.event,
            decision=decision,
            decided_at=_iso(decided) if inside else None,
            reason=reason if inside else None,
        )
        return inside

    def _attempts(self, lead: Lead, after: int, failures: int, connect: str | None) -> int:
        """Log the tries; the moment of the last one, or -1 when the window closed first."""
        moment = after
        for number in range(1, failures + (connect is not None) + 1):
            moment = self._later(moment, 0.3 if number == 1 else 1.0, 1.5 if number == 1 else 4.0)
            if number > failures and connect is not None:
                channel, outcome = self._choose(_CONNECT[connect]), connect
            else:
                channel = self._choose(_TRY_CHANNELS)
                outcome = self._choose(_CALL_MISSES) if channel == "call" else "no_answer"
            if not self._log(
                moment, "attempt", lead, channel=channel, outcome=outcome, attempt=number
            ):
                return -1
        return moment

    def _reach(self, lead: Lead, after: int) -> int:
        """Try until someone answers; a booked meeting then takes place days later."""
        failures = 0
        while failures < 5 and self.rnd.random() < 0.5:
            failures += 1
        connect = "connected" if self.rnd.random() < 0.6 else "meeting_booked"
        reached = self._attempts(lead, after, failures, connect)
        if reached < 0 or connect == "connected":
            return reached
        meeting = self._later(reached, 2.0, 7.0)
        ok = self._log(
            meeting, "attempt", lead, channel="meeting", outcome="connected", attempt=failures + 2
        )
        return meeting if ok else -1

    def _recycle(self, lead: Lead, last: int, reason: str) -> str:
        """Sales hands the lead back to marketing's nurture: lost for this window."""
        if last < 0:
            return "open"
        return (
            "lost"
            if self._log(self._later(last, 0.5, 3.0), "recycle", lead, reason=reason)
            else "open"
        )

    def _deal(self, lead: Lead, met: int, won: bool) -> str:
        opened = met + int(self.rnd.uniform(0.1, 3.0) * DAY)
        if opened >= self.end:
            return "open"
        cycle = _CYCLE_DAYS[lead.band] * self.rnd.lognormvariate(0.0, 0.4) * DAY
        closing = opened + int(cycle)
        expected = opened + int(cycle * self.rnd.lognormvariate(0.0, 0.25))
        amount = (
            DEAL_SIZE[lead.band] * _PRODUCT_PRICE[lead.product] * self.rnd.lognormvariate(0.0, 0.35)
        )
        status = ("won" if won else "lost") if closing < self.end else "open"
        stage = {"won": "closed_won", "lost": "closed_lost"}.get(status) or _stage(
            opened, closing, self.end
        )
        self.opportunities.append(
            [
                "o" + lead.contact[1:],  # at most one deal per lead
                lead.contact,
                lead.account,
                lead.rep,
                PRODUCTS[lead.product],
                _iso(opened),
                _iso(expected)[:10],
                _iso(closing) if status != "open" else "",
                stage,
                status,
                f"{round(amount, -2):.0f}",
                "EUR",
                self._choose_weighted(LOST_REASONS, _LOST_SHARES) if status == "lost" else "",
            ]
        )
        return status

    def _reject_reason(self, lead: Lead) -> str | None:
        """Sales rejects competitors and students nearly always, poor fits more often."""
        rnd = self.rnd
        if lead.kind == "competitor":
            return (rnd.choice(("spam", "other"))) if rnd.random() < 0.95 else None
        if lead.kind == "student":
            return "wrong_person" if rnd.random() < 0.9 else None
        if rnd.random() >= 0.1 + 0.6 / (1.0 + np.exp(1.2 * (lead.fit - 0.4))):
            return None
        poor, junior = lead.fit < 0.0, lead.seniority == "individual"
        shares = _REJECT_POOR if poor else _REJECT_FAIR
        if junior:
            shares = {**shares, "wrong_person": shares["wrong_person"] + 0.3}
        return self._choose_weighted(tuple(shares), tuple(shares.values()))

    # -- helpers ----------------------------------------------------------------------------

    def _log(self, at: int, kind: str, lead: Lead, **fields: object) -> bool:
        """Record an activity if it happened inside the window; say whether it did."""
        if at >= self.end:
            return False
        record: dict[str, object] = {
            "id": f"s{self.next_activity:010d}",
            "kind": kind,
            "at": _iso(at),
        }
        record |= {"contact_id": lead.contact, "rep_id": lead.rep, **fields}
        self.next_activity += 1
        self.activities.append((at, json.dumps(record)))
        return True

    def _later(self, moment: int, low_days: float, high_days: float) -> int:
        """A working-hours moment (07:00-16:00 UTC, Monday to Friday) some days later."""
        day = (moment + int(self.rnd.uniform(low_days, high_days) * DAY)) // DAY
        weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
        day += 7 - weekday if weekday >= 5 else 0  # Saturday or Sunday: Monday
        later = day * DAY + 7 * 3600 + self.rnd.randrange(9 * 3600)
        return max(later, moment + 60)

    def _choose(self, weighted: tuple[tuple[str, float], ...]) -> str:
        return self._choose_weighted(tuple(w[0] for w in weighted), tuple(w[1] for w in weighted))

    def _choose_weighted(self, options: tuple[str, ...], weights: tuple[float, ...]) -> str:
        return self.rnd.choices(options, weights)[0]


_TRY_CHANNELS = (("call", 0.55), ("email", 0.3), ("linkedin", 0.15))
_CALL_MISSES = (("no_answer", 0.6), ("voicemail", 0.32), ("wrong_number", 0.08))
_CONNECT = {
    "connected": (("call", 0.7), ("email", 0.2), ("linkedin", 0.1)),
    "meeting_booked": (("call", 0.5), ("email", 0.4), ("linkedin", 0.1)),
}
_REJECT_POOR = {
    "bad_fit": 0.5,
    "no_budget": 0.15,
    "not_ready": 0.15,
    "wrong_person": 0.1,
    "duplicate": 0.05,
    "other": 0.05,
}
_REJECT_FAIR = {
    "not_ready": 0.3,
    "no_budget": 0.25,
    "duplicate": 0.15,
    "wrong_person": 0.15,
    "bad_fit": 0.1,
    "other": 0.05,
}
# Median sales cycle in days by size band (truth.SIZE_BAND_VALUES order, students last).
_CYCLE_DAYS = (20, 30, 45, 60, 90, 120, 14)


def _stage(opened: int, closing: int, end: int) -> str:
    progress = (end - opened) / max(closing - opened, 1)
    return (
        "qualification"
        if progress < 0.25
        else "discovery"
        if progress < 0.5
        else "proposal"
        if progress < 0.8
        else "negotiation"
    )


def _iso(moment: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(moment))
