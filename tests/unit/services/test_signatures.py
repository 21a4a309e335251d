"""Webhook signatures: what the docs' verification snippet checks, checked here."""

from __future__ import annotations

import hashlib
import hmac

from leadflow.services.signatures import sign, verify

SECRET = "whsec_test"
BODY = b'{"id":"m-1","type":"stage.changed"}'


def test_the_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()

    assert sign(SECRET, 1_700_000_000, BODY) == "v1=" + expected


def test_verify_refuses_another_body_secret_or_a_stale_timestamp() -> None:
    signature = sign(SECRET, 1_700_000_000, BODY)

    assert verify(SECRET, "1700000000", BODY, signature, now=1_700_000_100)
    assert not verify(SECRET, "1700000000", BODY + b" ", signature, now=1_700_000_100)
    assert not verify("whsec_other", "1700000000", BODY, signature, now=1_700_000_100)
    assert not verify(SECRET, "1700000000", BODY, signature, now=1_700_001_000)
    assert not verify(SECRET, "not-a-number", BODY, signature, now=1_700_000_000)
