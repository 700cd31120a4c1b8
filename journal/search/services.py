"""Search services: keeping the indexes in step with the database, and searching them.

The database is the truth. Two indexes follow it: the public one of published articles, and
the staff one of submissions (everything after the draft, never shown to the public).
Every change goes into the change log (:class:`SearchChange`): publishing or taking down
an article writes its row after the commit; any change to a submission or its authors
writes one in the same transaction. The log's ids only grow: each index records in its own
folder the last one it applied, and catches up from there on the first search after a
start, after every change this process makes (the ``search.apply`` job), and at least every
``SEARCH_CATCH_UP_SECONDS`` when searched. So every node of a cluster keeps its own
replica, fed by the same log. ``reindex`` rebuilds an index from the database beside the
old one and swaps it in; a missing or corrupt index is rebuilt by the ``search.rebuild``
job while searches answer with a notice.
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from .. import jobs
from ..extensions import db
from ..models_base import utcnow
from ..publish.records import Article
from ..submissions.models import Submission, SubmissionAuthor
from . import open_engine
from .engine import (
    INDEX_UNAVAILABLE,
    TIMED_OUT,
    IndexStatus,
    IndexUnavailableError,
    Notice,
    SearchEngine,
    SearchIndexError,
    SearchRequest,
    SearchResults,
)
from .indexing import (
    article_document,
    is_indexed_submission,
    is_searchable,
    live_documents,
    submission_document,
    submission_documents,
)
from .models import ChangeKind, SearchChange, SearchNode

log = logging.getLogger(__name__)

# Notice added when the index could not answer and a rebuild was asked for.
INDEX_REBUILDING = "index_rebuilding"
# A rebuild asked for less than this many seconds ago is not asked for again.
REBUILD_RETRY_SECONDS = 60.0
APPLY_BATCH = 200
# A hole in the log's ids younger than this may be a transaction not committed yet (its
# id taken, its row not visible): the index does not move past it until it is older.
SEQUENCE_GRACE_SECONDS = 30.0
ARTICLES = "articles"
SUBMISSIONS = "submissions"
_KIND = {ARTICLES: ChangeKind.ARTICLE.value, SUBMISSIONS: ChangeKind.SUBMISSION.value}
_STATE_KEY = "journal.search"
_STATE_LOCK = threading.Lock()


@dataclass
class _Index:
    name: str
    engine: SearchEngine
    node: str
    apply_lock: threading.Lock = field(default_factory=threading.Lock)
    rebuild_lock: threading.Lock = field(default_factory=threading.Lock)
    rebuild_asked_at: float | None = None
    replayed: bool = False
    checked_at: float = 0.0

    @property
    def kind(self) -> str:
        return _KIND[self.name]


def search_dir(app: Flask) -> Path:
    return Path(app.config.get("SEARCH_DIR") or Path(app.instance_path) / "search")


def index_dir(app: Flask, name: str) -> Path:
    """Where this node keeps an index: one folder per engine and index."""
    return search_dir(app) / app.config["SEARCH_ENGINE"] / name


def _indexes(app: Flask | None = None) -> dict[str, _Index]:
    app = app or current_app._get_current_object()
    state = app.extensions.get(_STATE_KEY)
    if state is None:
        with _STATE_LOCK:
            state = app.extensions.get(_STATE_KEY)
            if state is None:
                state = {}
                for name in (ARTICLES, SUBMISSIONS):
                    directory = index_dir(app, name)
                    engine = open_engine(
                        directory,
                        app.config["SEARCH_ENGINE"],
                        time_limit=float(app.config["SEARCH_TIME_LIMIT"]),
                    )
                    node = f"{socket.gethostname()}:{directory.resolve()}"[-255:]
                    state[name] = _Index(name, engine, node)
                app.extensions[_STATE_KEY] = state
    return state


def _index(name: str) -> _Index:
    return _indexes()[name]


def search_engine(app: Flask | None = None) -> SearchEngine:
    """The engine of the published articles: one per process, so its writes go through
    one writer."""
    return _indexes(app)[ARTICLES].engine


def staff_engine(app: Flask | None = None) -> SearchEngine:
    """The engine of the submissions (staff search)."""
    return _indexes(app)[SUBMISSIONS].engine


def close_engine(app: Flask) -> None:
    state = app.extensions.pop(_STATE_KEY, None)
    for index in (state or {}).values():
        index.engine.close()


def _enqueue(name: str, *args) -> None:
    """Start a job; a job that cannot start leaves its changes for the next one."""
    try:
        jobs.enqueue(name, *args)
    except Exception:
        log.exception("search: the job %s could not run; changes stay pending", name)


# --- recording changes --------------------------------------------------------------------


def record_change(article_id: int) -> SearchChange:
    """Write (and commit) the record that an article's index entry must be refreshed."""
    change = SearchChange(kind=ChangeKind.ARTICLE.value, record_id=article_id)
    db.session.add(change)
    db.session.commit()
    return change


