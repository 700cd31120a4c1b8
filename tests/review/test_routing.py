"""Routing: the funded task's province board (else the chosen province), least open load
then round-robin, never an author, the editor-in-chief as fallback and for reassignment."""

from __future__ import annotations

import pytest

from journal.errors import PermissionDenied, StaleError, WorkflowError
from journal.events import events_for
from journal.extensions import db
from journal.mail import OutboxMessage
from journal.provinces import BoardRole, province_by_code
from journal.review import routing
from journal.review.models import EditorAssignment
from journal.review.permissions import handling_editor
from journal.submissions.models import SubmissionAuthor
from tests.factories import make_board_member, make_funded_task, make_user

from .steps import submitted


def second_ct_editor():
    editor = make_user("editor2.ct@example.org", "Đỗ Thị Lan", password=None)
    make_board_member(editor, "CT", BoardRole.PROVINCE_EDITOR)
    return editor


def test_the_funded_tasks_province_wins_over_the_chosen_one(cast):
    task = make_funded_task("AG-2025-01", "AG")
    submission = submitted(cast, province="CT", funded_task=task)
    assert handling_editor(submission) == cast.other_board  # the An Giang editor


def test_without_a_task_the_chosen_province_routes(cast):
    submission = submitted(cast, province="CT")
    assert handling_editor(submission) == cast.province_editor
    [event] = [e for e in events_for(submission) if e.action == "assign_editor"]
    assert event.actor_id is None and "CT" in event.note
    mail = db.session.execute(
        db.select(OutboxMessage).filter_by(template="review_editor_assigned")
    ).scalar_one()
    assert mail.recipient == cast.province_editor.email
    assert f"/editorial/submissions/{submission.id}" in mail.body


def test_least_open_load_then_round_robin(cast):
    other = second_ct_editor()
    first = submitted(cast)
    second = submitted(cast)
    third = submitted(cast)
    editors = [handling_editor(s) for s in (first, second, third)]
    assert editors[0] == cast.province_editor  # equal load (0), never given one: lower id
    assert editors[1] == other  # now the least loaded
    assert editors[2] == cast.province_editor  # equal load again: the one given one longest ago
    # A closed submission no longer counts: the first editor's load drops.
    first.stage = "rejected"
    db.session.commit()
    assert handling_editor(submitted(cast)) == other  # loads 1 and 1: round-robin
    assert handling_editor(submitted(cast)) == cast.province_editor  # loads 1 and 2


def test_an_editor_who_is_an_author_sends_it_to_the_editor_in_chief(cast):
    submission = submitted(cast, coauthor=False)
    assert handling_editor(submission) == cast.province_editor
    coauthored = submitted(cast, coauthor=False, title_vi="Bài có biên tập viên là đồng tác giả")
    # (re-route a fresh one where the province editor is listed as a co-author by e-mail)
    db.session.execute(db.delete(EditorAssignment).filter_by(submission_id=coauthored.id))
    coauthored.authors.append(
        SubmissionAuthor(position=2, full_name="Lê Văn Cường", email="EDITOR.CT@example.org")
    )
    db.session.commit()
    routing.assign_handling_editor(coauthored)
    assert handling_editor(coauthored) == cast.editor_in_chief


def test_a_province_without_editors_goes_to_the_editor_in_chief(cast):
    submission = submitted(cast, province="KG")
    assert handling_editor(submission) == cast.editor_in_chief
    note = next(e.note for e in events_for(submission) if e.action == "assign_editor")
    assert "editor-in-chief" in note


def test_nobody_to_route_to_leaves_it_unassigned_but_submitted(cast):
    from journal.accounts.services import revoke_role

    revoke_role(cast.editor_in_chief, "editor_in_chief")
    submission = submitted(cast, province="KG")
    assert submission.stage == "submitted"
    assert handling_editor(submission) is None
    assert [e.action for e in events_for(submission)] == ["submit"]


def test_a_failing_router_never_undoes_the_submission(cast, monkeypatch, caplog):
    def broken(submission):
        raise RuntimeError("boom")

    monkeypatch.setattr(routing, "choose_editor", broken)
    submission = submitted(cast)
    db.session.expire_all()
    assert submission.stage == "submitted"
    assert handling_editor(submission) is None
    assert "could not route submission" in caplog.text


def test_the_editor_in_chief_reassigns_with_history(cast):
    submission = submitted(cast)
    other = second_ct_editor()
    routing.reassign_editor(submission, cast.editor_in_chief, other, reason="Chuyên môn gần hơn")
    assert handling_editor(submission) == other
    rows = (
        db.session.execute(
            db.select(EditorAssignment)
            .filter_by(submission_id=submission.id)
            .order_by(EditorAssignment.id)
        )
        .scalars()
        .all()
    )
    assert [r.editor_id for r in rows] == [cast.province_editor.id, other.id]
    assert rows[0].ended_at is not None and rows[1].ended_at is None
    assert rows[1].assigned_by_id == cast.editor_in_chief.id
    last = events_for(submission)[-1]
    assert (last.action, last.actor_id) == ("assign_editor", cast.editor_in_chief.id)
    assert "Chuyên môn gần hơn" in last.note
    recipients = (
        db.session.execute(
            db.select(OutboxMessage.recipient)
            .filter_by(template="review_editor_assigned")
            .order_by(OutboxMessage.id)
        )
        .scalars()
        .all()
    )
    assert recipients == [cast.province_editor.email, other.email]


def test_only_the_editor_in_chief_reassigns(cast):
    submission = submitted(cast)
    for who in ("province_editor", "other_board", "admin", "author"):
        with pytest.raises(PermissionDenied):
            routing.reassign_editor(submission, getattr(cast, who), cast.other_board)
    assert handling_editor(submission) == cast.province_editor


def test_reassigning_to_an_author_or_a_non_editor_or_the_same_editor_is_refused(cast):
    submission = submitted(cast)
    with pytest.raises(routing.InvalidEditor) as error:
        routing.reassign_editor(submission, cast.editor_in_chief, cast.reviewer)
    assert error.value.status == 400
    make_board_member(cast.author, "AG", BoardRole.PROVINCE_EDITOR)
    with pytest.raises(routing.InvalidEditor):
        routing.reassign_editor(submission, cast.editor_in_chief, cast.author)
    with pytest.raises(WorkflowError) as same:
        routing.reassign_editor(submission, cast.editor_in_chief, cast.province_editor)
    assert same.value.status == 409
    assert handling_editor(submission) == cast.province_editor


def test_a_stale_page_cannot_reassign(cast):
    submission = submitted(cast)
    with pytest.raises(StaleError):
        routing.reassign_editor(
            submission,
            cast.editor_in_chief,
            cast.other_board,
            expected_version=submission.version - 1,
        )
    assert handling_editor(submission) == cast.province_editor


def test_candidates_are_editors_of_this_province_first_never_authors(cast):
    make_board_member(cast.author, "AG", BoardRole.PROVINCE_EDITOR)
    submission = submitted(cast)
    names = [u.full_name for u in routing.editor_candidates(submission)]
    assert names[0] == cast.province_editor.full_name
    assert set(names) == {
        cast.province_editor.full_name,
        cast.other_board.full_name,
        cast.editor_in_chief.full_name,
    }
    assert province_by_code("CT").id == submission.province_id
