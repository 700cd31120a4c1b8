"""Helpers for the accounts tests: the outbox, links inside messages, tokens issued in the
past."""

from __future__ import annotations

import re
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from babel.dates import format_timedelta
from flask_babel import force_locale, gettext
from itsdangerous.timed import TimestampSigner

from journal.extensions import db
from journal.mail import OutboxMessage

BASE = "https://journal.example.org"
PASSWORD = "a long enough passphrase"


def outbox(template: str | None = None, recipient: str | None = None) -> list[OutboxMessage]:
    query = db.select(OutboxMessage).order_by(OutboxMessage.id)
    if template:
        query = query.where(OutboxMessage.template == template)
    if recipient:
        query = query.where(OutboxMessage.recipient == recipient)
    return list(db.session.execute(query).scalars())


def link_in(body: str, path_prefix: str) -> str:
    """The one absolute link in ``body`` whose path starts with ``path_prefix``."""
    links = set(re.findall(r"https?://\S+", body))
    found = [link for link in links if link.split("/", 3)[-1].startswith(path_prefix.lstrip("/"))]
    assert len(found) == 1, links
    return found[0]


def path_of(link: str) -> str:
    assert link.startswith(BASE + "/"), link
    return link[len(BASE) :]


@contextmanager
def issued_seconds_ago(seconds: int):
    """Tokens signed inside this block carry a timestamp ``seconds`` in the past."""
    past = int(time.time()) - seconds
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: past)
        yield


def register_form(**overrides) -> dict:
    data = {
        "full_name": "Nguyễn Thị Mai",
        "email": "mai@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "affiliation": "Viện Lúa ĐBSCL",
        "locale": "vi",
    }
    data.update(overrides)
    return data


def validity(seconds: int, locale: str) -> str:
    """How a link's lifetime reads in ``locale`` (CLDR data, not the message catalog)."""
    return format_timedelta(timedelta(seconds=seconds), locale=locale)


def translated(msgid: str, lang: str, **variables) -> str:
    """``msgid`` as the ``lang`` catalog has it (the English text until it is translated)."""
    with force_locale(lang):
        return gettext(msgid, **variables)
