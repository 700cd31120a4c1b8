"""The append-only event log: every workflow step, who, what, when, from → to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .models_base import UTCDateTime, utcnow


class Event(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))
    from_stage: Mapped[str | None] = mapped_column(String(32))
    to_stage: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)

    actor = relationship("User")


class AppendOnlyError(RuntimeError):
    pass


@event.listens_for(Event, "before_update")
def _refuse_update(mapper, connection, target):
    raise AppendOnlyError("events are append-only")


@event.listens_for(Event, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AppendOnlyError("events are append-only")


def record_event(action, *, submission=None, actor=None, from_stage=None, to_stage=None, note=""):
    """Append an event to the session (the caller's transaction commits it)."""
    ev = Event(
        submission_id=submission.id if submission is not None else None,
        actor_id=actor.id if actor is not None else None,
        action=action,
        from_stage=from_stage,
        to_stage=to_stage,
        note=note or "",
    )
    db.session.add(ev)
    return ev


def events_for(submission) -> list[Event]:
    return list(
        db.session.execute(
            db.select(Event).filter_by(submission_id=submission.id).order_by(Event.id)
        ).scalars()
    )
