"""The editorial queues: per province, per editor, and everything for the
editor-in-chief, with each submission's age and due date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app

from .. import workflow
from ..accounts.models import User
from ..events import Event
from ..extensions import db
from ..models_base import utcnow
from ..submissions.models import Submission
from .models import OPEN_STATUSES, AssignmentStatus, Decision, EditorAssignment, ReviewAssignment
from .permissions import is_author_of

OPEN = [s.value for s in workflow.UNDER_CONSIDERATION]
DECIDED = [s.value for s in workflow.DECIDED]


@dataclass
class QueueRow:
    submission: Submission
    editor: User | None
    since: datetime  # entered the current stage
    due: datetime | None
    invited: int
    accepted: int
    completed: int

    @property
    def days_in_stage(self) -> int:
        return max(0, (utcnow() - self.since).days)

    @property
    def days_since_submission(self) -> int:
        submitted = self.submission.submitted_at or self.since
        return max(0, (utcnow() - submitted).days)

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < utcnow()


def _entered_stage(submissions: list[Submission]) -> dict[int, datetime]:
    if not submissions:
        return {}
    rows = db.session.execute(
        db.select(Event.submission_id, Event.to_stage, db.func.max(Event.created_at))
        .where(Event.submission_id.in_([s.id for s in submissions]), Event.to_stage.is_not(None))
        .group_by(Event.submission_id, Event.to_stage)
    )
    latest = {(sid, stage): when for sid, stage, when in rows}
    return {
        s.id: latest.get((s.id, s.stage)) or s.submitted_at or s.updated_at for s in submissions
    }


def _rows(submissions: list[Submission], viewer) -> list[QueueRow]:
    submissions = [s for s in submissions if not is_author_of(viewer, s)]
    ids = [s.id for s in submissions]
    if not ids:
        return []
    editors = {
        a.submission_id: a.editor
        for a in db.session.execute(
            db.select(EditorAssignment).where(
                EditorAssignment.submission_id.in_(ids), EditorAssignment.ended_at.is_(None)
            )
        ).scalars()
    }
    assignments: dict[int, list[ReviewAssignment]] = {}
    for a in db.session.execute(
        db.select(ReviewAssignment).where(ReviewAssignment.submission_id.in_(ids))
    ).scalars():
        assignments.setdefault(a.submission_id, []).append(a)
    revision_due = {
        d.submission_id: d.revision_due_at
        for d in db.session.execute(
            db.select(Decision).where(Decision.submission_id.in_(ids)).order_by(Decision.id)
        ).scalars()
    }
    since = _entered_stage(submissions)
    triage = timedelta(days=current_app.config["REVIEW_TRIAGE_DAYS"])
    rows = []
    for s in submissions:
        current = [a for a in assignments.get(s.id, []) if a.round == s.round]
        open_ = [a for a in current if a.status in OPEN_STATUSES]
        due = None
        if s.stage == workflow.Stage.SUBMITTED:
            due = since[s.id] + triage
        elif s.stage == workflow.Stage.IN_REVIEW and open_:
            due = min(
                a.response_due_at if a.status == AssignmentStatus.INVITED else a.due_at
                for a in open_
            )
        elif s.stage == workflow.Stage.REVISIONS_REQUESTED:
            due = revision_due.get(s.id)
        rows.append(
            QueueRow(
                submission=s,
                editor=editors.get(s.id),
                since=since[s.id],
                due=due,
                invited=sum(a.status == AssignmentStatus.INVITED for a in current),
                accepted=sum(a.status == AssignmentStatus.ACCEPTED for a in current),
                completed=sum(a.status == AssignmentStatus.COMPLETED for a in current),
            )
        )
    far = utcnow() + timedelta(days=3650)
    rows.sort(key=lambda r: (r.due or far, r.submission.id))
    return rows


def _submissions(*conditions, decided: bool) -> list[Submission]:
    stages = DECIDED if decided else OPEN
    return list(
        db.session.execute(
            db.select(Submission)
            .where(Submission.stage.in_(stages), *conditions)
            .order_by(Submission.id)
        ).scalars()
    )


def all_queue(viewer, *, decided: bool = False) -> list[QueueRow]:
    return _rows(_submissions(decided=decided), viewer)


def province_queue(province, viewer, *, decided: bool = False) -> list[QueueRow]:
    return _rows(_submissions(Submission.province_id == province.id, decided=decided), viewer)


def editor_queue(editor, viewer, *, decided: bool = False) -> list[QueueRow]:
    handled = db.select(EditorAssignment.submission_id).where(
        EditorAssignment.editor_id == editor.id, EditorAssignment.ended_at.is_(None)
    )
    return _rows(_submissions(Submission.id.in_(handled), decided=decided), viewer)
