"""The delivery outbox: written in the caller's transaction, sent after the commit.

``queue_delivery`` adds a delivery for the target that takes its kind (when that target has
an endpoint) in the caller's session; after the commit the caller calls
``deliver_after_commit`` which enqueues the ``bridge.deliver`` job (journal.jobs).
``deliver_pending`` sends what is due: signed, with the idempotency key, one subject's
deliveries in order; a failure is logged and retried with exponential backoff, and after
``BRIDGE_MAX_ATTEMPTS`` tries the delivery is dead-lettered until ``journal bridge retry``.
A receiver that is down loses nothing: the delivery waits in the table.
"""

from __future__ import annotations

import http.client
import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import and_, or_, update

from journal.extensions import db
from journal.jobs import job
from journal.models_base import utcnow

from .models import TARGETS, Delivery, DeliveryAttempt, ExpertProfile
from .payloads import KIND_TARGET, envelope
from .signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signature_header

log = logging.getLogger(__name__)

RESPONSE_MAX_BYTES = 64 * 1024
ERROR_MAX_CHARS = 2000
USER_AGENT = "mekong-journal-bridge/1"


def target_settings(target: str) -> tuple[str | None, str | None]:
    cfg = current_app.config
    prefix = f"BRIDGE_{target.upper()}"
    return cfg.get(f"{prefix}_URL") or None, cfg.get(f"{prefix}_SECRET") or None


def configured_targets() -> list[str]:
    return [t for t in TARGETS if target_settings(t)[0]]


def queue_delivery(kind: str, action: str, subject_id: int, obj: dict | None) -> Delivery | None:
    """Add a delivery to the caller's transaction (None when the target is off). A newer
    change supersedes this subject's deliveries still waiting for the same target."""
    target = KIND_TARGET[kind]
    if target_settings(target)[0] is None:
        return None
    now = utcnow()
    db.session.execute(
        update(Delivery)
        .where(
            Delivery.target == target,
            Delivery.kind == kind,
            Delivery.subject_id == subject_id,
            Delivery.status == "pending",
            or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
        )
        .values(status="superseded", finished_at=now, claimed_until=None)
        .execution_options(synchronize_session=False)
    )
    key, body = envelope(kind, action, subject_id, obj)
    delivery = Delivery(
        target=target,
        kind=kind,
        subject_id=subject_id,
        action=action,
        idempotency_key=key,
        body=body,
        next_attempt_at=now,
    )
    db.session.add(delivery)
    return delivery


def deliver_after_commit() -> None:
    """Called by services once their transaction is committed."""
    from journal.jobs import enqueue

    try:
        enqueue("bridge.deliver")
    except Exception:  # the outbox keeps the delivery; a later run sends it
        log.exception("could not start the bridge deliveries")


# ------------------------------------------------------------------ sending


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


class DeliveryFailed(Exception):
    pass


class ReceiverClient:
    """POSTs signed JSON to one endpoint; no redirects are followed."""

    def __init__(self, url: str, secret: str, timeout: float):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise DeliveryFailed(f"not an http(s) URL: {url!r}")
        self.parts = parts
        self.secret = secret
        self.timeout = timeout

    def post(self, body: bytes, headers: dict[str, str]) -> Answer:
        parts = self.parts
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(parts.hostname, parts.port, timeout=self.timeout)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {
            **headers,
            SIGNATURE_HEADER: signature_header(self.secret, int(time.time()), body),
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
        }
        try:
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            return Answer(response.status, response.read(RESPONSE_MAX_BYTES))
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
        finally:
            connection.close()


def _acknowledged(answer: Answer, key: str) -> bool:
    """A receiver acknowledges with 2xx and ``{"received": "<idempotency key>"}``."""
    try:
        data = json.loads(answer.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return False
    return isinstance(data, dict) and data.get("received") == key


def backoff(attempts: int) -> timedelta:
    cfg = current_app.config
    base, most = cfg["BRIDGE_RETRY_BASE_SECONDS"], cfg["BRIDGE_RETRY_MAX_SECONDS"]
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), most))


