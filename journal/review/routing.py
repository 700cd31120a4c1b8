"""Routing: which board handles a submission, and which editor on it.

A submission goes to the board of its funded task's province, else to the province the
author chose. Among that province's editors the one with the fewest open submissions
handles it; on a tie, the one who was given a submission of this province least recently
(round-robin). When an editor of that province is an author of the submission, it goes to
the editor-in-chief instead; so it does when the province has no editor. The
editor-in-chief can reassign any submission.
"""

from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l

from .. import workflow
from ..accounts.models import GlobalRole, User, UserRole
from ..errors import JournalError, PermissionDenied, WorkflowError
from ..events import record_event
from ..extensions import db
from ..mail import deliver_after_commit, external_url, queue_mail
from ..models_base import utcnow
from ..provinces import province_editors
from ..submissions.models import Submission
from ..submissions.services import one_transaction, touch
from .models import EditorAssignment
from .permissions import can_reassign, current_editor_assignment, is_author_of, is_editor

log = logging.getLogger(__name__)

OPEN_STAGES = [s.value for s in workflow.UNDER_CONSIDERATION]
REASON_MAX = 2000


class InvalidEditor(JournalError):
    status = 400
    default_message = _l("Choose an editor from the list.")


def routing_province(submission: Submission):
    """The funded task's province, else the one the author chose."""
    if submission.funded_task is not None:
        return submission.funded_task.province
    return submission.province


def editors_in_chief() -> list[User]:
    return list(
        db.session.execute(
            db.select(User)
            .join(UserRole)
            .where(UserRole.role == GlobalRole.EDITOR_IN_CHIEF.value, User.active.is_(True))
            .order_by(User.id)
        ).scalars()
    )


def open_loads(editor_ids: list[int]) -> dict[int, int]:
    """Open submissions (submitted, in review, revisions requested) each editor handles."""
    if not editor_ids:
        return {}
    rows = db.session.execute(
        db.select(EditorAssignment.editor_id, db.func.count(EditorAssignment.id))
        .join(Submission, Submission.id == EditorAssignment.submission_id)
        .where(
            EditorAssignment.editor_id.in_(editor_ids),
            EditorAssignment.ended_at.is_(None),
            Submission.stage.in_(OPEN_STAGES),
        )
        .group_by(EditorAssignment.editor_id)
    )
    loads = dict.fromkeys(editor_ids, 0)
    loads.update({editor_id: count for editor_id, count in rows})
    return loads


def _last_given(editor_ids: list[int], province_id: int | None) -> dict[int, int]:
    """The latest assignment (by id, which only grows) of each editor in this province."""
    if not editor_ids:
        return {}
    query = (
        db.select(EditorAssignment.editor_id, db.func.max(EditorAssignment.id))
        .join(Submission, Submission.id == EditorAssignment.submission_id)
        .where(EditorAssignment.editor_id.in_(editor_ids))
        .group_by(EditorAssignment.editor_id)
    )
    if province_id is not None:
        query = query.where(Submission.province_id == province_id)
    return {editor_id: last for editor_id, last in db.session.execute(query)}


def _least_loaded(candidates: list[User], province_id: int | None) -> User:
    ids = [c.id for c in candidates]
    loads, last = open_loads(ids), _last_given(ids, province_id)
    return min(candidates, key=lambda c: (loads[c.id], last.get(c.id, 0), c.id))


def choose_editor(submission: Submission) -> tuple[User | None, str]:
    """The editor the rules give ``submission`` to, and why (for the event log)."""
    province = routing_province(submission)
    editors = [e for e in province_editors(province) if e.active] if province else []
    conflicted = [e for e in editors if is_author_of(e, submission)]
    if editors and not conflicted:
        editor = _least_loaded(editors, province.id)
        return editor, f"{province.code}: province editor with the fewest open submissions"
    chiefs = [c for c in editors_in_chief() if not is_author_of(c, submission)]
    if not chiefs:
        return None, ""
    reason = (
        "an editor of the province is an author: editor-in-chief"
        if conflicted
        else "no editor for the province: editor-in-chief"
    )
    return _least_loaded(chiefs, None), reason


