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
    for keys in _CHANNELS:
        claim = _claim(given, keys, changed_at)
        if claim is not None:
            claims.append(claim)
    return claims


# Per channel, the fields that speak of it (built once: this runs for every row).
_Keys = tuple[str, str, str, str]
_CHANNELS: tuple[_Keys, ...] = tuple(
    (channel, f"{channel}_consent_at", f"{channel}_opt_out", f"{channel}_consent")
    for channel in ("email", "phone")
)


def _claim(
    given: Mapping[str, object], keys: _Keys, changed_at: datetime | None
) -> ConsentClaim | None:
    channel, consent_at, opt_out, consent = keys
    if channel == "email" and given.get("email_bounced") is True:
        return ConsentClaim(channel, "bounced", _at(given, "email_bounced_at") or changed_at)
    if given.get(opt_out) is True:
        return ConsentClaim(channel, "withdrawn", _at(given, consent_at) or changed_at)
    status = given.get(consent)
    if isinstance(status, str):
        return ConsentClaim(channel, status, _at(given, consent_at) or changed_at)
    return None


def _at(given: Mapping[str, object], name: str) -> datetime | None:
    value = given.get(name)
    return value if isinstance(value, datetime) else None