def article_changed(article: Article) -> None:
    """An article was published, placed, or taken down (after its commit)."""
    record_change(article.id)
    _enqueue("search.apply")


def _on_article_signal(sender, **_extra) -> None:
    article_changed(sender)


def _changed_submissions(session: Session) -> set[int]:
    ids: set[int] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        if isinstance(obj, Submission) and obj.id is not None:
            ids.add(obj.id)
        elif isinstance(obj, SubmissionAuthor) and obj.submission_id is not None:
            ids.add(obj.submission_id)
    return ids


def _log_submission_changes(session: Session, _flush_context) -> None:
    """In the flush that changes a submission or its authors: the change log's rows, in the
    same transaction (so the staff index can never miss a committed change)."""
    ids = _changed_submissions(session)
    if not ids:
        return
    now = utcnow()
    session.connection().execute(
        db.insert(SearchChange.__table__),
        [
            {"kind": ChangeKind.SUBMISSION.value, "record_id": i, "created_at": now}
            for i in sorted(ids)
        ],
    )
    session.info["journal.search.staff_changed"] = True


def _after_commit(session: Session) -> None:
    if session.info.pop("journal.search.staff_changed", False):
        try:
            app = current_app._get_current_object()
        except RuntimeError:
            return
        if app.extensions.get(_STATE_KEY) is not None:
            _indexes(app)[SUBMISSIONS].checked_at = 0.0  # the next staff search catches up


def _after_rollback(session: Session) -> None:
    session.info.pop("journal.search.staff_changed", None)


_CONNECTED = False


def connect_signals() -> None:
    global _CONNECTED
    from .. import signals

    signals.article_published.connect(_on_article_signal)
    signals.article_unpublished.connect(_on_article_signal)
    if not _CONNECTED:
        event.listen(Session, "after_flush", _log_submission_changes)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", lambda s, _t: _after_rollback(s))
        _CONNECTED = True


# --- applying changes ---------------------------------------------------------------------


def _latest_sequence() -> int:
    return db.session.execute(db.select(db.func.max(SearchChange.id))).scalar() or 0


def pending_count(name: str = ARTICLES) -> int:
    """Changes in the log this node's index has not applied yet."""
    index = _index(name)
    return db.session.execute(
        db.select(db.func.count(SearchChange.id)).where(
            SearchChange.kind == index.kind, SearchChange.id > index.engine.applied_sequence()
        )
    ).scalar_one()


@jobs.job("search.apply")
def apply_pending() -> int:
    """Bring every index of this node up to date with the change log; returns how many
    records were indexed or removed."""
    return sum(catch_up(name) for name in (ARTICLES, SUBMISSIONS))


def catch_up(name: str) -> int:
    """Apply the changes after the index's sequence; records how far it got."""
    index = _index(name)
    with index.apply_lock:
        applied, unavailable = _apply_batches(index)
    if unavailable:
        request_rebuild(name)  # outside the lock: an inline rebuild catches up itself
    return applied


def _node_row(index: _Index) -> SearchNode | None:
    return db.session.get(SearchNode, index.node)


