"""THE state machine: the only code that writes a submission's stage.

A table maps each action to the stages it may start from, the stage it leads to and who may
take it. ``transition`` checks all three, writes the stage, appends the event and returns a
signal to send once the caller has committed.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .errors import PermissionDenied, WorkflowError
from .events import record_event
from .models_base import utcnow


class Stage(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    REVISIONS_REQUESTED = "revisions_requested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    PRODUCTION = "production"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


STAGE_LABELS = {
    Stage.DRAFT: _l("Draft"),
    Stage.SUBMITTED: _l("Submitted"),
    Stage.IN_REVIEW: _l("In review"),
    Stage.REVISIONS_REQUESTED: _l("Revisions requested"),
    Stage.ACCEPTED: _l("Accepted"),
    Stage.REJECTED: _l("Rejected"),
    Stage.PRODUCTION: _l("In production"),
    Stage.SCHEDULED: _l("Scheduled"),
    Stage.PUBLISHED: _l("Published"),
    Stage.WITHDRAWN: _l("Withdrawn"),
}

# Named groups of stages.
EDITABLE_BY_AUTHOR = frozenset({Stage.DRAFT})
UNDER_CONSIDERATION = frozenset({Stage.SUBMITTED, Stage.IN_REVIEW, Stage.REVISIONS_REQUESTED})
FINISHED = frozenset({Stage.REJECTED, Stage.PUBLISHED, Stage.WITHDRAWN})
# Editorial review: waiting for the handling editor (to send, or to decide).
AWAITING_EDITOR = frozenset({Stage.SUBMITTED, Stage.IN_REVIEW})
DECIDED = frozenset({Stage.ACCEPTED, Stage.REJECTED})


def _is_owner(actor, submission) -> bool:
    return actor is not None and submission.owner_id == actor.id


def _is_editor_in_chief(actor, submission) -> bool:
    return actor is not None and getattr(actor, "is_editor_in_chief", False)


def _is_publisher(actor, submission) -> bool:
    """The editor-in-chief, or a province editor of the submission's province."""
    if _is_editor_in_chief(actor, submission):
        return True
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    return submission.province_id in actor.province_ids("province_editor")


def _handles(actor, submission) -> bool:
    """The submission's handling editor, or the editor-in-chief; never one of its authors."""
    from .review.permissions import handles_submission

    return handles_submission(actor, submission)


def _is_first_round(submission) -> bool:
    return submission.round <= 1


def _is_revised(submission) -> bool:
    """A revised manuscript (round 2 or later), back with its handling editor."""
    return submission.round > 1


@dataclass(frozen=True)
class Transition:
    from_stages: frozenset[Stage]
    to_stage: Stage
    who: Callable
    signal: str
    # A condition on the submission beyond its stage, and what to say when it does not hold.
    when: Callable | None = None
    unmet: str | None = None

    def possible(self, submission) -> bool:
        return Stage(submission.stage) in self.from_stages and (
            self.when is None or self.when(submission)
        )


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(frozenset({Stage.DRAFT}), Stage.SUBMITTED, _is_owner, "submitted"),
    "withdraw": Transition(
        frozenset({Stage.DRAFT}) | UNDER_CONSIDERATION, Stage.WITHDRAWN, _is_owner, "withdrawn"
    ),
    # Editorial review (journal/review/services.py). Withdrawing stays the author's.
    "send_to_review": Transition(
        frozenset({Stage.SUBMITTED}), Stage.IN_REVIEW, _handles, "sent_to_review"
    ),
    "desk_reject": Transition(
        frozenset({Stage.SUBMITTED}),
        Stage.REJECTED,
        _handles,
        "decided",
        when=_is_first_round,
        unmet=_l("A revised manuscript is rejected with a letter answering its revision."),
    ),
    "accept": Transition(frozenset({Stage.IN_REVIEW}), Stage.ACCEPTED, _handles, "decided"),
    "request_minor_revisions": Transition(
        frozenset({Stage.IN_REVIEW}), Stage.REVISIONS_REQUESTED, _handles, "decided"
    ),
    "request_major_revisions": Transition(
        frozenset({Stage.IN_REVIEW}), Stage.REVISIONS_REQUESTED, _handles, "decided"
    ),
    "reject": Transition(frozenset({Stage.IN_REVIEW}), Stage.REJECTED, _handles, "decided"),
    # The next round: the revised manuscript goes back to the handling editor, who sends it
    # to review again (the same reviewers or new ones) or decides on it without a new round.
    "resubmit": Transition(
        frozenset({Stage.REVISIONS_REQUESTED}), Stage.SUBMITTED, _is_owner, "resubmitted"
    ),
    "accept_revision": Transition(
        frozenset({Stage.SUBMITTED}),
        Stage.ACCEPTED,
        _handles,
        "decided",
        when=_is_revised,
        unmet=_l("Only a revised manuscript can be accepted without a review round."),
    ),
    "reject_revision": Transition(
        frozenset({Stage.SUBMITTED}),
        Stage.REJECTED,
        _handles,
        "decided",
        when=_is_revised,
        unmet=_l("Only a revised manuscript can be rejected after its revision."),
    ),
    # Production (journal/publish/production.py): typesetting runs, galley approval.
    "send_to_production": Transition(
        frozenset({Stage.ACCEPTED}), Stage.PRODUCTION, _is_publisher, "sent_to_production"
    ),
    # Publishing (journal/publish/issues.py). An unpublished article keeps the stage
    # "published": its page becomes a tombstone, its DOI stays.
    "schedule": Transition(
        frozenset({Stage.PRODUCTION}), Stage.SCHEDULED, _is_publisher, "scheduled"
    ),
    "publish": Transition(
        frozenset({Stage.PRODUCTION, Stage.SCHEDULED}), Stage.PUBLISHED, _is_publisher, "published"
    ),
    "unpublish": Transition(
        frozenset({Stage.PUBLISHED}), Stage.PUBLISHED, _is_editor_in_chief, "unpublished"
    ),
}


def allowed_actions(actor, submission) -> list[str]:
    return [
        name
        for name, t in TRANSITIONS.items()
        if t.possible(submission) and t.who(actor, submission)
    ]


def check_transition(submission, action: str, actor) -> Transition:
    """Raise what ``transition`` would raise, without changing anything (services check
    before expensive work)."""
    t = TRANSITIONS.get(action)
    if t is None:
        raise WorkflowError(_l("Unknown action."))
    current = Stage(submission.stage)
    if not t.who(actor, submission):
        raise PermissionDenied()
    if current not in t.from_stages:
        raise WorkflowError(
            _l(
                "This step is not possible: the submission is now “%(stage)s”.",
                stage=STAGE_LABELS[current],
            )
        )
    if t.when is not None and not t.when(submission):
        raise WorkflowError(t.unmet)
    return t


def transition(submission, action: str, actor, note: str = ""):
    """Move ``submission`` by ``action``. Flushes nothing and commits nothing.

    Returns the signal name the caller sends after its commit.
    """
    t = check_transition(submission, action, actor)
    current = Stage(submission.stage)
    if t.to_stage == Stage.SUBMITTED and submission.submitted_at is None:
        submission.submitted_at = utcnow()
    submission.stage = t.to_stage.value
    record_event(
        action,
        submission=submission,
        actor=actor,
        from_stage=current.value,
        to_stage=t.to_stage.value,
        note=note,
    )
    return t.signal
