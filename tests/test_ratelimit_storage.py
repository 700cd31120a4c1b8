"""Rate limits are counted in Redis whenever Redis is configured: with several gunicorn
workers, counts kept in each process's memory would let every worker allow the limit."""

from __future__ import annotations

import pytest

from journal import create_app
from journal.extensions import db, limiter

ATTEMPT = {"email": "x@example.org", "password": "nope"}


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, "memory://"),
        ({"REDIS_URL": "redis://cache.internal:6379/2"}, "redis://cache.internal:6379/2"),
        (
            {
                "REDIS_URL": "redis://cache.internal:6379/2",
                "RATELIMIT_STORAGE_URI": "redis://limits.internal:6380/3",
            },
            "redis://limits.internal:6380/3",
        ),
    ],
)
def test_the_storage_follows_redis_url_unless_set(app_config, settings, expected):
    app = create_app(dict(app_config, **settings))
    assert app.config["RATELIMIT_STORAGE_URI"] == expected


def test_with_redis_url_the_limiter_counts_in_redis(app_config):
    create_app(dict(app_config, REDIS_URL="redis://cache.internal:6379/2"))
    assert type(limiter.storage).__name__ == "RedisStorage"
    create_app(app_config)
    assert type(limiter.storage).__name__ == "MemoryStorage"


@pytest.fixture
def no_counts(redis_url):
    """The test process's Redis database without rate-limit counts, before and after."""
    from redis import Redis

    connection = Redis.from_url(redis_url)

    def forget_counts():
        for key in connection.scan_iter("LIMITS*"):
            connection.delete(key)

    forget_counts()
    yield redis_url
    forget_counts()
    connection.close()


def test_two_processes_share_one_count_in_redis(app, app_config, no_counts):
    redis_url = no_counts
    config = dict(app_config, REDIS_URL=redis_url, RATELIMIT_LOGIN="3 per minute")
    first = create_app(config)
    for _ in range(2):
        assert first.test_client().post("/account/login", data=ATTEMPT).status_code == 400
    # Another process (a new app, its own storage client) continues the same count.
    second = create_app(config)
    assert second.test_client().post("/account/login", data=ATTEMPT).status_code == 400
    assert second.test_client().post("/account/login", data=ATTEMPT).status_code == 429
    from redis import Redis

    keys = [k.decode() for k in Redis.from_url(redis_url).scan_iter("LIMITS*")]
    assert any("/account/login" in k or "accounts.login" in k for k in keys), keys
    for instance in (first, second):  # their own engines: close their connections now
        with instance.app_context():
            db.engine.dispose()
