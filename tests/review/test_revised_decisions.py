"""A revised manuscript decided without a new review round (accepted or rejected), or sent
to review again; the state machine's rows for it."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from journal import workflow
from journal.errors import WorkflowError
from journal.events import events_for
from journal.extensions import db
from journal.mail import OutboxMessage
from journal.review.services import decision_choices, suggested_decision
from tests.submissions.wizard import text_of

from .steps import completed, decided, in_review, revised, submitted


@pytest.fixture
def revised_once(cast):
    """Minor revisions asked in round 1, the revision sent: round 2, back with the editor."""
    submission = in_review(cast)
    completed(cast, submission, cast.reviewer, "minor_revisions")
    completed(cast, submission, cast.reviewer2, "minor_revisions")
    decided(cast, submission, "minor_revisions")
    return revised(cast, submission)


def test_the_table_has_the_decisions_on_a_revision():
    table = workflow.TRANSITIONS
    for action, target in (("accept_revision", "accepted"), ("reject_revision", "rejected")):
        assert {s.value for s in table[action].from_stages} == {"submitted"}
        assert table[action].to_stage == target


def test_a_revised_manuscript_is_accepted_without_a_second_round(cast, revised_once):
    submission = revised_once
    assert (submission.stage, submission.round) == ("submitted", 2)
    assert workflow.allowed_actions(cast.province_editor, submission) == [
        "send_to_review",
        "accept_revision",
        "reject_revision",
    ]
    assert decision_choices(submission) == ["accept", "reject"]
    assert suggested_decision(submission) == "accept"
    record = decided(cast, submission, "accept")
    assert submission.stage == "accepted" and record.round == 2
    assert events_for(submission)[-1].action == "accept_revision"
    assert "accepted for publication" in record.letter_en
    authors = {
        m.recipient
        for m in db.session.execute(db.select(OutboxMessage).filter_by(template="review_decision"))
        .scalars()
        .all()
    }
    assert authors == {cast.author.email, "khoa@example.org"}


def test_a_revised_manuscript_can_be_rejected_but_not_desk_rejected(cast, revised_once):
    submission = revised_once
    with pytest.raises(WorkflowError) as refused:
        workflow.check_transition(submission, "desk_reject", cast.province_editor)
    with force_locale("en"):
        assert "rejected with a letter answering its revision" in str(refused.value.message)
    decided(cast, submission, "reject")
    assert submission.stage == "rejected"
    assert events_for(submission)[-1].action == "reject_revision"


def test_a_first_submission_cannot_be_accepted_without_review(cast):
    submission = submitted(cast)
    assert "accept_revision" not in workflow.allowed_actions(cast.province_editor, submission)
    assert decision_choices(submission) == ["desk_reject"]
    with pytest.raises(WorkflowError) as refused:
        workflow.check_transition(submission, "accept_revision", cast.province_editor)
    with force_locale("en"):
        assert "Only a revised manuscript" in str(refused.value.message)
    with pytest.raises(WorkflowError):
        decided(cast, submission, "accept")
    assert submission.stage == "submitted"


def test_only_the_handling_editor_decides_on_the_revision(cast, revised_once):
    for nobody in ("author", "other_board", "reviewer", "admin"):
        assert workflow.allowed_actions(getattr(cast, nobody), revised_once) in ([], ["withdraw"])


def test_the_revision_goes_to_review_again_to_the_same_or_new_reviewers(cast, revised_once):
    from journal.review.reviewers import invite_reviewer, reinvite_reviewers

    submission = in_review(cast, revised_once)
    assert submission.stage == "in_review" and submission.round == 2
    again = reinvite_reviewers(submission, cast.province_editor)
    assert {a.reviewer_id for a in again} == {cast.reviewer.id, cast.reviewer2.id}
    new = invite_reviewer(
        submission, cast.province_editor, email=cast.unassigned_reviewer.email, full_name=""
    )
    assert new.round == 2


def test_the_decision_page_offers_both_ways_for_a_revision(cast, revised_once, login):
    editor = login(cast.province_editor)
    editor.set_cookie("lang", "en")
    page = text_of(editor.get(f"/editorial/submissions/{revised_once.id}/decision"))
    assert "without a new review round" in page
    assert "Send it to review again" in page
    assert "accepted for publication" in page  # the acceptance letter, drafted by default
    editorial = text_of(editor.get(f"/editorial/submissions/{revised_once.id}"))
    assert "Decide on the revision" in editorial
