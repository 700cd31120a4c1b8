"""Editorial review: who handles a submission, review rounds and their anonymised copies,
reviewer assignments and the reviews they hold, decisions.

The submission's stage is not stored here: ``journal/workflow.py`` writes it. States are
machine values; their labels live in ``labels.py`` with the translations.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import UTCDateTime, utcnow


class AssignmentStatus(enum.StrEnum):
    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


# An invitation still waiting for an answer, or a review being written.
OPEN_STATUSES = frozenset({AssignmentStatus.INVITED, AssignmentStatus.ACCEPTED})


class Recommendation(enum.StrEnum):
    ACCEPT = "accept"
    MINOR_REVISIONS = "minor_revisions"
    MAJOR_REVISIONS = "major_revisions"
    REJECT = "reject"


class Rating(enum.StrEnum):
    """A reviewer's answer to one of the journal's review questions."""

    POOR = "poor"
    FAIR = "fair"
    GOOD = "good"
    EXCELLENT = "excellent"


class DecisionKind(enum.StrEnum):
    ACCEPT = "accept"
    MINOR_REVISIONS = "minor_revisions"
    MAJOR_REVISIONS = "major_revisions"
    REJECT = "reject"
    DESK_REJECT = "desk_reject"


# The workflow actions each decision may take: after a review round, then on a revised
# manuscript decided without a new round.
DECISION_ACTIONS = {
    DecisionKind.ACCEPT: ("accept", "accept_revision"),
    DecisionKind.MINOR_REVISIONS: ("request_minor_revisions",),
    DecisionKind.MAJOR_REVISIONS: ("request_major_revisions",),
    DecisionKind.REJECT: ("reject", "reject_revision"),
    DecisionKind.DESK_REJECT: ("desk_reject",),
}


def _values(enum_class) -> str:
    return ", ".join(f"'{member.value}'" for member in enum_class)


class EditorAssignment(db.Model):
    """Who handles a submission. Rows are never deleted: a reassignment ends the current row
    (``ended_at``) and starts a new one, so the history stays."""

    __tablename__ = "editor_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # None: chosen by the routing rules.
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)

    submission = relationship("Submission")
    editor = relationship("User", foreign_keys=[editor_id])
    assigned_by = relationship("User", foreign_keys=[assigned_by_id])


class ReviewRound(db.Model):
    """One round of review: the copies reviewers get, and how the leak check was passed.

    ``*_fix_id``: a corrected anonymised copy the editor uploaded (used instead of the
    automatic one); ``*_copy_id``: the copy reviewers got, set when the round is sent.
    """

    __tablename__ = "review_rounds"
    __table_args__ = (
        UniqueConstraint("submission_id", "number", name="uq_review_round_number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("sent_at IS NULL OR manuscript_copy_id IS NOT NULL", name="sent_has_copy"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    manuscript_fix_id: Mapped[int | None] = mapped_column(ForeignKey("submission_files.id"))
    letter_fix_id: Mapped[int | None] = mapped_column(ForeignKey("submission_files.id"))
    manuscript_copy_id: Mapped[int | None] = mapped_column(ForeignKey("submission_files.id"))
    letter_copy_id: Mapped[int | None] = mapped_column(ForeignKey("submission_files.id"))
    leak_override_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    submission = relationship("Submission")
    manuscript_fix = relationship("SubmissionFile", foreign_keys=[manuscript_fix_id])
    letter_fix = relationship("SubmissionFile", foreign_keys=[letter_fix_id])
    manuscript_copy = relationship("SubmissionFile", foreign_keys=[manuscript_copy_id])
    letter_copy = relationship("SubmissionFile", foreign_keys=[letter_copy_id])
    sent_by = relationship("User")

    @property
    def copies(self) -> list:
        return [f for f in (self.manuscript_copy, self.letter_copy) if f is not None]


class ReviewAssignment(db.Model):
    """A reviewer invited to one round of one submission, and the review they wrote.

    A new person is invited by e-mail (``invitee_email``): ``reviewer_id`` is set when they
    accept (their account is created then). A completed review is never changed again.
    """

    __tablename__ = "review_assignments"
    __table_args__ = (
        CheckConstraint(f"status IN ({_values(AssignmentStatus)})", name="status_known"),
        CheckConstraint(
            f"recommendation IS NULL OR recommendation IN ({_values(Recommendation)})",
            name="recommendation_known",
        ),
        CheckConstraint("round >= 1", name="round_positive"),
        CheckConstraint(
            "status NOT IN ('accepted', 'completed') OR reviewer_id IS NOT NULL",
            name="accepted_has_reviewer",
        ),
        CheckConstraint(
            "status <> 'completed' OR (recommendation IS NOT NULL AND completed_at IS NOT NULL)",
            name="completed_has_review",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    invitee_email: Mapped[str] = mapped_column(String(254))
    invitee_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default=AssignmentStatus.INVITED.value)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    response_due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recommendation: Mapped[str | None] = mapped_column(String(32))
    comments_to_author: Mapped[str] = mapped_column(Text, default="")
    comments_to_editor: Mapped[str] = mapped_column(Text, default="")
    competing_interests: Mapped[str] = mapped_column(Text, default="")
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("submission_files.id"))
    # The reviewer's ratings of the journal's review questions: question key → rating.
    answers: Mapped[dict | None] = mapped_column(JSON)
    # A review being written is kept as a draft in the same columns (status "accepted").
    draft_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Conflicts flagged when the reviewer was invited, with the editor's reason to go on.
    conflict_note: Mapped[str] = mapped_column(Text, default="")
    # Part of the invitation link: a revoked invitation's link stops working.
    token_nonce: Mapped[str] = mapped_column(String(64))
    reminded_invitation_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    submission = relationship("Submission")
    reviewer = relationship("User", foreign_keys=[reviewer_id])
    invited_by = relationship("User", foreign_keys=[invited_by_id])
    attachment = relationship("SubmissionFile")

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def reviewer_name(self) -> str:
        return self.reviewer.full_name if self.reviewer is not None else self.invitee_name

    @property
    def reviewer_email(self) -> str:
        return self.reviewer.email if self.reviewer is not None else self.invitee_email


class Decision(db.Model):
    """An editor's decision on one round, with the letter sent to the authors (both
    languages, as the editor last edited them)."""

    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint(f"decision IN ({_values(DecisionKind)})", name="decision_known"),
        CheckConstraint("round >= 1", name="round_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    round: Mapped[int] = mapped_column(Integer)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(32))
    letter_vi: Mapped[str] = mapped_column(Text, default="")
    letter_en: Mapped[str] = mapped_column(Text, default="")
    # The editor-in-chief's reason for deciding with fewer completed reviews than required.
    override_reason: Mapped[str] = mapped_column(Text, default="")
    revision_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission = relationship("Submission")
    editor = relationship("User")

    def letter(self, locale: str) -> str:
        primary = self.letter_en if locale == "en" else self.letter_vi
        return primary or self.letter_vi or self.letter_en
