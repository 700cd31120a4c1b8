"""Decisions: the minimum of completed reviews (and the editor-in-chief's override with a
reason), the bilingual letter quoting the reviews for the authors, notifications."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale

from journal.events import events_for
from journal.extensions import db
from journal.mail import OutboxMessage
from journal.review.models import Decision, ReviewAssignment
from journal.review.services import InvalidDecision, NotEnoughReviews, draft_letters
from tests.submissions.wizard import text_of

from .steps import accepted, completed, decided, in_review, invite, submitted


def mails(template):
    return (
        db.session.execute(
            db.select(OutboxMessage).filter_by(template=template).order_by(OutboxMessage.id)
        )
        .scalars()
        .all()
    )


def test_a_decision_needs_the_minimum_of_completed_reviews(cast):
    submission = in_review(cast)
    completed(cast, submission, cast.reviewer)
    with pytest.raises(NotEnoughReviews) as error:
        decided(cast, submission, "accept")
    assert error.value.status == 409
    with force_locale("en"):
        assert "at least 2 completed reviews; this round has 1" in str(error.value.message)
    with pytest.raises(NotEnoughReviews) as asked:  # the editor-in-chief, without a reason
        decided(cast, submission, "accept", actor=cast.editor_in_chief)
    with force_locale("en"):
        assert "give the reason" in str(asked.value.message)
    db.session.expire_all()
    assert submission.stage == "in_review"
    record = decided(
        cast,
        submission,
        "minor_revisions",
        actor=cast.editor_in_chief,
        override_reason="Người phản biện thứ hai đã rút lui; nhận xét đầu đủ rõ.",
    )
    assert record.override_reason.startswith("Người phản biện thứ hai")
    assert submission.stage == "revisions_requested"
    last = events_for(submission)[-1]
    assert last.action == "request_minor_revisions" and "fewer reviews" in last.note
    assert record.revision_due_at is not None


def test_the_setting_changes_the_minimum(cast, app):
    app.config["REVIEW_MIN_COMPLETED"] = 1
    submission = in_review(cast)
    completed(cast, submission, cast.reviewer, "reject")
    decided(cast, submission, "reject")
    assert submission.stage == "rejected"


def test_the_letter_quotes_the_reviews_for_the_authors_in_both_languages(cast):
    submission = in_review(cast)
    first = completed(cast, submission, cast.reviewer, comments_to_editor="BÍ MẬT cho biên tập")
    second = completed(cast, submission, cast.reviewer2)
    letters = draft_letters(submission, "major_revisions", cast.province_editor)
    assert letters["vi"].startswith("Kính gửi") or letters["vi"] != letters["en"]
    assert letters["en"].startswith("Dear authors,")
    for text in letters.values():
        assert first.comments_to_author in text and second.comments_to_author in text
        assert text.index(first.comments_to_author) < text.index(second.comments_to_author)
        assert "BÍ MẬT" not in text
        for name in (cast.reviewer.full_name, cast.reviewer2.full_name, cast.reviewer.email):
            assert name not in text
        assert cast.province_editor.full_name in text
    assert "Reviewer 1" in letters["en"] and "Reviewer 2" in letters["en"]
    assert "major revisions" in letters["en"]


def test_the_edited_letter_is_what_the_authors_get(cast):
    submission = in_review(cast)
    completed(cast, submission, cast.reviewer)
    completed(cast, submission, cast.reviewer2)
    from journal.review.services import record_decision

    record_decision(
        submission,
        cast.province_editor,
        decision="accept",
        letter_for="accept",
        letter_vi="Thư đã sửa: chúc mừng!",
        letter_en="Edited letter: congratulations!",
    )
    [owner, coauthor] = mails("review_decision")
    assert owner.recipient == cast.author.email
    assert coauthor.recipient == "khoa@example.org"
    assert (
        "Thư đã sửa: chúc mừng!" in owner.body and "Edited letter: congratulations!" in owner.body
    )
    assert f"/revisions/{submission.id}" in owner.body
    assert f"/revisions/{submission.id}" not in coauthor.body  # co-authors have no account page
    for message in (owner, coauthor):
        for name in (cast.reviewer.full_name, cast.reviewer2.full_name):
            assert name not in message.body
    reviewer_mails = mails("review_decision_reviewer")
    assert {m.recipient for m in reviewer_mails} == {cast.reviewer.email, cast.reviewer2.email}
    for message in reviewer_mails:
        assert cast.author.full_name not in message.body and "Khoa" not in message.body
        assert "Accept" in message.body or "Chấp nhận" in message.body


def test_open_invitations_are_cancelled_by_the_decision(cast):
    submission = in_review(cast)
    completed(cast, submission, cast.reviewer)
    completed(cast, submission, cast.reviewer2)
    waiting = invite(cast, submission, cast.unassigned_reviewer)
    decided(cast, submission, "reject")
    db.session.refresh(waiting)
    assert (waiting.status, waiting.cancel_reason) == ("cancelled", "decision")
    [mail] = mails("review_cancelled")
    assert mail.recipient == cast.unassigned_reviewer.email
    assert "no longer needed" in mail.body


def test_desk_reject_needs_no_review(cast):
    submission = submitted(cast)
    record = decided(cast, submission, "desk_reject")
    assert submission.stage == "rejected" and record.round == 1
    assert "[Explain the reasons here.]" in record.letter_en
    assert [e.action for e in events_for(submission)][-1] == "desk_reject"
    assert len(mails("review_decision")) == 2


def test_invalid_decisions_and_letters(cast, app):
    submission = in_review(cast)
    completed(cast, submission, cast.reviewer)
    completed(cast, submission, cast.reviewer2)
    from journal.review.services import record_decision

    for kwargs in (
        {
            "decision": "publish-now",
            "letter_for": "publish-now",
            "letter_vi": "a",
            "letter_en": "b",
        },
        {"decision": "accept", "letter_for": "accept", "letter_vi": "  ", "letter_en": ""},
        {
            "decision": "accept",
            "letter_for": "accept",
            "letter_vi": "x" * (app.config["REVIEW_LETTER_MAX_CHARS"] + 1),
            "letter_en": "",
        },
    ):
        with pytest.raises(InvalidDecision) as error:
            record_decision(submission, cast.province_editor, **kwargs)
        assert error.value.status == 400
    with pytest.raises(Exception) as wrong_stage:
        record_decision(
            submission,
            cast.province_editor,
            decision="desk_reject",
            letter_for="desk_reject",
            letter_vi="a",
            letter_en="b",
        )
    assert wrong_stage.value.status == 409
    assert db.session.execute(db.select(Decision)).first() is None
    assert submission.stage == "in_review"


def _preview_token(response) -> str:
    return re.search(r'name="preview" value="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_the_decision_page_starts_from_the_template_and_records(cast, login):
    submission = in_review(cast)
    completed(cast, submission, cast.reviewer)
    accepted(cast, submission, cast.reviewer2)
    editor = login(cast.province_editor)
    editor.set_cookie("lang", "en")
    url = f"/editorial/submissions/{submission.id}/decision"
    page = text_of(editor.get(url + "?decision=major_revisions"))
    assert "Completed reviews: 1 (at least 2 needed)" in page
    assert "It needs major revisions" in page
    assert "Reject without review" not in page  # not a choice once in review
    letter = {
        "decision": "accept",
        "letter_for": "accept",
        "letter_vi": "Chấp nhận",
        "letter_en": "Accepted",
        "version": submission.version,
    }
    too_early = editor.post(url, data=letter)
    assert too_early.status_code == 409
    assert "A decision needs at least 2 completed reviews" in text_of(too_early)
    stale = editor.post(
        url,
        data={
            "decision": "reject",
            "letter_for": "reject",
            "letter_en": "No",
            "version": submission.version - 1,
        },
    )
    assert stale.status_code == 409 and "Reload the page" in text_of(stale)
    assert db.session.get(ReviewAssignment, 2).status == "accepted"
    chief = login(cast.editor_in_chief)
    chief.set_cookie("lang", "en")
    assert "Reason to decide with fewer completed reviews" in text_of(chief.get(url))
    letter["override_reason"] = "Đủ căn cứ."
    preview = chief.post(url, data=letter)
    assert preview.status_code == 200
    assert "Nothing has been sent yet" in text_of(preview)
    db.session.expire_all()
    assert submission.stage == "in_review" and mails("review_decision") == []
    done = chief.post(url, data={**letter, "step": "confirm", "preview": _preview_token(preview)})
    assert done.status_code == 302
    db.session.expire_all()
    assert submission.stage == "accepted"
    closed = chief.get(url)
    assert closed.status_code == 409


def test_the_form_opens_on_what_the_reviewers_recommend(cast, login):
    """The reviewers ask for minor revisions: the form opens on that decision and its
    letter, never on an acceptance."""
    submission = in_review(cast)
    completed(cast, submission, cast.reviewer, "minor_revisions")
    completed(cast, submission, cast.reviewer2, "minor_revisions")
    editor = login(cast.province_editor)
    editor.set_cookie("lang", "en")
    response = editor.get(f"/editorial/submissions/{submission.id}/decision")
    html = response.get_data(as_text=True)
    assert 'name="decision" type="hidden" value="minor_revisions"' in html
    assert 'name="letter_for" type="hidden" value="minor_revisions"' in html
    page = text_of(response)
    assert "It can be accepted after minor revisions" in page
    assert "has been accepted for publication" not in page


@pytest.mark.parametrize(
    ("recommendations", "expected"),
    [
        (("accept", "accept"), "accept"),
        (("accept", "reject", "reject"), "reject"),
        (("accept", "major_revisions"), "major_revisions"),  # a tie: the stricter one
        (("minor_revisions", "accept"), "minor_revisions"),
    ],
)
def test_the_suggested_decision_follows_the_recommendations(cast, app, recommendations, expected):
    from journal.review.services import suggested_decision

    app.config["REVIEW_MIN_COMPLETED"] = 1
    submission = in_review(cast)
    for reviewer, recommendation in zip(
        (cast.reviewer, cast.reviewer2, cast.unassigned_reviewer), recommendations, strict=False
    ):
        completed(cast, submission, reviewer, recommendation)
    assert suggested_decision(submission) == expected


def test_a_letter_drafted_for_another_decision_is_refused(cast, login):
    """The critical mistake: the acceptance letter sent under a minor-revisions decision."""
    submission = in_review(cast)
    completed(cast, submission, cast.reviewer)
    completed(cast, submission, cast.reviewer2)
    accept_letters = draft_letters(submission, "accept", cast.province_editor)
    from journal.review.services import LetterMismatch, record_decision

    with pytest.raises(LetterMismatch) as error:
        record_decision(
            submission,
            cast.province_editor,
            decision="minor_revisions",
            letter_for="accept",
            letter_vi=accept_letters["vi"],
            letter_en=accept_letters["en"],
        )
    assert error.value.status == 400
    with force_locale("en"):
        assert "drafted for the decision “Accept”, not “Minor revisions”" in str(
            error.value.message
        )
    editor = login(cast.province_editor)
    editor.set_cookie("lang", "en")
    refused = editor.post(
        f"/editorial/submissions/{submission.id}/decision",
        data={
            "decision": "minor_revisions",
            "letter_for": "accept",
            "letter_vi": accept_letters["vi"],
            "letter_en": accept_letters["en"],
            "version": submission.version,
        },
    )
    assert refused.status_code == 400
    assert "Start the letter again from the template" in text_of(refused)
    db.session.expire_all()
    assert submission.stage == "in_review"
    assert db.session.execute(db.select(Decision)).first() is None
    assert mails("review_decision") == []


def test_the_preview_is_the_exact_mail_and_only_its_confirmation_records(cast, login):
    submission = in_review(cast)
    completed(cast, submission, cast.reviewer)
    completed(cast, submission, cast.reviewer2)
    editor = login(cast.province_editor)
    editor.set_cookie("lang", "en")
    url = f"/editorial/submissions/{submission.id}/decision"
    letter = {
        "decision": "minor_revisions",
        "letter_for": "minor_revisions",
        "letter_vi": "Thư: sửa nhỏ.",
        "letter_en": "Letter: minor revisions.",
        "version": submission.version,
    }
    preview = editor.post(url, data=letter)
    assert preview.status_code == 200
    html = preview.get_data(as_text=True)
    # Both languages of the letter, greeting each author by name, to every author.
    assert "Thư: sửa nhỏ." in html and "Letter: minor revisions." in html
    assert cast.author.email in html and "khoa@example.org" in html
    assert "Hello Trương Minh Khoa," in html and "Kính gửi Ông/Bà Trương Minh Khoa," in html
    token = _preview_token(preview)
    for tampered in (
        {**letter, "step": "confirm"},  # no preview at all
        {**letter, "step": "confirm", "preview": token + "x"},
        {**letter, "step": "confirm", "preview": token, "letter_en": "Accepted!"},
    ):
        again = editor.post(url, data=tampered)
        assert again.status_code == 409, tampered
        assert "changed after the preview" in text_of(again)
    db.session.expire_all()
    assert submission.stage == "in_review" and mails("review_decision") == []
    assert editor.post(url, data={**letter, "step": "confirm", "preview": token}).status_code == 302
    db.session.expire_all()
    assert submission.stage == "revisions_requested"
    sent = {m.recipient: m for m in mails("review_decision")}
    for address in (cast.author.email, "khoa@example.org"):
        assert (
            sent[address].body.replace("\n", "") in html.replace("&#34;", '"').replace("\n", "")
            or sent[address].subject in html
        )


def test_editing_from_the_preview_keeps_the_letter(cast, login):
    submission = in_review(cast)
    completed(cast, submission, cast.reviewer)
    completed(cast, submission, cast.reviewer2)
    editor = login(cast.province_editor)
    editor.set_cookie("lang", "en")
    back = editor.post(
        f"/editorial/submissions/{submission.id}/decision",
        data={
            "decision": "reject",
            "letter_for": "reject",
            "letter_vi": "Thư từ chối đã sửa.",
            "letter_en": "Edited rejection.",
            "version": submission.version,
            "step": "edit",
        },
    )
    assert back.status_code == 200
    assert "Edited rejection." in text_of(back) and "Preview the e-mail" in text_of(back)
