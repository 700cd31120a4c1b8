"""Notifications over SMTP, bilingual, through a database outbox.

``queue_mail`` renders a message in the recipient's language first and the other language
after it, and adds it to the outbox in the caller's transaction. After the commit the caller
enqueues ``mail.deliver``; a message that cannot be sent stays in the outbox and is retried
with backoff (``journal mail retry``). Sending never undoes the step that caused it.
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import tempfile
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy import ForeignKey, Integer, String, Text, or_, update
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db
from .jobs import job
from .models_base import UTCDateTime, utcnow

log = logging.getLogger(__name__)

LOCALES = ("vi", "en")


class OutboxMessage(db.Model):
    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    recipient_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    template: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


def external_url(endpoint: str, **values) -> str:
    """An absolute link for e-mails, from BASE_URL, never from the request's Host header.

    Works outside a request too (CLI commands, jobs)."""
    from flask import has_request_context, url_for

    if has_request_context():
        path = url_for(endpoint, _external=False, **values)
    else:
        path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["BASE_URL"].rstrip("/") + path


def _render(template: str, locale: str, context: dict) -> tuple[str, str]:
    with force_locale(locale):
        subject = render_template(f"mail/{template}.subject.txt", **context).strip()
        body = render_template(f"mail/{template}.txt", **context).strip()
    return subject, body


def render_message(
    recipient, template: str, locale: str | None = None, **context
) -> tuple[str, str]:
    """The subject and body ``queue_mail`` would store: the recipient's language first, the
    other after it. Templates greet ``recipient_name``: the account's name, else the
    ``name`` given for an address. Previews show exactly this."""
    first = locale or getattr(recipient, "locale", None) or "vi"
    second = "en" if first == "vi" else "vi"
    context["recipient_name"] = getattr(recipient, "full_name", None) or context.get("name") or ""
    subject_1, body_1 = _render(template, first, context)
    subject_2, body_2 = _render(template, second, context)
    return (
        f"{subject_1} / {subject_2}",
        f"{body_1}\n\n----------------------------------------\n\n{body_2}\n",
    )


def queue_mail(recipient, template: str, locale: str | None = None, **context) -> OutboxMessage:
    """Add a bilingual message to the outbox. ``recipient`` is a User or an address (then
    ``name`` in the context is how the message greets them)."""
    subject, body = render_message(recipient, template, locale, **context)
    msg = OutboxMessage(
        recipient=getattr(recipient, "email", recipient),
        recipient_user_id=getattr(recipient, "id", None),
        template=template,
        subject=subject,
        body=body,
        message_id=make_msgid(domain="mekongjournal.vn"),
    )
    db.session.add(msg)
    return msg


def _to_email(msg: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_SENDER"]
    email["To"] = msg.recipient
    email["Subject"] = msg.subject
    email["Date"] = format_datetime(utcnow())
    email["Message-ID"] = msg.message_id
    email.set_content(msg.body)
    return email


def mail_folder() -> Path:
    """Where messages go when no MAIL_SERVER is set (development): ``mail/`` in the
    instance folder, one ``.eml`` file each (``/dev/mail`` shows them)."""
    return Path(current_app.instance_path) / "mail"


def mail_file_name(msg: OutboxMessage, when: datetime) -> str:
    """``<UTC time>-<outbox id>-<recipient>.eml``: the files sort by the time they were
    written, e.g. ``20261202T091500123456Z-000042-author-example-org.eml``."""
    slug = re.sub(r"[^a-z0-9]+", "-", msg.recipient.lower()).strip("-")[:60] or "recipient"
    return f"{when:%Y%m%dT%H%M%S%fZ}-{msg.id:06d}-{slug}.eml"


def _write_to_folder(email: EmailMessage, msg: OutboxMessage) -> None:
    folder = mail_folder()
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".writing-", suffix=".tmp")
    with os.fdopen(fd, "wb") as out:
        out.write(bytes(email))
    os.replace(tmp, folder / mail_file_name(msg, utcnow()))  # never seen half-written


def _send(email: EmailMessage, msg: OutboxMessage) -> None:
    cfg = current_app.config
    if not cfg.get("MAIL_SERVER"):
        _write_to_folder(email, msg)
        return
    with smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"]) as smtp:
        if cfg.get("MAIL_USE_TLS"):
            smtp.starttls()
        if cfg.get("MAIL_USERNAME"):
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(email)


def _backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** (attempts - 1), 24 * 60))


@job("mail.deliver")
def deliver_pending(limit: int = 100) -> int:
    """Send every due message; returns how many were sent. Safe to run concurrently."""
    now = utcnow()
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    due = (
        db.session.execute(
            db.select(OutboxMessage.id)
            .where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.next_attempt_at <= now,
                OutboxMessage.attempts < max_attempts,
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    sent = 0
    for message_id in due:
        claimed = db.session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == message_id,
                OutboxMessage.sent_at.is_(None),
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            )
            .values(claimed_until=now + timedelta(minutes=5))
        ).rowcount
        db.session.commit()
        if not claimed:
            continue
        msg = db.session.get(OutboxMessage, message_id)
        try:
            _send(_to_email(msg), msg)
        except (OSError, smtplib.SMTPException) as exc:
            msg.attempts += 1
            msg.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            msg.next_attempt_at = utcnow() + _backoff(msg.attempts)
            log.warning("mail %s to %s not sent: %s", msg.id, msg.recipient, msg.last_error)
        else:
            msg.attempts += 1
            msg.sent_at = utcnow()
            msg.last_error = ""
            sent += 1
        msg.claimed_until = None
        db.session.commit()
    return sent


def retry_failed() -> int:
    """Make every unsent message due now (attempts are kept). Returns how many."""
    count = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None))
        .values(next_attempt_at=utcnow(), claimed_until=None)
    ).rowcount
    db.session.commit()
    return count


def deliver_after_commit() -> None:
    """Called by services once their transaction is committed."""
    from .jobs import enqueue

    try:
        enqueue("mail.deliver")
    except Exception:  # the outbox keeps the message; a later run sends it
        log.exception("could not start mail delivery")
