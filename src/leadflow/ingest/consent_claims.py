"""What one row says about consent, per channel, as ``ConsentClaim``s.

Within a row the most restrictive statement wins: a bounce over an opt-out, an
opt-out over a consent status ("Email Opt Out = true" next to "consent = granted"
means the person withdrew). The claim's time is the channel's own date column
(``email_consent_at``, ``email_bounced_at`` ...) or else the record's last-modified
date; without either the claim has no time, and ``consent_rules`` decides how much
an undated claim may change.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from leadflow.ingest.record import ConsentClaim

__all__ = ["consent_claims"]


def consent_claims(given: Mapping[str, object], changed_at: datetime | None) -> list[ConsentClaim]:
    claims: list[ConsentClaim] = []
    for channel in ("email", "phone"):
        claim = _claim(given, channel, changed_at)
        if claim is not None:
            claims.append(claim)
    return claims


def _claim(
    given: Mapping[str, object], channel: str, changed_at: datetime | None
) -> ConsentClaim | None:
    if channel == "email" and given.get("email_bounced") is True:
        return ConsentClaim(channel, "bounced", _at(given, "email_bounced_at") or changed_at)
    dated = _at(given, f"{channel}_consent_at") or changed_at
    if given.get(f"{channel}_opt_out") is True:
        return ConsentClaim(channel, "withdrawn", dated)
    status = given.get(f"{channel}_consent")
    if isinstance(status, str):
        return ConsentClaim(channel, status, dated)
    return None


def _at(given: Mapping[str, object], name: str) -> datetime | None:
    value = given.get(name)
    return value if isinstance(value, datetime) else None
