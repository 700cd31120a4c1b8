"""Recording usage events without slowing or breaking a page.

A view calls ``record_usage`` after it has its answer. Robots (journal/usage/robots.py) are
dropped at once; other requests become an event carrying only the article, the kind, the day,
the moment, a session key and a country code (when ``USAGE_GEOIP_DATABASE`` is set).

Where an event goes:

* with ``REDIS_URL``: pushed onto a Redis list; when the list reaches ``USAGE_BATCH_SIZE``
  a ``usage.drain`` job is queued and a worker writes the batch to the database;
* otherwise (and whenever Redis does not answer): an in-process buffer, written in one
  INSERT once it holds ``USAGE_BATCH_SIZE`` events or its oldest is ``USAGE_FLUSH_SECONDS``
  old, after the response has been sent; what is left is written when the process exits.

Any failure is logged and the page answers as if nothing happened; events the database
could not take stay in the buffer (at most ``USAGE_BUFFER_MAX``) for the next flush.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import logging
import os
import secrets
import threading
import time
import weakref
from collections import deque
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime

from flask import Flask, after_this_request, current_app, has_app_context, has_request_context
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from ..dates import journal_timezone
from ..extensions import db
from .models import KINDS, UsageEvent, UsageSalt
from .robots import is_robot

log = logging.getLogger(__name__)

EXTENSION = "journal.usage"
REDIS_LIST = "journal:usage:events"
REDIS_DRAIN_FLAG = "journal:usage:drain-queued"
REDIS_TIMEOUT = 0.25  # seconds: a Redis that does not answer costs a page at most this


@dataclass(frozen=True)
class Event:
    article_id: int
    kind: str
    day: date
    at: int
    session_key: int
    country: str = ""

    def as_row(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "day": self.day.isoformat()})

    @classmethod
    def from_json(cls, raw: bytes | str) -> Event:
        data = json.loads(raw)
        return cls(**{**data, "day": date.fromisoformat(data["day"])})


def usage_day(moment: float) -> date:
    """The day of a moment in the journal's calendar (its time zone, Vietnam by default)."""
    return datetime.fromtimestamp(moment, journal_timezone()).date()


def session_key(salt: bytes, ip: str, user_agent: str, moment: float) -> int:
    """COUNTER's session: the same address and user agent within one hour, as a 64-bit
    keyed hash under the day's salt (a signed integer, for a BIGINT column)."""
    hour = datetime.fromtimestamp(moment, UTC).strftime("%Y%m%d%H")
    digest = hashlib.blake2b(
        f"{ip}\x00{user_agent}\x00{hour}".encode("utf-8", "replace"), key=salt, digest_size=8
    ).digest()
    return int.from_bytes(digest, "big", signed=True)


def salt_of(day: date) -> bytes:
    """The day's salt: made by the first process that needs it, when the salts of the days
    before are deleted; kept in memory by each process for the day."""
    own = recorder()
    with own.lock:
        found = own.salts.get(day)
    if found is not None:
        return found
    with db.engine.begin() as conn:
        stored = conn.execute(select(UsageSalt.salt).where(UsageSalt.day == day)).scalar()
    if stored is None:
        stored = _make_salt(day)
    with own.lock:
        own.salts = {day: bytes.fromhex(stored)}
    return own.salts[day]


def _make_salt(day: date) -> str:
    made = secrets.token_hex(32)
    try:
        with db.engine.begin() as conn:
            conn.execute(insert(UsageSalt).values(day=day, salt=made))
            conn.execute(delete(UsageSalt).where(UsageSalt.day < day))
        return made
    except IntegrityError:  # another process made it first
        with db.engine.begin() as conn:
            return conn.execute(select(UsageSalt.salt).where(UsageSalt.day == day)).scalar_one()


class Recorder:
    """One per application: the buffer and the Redis connection of this process."""

    def __init__(self):
        self.buffer: deque[Event] = deque()
        self.lock = threading.Lock()
        self.oldest: float | None = None
        self.redis = None
        self.redis_url = None
        self.pid = os.getpid()
        self.flush_pending = False
        self.salts: dict[date, bytes] = {}
        self.geoip: dict[str, object] = {}

    # The buffer ------------------------------------------------------------------------

    def add(self, event: Event, app: Flask) -> bool:
        """Buffer ``event``; True when a flush is due."""
        config = app.config
        with self.lock:
            if self.pid != os.getpid():  # a forked worker starts with an empty buffer
                self.buffer.clear()
                self.pid, self.oldest, self.flush_pending, self.redis = (
                    os.getpid(),
                    None,
                    False,
                    None,
                )
                _register_exit_flush(app)
            if not self.buffer:
                self.oldest = time.monotonic()
                _register_exit_flush(app)
            self.buffer.append(event)
            while len(self.buffer) > config["USAGE_BUFFER_MAX"]:
                self.buffer.popleft()
            due = len(self.buffer) >= config["USAGE_BATCH_SIZE"] or (
                time.monotonic() - self.oldest >= config["USAGE_FLUSH_SECONDS"]
            )
            if due and not self.flush_pending:
                self.flush_pending = True
                return True
            return False

    def take(self) -> list[Event]:
        with self.lock:
            taken = list(self.buffer)
            self.buffer.clear()
            self.oldest, self.flush_pending = None, False
            return taken

    def give_back(self, events: list[Event], limit: int) -> None:
        with self.lock:
            self.buffer.extendleft(reversed(events))
            while len(self.buffer) > limit:
                self.buffer.popleft()
            if self.buffer and self.oldest is None:
                self.oldest = time.monotonic()

    def discard(self) -> None:
        """Forget the buffered events, the salt and the Redis connection (tests)."""
        self.take()
        self.salts = {}
        self.close()

    # Redis -----------------------------------------------------------------------------

    def redis_client(self, url: str):
        if self.redis is None or self.redis_url != url:
            from redis import Redis

            self.close()
            self.redis = Redis.from_url(
                url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT
            )
            self.redis_url = url
        return self.redis

    def close(self) -> None:
        if self.redis is not None:
            self.redis.close()
            self.redis = None
        for reader in self.geoip.values():
            if reader is not None:
                reader.close()
        self.geoip = {}

    # GeoIP -----------------------------------------------------------------------------

    def geoip_reader(self, path: str):
        """The opened database (None when it cannot be read: no country is recorded)."""
        if path not in self.geoip:
            try:
                import maxminddb

                self.geoip[path] = maxminddb.open_database(path)
            except Exception:  # no package, no file, not a database (InvalidDatabaseError)
                log.exception("usage: the GeoIP database %s cannot be opened", path)
                self.geoip[path] = None
        return self.geoip[path]


