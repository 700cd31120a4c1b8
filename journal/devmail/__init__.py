"""Development mail you can read: the ``.eml`` files the journal writes to ``mail/`` in the
instance folder when no SMTP server is set (journal/mail.py), listed newest first and shown
as text with clickable links at ``/dev/mail``. The blueprint (views.py) is registered only
when ENV is "development".

Everything in a message is untrusted: headers are decoded (RFC 2047) and shown as text, the
body is escaped and only http(s) addresses become links. A file that cannot be read as a
message is listed as such instead of breaking the page.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.errors import MessageError
from email.utils import parsedate_to_datetime
from pathlib import Path

import nh3
from markupsafe import Markup, escape

LIST_LIMIT = 200
MAX_BYTES = 5 * 1024 * 1024
# The names the journal writes (and the older <message id>.eml ones): no path, no dot first.
FILE_NAME = re.compile(r"[A-Za-z0-9_@+-][A-Za-z0-9._@+-]{0,250}\.eml")
URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
TRAILING = ".,;:!?)]}’”"
# What can go wrong reading a file someone else wrote.
_UNREADABLE = (OSError, ValueError, LookupError, IndexError, TypeError, MessageError)


@dataclass(frozen=True)
class MailSummary:
    name: str
    recipient: str
    subject: str
    date: datetime | None
    readable: bool


@dataclass(frozen=True)
class MailMessage(MailSummary):
    sender: str
    body: Markup  # escaped text, http(s) addresses linked
    problem: str  # why the message could not be read in full ("" when it could)


def list_messages(folder: Path, limit: int = LIST_LIMIT) -> list[MailSummary]:
    """The newest ``limit`` messages of ``folder``, newest first."""
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir() if FILE_NAME.fullmatch(p.name) and p.is_file()]
    files.sort(key=lambda p: (_mtime(p), p.name), reverse=True)
    return [_summary(path) for path in files[:limit]]


def read_message(folder: Path, name: str) -> MailMessage | None:
    """The message in ``folder`` named ``name``; None when there is no such file."""
    if not FILE_NAME.fullmatch(name):
        return None
    path = folder / name
    if not path.is_file():
        return None
    summary = _summary(path)
    try:
        message = _parse(path)
        sender = str(message.get("From", ""))
        text = _body_text(message)
        problem = ""
    except _UNREADABLE as error:
        sender, text, problem = "", "", f"{type(error).__name__}: {error}"
    return MailMessage(**summary.__dict__, sender=sender, body=linkify(text), problem=problem[:300])


def linkify(text: str) -> Markup:
    """``text`` escaped, with its http(s) addresses as links (nothing else is)."""
    parts, last = [], 0
    for match in URL.finditer(text):
        url = match.group(0).rstrip(TRAILING)
        end = match.start() + len(url)
        parts.append(escape(text[last : match.start()]))
        parts.append(Markup('<a href="{0}" rel="noopener noreferrer">{0}</a>').format(url))
        last = end
    parts.append(escape(text[last:]))
    html = "".join(str(p) for p in parts)
    # Belt and braces: only links to http(s) survive, whatever the text held.
    return Markup(  # noqa: S704 - cleaned by nh3 just now
        nh3.clean(
            html,
            tags={"a"},
            attributes={"a": {"href"}},
            url_schemes={"http", "https"},
            link_rel="noopener noreferrer",
        )
    )


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _parse(path: Path) -> email.message.EmailMessage:
    with path.open("rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError("larger than 5 MiB")
    return email.message_from_bytes(data, policy=policy.default)


def _summary(path: Path) -> MailSummary:
    try:
        message = _parse(path)
        recipient = str(message.get("To", ""))
        subject = str(message.get("Subject", ""))
        date = _date(message.get("Date"))
        readable = not message.defects or bool(recipient or subject)
    except _UNREADABLE:
        recipient, subject, date, readable = "", "", None, False
    if date is None:
        date = datetime.fromtimestamp(_mtime(path), UTC)
    return MailSummary(path.name, recipient, subject, date, readable)


def _date(value) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _body_text(message: email.message.EmailMessage) -> str:
    """The plain text part (or the HTML part, as text: it is shown, never rendered)."""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    return content if isinstance(content, str) else content.decode("utf-8", "replace")
