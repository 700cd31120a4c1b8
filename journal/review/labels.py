"""Display labels of the machine values stored by the review area."""

from flask_babel import lazy_gettext as _l

from .models import AssignmentStatus, DecisionKind, Rating, Recommendation

STATUS_LABELS = {
    AssignmentStatus.INVITED: _l("Invited"),
    AssignmentStatus.ACCEPTED: _l("Accepted the invitation"),
    AssignmentStatus.DECLINED: _l("Declined"),
    AssignmentStatus.COMPLETED: _l("Review completed"),
    AssignmentStatus.CANCELLED: _l("Cancelled"),
}

RECOMMENDATION_LABELS = {
    Recommendation.ACCEPT: _l("Accept"),
    Recommendation.MINOR_REVISIONS: _l("Minor revisions"),
    Recommendation.MAJOR_REVISIONS: _l("Major revisions"),
    Recommendation.REJECT: _l("Reject"),
}

RATING_LABELS = {
    Rating.POOR: _l("Poor"),
    Rating.FAIR: _l("Fair"),
    Rating.GOOD: _l("Good"),
    Rating.EXCELLENT: _l("Excellent"),
}

DECISION_LABELS = {
    DecisionKind.ACCEPT: _l("Accept"),
    DecisionKind.MINOR_REVISIONS: _l("Minor revisions"),
    DecisionKind.MAJOR_REVISIONS: _l("Major revisions"),
    DecisionKind.REJECT: _l("Reject"),
    DecisionKind.DESK_REJECT: _l("Reject without review (desk reject)"),
}

# Steps of the event log (workflow actions and the review area's own steps).
EVENT_LABELS = {
    "submit": _l("Submitted"),
    "withdraw": _l("Withdrawn by the author"),
    "assign_editor": _l("Handling editor assigned"),
    "upload_anonymised_copy": _l("Corrected anonymised copy uploaded"),
    "override_leak_check": _l("Sent despite the anonymity check"),
    "send_to_review": _l("Sent to review"),
    "invite_reviewer": _l("Reviewer invited"),
    "accept_invitation": _l("Reviewer accepted"),
    "decline_invitation": _l("Reviewer declined"),
    "revoke_invitation": _l("Invitation withdrawn"),
    "change_due_date": _l("Review due date changed"),
    "submit_review": _l("Review submitted"),
    "desk_reject": _l("Rejected without review"),
    "accept": _l("Accepted"),
    "request_minor_revisions": _l("Minor revisions requested"),
    "request_major_revisions": _l("Major revisions requested"),
    "reject": _l("Rejected"),
    "accept_revision": _l("Revised manuscript accepted without a new round"),
    "reject_revision": _l("Revised manuscript rejected"),
    "upload_revision": _l("Revised file uploaded"),
    "resubmit": _l("Revised manuscript submitted"),
    "send_to_production": _l("Sent to production"),
    "schedule": _l("Scheduled for an issue"),
    "publish": _l("Published"),
    "unpublish": _l("Unpublished"),
}


def status_label(status: str):
    return STATUS_LABELS[AssignmentStatus(status)]


def recommendation_label(value: str | None):
    return RECOMMENDATION_LABELS[Recommendation(value)] if value else "—"


def rating_label(value: str | None):
    return RATING_LABELS[Rating(value)] if value in set(Rating) else "—"


def review_answers(assignment, locale) -> list[tuple[str, object]]:
    """(question, rating label) for the journal's questions the review answered."""
    from ..settings import review_questions

    answers = assignment.answers or {}
    return [
        (q.text(locale), rating_label(answers[q.key]))
        for q in review_questions()
        if q.key in answers
    ]


def decision_label(value: str):
    return DECISION_LABELS[DecisionKind(value)]


def event_label(action: str):
    return EVENT_LABELS.get(action, action)
