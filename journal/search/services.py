"""Search services: keeping the index in step with the database, and searching it.

The database is the truth. Publishing (or taking down) an article writes a
:class:`PendingSearchChange` and commits it; the ``search.apply`` job then indexes the
article's current state and deletes the row. A change whose job never ran (a crash, a busy
index) is applied by the next job, by ``journal search apply``, or on the first search after
a start. ``reindex`` rebuilds the whole index from the database beside the old one and swaps
it in; a missing or corrupt index is rebuilt by the ``search.rebuild`` job while searches
answer with a notice.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app

from .. import jobs
from ..extensions import db
from ..publish.records import Article
from . import open_engine
from .engine import (
    INDEX_UNAVAILABLE,
    IndexStatus,
    IndexUnavailableError,
    Notice,
    SearchEngine,
    SearchIndexError,
    SearchRequest,
    SearchResults,
)
from .indexing import article_document, is_searchable, live_documents
from .models import PendingSearchChange

log = logging.getLogger(__name__)

# Notice added when the index could not answer and a rebuild was asked for.
INDEX_REBUILDING = "index_rebuilding"
# A rebuild asked for less than this many seconds ago is not asked for again.
REBUILD_RETRY_SECONDS = 60.0
APPLY_BATCH = 200
_STATE_KEY = "journal.search"
_STATE_LOCK = threading.Lock()


@dataclass
class _SearchState:
    engine: SearchEngine
    apply_lock: threading.Lock = field(default_factory=threading.Lock)
    rebuild_lock: threading.Lock = field(default_factory=threading.Lock)
    rebuild_asked_at: float | None = None
    replayed: bool = False


def search_dir(app: Flask) -> Path:
    return Path(app.config.get("SEARCH_DIR") or Path(app.instance_path) / "search")


def _state(app: Flask | None = None) -> _SearchState:
    app = app or current_app._get_current_object()
    state = app.extensions.get(_STATE_KEY)
    if state is None:
        with _STATE_LOCK:
            state = app.extensions.get(_STATE_KEY)
            if state is None:
                engine = open_engine(
                    search_dir(app), time_limit=float(app.config["SEARCH_TIME_LIMIT"])
                )
                state = app.extensions[_STATE_KEY] = _SearchState(engine)
    return state


def search_engine(app: Flask | None = None) -> SearchEngine:
    """The app's engine: one per process, so its writes go through one writer."""
    return _state(app).engine


def close_engine(app: Flask) -> None:
    state = app.extensions.pop(_STATE_KEY, None)
    if state is not None:
        state.engine.close()


def _enqueue(name: str) -> None:
    """Start a job; a job that cannot start leaves its pending rows for the next one."""
    try:
        jobs.enqueue(name)
    except Exception:
        log.exception("search: the job %s could not run; pending changes stay pending", name)


# --- recording changes --------------------------------------------------------------------


def record_change(article_id: int) -> PendingSearchChange:
    """Write (and commit) the record that an article's index entry must be refreshed."""
    change = PendingSearchChange(article_id=article_id)
    db.session.add(change)
    db.session.commit()
    return change


def article_changed(article: Article) -> None:
    """An article was published, placed, or taken down (after its commit)."""
    record_change(article.id)
    _enqueue("search.apply")


def _on_article_signal(sender, **_extra) -> None:
    article_changed(sender)


def connect_signals() -> None:
    from .. import signals

    signals.article_published.connect(_on_article_signal)
    signals.article_unpublished.connect(_on_article_signal)


# --- applying changes ---------------------------------------------------------------------


def pending_count() -> int:
    return db.session.execute(db.select(db.func.count(PendingSearchChange.id))).scalar_one()


@jobs.job("search.apply")
def apply_pending() -> int:
    """Bring the index up to date with the pending changes; returns how many articles were
    indexed or removed. Rows are deleted only once their change is in the index."""
    state = _state()
    with state.apply_lock:
        applied, unavailable = _apply_batches(state)
    if unavailable:
        request_rebuild()  # outside the lock: an inline rebuild applies the rows itself
    return applied


def _apply_batches(state: _SearchState) -> tuple[int, bool]:
    applied = 0
    if pending_count() and state.engine.status() is IndexStatus.MISSING:
        # Writing now would start an index holding these articles only: rebuild it whole.
        return applied, True
    while True:
        rows = list(
            db.session.execute(
                db.select(PendingSearchChange.id, PendingSearchChange.article_id)
                .order_by(PendingSearchChange.id)
                .limit(APPLY_BATCH)
            )
        )
        if not rows:
            return applied, False
        last_id = rows[-1].id
        ids = sorted({r.article_id for r in rows})
        articles = {
            a.id: a
            for a in db.session.execute(db.select(Article).where(Article.id.in_(ids))).scalars()
        }
        live = [articles[i] for i in ids if is_searchable(articles.get(i))]
        gone = [str(i) for i in ids if not is_searchable(articles.get(i))]
        try:
            state.engine.index([article_document(a) for a in live])
            state.engine.remove(gone)
        except IndexUnavailableError:
            db.session.rollback()
            return applied, True
        except SearchIndexError:
            db.session.rollback()
            log.warning("search: the index is busy; %d change(s) stay pending", len(rows))
            return applied, False
        db.session.execute(db.delete(PendingSearchChange).where(PendingSearchChange.id <= last_id))
        db.session.commit()
        applied += len(ids)


def replay_pending_once() -> None:
    """On the first search after a start, apply what an earlier process left pending."""
    state = _state()
    if state.replayed:
        return
    state.replayed = True
    if pending_count():
        _enqueue("search.apply")


# --- rebuilding ---------------------------------------------------------------------------


def reindex() -> int:
    """Rebuild the index from the database into a new directory and swap it in atomically;
    searches answer from the old index meanwhile. Returns the number of articles indexed."""
    state = _state()
    with state.rebuild_lock:
        try:
            before = db.session.execute(db.select(db.func.max(PendingSearchChange.id))).scalar()
            count = state.engine.rebuild(live_documents())
            if before is not None:
                # Committed before the rebuild read the articles: already in the new index.
                db.session.execute(
                    db.delete(PendingSearchChange).where(PendingSearchChange.id <= before)
                )
            db.session.commit()
        finally:
            state.rebuild_asked_at = None
    apply_pending()  # changes made while the rebuild ran
    return count


@jobs.job("search.rebuild")
def rebuild_job() -> int:
    return reindex()


def request_rebuild() -> bool:
    """Ask for a rebuild in a job, unless one was asked for a moment ago."""
    state = _state()
    now = time.monotonic()
    with _STATE_LOCK:
        asked = state.rebuild_asked_at
        if asked is not None and now - asked < REBUILD_RETRY_SECONDS:
            return False
        state.rebuild_asked_at = now
    _enqueue("search.rebuild")
    return True


# --- searching ----------------------------------------------------------------------------


def search_articles(
    text: str, *, filters=None, sort: str = "relevance", page: int = 1, page_size=None
) -> SearchResults:
    """Search the published articles. Never raises: problems come back as notices."""
    replay_pending_once()
    request = SearchRequest(
        text=text,
        filters=filters or {},
        sort=sort,
        page=page,
        page_size=page_size or current_app.config["SEARCH_PAGE_SIZE"],
    )
    results = search_engine().search(request)
    if results.error == INDEX_UNAVAILABLE:
        request_rebuild()
        results.notices.append(Notice(INDEX_REBUILDING))
    return results


def index_status() -> dict:
    engine = search_engine()
    return {"status": str(engine.status()), "count": engine.count(), "pending": pending_count()}
