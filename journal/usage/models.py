"""Usage records: raw events (kept ``USAGE_KEEP_DAYS`` days), the daily summary rows the
pages and reports read, and the salt of the day.

An event keeps no IP address and no user agent: only a session key, a keyed hash of (IP,
user agent, hour) under the day's salt. The salt lives in its own table and is deleted as
soon as the next day's is made, so a key cannot be traced back once its day is over.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

# What a reader did. ``html``: the landing page with the full text (COUNTER counts it as a
# request); ``page``: the landing page without it (an investigation only); ``pdf`` and
# ``jats``: galley downloads (requests).
KINDS = ("page", "html", "pdf", "jats")
REQUEST_KINDS = ("html", "pdf", "jats")
VIEW_KINDS = ("page", "html")
DOWNLOAD_KINDS = ("pdf", "jats")

_BIGINT = BigInteger().with_variant(Integer, "sqlite")  # SQLite: INTEGER PRIMARY KEY counts


class UsageEvent(db.Model):
    __tablename__ = "usage_events"
    __table_args__ = (
        CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in KINDS) + ")", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(_BIGINT, primary_key=True)
    article_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(4))
    # The day in the journal's time zone (TIMEZONE) and the moment, in seconds since the epoch.
    day: Mapped[date] = mapped_column(Date, index=True)
    at: Mapped[int] = mapped_column(BigInteger)
    session_key: Mapped[int] = mapped_column(BigInteger)
    # ISO 3166 code when a GeoIP database is configured, else "".
    country: Mapped[str] = mapped_column(String(2), default="")


class UsageDaily(db.Model):
    """COUNTER figures of one article, day and country, made from the raw events by
    ``aggregate_usage`` (double clicks removed, robots never recorded)."""

    __tablename__ = "usage_daily"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    country: Mapped[str] = mapped_column(String(2), primary_key=True, default="")
    total_investigations: Mapped[int] = mapped_column(Integer, default=0)
    unique_investigations: Mapped[int] = mapped_column(Integer, default=0)
    total_requests: Mapped[int] = mapped_column(Integer, default=0)
    unique_requests: Mapped[int] = mapped_column(Integer, default=0)
    # Landing-page views and galley downloads (PDF, JATS), as the article page shows them.
    views: Mapped[int] = mapped_column(Integer, default=0)
    downloads: Mapped[int] = mapped_column(Integer, default=0)


class UsageSalt(db.Model):
    __tablename__ = "usage_salts"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    salt: Mapped[str] = mapped_column(String(64))
