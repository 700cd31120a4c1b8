"""Who may see and change a submission. Predicates answer; ``require_*`` raise.

Authors see and edit their own submissions here; editors see the submissions they may
handle (``journal/review/permissions.py``). Reviewers never see this side: they get the
anonymised copies through the review pages.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..errors import NotFound, PermissionDenied, WorkflowError
from ..workflow import EDITABLE_BY_AUTHOR, STAGE_LABELS, Stage


class NotEditable(WorkflowError):
    default_message = _l("This submission has been sent and can no longer be changed.")


def _is_owner(user, submission) -> bool:
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and submission.owner_id == user.id
    )


def is_unsent(submission) -> bool:
    """A draft, or a draft withdrawn before it was ever submitted: only its owner sees it."""
    return Stage(submission.stage) == Stage.DRAFT or submission.submitted_at is None


def can_view(user, submission) -> bool:
    """The owner, and the editors who may see its editorial side (journal/review) once it
    has been submitted."""
    if _is_owner(user, submission):
        return True
    from ..review.permissions import can_view_editorial

    return can_view_editorial(user, submission)


def can_download_file(user, submission, record) -> bool:
    """Editors download every file; the owner every file but a reviewer's attachment (the
    review pages hand those out, scrubbed, once the decision is made)."""
    if record.submission_id != submission.id or not can_view(user, submission):
        return False
    return not (_is_owner(user, submission) and record.kind == "review_attachment")


def visible_events(user, submission, events: list) -> list:
    """The history a viewer may read: editors everything; the owner the stage changes
    only (the review steps name reviewers)."""
    from ..review.permissions import can_view_editorial

    if can_view_editorial(user, submission):
        return events
    return [e for e in events if e.to_stage is not None]


def can_edit(user, submission) -> bool:
    return _is_owner(user, submission) and Stage(submission.stage) in EDITABLE_BY_AUTHOR


def require_view(user, submission) -> None:
    """NotFound (not "forbidden"): other people's submissions are not enumerable."""
    if not can_view(user, submission):
        raise NotFound()


def require_edit(user, submission) -> None:
    require_view(user, submission)
    if not _is_owner(user, submission):
        raise PermissionDenied()
    if not can_edit(user, submission):
        raise NotEditable(
            _l(
                "This submission is “%(stage)s” and can no longer be changed.",
                stage=STAGE_LABELS[Stage(submission.stage)],
            )
        )


def can_start_submission(user) -> bool:
    """The wizard needs an active account with a confirmed e-mail address."""
    from ..accounts.services import can_submit

    return can_submit(user)
