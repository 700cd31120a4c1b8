"""Who may do what in editorial review. Predicates answer; ``require_*`` raise.

- The editor-in-chief sees every province and acts on every submission, except one they
  wrote.
- A province editor sees the submissions of their province (queue, editorial page) and
  acts on those they handle.
- Nobody who is an author of a submission sees its editorial side (reviewers, their
  reviews, the decision drafts): an editor who is an author is treated as an author.
- Reviewers see their own assignments only, and only the anonymised files.
- Administrators manage accounts and the registry: they have no editorial access.
- Nobody but its owner sees an unsubmitted draft, the editor-in-chief included.

Editorial routes answer 403 to people without any editorial role and 404 to editors who
cannot see that submission (other provinces' submissions are not enumerable).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_

from ..errors import NotFound, PermissionDenied
from ..extensions import db
from ..provinces import BoardRole
from .models import OPEN_STATUSES, AssignmentStatus, EditorAssignment, ReviewAssignment


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def _same_email(a: str | None, b: str | None) -> bool:
    return bool(a and b) and a.strip().casefold() == b.strip().casefold()


def is_author_of(user, submission) -> bool:
    """The owner, or anyone listed as an author (by account or by e-mail address)."""
    if not _signed_in(user):
        return False
    if submission.owner_id == user.id:
        return True
    return any(a.user_id == user.id or _same_email(a.email, user.email) for a in submission.authors)


def is_editor_in_chief(user) -> bool:
    return _signed_in(user) and user.is_editor_in_chief


def is_editor(user) -> bool:
    """Has an editorial role: editor-in-chief, or province editor of some province."""
    return is_editor_in_chief(user) or (
        _signed_in(user) and bool(user.province_ids(BoardRole.PROVINCE_EDITOR))
    )


def edits_province(user, province_id: int | None) -> bool:
    return (
        _signed_in(user)
        and province_id is not None
        and province_id in user.province_ids(BoardRole.PROVINCE_EDITOR)
    )


def current_editor_assignment(submission) -> EditorAssignment | None:
    if submission.id is None:
        return None
    return db.session.execute(
        db.select(EditorAssignment)
        .where(
            EditorAssignment.submission_id == submission.id,
            EditorAssignment.ended_at.is_(None),
        )
        .order_by(EditorAssignment.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def handling_editor(submission):
    assignment = current_editor_assignment(submission)
    return assignment.editor if assignment is not None else None


def handles_submission(user, submission) -> bool:
    """May take the editorial steps: the handling editor or the editor-in-chief."""
    if not _signed_in(user) or is_author_of(user, submission):
        return False
    if is_editor_in_chief(user):
        return True
    assignment = current_editor_assignment(submission)
    return assignment is not None and assignment.editor_id == user.id


def can_view_editorial(user, submission) -> bool:
    """The editorial page, its files, reviews and timeline, once the submission has been
    sent: nobody but its owner sees a draft."""
    from ..submissions.permissions import is_unsent

    if not _signed_in(user) or is_author_of(user, submission) or is_unsent(submission):
        return False
    return (
        is_editor_in_chief(user)
        or edits_province(user, submission.province_id)
        or handles_submission(user, submission)
    )


def can_reassign(user, submission) -> bool:
    return is_editor_in_chief(user) and not is_author_of(user, submission)


def can_view_all_queues(user) -> bool:
    return is_editor_in_chief(user)


def can_view_province_queue(user, province) -> bool:
    return is_editor_in_chief(user) or edits_province(user, province.id)


def can_view_editor_queue(user, editor) -> bool:
    return is_editor_in_chief(user) or (_signed_in(user) and user.id == editor.id)


def require_editorial_view(user, submission) -> None:
    if not is_editor(user):
        raise PermissionDenied()
    if not can_view_editorial(user, submission):
        raise NotFound()


def require_handling(user, submission) -> None:
    require_editorial_view(user, submission)
    if not handles_submission(user, submission):
        raise PermissionDenied(
            _l("Only the handling editor or the editor-in-chief can take this step.")
        )


# --- reviewers ---------------------------------------------------------------------------


def is_reviewer_of(user, assignment: ReviewAssignment) -> bool:
    return _signed_in(user) and assignment.reviewer_id == user.id


def can_open_review(user, assignment: ReviewAssignment) -> bool:
    """The review page: the reviewer, once they have accepted (and after completing it)."""
    return is_reviewer_of(user, assignment) and assignment.status in (
        AssignmentStatus.ACCEPTED,
        AssignmentStatus.COMPLETED,
    )


def require_reviewer(user, assignment: ReviewAssignment) -> None:
    """NotFound for everyone else: assignments are not enumerable."""
    if not is_reviewer_of(user, assignment):
        raise NotFound()


def reviewer_files(assignment: ReviewAssignment) -> list:
    """The files a reviewer may download: the round's anonymised copies and their own
    (scrubbed) attachment."""
    from .services import round_of

    review_round = round_of(assignment.submission, assignment.round)
    files = list(review_round.copies) if review_round is not None else []
    if assignment.attachment is not None:
        files.append(assignment.attachment)
    return files


def has_open_assignment(user) -> bool:
    if not _signed_in(user):
        return False
    return (
        db.session.execute(
            db.select(ReviewAssignment.id)
            .where(
                ReviewAssignment.reviewer_id == user.id,
                ReviewAssignment.status.in_([s.value for s in OPEN_STATUSES]),
            )
            .limit(1)
        ).first()
        is not None
    )


def is_reviewer(user) -> bool:
    """Has been invited to review, by account or by address (the "My reviews" link)."""
    if not _signed_in(user):
        return False
    mine = or_(
        ReviewAssignment.reviewer_id == user.id,
        db.func.lower(ReviewAssignment.invitee_email) == user.email.casefold(),
    )
    return (
        db.session.execute(db.select(ReviewAssignment.id).where(mine).limit(1)).first() is not None
    )


TEMPLATE_PREDICATES = {
    "is_editor": is_editor,
    "is_reviewer": is_reviewer,
    "can_view_editorial": can_view_editorial,
    "handles_submission": handles_submission,
    "can_reassign": can_reassign,
}