def recorder(app: Flask | None = None) -> Recorder:
    app = app or current_app._get_current_object()
    return app.extensions[EXTENSION]


def record_usage(article_id: int, kind: str, *, ip: str | None, user_agent: str | None) -> None:
    """Record that a reader (not a robot) opened ``article_id`` as ``kind``. Never raises."""
    try:
        app = current_app._get_current_object()
        if not app.config["USAGE_ENABLED"] or kind not in KINDS or is_robot(user_agent):
            return
        moment = time.time()
        day = usage_day(moment)
        ip = ip or ""
        event = Event(
            article_id=article_id,
            kind=kind,
            day=day,
            at=int(moment),
            session_key=session_key(salt_of(day), ip, user_agent or "", moment),
            country=country_of(ip),
        )
        if app.config.get("REDIS_URL") and _push(app, event):
            return
        if recorder(app).add(event, app):
            _flush_after_response(app)
    except Exception:
        log.warning("usage: an event could not be recorded", exc_info=True)


def _push(app: Flask, event: Event) -> bool:
    """Push onto the Redis list (and queue a drain when a batch is there); False when Redis
    did not take it."""
    try:
        client = recorder(app).redis_client(app.config["REDIS_URL"])
        length = client.rpush(REDIS_LIST, event.to_json())
        if length >= app.config["USAGE_BATCH_SIZE"] and client.set(
            REDIS_DRAIN_FLAG, "1", nx=True, ex=300
        ):
            from ..jobs import enqueue

            enqueue("usage.drain")
        return True
    except Exception:
        log.warning("usage: Redis did not take the event; it is buffered here", exc_info=True)
        return False


def _flush_after_response(app: Flask) -> None:
    if not has_request_context():
        flush_buffer(app)
        return

    @after_this_request
    def _later(response):
        response.call_on_close(lambda: flush_buffer(app))
        return response


def flush_buffer(app: Flask | None = None) -> int:
    """Write this process's buffered events in one INSERT; the number written. Events the
    database refused for a passing reason (connection) are kept for the next time."""
    app = app or current_app._get_current_object()
    if has_app_context() and current_app._get_current_object() is app:
        return _write_buffer(app)
    with app.app_context():
        try:
            return _write_buffer(app)
        finally:
            db.session.remove()


def _write_buffer(app: Flask) -> int:
    own = recorder(app)
    events = own.take()
    if not events:
        return 0
    try:
        write_events(events)
    except (DBAPIError, SQLAlchemyError) as error:
        db.session.rollback()
        if (isinstance(error, DBAPIError) and error.connection_invalidated) or _passing(error):
            own.give_back(events, app.config["USAGE_BUFFER_MAX"])
            log.warning("usage: %d events kept for later: %s", len(events), error)
        else:
            log.exception("usage: %d events could not be written", len(events))
        return 0
    return len(events)


def _passing(error: Exception) -> bool:
    from sqlalchemy.exc import InterfaceError, OperationalError

    return isinstance(error, OperationalError | InterfaceError)


def write_events(events: list[Event]) -> None:
    db.session.execute(insert(UsageEvent), [e.as_row() for e in events])
    db.session.commit()


_exit_flushes: weakref.WeakSet = weakref.WeakSet()


def _register_exit_flush(app: Flask) -> None:
    if app not in _exit_flushes:
        _exit_flushes.add(app)
        atexit.register(_flush_at_exit, weakref.ref(app))


def _flush_at_exit(app_ref) -> None:
    app = app_ref()
    if app is not None and recorder(app).buffer:
        try:
            flush_buffer(app)
        except Exception:
            log.exception("usage: events lost at exit")


def country_of(ip: str) -> str:
    """The ISO country code of ``ip`` from the GeoIP database (USAGE_GEOIP_DATABASE, a
    MaxMind DB file read with the optional ``maxminddb`` package), else ""."""
    path = current_app.config.get("USAGE_GEOIP_DATABASE")
    if not path or not ip:
        return ""
    reader = recorder().geoip_reader(path)
    if reader is None:
        return ""
    try:
        found = reader.get(ip)
    except ValueError:
        return ""
    country = found.get("country") if isinstance(found, dict) else None
    code = country.get("iso_code") if isinstance(country, dict) else None
    return code.upper() if isinstance(code, str) and len(code) == 2 else ""
