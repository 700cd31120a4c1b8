"""Revision rounds: the author's revised manuscript and response letter, round 2, the
earlier reviewers invited again in one step, earlier rounds readable to the editor."""

from __future__ import annotations

import io

import pytest

from journal.errors import WorkflowError
from journal.extensions import db
from journal.mail import OutboxMessage
from journal.review.reviewers import earlier_reviewers, reinvite_reviewers
from journal.review.services import IncompleteRevision, resubmit_revision, upload_revision_file
from tests.submissions.wizard import text_of

from .documents import plain_docx
from .steps import completed, decided, in_review, revised


@pytest.fixture
def asked_to_revise(cast):
    submission = in_review(cast)
    completed(cast, submission, cast.reviewer, "major_revisions")
    completed(cast, submission, cast.reviewer2, "minor_revisions")
    decided(cast, submission, "major_revisions")
    return submission


def upload(client, submission, kind, data, name):
    return client.post(
        f"/revisions/{submission.id}/files/{kind}?lang=en",
        data={f"{kind}-file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_the_author_uploads_and_resubmits_through_the_pages(cast, asked_to_revise, login):
    submission = asked_to_revise
    author = login(cast.author)
    page = text_of(author.get(f"/revisions/{submission.id}?lang=en"))
    assert "Reviewer 1" in page and "Reviewer 2" in page
    assert "Upload the revised manuscript." in page
    early = author.post(
        f"/revisions/{submission.id}/resubmit?lang=en", data={"version": submission.version}
    )
    assert early.status_code == 400 and "The revision is not complete" in text_of(early)
    bad = upload(author, submission, "revision", b"PK\x03\x04 not really", "ban-sua.docx")
    assert bad.status_code == 400
    assert (
        upload(author, submission, "revision", plain_docx("Bản sửa."), "ban-sua.docx").status_code
        == 302
    )
    assert (
        upload(author, submission, "response_letter", plain_docx("Trả lời."), "tl.docx").status_code
        == 302
    )
    db.session.expire_all()
    assert [
        (f.kind, f.round) for f in submission.files if f.kind in ("revision", "response_letter")
    ] == [
        ("revision", 2),
        ("response_letter", 2),
    ]
    response = author.post(
        f"/revisions/{submission.id}/resubmit", data={"version": submission.version}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (submission.stage, submission.round) == ("submitted", 2)
    [mail] = (
        db.session.execute(db.select(OutboxMessage).filter_by(template="review_resubmitted"))
        .scalars()
        .all()
    )
    assert mail.recipient == cast.province_editor.email
    assert upload(author, submission, "revision", plain_docx(), "late.docx").status_code == 409


def test_only_the_owner_and_only_when_asked(cast, asked_to_revise, login):
    submission = asked_to_revise
    for who in ("other_author", "province_editor", "reviewer"):
        client = login(getattr(cast, who))
        assert client.get(f"/revisions/{submission.id}").status_code == 404, who
        assert upload(client, submission, "revision", plain_docx(), "x.docx").status_code == 404
    with pytest.raises(WorkflowError):
        resubmit_revision(in_review(cast), cast.author)


def test_round_two_reinvites_the_earlier_reviewers_in_one_step(cast, asked_to_revise, login):
    submission = revised(cast, asked_to_revise)
    in_review(cast, submission)
    assert {u.id for u in earlier_reviewers(submission)} == {cast.reviewer.id, cast.reviewer2.id}
    editor = login(cast.province_editor)
    page = text_of(editor.get(f"/editorial/submissions/{submission.id}?lang=en"))
    assert "Invite them again" in page
    response = editor.post(
        f"/editorial/submissions/{submission.id}/reviewers/again", data={"due_date": "2099-01-01"}
    )
    assert response.status_code == 400  # more than a year ahead
    from journal.review.reviewers import default_due_date

    response = editor.post(
        f"/editorial/submissions/{submission.id}/reviewers/again",
        data={"due_date": default_due_date().isoformat()},
    )
    assert response.status_code == 302
    assert earlier_reviewers(submission) == []
    with pytest.raises(WorkflowError):
        reinvite_reviewers(submission, cast.province_editor)
    invitations = (
        db.session.execute(db.select(OutboxMessage).filter_by(template="review_invitation"))
        .scalars()
        .all()
    )
    round_two = [m for m in invitations if "round 2" in m.body or "vòng 2" in m.body]
    assert {m.recipient for m in round_two} == {cast.reviewer.email, cast.reviewer2.email}


def test_earlier_rounds_stay_readable_to_the_editor(cast, asked_to_revise, login):
    submission = revised(cast, asked_to_revise)
    editor = login(cast.province_editor)
    page = text_of(editor.get(f"/editorial/submissions/{submission.id}?lang=en"))
    assert "Round 2" in page and "Round 1" in page
    assert page.index("Round 2") < page.index("Round 1")
    assert f"manuscript-{submission.id}-r1.docx" in page
    assert "Nguyen-Van-An-ban-sua.docx" in page and "tra-loi.docx" in page
    assert "Major revisions" in page
    for a in (cast.reviewer, cast.reviewer2):
        assert a.full_name in page


def test_resubmitting_needs_both_files(cast, asked_to_revise):
    submission = asked_to_revise
    upload_revision_file(
        submission, cast.author, kind="revision", stream=io.BytesIO(plain_docx()), filename="r.docx"
    )
    with pytest.raises(IncompleteRevision) as error:
        resubmit_revision(submission, cast.author)
    assert error.value.status == 400
    db.session.expire_all()
    assert (submission.stage, submission.round) == ("revisions_requested", 1)