def _queue_assignment_mail(submission: Submission, editor: User) -> None:
    queue_mail(
        editor,
        "review_editor_assigned",
        submission=submission,
        editor=editor,
        link=external_url("review.submission", submission_id=submission.id),
    )


def route_submission(submission: Submission) -> EditorAssignment | None:
    """Give ``submission`` a handling editor if it has none (a resubmission keeps its
    editor). Adds to the session; the caller commits."""
    current = current_editor_assignment(submission)
    if current is not None:
        return current
    editor, reason = choose_editor(submission)
    if editor is None:
        log.warning("submission %s has no editor to route to", submission.id)
        return None
    assignment = EditorAssignment(submission_id=submission.id, editor_id=editor.id, reason=reason)
    db.session.add(assignment)
    record_event(
        "assign_editor", submission=submission, actor=None, note=f"{editor.full_name} ({reason})"
    )
    _queue_assignment_mail(submission, editor)
    return assignment


@one_transaction
def assign_handling_editor(submission: Submission) -> EditorAssignment | None:
    """Route a submitted manuscript (the service behind the ``submission_submitted``
    listener; the demo and tests call it too)."""
    assignment = route_submission(submission)
    db.session.commit()
    deliver_after_commit()
    return assignment


def route_on_submit(submission, **_extra) -> None:
    """``submission_submitted`` listener: the submission is committed already; a failure
    here leaves it unassigned (the editor-in-chief's queue shows it) and never undoes it."""
    try:
        assign_handling_editor(submission)
    except Exception:
        log.exception("could not route submission %s", getattr(submission, "id", "?"))


def editor_candidates(submission: Submission) -> list[User]:
    """Who the editor-in-chief may give the submission to: province editors (this
    province's first) and editors-in-chief, never one of its authors."""
    from ..provinces import BoardMembership, BoardRole

    users = db.session.execute(
        db.select(User)
        .join(BoardMembership)
        .where(BoardMembership.role == BoardRole.PROVINCE_EDITOR.value, User.active.is_(True))
        .distinct()
    ).scalars()
    candidates = {u.id: u for u in [*users, *editors_in_chief()]}
    eligible = [u for u in candidates.values() if not is_author_of(u, submission)]
    province_id = submission.province_id
    return sorted(
        eligible,
        key=lambda u: (province_id not in u.province_ids(BoardRole.PROVINCE_EDITOR), u.full_name),
    )


@one_transaction
def reassign_editor(
    submission: Submission,
    actor,
    editor: User,
    *,
    reason: str = "",
    expected_version: int | None = None,
) -> EditorAssignment:
    """The editor-in-chief gives the submission to ``editor``."""
    from ..errors import StaleError

    if not can_reassign(actor, submission):
        raise PermissionDenied(_l("Only the editor-in-chief can reassign a submission."))
    if expected_version is not None and expected_version != submission.version:
        raise StaleError()
    if submission.stage not in OPEN_STAGES:
        raise WorkflowError(
            _l("Only a submission under consideration can be given to another editor.")
        )
    if editor is None or not is_editor(editor) or not editor.active:
        raise InvalidEditor()
    if is_author_of(editor, submission):
        raise InvalidEditor(_l("An author of the submission cannot handle it."))
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise InvalidEditor(_l("The reason is too long (at most 2000 characters)."))
    current = current_editor_assignment(submission)
    if current is not None and current.editor_id == editor.id:
        raise WorkflowError(_l("%(name)s already handles this submission.", name=editor.full_name))
    if current is not None:
        current.ended_at = utcnow()
    assignment = EditorAssignment(
        submission_id=submission.id, editor_id=editor.id, assigned_by_id=actor.id, reason=reason
    )
    db.session.add(assignment)
    record_event(
        "assign_editor",
        submission=submission,
        actor=actor,
        note=editor.full_name + (f": {reason}" if reason else ""),
    )
    touch(submission)
    _queue_assignment_mail(submission, editor)
    db.session.commit()
    deliver_after_commit()
    return assignment
