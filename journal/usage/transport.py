"""Draining the Redis list of events into the database (``usage.drain``, run by the job
workers when the web processes have pushed a batch, and before each aggregation).

A batch is read, written, and only then removed from the list, under a lock so that two
workers never write the same batch: a worker that dies half-way leaves the batch to the next.
"""

from __future__ import annotations

import logging

from flask import current_app

from ..jobs import job
from .recording import REDIS_DRAIN_FLAG, REDIS_LIST, Event, write_events

log = logging.getLogger(__name__)

DRAIN_BATCH = 5000
LOCK = "journal:usage:drain-lock"


def drain_redis() -> int:
    """Move every event waiting in Redis to the database; the number moved (0 without
    Redis)."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return 0
    from redis import Redis

    client = Redis.from_url(url)
    moved = 0
    try:
        lock = client.lock(LOCK, timeout=600, blocking_timeout=30)
        if not lock.acquire():
            log.warning("usage: another worker is draining the events")
            return 0
        try:
            client.delete(REDIS_DRAIN_FLAG)
            while True:
                raw = client.lrange(REDIS_LIST, 0, DRAIN_BATCH - 1)
                if not raw:
                    break
                events = []
                for item in raw:
                    try:
                        events.append(Event.from_json(item))
                    except (ValueError, TypeError, KeyError):
                        log.error("usage: an unreadable event was dropped: %r", item[:200])
                write_events(events)
                client.ltrim(REDIS_LIST, len(raw), -1)
                moved += len(events)
        finally:
            lock.release()
    finally:
        client.close()
    return moved


@job("usage.drain")
def drain_job() -> int:
    moved = drain_redis()
    log.info("usage: %d events moved from Redis", moved, extra={"events": moved})
    return moved
