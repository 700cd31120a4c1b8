"""Conditional GET for public pages, feeds and the APIs: ETag and Last-Modified from what
the response depends on, checked BEFORE anything is rendered, so an unchanged page costs
one small query.

A validator is a digest of the state of the records the page shows (by default the
published record: latest change and highest id of articles and issues; the exchange listings
pass their own), the journal settings, the page's address and query, the reader's language
and the code's version (a digest of the installed package's files: a new release changes
every ETag). Nothing in it belongs to one process, so every worker on every node gives the
same validator for the same page. ``If-None-Match`` is compared weakly (RFC 9110), so a
compressing proxy that weakens the ETag still gets 304s. Signed-in readers get no
validators: their pages are ``private, no-store`` (journal/web.py).
"""

from __future__ import annotations

import functools
import hashlib
import importlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from flask import Response, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user

from ..extensions import db
from ..provinces import Province
from ..settings import journal_settings
from .records import Article, Issue

# The packages whose files make a response: code, templates, translations, static files.
PACKAGES = ("journal", "crossref", "exchange_bridge")

State = Callable[[], tuple[datetime | None, str]]


@functools.cache
def code_version() -> str:
    """A digest of every file of the installed packages (names and contents): the same in
    every process of one release, different after any change of code or template."""
    digest = hashlib.sha256()
    for package in PACKAGES:
        root = Path(importlib.import_module(package).__file__).parent
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(root.parent).as_posix().encode())
                digest.update(b"\0")
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def settings_version() -> str:
    values = journal_settings()
    return hashlib.sha256(repr(sorted(values.items())).encode()).hexdigest()[:16]


def latest_of(*stamps) -> datetime | None:
    """The latest of some timestamps (None and SQLite's text aggregates allowed)."""
    found = [aware(v) for v in stamps if v is not None]
    return max(found) if found else None


def record_state() -> tuple[datetime | None, str]:
    """(latest change, a fingerprint of the published record) in one query of index probes:
    articles and issues are never deleted, so their latest change and highest id say
    whether any was added or changed."""
    row = db.session.execute(
        db.select(
            db.select(db.func.max(Article.updated_at)).scalar_subquery(),
            db.select(db.func.max(Article.id)).scalar_subquery(),
            db.select(db.func.max(Issue.updated_at)).scalar_subquery(),
            db.select(db.func.max(Issue.id)).scalar_subquery(),
            db.select(db.func.count(Province.id)).scalar_subquery(),
        )
    ).one()
    article_max, article_id, issue_max, issue_id, provinces = row
    latest = latest_of(article_max, issue_max)
    fingerprint = f"{latest.isoformat() if latest else '-'}|{article_id}|{issue_id}|{provinces}"
    return latest, fingerprint


def no_record() -> tuple[datetime | None, str]:
    """For what depends on no record (the code and settings make it): no Last-Modified."""
    return None, "-"


def aware(value) -> datetime:
    if isinstance(value, str):  # SQLite returns aggregates of typed columns as text
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _cacheable() -> bool:
    return not getattr(current_user, "is_authenticated", False) and not session.get("_flashes")


def validators(state: State = record_state, vary: str = "") -> tuple[str, datetime | None]:
    """(ETag, Last-Modified) of the current request's response. ``vary``: what else the
    response shows that the published record does not tell (an article's usage figures)."""
    latest, fingerprint = state()
    key = "\n".join(
        (
            code_version(),
            settings_version(),
            fingerprint,
            vary,
            str(get_locale() or "vi"),
            request.path,
            request.query_string.decode("latin-1"),
        )
    )
    etag = hashlib.sha256(key.encode()).hexdigest()[:32]
    return etag, latest.replace(microsecond=0) if latest else None


def conditional(
    render: Callable[[], object],
    *,
    public_cache: bool = True,
    state: State = record_state,
    vary: str = "",
) -> Response:
    """Answer 304 when the client's copy is current, else ``render()`` with validators."""
    if request.method not in ("GET", "HEAD") or not _cacheable():
        return make_response(render())
    etag, last_modified = validators(state, vary)
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
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return since is not None and last_modified is not None and last_modified <= since
