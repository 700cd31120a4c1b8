"""The state machine: who may move a submission, from where, and what it records."""

import pytest

from journal import workflow
from journal.errors import PermissionDenied, WorkflowError
from journal.events import AppendOnlyError, Event, events_for
from journal.extensions import db

from .factories import make_submission


def test_owner_submits_a_draft_and_the_event_is_recorded(app, users):
    submission = make_submission(users["author"])
    signal = workflow.transition(submission, "submit", users["author"])
    db.session.commit()
    assert signal == "submitted"
    assert submission.stage == "submitted"
    assert submission.submitted_at is not None
    [event] = events_for(submission)
    assert (event.action, event.from_stage, event.to_stage) == ("submit", "draft", "submitted")
    assert event.actor_id == users["author"].id


@pytest.mark.parametrize("who", ["other_author", "province_editor", "editor_in_chief", "admin"])
def test_only_the_owner_submits(app, users, who):
    submission = make_submission(users["author"])
    with pytest.raises(PermissionDenied):
        workflow.transition(submission, "submit", users[who])
    assert submission.stage == "draft"


def test_a_repeated_transition_is_a_workflow_error(app, users):
    submission = make_submission(users["author"])
    workflow.transition(submission, "submit", users["author"])
    db.session.commit()
    with pytest.raises(WorkflowError) as error:
        workflow.transition(submission, "submit", users["author"])
    assert error.value.status == 409
    assert len(events_for(submission)) == 1


def test_withdraw_from_draft_and_from_submitted_but_not_twice(app, users):
    draft = make_submission(users["author"])
    submitted = make_submission(users["author"], stage="submitted")
    for submission in (draft, submitted):
        workflow.transition(submission, "withdraw", users["author"])
        db.session.commit()
        assert submission.stage == "withdrawn"
        with pytest.raises(WorkflowError):
            workflow.transition(submission, "withdraw", users["author"])


def test_unknown_action(app, users):
    with pytest.raises(WorkflowError):
        workflow.transition(make_submission(users["author"]), "publish-now", users["author"])


def test_allowed_actions_follow_the_table(app, users):
    submission = make_submission(users["author"])
    assert workflow.allowed_actions(users["author"], submission) == ["submit", "withdraw"]
    assert workflow.allowed_actions(users["other_author"], submission) == []


def test_stage_column_refuses_unknown_values(app, users):
    from sqlalchemy.exc import IntegrityError

    submission = make_submission(users["author"])
    submission.stage = "limbo"
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_events_are_append_only(app, users):
    submission = make_submission(users["author"])
    workflow.transition(submission, "submit", users["author"])
    db.session.commit()
    event = db.session.execute(db.select(Event)).scalar_one()
    event.note = "rewritten history"
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(Event, event.id))
    with pytest.raises(AppendOnlyError):
        db.session.commit()
    db.session.rollback()


def test_every_stage_has_a_label():
    assert set(workflow.STAGE_LABELS) == set(workflow.Stage)
