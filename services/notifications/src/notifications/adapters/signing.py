"""Webhook signatures: HMAC-SHA256 over a timestamp and the exact body bytes.

Header ``X-ECT-Signature: t=<unix seconds>,v1=<hex>``, where the hex is
``HMAC-SHA256(secret, "<t>." + body)``. A receiver recomputes it over the raw body it got,
compares in constant time, and refuses a timestamp too far from its own clock (replays).
``docs/notifications.md`` shows a receiver's check in a dozen lines.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-ECT-Signature"
NOTIFICATION_ID_HEADER = "X-ECT-Notification-Id"
DEFAULT_TOLERANCE_SECONDS = 300


class InvalidSignatureError(ValueError):
    """A signature header that is missing, malformed, stale or does not match the body."""


def _mac(secret: bytes, timestamp: int, body: bytes) -> str:
    return hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    """The header value for ``body`` sent at ``timestamp`` (unix seconds)."""
    return f"t={timestamp},v1={_mac(secret, timestamp, body)}"


def verify(secret: bytes, header: str, body: bytes, *, now: int,
           tolerance_seconds: int = DEFAULT_TOLERANCE_SECONDS) -> None:
    """Raise InvalidSignatureError unless ``header`` signs ``body`` within the tolerance."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError) as exc:
        raise InvalidSignatureError("expected t=<unix seconds>,v1=<hex>") from exc
    if abs(now - timestamp) > tolerance_seconds:
        raise InvalidSignatureError(f"timestamp {timestamp} is more than {tolerance_seconds}s from now")
    if not hmac.compare_digest(parts.get("v1", ""), _mac(secret, timestamp, body)):
        raise InvalidSignatureError("the signature does not match the body")


def derived_secret(root_secret: str, purpose: str = "notifications-webhook-signing") -> str:
    """A secret for one purpose derived from a root secret, so one secret never does two jobs
    (hex, used like any configured secret: its UTF-8 bytes are the HMAC key)."""
    return hmac.new(root_secret.encode(), purpose.encode(), hashlib.sha256).hexdigest()