def _due_ids(now: datetime, limit: int) -> list[int]:
    """Due pending deliveries of configured targets, oldest first, leaving out those with
    an older delivery of the same subject still pending (order per subject)."""
    older = db.aliased(Delivery)
    earlier_pending = (
        db.select(older.id)
        .where(
            older.target == Delivery.target,
            older.kind == Delivery.kind,
            older.subject_id == Delivery.subject_id,
            older.status == "pending",
            older.id < Delivery.id,
        )
        .exists()
    )
    return list(
        db.session.execute(
            db.select(Delivery.id)
            .where(
                Delivery.status == "pending",
                Delivery.next_attempt_at <= now,
                Delivery.target.in_(configured_targets()),
                ~earlier_pending,
            )
            .order_by(Delivery.id)
            .limit(limit)
        ).scalars()
    )


def _claim(delivery_id: int, now: datetime) -> bool:
    timeout = current_app.config["BRIDGE_TIMEOUT"]
    claimed = db.session.execute(
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.status == "pending",
            or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
        )
        .values(claimed_until=now + timedelta(seconds=timeout * 2 + 60))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(claimed)


def _withdrawn_expert(delivery: Delivery) -> bool:
    """An expert's profile update whose consent has been withdrawn since it was queued."""
    if delivery.kind != "expert" or delivery.action != "upsert":
        return False
    return db.session.get(ExpertProfile, delivery.subject_id) is None


def _send(delivery: Delivery) -> tuple[str, int | None, str]:
    """(outcome, status code, error) of one try."""
    url, secret = target_settings(delivery.target)
    if not secret:
        return "failed", None, f"BRIDGE_{delivery.target.upper()}_SECRET is not set"
    body = delivery.body.encode("utf-8")
    headers = {
        IDEMPOTENCY_HEADER: delivery.idempotency_key,
        "X-Bridge-Delivery": str(delivery.id),
        "X-Bridge-Attempt": str(delivery.attempts + 1),
    }
    try:
        client = ReceiverClient(url, secret, current_app.config["BRIDGE_TIMEOUT"])
        answer = client.post(body, headers)
    except DeliveryFailed as exc:
        return "failed", None, str(exc)[:ERROR_MAX_CHARS]
    if answer.status == 409:  # the receiver already has this key: delivered before
        return "duplicate", 409, ""
    if 200 <= answer.status < 300:
        if _acknowledged(answer, delivery.idempotency_key):
            return "delivered", answer.status, ""
        excerpt = answer.body[:200].decode("utf-8", "replace")
        return "failed", answer.status, f"no acknowledgement in the answer: {excerpt!r}"
    excerpt = answer.body[:300].decode("utf-8", "replace")
    return "failed", answer.status, f"HTTP {answer.status}: {excerpt}"[:ERROR_MAX_CHARS]


_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _printable(text: str) -> str:
    """Text from a receiver, safe to store and show (PostgreSQL refuses NUL bytes)."""
    return _UNPRINTABLE.sub("\N{REPLACEMENT CHARACTER}", text)[:ERROR_MAX_CHARS]


def _record(delivery: Delivery, outcome: str, status: int | None, error: str, started) -> None:
    finished = utcnow()
    error = _printable(error)
    delivery.attempts += 1
    delivery.attempt_log.append(
        DeliveryAttempt(
            number=len(delivery.attempt_log) + 1,
            started_at=started,
            duration_ms=int((finished - started).total_seconds() * 1000),
            status_code=status,
            outcome=outcome,
            error=error,
        )
    )
    delivery.last_status = status
    delivery.claimed_until = None
    if outcome in ("delivered", "duplicate"):
        delivery.status = "sent"
        delivery.sent_at = finished
        delivery.finished_at = finished
        delivery.last_error = ""
        return
    delivery.last_error = error
    if delivery.attempts >= current_app.config["BRIDGE_MAX_ATTEMPTS"]:
        delivery.status = "dead"
        delivery.finished_at = finished
        log.error("bridge delivery %s to %s dead-lettered: %s", delivery.id, delivery.target, error)
    else:
        delivery.next_attempt_at = finished + backoff(delivery.attempts)
        log.warning("bridge delivery %s to %s failed: %s", delivery.id, delivery.target, error)


