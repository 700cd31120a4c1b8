"""The COUNTER rules of the daily aggregation: double clicks, uniques per session and day,
totals and uniques apart; running it again changes nothing; raw events are kept so long."""

from __future__ import annotations

from datetime import timedelta

import pytest

from journal.dates import start_of_local_day
from journal.extensions import db
from journal.usage.aggregation import UsageAggregationError, aggregate_usage, today
from journal.usage.recording import Event, session_key, usage_day, write_events

from .conftest import BROWSER, PHONE, daily, events

SALT = b"salt of the test"


def _at(day, hour, minute=0, second=0) -> float:
    return start_of_local_day(day).timestamp() + (hour * 3600 + minute * 60 + second)


def _event(article, kind, moment, ip="198.51.100.7", agent=BROWSER) -> Event:
    return Event(
        article.id,
        kind,
        usage_day(moment),
        int(moment),
        session_key(SALT, ip, agent, moment),
    )


def _figures(row):
    return (
        row.total_investigations,
        row.unique_investigations,
        row.total_requests,
        row.unique_requests,
        row.views,
        row.downloads,
    )


def test_double_clicks_within_30_seconds_count_once(app, article):
    day = today() - timedelta(days=1)
    start = _at(day, 10)
    write_events(
        [
            _event(article, "html", start),
            _event(article, "html", start + 10),  # a double click
            _event(article, "html", start + 40),  # 30 s after the one before: still one
            _event(article, "html", start + 71),  # 31 s after: counted
            _event(article, "pdf", start + 72),  # another kind: counted
            _event(article, "pdf", start + 102),  # exactly 30 s: a double click
            _event(article, "html", start + 75, ip="203.0.113.9"),  # another reader
        ]
    )
    aggregate_usage(day, day)
    (row,) = daily()
    # html: 2 for the first reader, 1 for the other; pdf: 1
    assert _figures(row) == (4, 2, 4, 2, 3, 1)


def test_uniques_are_sessions_per_day_and_totals_are_kept_apart(app, article, second_article):
    day = today() - timedelta(days=2)
    write_events(
        [
            # Reader A: the page, then the PDF and the JATS in the same hour: one session.
            _event(article, "html", _at(day, 9, 0)),
            _event(article, "pdf", _at(day, 9, 20)),
            _event(article, "jats", _at(day, 9, 21)),
            # Reader A again after the hour: a new session.
            _event(article, "html", _at(day, 10, 5)),
            # Reader B on a phone, same address: another session.
            _event(article, "html", _at(day, 9, 30), agent=PHONE),
            # An investigation without a request (the page without its full text).
            _event(article, "page", _at(day, 11), ip="192.0.2.1"),
            # The next day, reader A: that day's row.
            _event(article, "html", _at(day + timedelta(days=1), 9)),
            # Another article.
            _event(second_article, "pdf", _at(day, 9, 0)),
        ]
    )
    aggregate_usage(day, day + timedelta(days=1))
    rows = {(r.day, r.article_id): r for r in daily()}
    assert _figures(rows[(day, article.id)]) == (6, 4, 5, 3, 4, 2)
    assert _figures(rows[(day + timedelta(days=1), article.id)]) == (1, 1, 1, 1, 1, 0)
    assert _figures(rows[(day, second_article.id)]) == (1, 1, 1, 1, 0, 1)
    assert len(rows) == 3


def test_aggregating_again_changes_nothing_and_late_events_are_counted(app, article):
    day = today() - timedelta(days=1)
    write_events([_event(article, "html", _at(day, 8)), _event(article, "pdf", _at(day, 8, 1))])
    first = aggregate_usage()  # the default: the days with events, through yesterday
    assert (first.first, first.last, first.rows) == (day, day, 1)
    before = [_figures(r) for r in daily()]
    again = aggregate_usage()
    assert again.rows == 1 and [_figures(r) for r in daily()] == before == [(2, 1, 2, 1, 1, 1)]

    write_events([_event(article, "html", _at(day, 23, 59), ip="203.0.113.9")])  # late
    aggregate_usage()
    assert [_figures(r) for r in daily()] == [(3, 2, 3, 2, 2, 1)]


def test_today_waits_for_tomorrow(app, article):
    write_events([_event(article, "html", _at(today(), 0, 0, 1))])
    assert aggregate_usage().first is None
    assert daily() == []


def test_raw_events_are_deleted_after_the_keeping_days_and_their_figures_stay(app, article):
    old, recent = today() - timedelta(days=11), today() - timedelta(days=3)
    app.config["USAGE_KEEP_DAYS"] = 20
    write_events([_event(article, "html", _at(old, 12)), _event(article, "html", _at(recent, 12))])
    aggregate_usage(old, recent)
    assert len(daily()) == 2 and len(events()) == 2

    app.config["USAGE_KEEP_DAYS"] = 10
    result = aggregate_usage()
    assert result.events_deleted == 1
    assert [e.day for e in events()] == [recent]
    assert [r.day for r in daily()] == [old, recent]  # the old day's figures stay
    with pytest.raises(UsageAggregationError) as refused:
        aggregate_usage(old, old)
    assert "không còn được lưu" in str(refused.value.message)  # the default language


def test_events_of_articles_that_do_not_exist_are_left_out(app, article):
    day = today() - timedelta(days=1)
    stray = Event(9999, "html", day, int(_at(day, 12)), 1)
    write_events([stray, _event(article, "html", _at(day, 12))])
    aggregate_usage(day, day)
    assert [r.article_id for r in daily()] == [article.id]


def test_the_cli_aggregates_and_says_what_it_did(app, article, runner):
    day = today() - timedelta(days=1)
    write_events([_event(article, "html", _at(day, 12))])
    result = runner.invoke(args=["usage", "aggregate"])
    assert result.exit_code == 0, result.output
    assert f"Counted {day} to {day}: 1 rows" in result.output
    assert runner.invoke(args=["usage", "aggregate", "--from", "2026-13-01"]).exit_code == 2
    refused = runner.invoke(
        args=["usage", "aggregate", "--from", "2001-01-01", "--to", "2001-01-02"]
    )
    assert refused.exit_code == 1 and "Dữ liệu gốc của các ngày trước" in refused.output
    backwards = runner.invoke(
        args=["usage", "aggregate", "--from", day.isoformat(), "--to", str(day - timedelta(1))]
    )
    assert backwards.exit_code == 1 and "Ngày đầu tiên nằm sau ngày cuối cùng" in backwards.output
    db.session.expire_all()
    assert len(daily()) == 1
