"""How an imported consent claim changes the consent a contact has on file.

The principle: a withdrawal is never silently undone. So the rules are asymmetric.

restrictive claim (withdrawn, bounced)
    applied, unless the contact's grant on file is *newer* than the claim's date (the
    person granted consent again after the export was made); undated claims apply.
permissive claim (granted, confirmed)
    applied when nothing is on file; over a withdrawal or bounce only when the claim is
    dated *after* it. An undated grant, or an older one (an old export imported late),
    is refused and counted as ``kept``: the withdrawal stays.
    ``confirmed`` (double opt-in) upgrades ``granted``; ``granted`` never downgrades it.
none ("no consent on file")
    revokes a grant on file (as ``withdrawn``) unless the grant is newer than the claim;
    otherwise nothing is recorded.

An undated claim that is applied gets the import's time. Applying a claim equal to
what is on file changes nothing, which keeps a second import of the same file a no-op.

The history of decisions (store/consent_history.py) takes every claim applied, and a
dated claim that is not (an old export replaying the past) at its own moment, unless
it only says again what the history already had in force then (``restates``): a
second import of the same file adds nothing there either. An undated claim that is
not applied has no moment and is not a decision on record.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from leadflow.ingest.record import ConsentClaim

__all__ = ["Decision", "OnFile", "decide", "restates"]

PERMISSIVE = frozenset({"granted", "confirmed"})
RESTRICTIVE = frozenset({"withdrawn", "bounced"})


@dataclass(frozen=True, slots=True)
class OnFile:
    status: str
    at: datetime


@dataclass(frozen=True, slots=True)
class Decision:
    """``status``/``at`` to write, or ``kept`` when a grant was refused over a withdrawal."""

    status: str | None = None
    at: datetime | None = None
    kept: bool = False


_NOTHING = Decision()


def decide(on_file: OnFile | None, claim: ConsentClaim, now: datetime) -> Decision:
    if claim.status in RESTRICTIVE:
        return _restrict(on_file, claim, claim.status, now)
    if claim.status == "none":
        if on_file is None or on_file.status not in PERMISSIVE:
            return _NOTHING
        return _restrict(on_file, claim, "withdrawn", now)
    if claim.status in PERMISSIVE:
        return _permit(on_file, claim, now)
    raise ValueError(f"unknown consent status {claim.status!r}")


def _restrict(on_file: OnFile | None, claim: ConsentClaim, status: str, now: datetime) -> Decision:
    if on_file is None:
        return Decision(status, claim.at or now)
    if on_file.status == status:
        return _NOTHING
    if on_file.status in RESTRICTIVE:
        # Withdrawn and bounced both stop sending; only a newer, dated claim relabels it.
        newer = claim.at is not None and claim.at > on_file.at
        return Decision(status, claim.at) if newer else _NOTHING
    if claim.at is not None and claim.at < on_file.at:
        return _NOTHING  # granted again after this export was made
    return Decision(status, claim.at or now)


def _permit(on_file: OnFile | None, claim: ConsentClaim, now: datetime) -> Decision:
    if on_file is None:
        return Decision(claim.status, claim.at or now)
    if on_file.status in RESTRICTIVE:
        if claim.at is not None and claim.at > on_file.at:
            return Decision(claim.status, claim.at)
        return Decision(kept=True)
    if claim.status == "confirmed" and on_file.status == "granted":
        return Decision("confirmed", claim.at or now)
    return _NOTHING


def restates(in_force: str | None, status: str) -> bool:
    """Whether a decision ``status`` says nothing new over ``in_force`` (the status the
    history had in force at its moment): the same, or a grant of what was confirmed."""
    return in_force == status or (status == "granted" and in_force == "confirmed")
