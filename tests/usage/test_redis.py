"""With Redis: the pages push events onto a Redis list, a job drains it in batches into the
database (run inline here, as JOBS_INLINE runs every job), ``journal usage flush`` drains
what is left, and the daily aggregation drains first."""

from __future__ import annotations

import pytest
from redis import Redis

from journal.usage.aggregation import aggregate_job, today
from journal.usage.recording import REDIS_DRAIN_FLAG, REDIS_LIST, recorder

from .conftest import daily, events, reader


@pytest.fixture
def redis_app(app, app_config, other_app, redis_url):
    made = other_app({**app_config, "REDIS_URL": redis_url, "USAGE_BATCH_SIZE": 3})
    client = Redis.from_url(redis_url)
    client.delete(REDIS_LIST, REDIS_DRAIN_FLAG)
    with made.app_context():
        yield made, client
        recorder(made).discard()
    client.delete(REDIS_LIST, REDIS_DRAIN_FLAG)
    client.close()


def test_events_go_through_redis_in_batches(redis_app):
    from ..publish.factories import make_published_article

    app, client = redis_app
    article = make_published_article()
    url = f"/articles/{article.id}"
    reader(app, "198.51.100.1").get(url)
    reader(app, "198.51.100.2").get(url + "/pdf")
    assert client.llen(REDIS_LIST) == 2 and events() == []
    waiting = client.lrange(REDIS_LIST, 0, -1)
    assert all(b"198.51.100" not in item and b"Mozilla" not in item for item in waiting)

    reader(app, "198.51.100.3").get(url)  # the third: a batch, drained by the job
    assert client.llen(REDIS_LIST) == 0
    assert [e.kind for e in events()] == ["html", "pdf", "html"]
    assert not recorder(app).buffer

    reader(app, "198.51.100.4").get(url + "/jats.xml")
    assert client.llen(REDIS_LIST) == 1
    result = app.test_cli_runner().invoke(args=["usage", "flush"])
    assert result.exit_code == 0 and "1 events written." in result.output
    assert client.llen(REDIS_LIST) == 0 and len(events()) == 4

    reader(app, "198.51.100.5").get(url)
    aggregate_job(today().isoformat(), today().isoformat())  # drains, then counts
    (row,) = daily()
    assert (row.total_requests, row.unique_requests, row.views, row.downloads) == (5, 5, 3, 2)