def _apply_batches(index: _Index) -> tuple[int, bool]:
    engine = index.engine
    if engine.status() is IndexStatus.MISSING:
        # Writing now would start an index holding these records only: rebuild it whole.
        return 0, bool(_latest_sequence() or _has_records(index))
    sequence = engine.applied_sequence()
    if sequence and _node_row(index) is None:
        # The log was pruned while this index was away: it may have missed changes.
        log.warning("search: the %s index was away too long; rebuilding it", index.name)
        return 0, True
    applied = 0
    while True:
        rows = list(
            db.session.execute(
                db.select(SearchChange.id, SearchChange.kind, SearchChange.record_id)
                .add_columns(SearchChange.created_at)
                .where(SearchChange.id > sequence)
                .order_by(SearchChange.id)
                .limit(APPLY_BATCH)
            )
        )
        if not rows:
            break
        ids = sorted({r.record_id for r in rows if r.kind == index.kind})
        try:
            if ids:
                _apply_records(index, ids)
            reached = _contiguous(sequence, rows)
            if reached > sequence:
                engine.record_sequence(reached)
        except IndexUnavailableError:
            db.session.rollback()
            return applied, True
        except SearchIndexError:
            db.session.rollback()
            log.warning("search: the %s index is busy; changes stay pending", index.name)
            return applied, False
        applied += len(ids)
        if reached != rows[-1].id:
            break  # a hole that may still fill: the next catch-up reads from there again
        sequence = reached
    _report(index, engine.applied_sequence())
    return applied, False


def _contiguous(sequence: int, rows) -> int:
    """The last id up to which the log has no hole that could still fill."""
    old = utcnow() - timedelta(seconds=SEQUENCE_GRACE_SECONDS)
    reached = sequence
    for row in rows:
        created = row.created_at
        if created is not None and created.tzinfo is None:
            created = created.replace(tzinfo=old.tzinfo)
        if row.id != reached + 1 and (created is None or created > old):
            break
        reached = row.id
    return reached


def _apply_records(index: _Index, ids: list[int]) -> None:
    if index.name == ARTICLES:
        found = db.session.execute(db.select(Article).where(Article.id.in_(ids))).scalars()
        records = {a.id: a for a in found}
        live = [records[i] for i in ids if is_searchable(records.get(i))]
        index.engine.index([article_document(a) for a in live])
        index.engine.remove([str(i) for i in ids if not is_searchable(records.get(i))])
    else:
        found = db.session.execute(db.select(Submission).where(Submission.id.in_(ids))).scalars()
        records = {s.id: s for s in found}
        kept = [records[i] for i in ids if is_indexed_submission(records.get(i))]
        index.engine.index([submission_document(s) for s in kept])
        index.engine.remove([str(i) for i in ids if not is_indexed_submission(records.get(i))])


def _has_records(index: _Index) -> bool:
    model = Article if index.name == ARTICLES else Submission
    return db.session.execute(db.select(model.id).limit(1)).first() is not None


def _report(index: _Index, sequence: int) -> None:
    """Tell the database how far this index got; prune what every index has seen."""
    now = utcnow()
    row = _node_row(index)
    if row is None:
        db.session.add(SearchNode(name=index.node, sequence=sequence, seen_at=now))
    else:
        row.sequence, row.seen_at = sequence, now
    retention = timedelta(days=float(current_app.config["SEARCH_CHANGE_RETENTION_DAYS"]))
    gone = now - retention
    db.session.execute(db.delete(SearchNode).where(SearchNode.seen_at < gone))
    db.session.flush()
    oldest = db.session.execute(db.select(db.func.min(SearchNode.sequence))).scalar() or 0
    db.session.execute(
        db.delete(SearchChange).where(SearchChange.id <= oldest, SearchChange.created_at < gone)
    )
    db.session.commit()


