"""Usage tests: published articles, readers (an address and a browser each) and robots."""

from __future__ import annotations

import pytest

from journal.extensions import db
from journal.usage.models import UsageDaily, UsageEvent

from ..publish.factories import make_published_article

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
PHONE = (
    "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture
def article(app, users):
    return make_published_article(users["author"], title_en="Rice in saline soil")


@pytest.fixture
def second_article(app, users):
    return make_published_article(users["author"], province="AG", section="short")


def reader(app, ip: str, user_agent: str = BROWSER):
    """A client for one reader: its own address and user agent, reading English."""
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": ip, "HTTP_USER_AGENT": user_agent})
    client.set_cookie("lang", "en")
    return client


def events() -> list[UsageEvent]:
    return list(db.session.execute(db.select(UsageEvent).order_by(UsageEvent.id)).scalars())


def daily() -> list[UsageDaily]:
    return list(
        db.session.execute(
            db.select(UsageDaily).order_by(UsageDaily.day, UsageDaily.article_id)
        ).scalars()
    )
