"""The journal's time: stored in UTC, shown, dated and counted in the journal's time zone.

``TIMEZONE`` (an IANA name, Vietnam by default: UTC+7, no daylight saving time) decides the
day and the year of every moment the journal prints or counts: a decision taken at 20:00
UTC on 31 December is dated 1 January of the next year on the web, in letters, galleys,
citations and reports alike. Flask-Babel's date filters use the same zone
(``BABEL_DEFAULT_TIMEZONE`` follows ``TIMEZONE``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from .models_base import utcnow

DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def journal_timezone() -> tzinfo:
    """The configured zone (the default outside an application)."""
    name = current_app.config.get("TIMEZONE") if has_app_context() else None
    return _zone(name or DEFAULT_TIMEZONE)


def local_datetime(moment: datetime | None) -> datetime | None:
    return moment.astimezone(journal_timezone()) if moment is not None else None


def local_date(moment: datetime | None) -> date | None:
    """The journal's calendar day of ``moment``."""
    return moment.astimezone(journal_timezone()).date() if moment is not None else None


def local_year(moment: datetime) -> int:
    return moment.astimezone(journal_timezone()).year


def local_today() -> date:
    return local_date(utcnow())


def start_of_local_day(day: date) -> datetime:
    """The first instant of ``day`` in the journal's zone, as a UTC time."""
    return datetime.combine(day, time.min, tzinfo=journal_timezone()).astimezone(UTC)


def end_of_local_day(day: date) -> datetime:
    """The last second of ``day`` in the journal's zone, as a UTC time."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=journal_timezone()).astimezone(UTC)