def maybe_catch_up(name: str) -> None:
    """On a search: the first after a start, and then at least every
    ``SEARCH_CATCH_UP_SECONDS``, apply what the log holds that this index has not seen
    (changes made through another process or node)."""
    index = _index(name)
    now = time.monotonic()
    every = float(current_app.config["SEARCH_CATCH_UP_SECONDS"])
    if index.replayed and now - index.checked_at < every:
        return
    index.replayed, index.checked_at = True, now
    behind = _latest_sequence() > index.engine.applied_sequence()
    # A missing index is not caught up: the search answers with a notice and asks for a build.
    if behind and index.engine.status() is not IndexStatus.MISSING:
        _enqueue("search.apply")


# --- rebuilding ---------------------------------------------------------------------------


def reindex(name: str = ARTICLES) -> int:
    """Rebuild an index from the database into a new directory and swap it in atomically;
    searches answer from the old index meanwhile. Returns the number of records indexed."""
    index = _index(name)
    with index.rebuild_lock:
        try:
            # What the rebuild will have seen: the log up to here, less a hole that may
            # still fill (applied again afterwards, which is harmless).
            latest = _latest_sequence()
            recent = db.session.execute(
                db.select(db.func.min(SearchChange.id)).where(
                    SearchChange.created_at > utcnow() - timedelta(seconds=SEQUENCE_GRACE_SECONDS)
                )
            ).scalar()
            sequence = min(latest, recent - 1) if recent else latest
            documents = live_documents() if name == ARTICLES else submission_documents()
            count = index.engine.rebuild(documents)
            index.engine.record_sequence(sequence)
            _report(index, index.engine.applied_sequence())
        finally:
            index.rebuild_asked_at = None
    catch_up(name)  # changes made while the rebuild ran
    return count


@jobs.job("search.rebuild")
def rebuild_job(name: str = ARTICLES) -> int:
    return reindex(name)


def request_rebuild(name: str = ARTICLES) -> bool:
    """Ask for a rebuild in a job, unless one was asked for a moment ago."""
    index = _index(name)
    now = time.monotonic()
    with _STATE_LOCK:
        asked = index.rebuild_asked_at
        if asked is not None and now - asked < REBUILD_RETRY_SECONDS:
            return False
        index.rebuild_asked_at = now
    _enqueue("search.rebuild", name)
    return True


# --- searching ----------------------------------------------------------------------------


def search_articles(
    text: str, *, filters=None, sort: str = "relevance", page: int = 1, page_size=None
) -> SearchResults:
    """Search the published articles. Never raises: problems come back as notices."""
    maybe_catch_up(ARTICLES)
    request = SearchRequest(
        text=text,
        filters=filters or {},
        sort=sort,
        page=page,
        page_size=page_size or current_app.config["SEARCH_PAGE_SIZE"],
    )
    results = search_engine().search(request)
    return _checked(results, ARTICLES)


def search_staff_index(request: SearchRequest) -> SearchResults:
    """Search the submissions index (the caller restricts ``request`` to what its searcher
    may see). Editors act on what they find: the index first applies every change
    committed so far (one small query when there is none)."""
    if _latest_sequence() > staff_engine().applied_sequence():
        catch_up(SUBMISSIONS)
    return _checked(staff_engine().search(request), SUBMISSIONS)


def _checked(results: SearchResults, name: str) -> SearchResults:
    if results.error == INDEX_UNAVAILABLE:
        request_rebuild(name)
        results.notices.append(Notice(INDEX_REBUILDING))
    if is_partial(results):
        log.warning(
            "search: partial results (time limit reached) for a query on the %s index",
            name,
            extra={"search_index": name, "elapsed_ms": round(results.elapsed_ms, 1)},
        )
    return results


def is_partial(results: SearchResults | None) -> bool:
    """The search stopped at the time limit: what it shows is not everything."""
    return results is not None and TIMED_OUT in results.notice_codes()


def index_status() -> dict:
    out = {}
    for name, index in _indexes().items():
        out[name] = {
            "status": str(index.engine.status()),
            "count": index.engine.count(),
            "pending": pending_count(name),
            "sequence": index.engine.applied_sequence(),
        }
    return out
