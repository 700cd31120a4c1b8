"""Demo readers: up to a month of visits to the demo journal's articles (pages, some PDF and JATS
downloads, a few double clicks and robots left out as the pages would), made into events as
the pages make them and aggregated, so that the article pages, the editors' charts, the
yearly report and the item report show figures. Idempotent: nothing is made once the demo
has usage."""

from __future__ import annotations

import random
import secrets
import time
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from ..dates import local_date, start_of_local_day
from ..extensions import db
from ..publish.records import Article
from .aggregation import aggregate_usage, today
from .models import UsageDaily
from .recording import Event, session_key, usage_day, write_events
from .robots import is_robot

DAYS = 30
AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
    "like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
)


def demo_events(articles, first_day, last_day, rng: random.Random) -> list[Event]:
    """Readers' events over the days (each article's from the day it was published, up to
    now), the first articles read most."""
    salt = secrets.token_bytes(32)  # the demo's own: never stored
    now = time.time()
    made = []
    day = first_day
    while day <= last_day:
        start = start_of_local_day(day).timestamp()
        for rank, article in enumerate(articles):
            if local_date(article.published_at) > day:
                continue
            span = max(1.0, min(86400.0 - 900, now - start))  # up to now
            for _ in range(rng.randint(2, 12 - min(rank, 8))):
                ip = f"203.0.113.{rng.randrange(1, 255)}"
                agent = rng.choice(AGENTS)
                if is_robot(agent):
                    continue  # the pages record no robot
                moment = start + rng.uniform(0, span)

                def event(kind, at, ip=ip, agent=agent, article=article):
                    key = session_key(salt, ip, agent, at)
                    return Event(article.id, kind, usage_day(at), int(at), key)

                made.append(event("html", moment))
                if rng.random() < 0.1:
                    made.append(event("html", moment + rng.randint(1, 20)))  # a double click
                if rng.random() < 0.4:
                    made.append(event("pdf", moment + rng.randint(60, 600)))
                if rng.random() < 0.05:
                    made.append(event("jats", moment + rng.randint(60, 600)))
        day += timedelta(days=1)
    return made


def ensure_usage_demo() -> int:
    """A month of demo readers for the live articles (none when there is usage already):
    the number of events made."""
    if db.session.execute(select(UsageDaily.article_id).limit(1)).first() is not None:
        return 0
    articles = (
        db.session.execute(
            select(Article)
            .where(Article.published_at.is_not(None), Article.unpublished_at.is_(None))
            .order_by(Article.id)
        )
        .scalars()
        .all()
    )
    if not articles:
        return 0
    last = today()
    first = last - timedelta(days=min(DAYS, current_app.config["USAGE_KEEP_DAYS"]))
    made = demo_events(articles, first, last, random.Random(2026))
    write_events(made)
    aggregate_usage(first, last)
    return len(made)
