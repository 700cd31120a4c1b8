"""Pending index changes: the database's record of what the search index has not seen yet.

A row is written (and committed) when an article is published, placed, or taken down; the
``search.apply`` job indexes the article's current state and deletes the row. A row left
behind by a crash or a busy index is applied on the next run (or the next start).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import UTCDateTime, utcnow


class PendingSearchChange(db.Model):
    __tablename__ = "search_pending_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    # No foreign key: the row only says "look at this article again" (the article decides
    # whether it is indexed or removed when the change is applied).
    article_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
