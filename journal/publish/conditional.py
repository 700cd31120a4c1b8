"""Conditional GET for public pages and feeds: ETag and Last-Modified from the published
record, checked BEFORE anything is rendered, so an unchanged page costs one small query.

The validator of every public page is the state of the published record (latest change and
count of articles and issues, the news and the journal settings), the page's address and
query, the reader's language and the code's start time (a new release changes every ETag).
Signed-in readers get no validators: their pages are ``private, no-store`` (journal/web.py).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Response, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user

from ..extensions import db
from ..provinces import Province
from ..settings import JournalSetting
from ..site.models import Announcement
from .records import Article, Issue

STARTED = str(time.time_ns())


def record_state() -> tuple[datetime | None, str]:
    """(latest change, a fingerprint of the published record) in one query."""
    row = db.session.execute(
        db.select(
            db.select(db.func.max(Article.updated_at)).scalar_subquery(),
            db.select(db.func.count(Article.id)).scalar_subquery(),
            db.select(db.func.max(Issue.updated_at)).scalar_subquery(),
            db.select(db.func.count(Issue.id)).scalar_subquery(),
            db.select(db.func.count(Province.id)).scalar_subquery(),
            db.select(db.func.max(Announcement.updated_at)).scalar_subquery(),
            db.select(db.func.count(Announcement.id)).scalar_subquery(),
            db.select(db.func.max(JournalSetting.updated_at)).scalar_subquery(),
        )
    ).one()
    article_max, article_count, issue_max, issue_count, provinces, *rest = row
    news_max, news_count, settings_max = rest
    stamps = [_aware(v) for v in (article_max, issue_max, news_max, settings_max) if v is not None]
    latest = max(stamps) if stamps else None
    fingerprint = (
        f"{latest.isoformat() if latest else '-'}|{article_count}|{issue_count}|{provinces}"
        f"|{news_count}"
    )
    return latest, fingerprint


def _aware(value) -> datetime:
    if isinstance(value, str):  # SQLite returns aggregates of typed columns as text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _cacheable() -> bool:
    return not getattr(current_user, "is_authenticated", False) and not session.get("_flashes")


def conditional(
    render: Callable[[], object], *, public_cache: bool = True, vary: str = ""
) -> Response:
    """Answer 304 when the client's copy is current, else ``render()`` with validators.
    ``vary``: what else the page shows that the published record does not tell (an
    article's usage figures)."""
    if request.method not in ("GET", "HEAD") or not _cacheable():
        return make_response(render())
    latest, fingerprint = record_state()
    key = "|".join(
        (
            STARTED,
            fingerprint,
            str(get_locale() or "vi"),
            request.path,
            request.query_string.decode("latin-1"),
            vary,
        )
    )
    etag = hashlib.sha256(key.encode()).hexdigest()[:32]
    last_modified = latest.replace(microsecond=0) if latest else None
    if _not_modified(etag, last_modified):
        response = Response(status=304)
    else:
        response = make_response(render())
        if response.status_code != 200:
            return response
    response.set_etag(etag)
    if last_modified is not None:
        response.last_modified = last_modified
    response.headers["Cache-Control"] = "public, no-cache" if public_cache else "no-cache"
    response.vary.add("Cookie")
    return response


def _not_modified(etag: str, last_modified: datetime | None) -> bool:
    if request.if_none_match:
        return request.if_none_match.contains(etag)
    since = request.if_modified_since
    return since is not None and last_modified is not None and last_modified <= since
