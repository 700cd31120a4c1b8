"""What waits for a person, per role, and the next step of a submission.

Read-only: each function takes the viewer and returns plain rows for the dashboard and the
editorial pages. Reviewers see submissions by their title only (double-anonymous review).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l

from .. import workflow
from ..extensions import db
from ..models_base import utcnow
from ..submissions.models import Submission


@dataclass
class AuthorRow:
    submission: Submission
    asked: object = None  # what is asked of the author now (a lazy string), or None
    link: str | None = None
    due: datetime | None = None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < utcnow()


def author_rows(user) -> list[AuthorRow]:
    """The user's own submissions (withdrawn and rejected ones left out), newest first."""
    from ..review.services import decisions_of

    submissions = db.session.execute(
        db.select(Submission)
        .where(
            Submission.owner_id == user.id,
            Submission.stage.not_in(
                [workflow.Stage.WITHDRAWN.value, workflow.Stage.REJECTED.value]
            ),
        )
        .order_by(Submission.id.desc())
    ).scalars()
    rows = []
    for s in submissions:
        row = AuthorRow(s)
        if s.stage == workflow.Stage.DRAFT:
            row.asked = _l("Finish the submission and send it.")
            row.link = url_for("submissions.detail", submission_id=s.id)
        elif s.stage == workflow.Stage.REVISIONS_REQUESTED:
            decisions = decisions_of(s)
            row.asked = _l("Send the revised manuscript and your response letter.")
            row.link = url_for("review.revisions", submission_id=s.id)
            row.due = decisions[-1].revision_due_at if decisions else None
        rows.append(row)
    return rows


@dataclass
class ReviewerRow:
    assignment: object
    title: str
    due: datetime
    link: str

    @property
    def overdue(self) -> bool:
        return self.due < utcnow()


def reviewer_rows(user) -> tuple[list[ReviewerRow], list[ReviewerRow]]:
    """(invitations waiting for an answer, reviews being written), by due date. Titles
    only: never the authors."""
    from ..review import reviewers
    from ..review.models import AssignmentStatus
    from ..review.tokens import invitation_token

    invitations = [
        ReviewerRow(
            a,
            reviewers.anonymous_title(a.submission),
            a.response_due_at,
            url_for("review.invitation", token=invitation_token(a)),
        )
        for a in reviewers.invitations_for(user)
        if a.submission.stage == workflow.Stage.IN_REVIEW
    ]
    writing = [
        ReviewerRow(
            a,
            reviewers.anonymous_title(a.submission),
            a.due_at,
            url_for("review.review", assignment_id=a.id),
        )
        for a in reviewers.assignments_of_reviewer(user)
        if a.status == AssignmentStatus.ACCEPTED
        and a.submission.stage == workflow.Stage.IN_REVIEW
        and a.round == a.submission.round
    ]
    return sorted(invitations, key=lambda r: r.due), sorted(writing, key=lambda r: r.due)


@dataclass
class ProvinceBoard:
    province: object
    rows: list
    members: list


@dataclass
class EditorView:
    mine: list = field(default_factory=list)
    boards: list[ProvinceBoard] = field(default_factory=list)


def editor_view(user) -> EditorView:
    """A province editor's own queue (ages, due dates, overdue marks) and, for each
    province they edit, its open submissions and its board."""
    from ..provinces import all_provinces, board_of
    from ..review import queues

    view = EditorView(mine=queues.editor_queue(user, user))
    edited = set(user.province_ids("province_editor"))
    for province in all_provinces():
        if province.id in edited:
            view.boards.append(
                ProvinceBoard(province, queues.province_queue(province, user), board_of(province))
            )
    return view


@dataclass
class ChiefView:
    per_province: list  # (province, open submissions, overdue ones)
    awaiting_decision: list
    issues_in_preparation: list


def chief_view(user) -> ChiefView:
    """All provinces at a glance, what waits for a decision, the issues not yet out."""
    from ..provinces import all_provinces
    from ..publish.issues import open_issues
    from ..review import queues

    rows = queues.all_queue(user)
    needed = current_app.config["REVIEW_MIN_COMPLETED"]
    per_province = [
        (
            p,
            sum(r.submission.province_id == p.id for r in rows),
            sum(r.submission.province_id == p.id and r.overdue for r in rows),
        )
        for p in all_provinces()
    ]
    waiting = [
        r
        for r in rows
        if (r.submission.stage == workflow.Stage.IN_REVIEW and r.completed >= needed)
        or (r.submission.stage == workflow.Stage.SUBMITTED and r.submission.round > 1)
    ]
    return ChiefView(per_province, waiting, open_issues())


@dataclass(frozen=True)
class NextStep:
    label: object
    url: str


def next_step(user, submission) -> NextStep | None:
    """Where the submission goes next from the editorial pages, for ``user``: production
    once accepted, publishing once a galley is approved, the article once published."""
    from ..publish.permissions import can_publish_submission
    from ..publish.production import can_manage_production, galleys_of

    stage = workflow.Stage(submission.stage)
    if stage == workflow.Stage.ACCEPTED and can_manage_production(user, submission):
        return NextStep(
            _l("Accepted: send it to production"),
            url_for("production.detail", submission_id=submission.id),
        )
    if stage == workflow.Stage.PRODUCTION and can_manage_production(user, submission):
        approved = any(g.approved_at is not None for g in galleys_of(submission))
        if approved and can_publish_submission(user, submission):
            return NextStep(
                _l("The galley is approved: schedule or publish it"),
                url_for("publishing.queue"),
            )
        return NextStep(
            _l("In production: typeset and approve the galley"),
            url_for("production.detail", submission_id=submission.id),
        )
    if stage == workflow.Stage.SCHEDULED and can_publish_submission(user, submission):
        return NextStep(_l("Scheduled: publish it with its issue"), url_for("publishing.queue"))
    if stage == workflow.Stage.PUBLISHED:
        from ..publish.records import Article

        article = db.session.execute(
            db.select(Article).filter_by(submission_id=submission.id)
        ).scalar_one_or_none()
        if article is not None:
            return NextStep(
                _l("Published: see the article"),
                url_for("publish.article", article_id=article.id),
            )
    return None