@job("bridge.deliver")
def deliver_pending(limit: int = 100, now: datetime | None = None) -> int:
    """Send every due delivery, each at most once per run; returns how many were
    delivered. Safe to run concurrently: each delivery is claimed first. ``now`` is the
    clock the due dates are compared with (tests move it past the backoff)."""
    sent, tried = 0, set()
    while len(tried) < limit:
        current = now or utcnow()
        due = [i for i in _due_ids(current, limit + len(tried)) if i not in tried]
        if not due:  # sending one subject's delivery may make its next one due: look again
            break
        for delivery_id in due[: limit - len(tried)]:
            tried.add(delivery_id)
            if _claim(delivery_id, current):
                sent += _deliver_one(db.session.get(Delivery, delivery_id))
    return sent


def _deliver_one(delivery: Delivery) -> bool:
    if _withdrawn_expert(delivery):
        delivery.status = "cancelled"
        delivery.note = "consent withdrawn before sending"
        delivery.body = ""
        delivery.claimed_until = None
        delivery.finished_at = utcnow()
        db.session.commit()
        return False
    started = utcnow()
    outcome, status, error = _send(delivery)
    _record(delivery, outcome, status, error, started)
    if _withdrawn_expert(delivery):  # consent withdrawn while it was on its way
        delivery.body = ""
    db.session.commit()
    return outcome != "failed"


def retry_deliveries(target: str | None = None) -> int:
    """Make dead and waiting deliveries due now (dead ones start their tries again; the log
    keeps the earlier ones). Returns how many."""
    conditions = [Delivery.status.in_(("pending", "dead"))]
    if target:
        conditions.append(Delivery.target == target)
    count = db.session.execute(
        update(Delivery)
        .where(and_(*conditions))
        .values(
            status="pending",
            next_attempt_at=utcnow(),
            claimed_until=None,
            finished_at=None,
            attempts=db.case((Delivery.status == "dead", 0), else_=Delivery.attempts),
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return count


# ------------------------------------------------------------------ the log (admins)


def get_delivery(delivery_id: int) -> Delivery | None:
    return db.session.get(Delivery, delivery_id)


def delivery_log(*, status: str = "", target: str = "", page: int = 1, size: int = 50):
    """(deliveries on this page, total), newest first; unknown filters are ignored."""
    from .models import DELIVERY_STATUSES

    select = db.select(Delivery)
    if status in DELIVERY_STATUSES:
        select = select.where(Delivery.status == status)
    if target in TARGETS:
        select = select.where(Delivery.target == target)
    total = db.session.execute(
        db.select(db.func.count()).select_from(select.subquery())
    ).scalar_one()
    items = db.session.execute(
        select.order_by(Delivery.id.desc()).offset((page - 1) * size).limit(size)
    ).scalars()
    return list(items), total


def status_counts() -> dict[str, int]:
    rows = db.session.execute(
        db.select(Delivery.status, db.func.count(Delivery.id)).group_by(Delivery.status)
    )
    return dict(rows.all())


def target_states() -> list[tuple[str, str | None, bool]]:
    """(target, endpoint URL or None, whether it has a secret) for the log page."""
    return [(t, *_url_and_secret(t)) for t in TARGETS]


def _url_and_secret(target: str) -> tuple[str | None, bool]:
    url, secret = target_settings(target)
    return url, bool(secret)


def retry_now(actor) -> int:
    """Administrators: make dead and waiting deliveries due now, then send them."""
    from journal.errors import PermissionDenied

    from .permissions import can_view_deliveries

    if not can_view_deliveries(actor):
        raise PermissionDenied()
    count = retry_deliveries()
    deliver_after_commit()
    return count
