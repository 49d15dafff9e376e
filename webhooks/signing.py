"""Signatures of deliveries: HMAC-SHA256 over "<timestamp>.<body>" with the endpoint's secret.

The header names and the receiver's check are documented on the endpoint page
(templates/webhooks/_verification.html); tests/webhooks verify with the same recipe."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

EVENT_HEADER = "X-Webhook-Event"
DELIVERY_HEADER = "X-Webhook-Delivery"
TIMESTAMP_HEADER = "X-Webhook-Timestamp"
SIGNATURE_HEADER = "X-Webhook-Signature"
SIGNATURE_PREFIX = "sha256="


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(*, secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return SIGNATURE_PREFIX + mac.hexdigest()


def signed_headers(*, secret: str, body: bytes, event: str, delivery: str, now: float | None = None) -> dict[str, str]:
    timestamp = int(time.time() if now is None else now)
    return {
        "Content-Type": "application/json",
        EVENT_HEADER: event,
        DELIVERY_HEADER: delivery,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret=secret, timestamp=timestamp, body=body),
    }


def verify(
    *, secret: str, timestamp: str, body: bytes, received: str, tolerance: int, now: float | None = None
) -> bool:
    """The receiver's side: a signature that matches and a timestamp within `tolerance`
    seconds (a replayed old delivery fails)."""
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - sent_at) > tolerance:
        return False
    return hmac.compare_digest(signature(secret=secret, timestamp=sent_at, body=body), received or "")
