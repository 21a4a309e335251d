"""Webhook signatures: HMAC-SHA256 over ``timestamp + "." + body``, hex in a header.

    Leadflow-Webhook-Id:         the message id (the same on every retry; deduplicate on it)
    Leadflow-Webhook-Timestamp:  Unix seconds when this attempt was signed
    Leadflow-Webhook-Signature:  v1=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>

Signing the timestamp with the body lets a receiver refuse replays of an old,
captured request (``verify`` allows five minutes by default); ``v1=`` leaves room for
another scheme later, and receivers compare in constant time.
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["ID_HEADER", "SIGNATURE_HEADER", "TIMESTAMP_HEADER", "sign", "verify"]

ID_HEADER = "Leadflow-Webhook-Id"
TIMESTAMP_HEADER = "Leadflow-Webhook-Timestamp"
SIGNATURE_HEADER = "Leadflow-Webhook-Signature"
_SCHEME = "v1="


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for ``body`` sent at ``timestamp``."""
    signed = str(timestamp).encode("ascii") + b"." + body
    return _SCHEME + hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()


def verify(
    secret: str, timestamp: str, body: bytes, signature: str, *, now: float, tolerance: float = 300
) -> bool:
    """What a receiver checks: a fresh timestamp and a matching signature."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature)
