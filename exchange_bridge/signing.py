"""Signing deliveries (HMAC-SHA256 over the timestamp and the body).

The header is ``X-Bridge-Signature: t=<unix seconds>,v1=<hex digest>`` where the digest is
HMAC-SHA256(secret, "<t>." + body). Receivers recompute it over the exact bytes received,
compare in constant time and refuse timestamps too far from their clock (a captured
request cannot be replayed later); the idempotency key stops replays within that window.
Pure functions: the receivers in the tests and the external systems can use the same rule.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Bridge-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
SCHEME = "v1"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(int(timestamp)).encode("ascii") + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={int(timestamp)},{SCHEME}={signature(secret, timestamp, body)}"


def verify(
    secret: str, header: str | None, body: bytes, now: float, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` at a time within ``tolerance``."""
    if not header:
        return False
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    raw_time, digest = parts.get("t", ""), parts.get(SCHEME, "")
    if not raw_time.isdigit() or len(raw_time) > 12 or not digest:
        return False
    if abs(now - int(raw_time)) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, int(raw_time), body), digest)
