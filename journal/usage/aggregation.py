"""The daily aggregation: raw events → ``usage_daily`` rows, by the COUNTER rules.

* double clicks: an event of the same session, article and kind within
  ``DOUBLE_CLICK_SECONDS`` of the one before it is not counted (a burst counts once);
* totals count the events left; uniques count the session keys (a session is one address
  and user agent in one hour, so uniques are sessions per day);
* investigations: every kind; requests: the full text (HTML on the landing page, PDF,
  JATS).

One SQL statement per run does it all (a window function for the double clicks, GROUP BY for
the rest), on SQLite as on PostgreSQL. A day is aggregated again from scratch each time
(its rows deleted and made again in the same transaction): running twice changes nothing.
Raw events older than ``USAGE_KEEP_DAYS`` days are deleted afterwards; days whose events are
gone are never aggregated again.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, func, insert, select, text

from ..errors import JournalError
from ..extensions import db
from ..jobs import job
from ..publish.records import Article
from .models import DOWNLOAD_KINDS, REQUEST_KINDS, VIEW_KINDS, UsageDaily, UsageEvent
from .recording import usage_day

log = logging.getLogger(__name__)

DOUBLE_CLICK_SECONDS = 30
REAGGREGATE_DAYS = 2  # late events (a buffer written after midnight) are counted next run
SORT_MEMORY = "256MB"  # PostgreSQL's work_mem for the aggregation's transaction only


class UsageAggregationError(JournalError):
    status = 400
    default_message = _l("These days cannot be aggregated.")


@dataclass(frozen=True)
class AggregationResult:
    first: date | None
    last: date | None
    rows: int
    events_deleted: int


def today() -> date:
    """Today in the journal's calendar."""
    return usage_day(time.time())


def keep_from(on: date | None = None) -> date:
    """The first day whose raw events are still kept."""
    return (on or today()) - timedelta(days=current_app.config["USAGE_KEEP_DAYS"])


def default_days() -> tuple[date, date] | None:
    """What a daily run aggregates: from a little before the last day already summarised
    (or the first day with events) through yesterday, within the days still kept."""
    last_done = db.session.execute(select(func.max(UsageDaily.day))).scalar()
    first_event = db.session.execute(select(func.min(UsageEvent.day))).scalar()
    if first_event is None:
        return None
    first = last_done - timedelta(days=REAGGREGATE_DAYS) if last_done else first_event
    first = max(first, first_event, keep_from())
    last = today() - timedelta(days=1)
    return (first, last) if first <= last else None


def _counted_events(first: date, last: date):
    """The events of the days, double clicks removed."""
    previous = func.lag(UsageEvent.at).over(
        partition_by=(UsageEvent.session_key, UsageEvent.article_id, UsageEvent.kind),
        order_by=UsageEvent.at,
    )
    inner = (
        select(
            UsageEvent.day,
            UsageEvent.article_id,
            UsageEvent.country,
            UsageEvent.session_key,
            UsageEvent.kind,
            (UsageEvent.at - previous).label("gap"),
        )
        .where(UsageEvent.day >= first, UsageEvent.day <= last)
        .where(UsageEvent.article_id.in_(select(Article.id)))
        .subquery()
    )
    kept = (
        select(inner)
        .where((inner.c.gap.is_(None)) | (inner.c.gap > DOUBLE_CLICK_SECONDS))
        .subquery()
    )
    return kept


def _summary_select(first: date, last: date):
    """Counted in two steps, without COUNT(DISTINCT): each session's events per article and
    day first (a session is unique once), then the sessions per article and day."""
    e = _counted_events(first, last)

    def number(condition):
        return func.sum(case((condition, 1), else_=0))

    sessions = (
        select(
            e.c.day,
            e.c.article_id,
            e.c.country,
            func.count().label("investigations"),
            number(e.c.kind.in_(REQUEST_KINDS)).label("requests"),
            number(e.c.kind.in_(VIEW_KINDS)).label("views"),
            number(e.c.kind.in_(DOWNLOAD_KINDS)).label("downloads"),
        )
        .group_by(e.c.day, e.c.article_id, e.c.country, e.c.session_key)
        .subquery()
    )
    return select(
        sessions.c.day,
        sessions.c.article_id,
        sessions.c.country,
        func.sum(sessions.c.investigations).label("total_investigations"),
        func.count().label("unique_investigations"),
        func.sum(sessions.c.requests).label("total_requests"),
        number(sessions.c.requests > 0).label("unique_requests"),
        func.sum(sessions.c.views).label("views"),
        func.sum(sessions.c.downloads).label("downloads"),
    ).group_by(sessions.c.day, sessions.c.article_id, sessions.c.country)


def aggregate_usage(first: date | None = None, last: date | None = None) -> AggregationResult:
    """Summarise the days ``first`` to ``last`` (default: ``default_days()``), then delete
    the raw events past their keeping. One transaction."""
    if first is None and last is None:
        days = default_days()
        first, last = days if days else (None, None)
    elif first is None or last is None:
        first = last = first or last
    if first is not None:
        if first > last:
            raise UsageAggregationError(_l("The first day comes after the last."))
        if first < keep_from():
            raise UsageAggregationError(
                _l(
                    "The events of days before %(day)s are no longer kept: their figures stay "
                    "as they were aggregated.",
                    day=keep_from().isoformat(),
                )
            )
    rows = 0
    if first is not None:
        if db.session.get_bind().dialect.name == "postgresql":
            # The run sorts the days' events twice: in memory rather than on disk.
            db.session.execute(text(f"SET LOCAL work_mem = '{SORT_MEMORY}'"))
        db.session.execute(delete(UsageDaily).where(UsageDaily.day.between(first, last)))
        columns = [
            "day",
            "article_id",
            "country",
            "total_investigations",
            "unique_investigations",
            "total_requests",
            "unique_requests",
            "views",
            "downloads",
        ]
        db.session.execute(insert(UsageDaily).from_select(columns, _summary_select(first, last)))
        rows = db.session.execute(
            select(func.count()).select_from(UsageDaily).where(UsageDaily.day.between(first, last))
        ).scalar_one()
    purged = db.session.execute(delete(UsageEvent).where(UsageEvent.day < keep_from()))
    db.session.commit()
    outcome = AggregationResult(first, last, rows, max(purged.rowcount or 0, 0))
    log.info(
        "usage: aggregated %s to %s: %d rows, %d old events deleted",
        first,
        last,
        outcome.rows,
        outcome.events_deleted,
        extra={"rows": outcome.rows},
    )
    return outcome


@job("usage.aggregate")
def aggregate_job(first: str | None = None, last: str | None = None) -> AggregationResult:
    """The daily run: the events still waiting in Redis first, then the summary."""
    from .recording import flush_buffer
    from .transport import drain_redis

    drain_redis()
    flush_buffer()
    return aggregate_usage(
        date.fromisoformat(first) if first else None, date.fromisoformat(last) if last else None
    )
