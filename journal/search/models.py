"""The search change log and the nodes that follow it.

A row of :class:`SearchChange` says "look at this record again": an article published,
placed or taken down (written after the commit that changed it), or a submission inserted,
changed or deleted (written in the same transaction as the change). Its ``id`` is the
log's sequence: it only grows. Every index (the public one of articles, the staff one of
submissions) on every node records in its own folder the last sequence it applied and
catches up from there; :class:`SearchNode` tells the database how far each index got, so
that the log is pruned only of what every node has seen.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import UTCDateTime, utcnow


class ChangeKind(enum.StrEnum):
    ARTICLE = "article"
    SUBMISSION = "submission"


class SearchChange(db.Model):
    __tablename__ = "search_pending_changes"
    __table_args__ = (CheckConstraint("kind IN ('article', 'submission')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default=ChangeKind.ARTICLE.value)
    # No foreign key: the row only says "look at this record again" (the record decides
    # whether it is indexed or removed when the change is applied).
    record_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class SearchNode(db.Model):
    """One index on one node: the last sequence it applied, and when it last caught up."""

    __tablename__ = "search_nodes"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger, default=0)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
