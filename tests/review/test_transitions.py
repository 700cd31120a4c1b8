"""The review rows of the state machine: who may take each step, illegal and repeated steps
(409 with a clear message), and two editors deciding at once (optimistic locking)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from journal import workflow
from journal.errors import NotFound, PermissionDenied, StaleError, WorkflowError
from journal.events import events_for
from journal.extensions import db
from journal.review.models import Decision
from journal.review.services import record_decision, send_to_review
from journal.submissions.models import Submission

from .steps import completed, decided, in_review, submitted


def test_the_table_has_every_editorial_step():
    table = workflow.TRANSITIONS
    expected = {
        "send_to_review": ({"submitted"}, "in_review"),
        "desk_reject": ({"submitted"}, "rejected"),
        "accept": ({"in_review"}, "accepted"),
        "request_minor_revisions": ({"in_review"}, "revisions_requested"),
        "request_major_revisions": ({"in_review"}, "revisions_requested"),
        "reject": ({"in_review"}, "rejected"),
        "resubmit": ({"revisions_requested"}, "submitted"),
    }
    for action, (sources, target) in expected.items():
        assert {s.value for s in table[action].from_stages} == sources, action
        assert table[action].to_stage == target, action
    assert "in_review" in {s.value for s in table["withdraw"].from_stages}


def test_who_may_take_the_editorial_steps(cast):
    submission = submitted(cast)
    assert workflow.allowed_actions(cast.province_editor, submission) == [
        "send_to_review",
        "desk_reject",
    ]
    assert workflow.allowed_actions(cast.editor_in_chief, submission) == [
        "send_to_review",
        "desk_reject",
    ]
    assert workflow.allowed_actions(cast.author, submission) == ["withdraw"]
    for nobody in ("other_board", "board_member", "admin", "reviewer", "other_author"):
        assert workflow.allowed_actions(getattr(cast, nobody), submission) == [], nobody


def test_an_editor_in_chief_who_is_an_author_cannot_act(cast):
    submission = submitted(cast)
    from journal.submissions.models import SubmissionAuthor

    submission.authors.append(
        SubmissionAuthor(position=3, full_name="X", email=cast.editor_in_chief.email)
    )
    db.session.commit()
    assert workflow.allowed_actions(cast.editor_in_chief, submission) == []
    with pytest.raises(PermissionDenied):
        workflow.transition(submission, "send_to_review", cast.editor_in_chief)
    with pytest.raises(NotFound):  # an author does not even see the editorial side
        send_to_review(submission, cast.editor_in_chief)
    assert submission.stage == "submitted"


def test_a_decision_twice_is_a_409_with_the_stage_named(cast):
    submission = in_review(cast)
    completed(cast, submission, cast.reviewer)
    completed(cast, submission, cast.reviewer2)
    decided(cast, submission, "accept")
    with pytest.raises(WorkflowError) as error:
        decided(cast, submission, "reject")
    assert error.value.status == 409
    for lang in ("vi", "en"):
        with force_locale(lang):
            stage = str(workflow.STAGE_LABELS[workflow.Stage.ACCEPTED])
            assert stage in str(error.value.message)
    assert db.session.execute(db.select(db.func.count()).select_from(Decision)).scalar() == 1
    assert submission.stage == "accepted"


def test_sending_twice_is_refused(cast):
    submission = in_review(cast)
    before = len(events_for(submission))
    with pytest.raises(WorkflowError) as error:
        send_to_review(submission, cast.province_editor)
    assert error.value.status == 409
    assert len(events_for(submission)) == before


def test_two_editors_deciding_at_once_one_wins_the_other_is_told_to_reload(cast):
    """Editor-in-chief and province editor open the decision page on the same version;
    the second to send it gets StaleError and nothing of theirs is written."""
    submission = in_review(cast)
    completed(cast, submission, cast.reviewer)
    completed(cast, submission, cast.reviewer2)
    seen = submission.version
    decided(cast, submission, "accept", expected_version=seen)
    with pytest.raises(StaleError) as error:
        decided(cast, submission, "reject", actor=cast.editor_in_chief, expected_version=seen)
    assert error.value.status == 409
    with force_locale("en"):
        assert "Reload the page" in str(error.value.message)
    db.session.expire_all()
    assert submission.stage == "accepted"
    assert [d.decision for d in db.session.execute(db.select(Decision)).scalars()] == ["accept"]


def test_a_concurrent_commit_between_load_and_write_is_caught_by_the_version_column(cast):
    """The row changed under us (another request committed): the UPDATE … WHERE version
    matches nothing, StaleDataError becomes StaleError and everything is rolled back."""
    submission = in_review(cast)
    completed(cast, submission, cast.reviewer)
    completed(cast, submission, cast.reviewer2)
    db.session.execute(
        db.text("UPDATE submissions SET version = version + 1 WHERE id = :id"),
        {"id": submission.id},
    )  # what another request would have committed; our object still has the old version
    with pytest.raises(StaleError):
        record_decision(
            submission,
            cast.province_editor,
            decision="accept",
            letter_for="accept",
            letter_vi="Chấp nhận.",
            letter_en="Accepted.",
        )
    db.session.expire_all()
    fresh = db.session.get(Submission, submission.id)
    assert fresh.stage == "in_review"
    assert db.session.execute(db.select(db.func.count()).select_from(Decision)).scalar() == 0
