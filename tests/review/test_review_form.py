"""The structured review form (the journal's questions, from the journal settings), drafts
saved as the reviewer writes and when they leave, and the answers shown to the editor side
by side."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from journal.extensions import db
from journal.review.models import ReviewAssignment
from journal.review.reviewers import InvalidReview, save_review_draft, submit_review
from journal.settings import (
    SettingsError,
    journal_settings,
    parse_review_questions,
    update_journal_settings,
)
from tests.submissions.wizard import text_of

from .steps import ANSWERS, accepted, completed, in_review

REVIEW = {
    "recommendation": "minor_revisions",
    "comments_to_author": "Phần phương pháp cần rõ hơn.",
    "competing_interests": "Không có.",
}


@pytest.fixture
def writing(cast, login):
    submission = in_review(cast)
    assignment = accepted(cast, submission, cast.reviewer)
    client = login(cast.reviewer)
    client.set_cookie("lang", "en")
    return assignment, client


def test_the_form_asks_the_journals_questions(cast, writing):
    assignment, client = writing
    page = text_of(client.get(f"/reviews/{assignment.id}"))
    for question in ("Originality", "Method", "Significance", "Presentation", "Language"):
        assert question in page
    assert "Excellent" in page and "Poor" in page
    missing = client.post(f"/reviews/{assignment.id}", data=REVIEW)
    assert missing.status_code == 400 and "Rate this question." in text_of(missing)
    db.session.expire_all()
    assert db.session.get(ReviewAssignment, assignment.id).status == "accepted"


def test_the_service_wants_every_question_rated_with_a_known_rating(cast, writing):
    assignment, _client = writing
    with pytest.raises(InvalidReview) as error:
        submit_review(assignment, cast.reviewer, **REVIEW, answers={"originality": "good"})
    with force_locale("en"):
        assert "Answer every question of the form: Method" in str(error.value.message)
    with pytest.raises(InvalidReview):
        submit_review(assignment, cast.reviewer, **REVIEW, answers={**ANSWERS, "method": "10/10"})
    submit_review(assignment, cast.reviewer, **REVIEW, answers={**ANSWERS, "unknown": "good"})
    db.session.expire_all()
    assert db.session.get(ReviewAssignment, assignment.id).answers == ANSWERS


def test_the_questions_are_the_journal_settings(cast, writing, app):
    assignment, client = writing
    changed = update_journal_settings(
        cast.admin,
        {"REVIEW_QUESTIONS": "data | Dữ liệu có đủ không? | Are the data sufficient?"},
        version=journal_settings().version,
    )
    assert changed == ["REVIEW_QUESTIONS"]
    page = text_of(client.get(f"/reviews/{assignment.id}"))
    assert "Are the data sufficient?" in page and "Originality" not in page
    vi = text_of(client.get(f"/reviews/{assignment.id}?lang=vi"))
    assert "Dữ liệu có đủ không?" in vi
    sent = client.post(f"/reviews/{assignment.id}", data={**REVIEW, "q_data": "good"})
    assert sent.status_code == 302
    db.session.expire_all()
    assert db.session.get(ReviewAssignment, assignment.id).answers == {"data": "good"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("method | Phương pháp", "write key | Vietnamese question | English question"),
        ("Method! | Phương pháp | Method", "the key is lowercase letters"),
        ("a | A | A\na | B | B", "the key a is used twice"),
    ],
)
def test_bad_questions_are_refused_with_the_line(cast, text, message):
    with pytest.raises(ValueError) as error:
        parse_review_questions(text)
    with force_locale("en"):
        assert message in str(error.value.args[0])
    with pytest.raises(SettingsError):
        update_journal_settings(
            cast.admin, {"REVIEW_QUESTIONS": text}, version=journal_settings().version
        )


def test_a_draft_is_saved_without_sending_and_comes_back(cast, writing):
    assignment, client = writing
    url = f"/reviews/{assignment.id}"
    saved = client.post(
        f"{url}/draft",
        data={"comments_to_author": "Đang viết dở…", "q_method": "fair", "recommendation": ""},
    )
    assert saved.status_code == 302
    db.session.expire_all()
    a = db.session.get(ReviewAssignment, assignment.id)
    assert (a.status, a.comments_to_author, a.answers) == (
        "accepted",
        "Đang viết dở…",
        {"method": "fair"},
    )
    assert a.draft_saved_at is not None and a.recommendation is None
    page = client.get(url).get_data(as_text=True)
    assert "Đang viết dở…" in page and '<input checked id="q_method-1"' in page
    assert "Draft saved on" in text_of(client.get(url))


def test_the_page_saves_by_itself_and_on_leaving(cast, writing):
    """What the page's script sends (fetch while typing, sendBeacon on leaving): 204."""
    assignment, client = writing
    url = f"/reviews/{assignment.id}"
    page = client.get(url).get_data(as_text=True)
    assert f'data-draft-url="/reviews/{assignment.id}/draft?auto=1"' in page
    assert "review_draft.js" in page
    response = client.post(f"{url}/draft?auto=1", data={"comments_to_editor": "Ghi chú riêng."})
    assert response.status_code == 204
    db.session.expire_all()
    assert db.session.get(ReviewAssignment, assignment.id).comments_to_editor == "Ghi chú riêng."
    too_long = client.post(f"{url}/draft?auto=1", data={"recommendation": "maybe"})
    assert too_long.status_code == 400 and "error" in too_long.get_json()


def test_drafts_stay_private_and_end_with_the_review(cast, writing, login):
    assignment, _client = writing
    save_review_draft(assignment, cast.reviewer, comments_to_author="BẢN NHÁP RIÊNG")
    editor = login(cast.province_editor)
    editor.set_cookie("lang", "en")
    decision_page = text_of(
        editor.get(f"/editorial/submissions/{assignment.submission_id}/decision")
    )
    assert "BẢN NHÁP RIÊNG" not in decision_page
    submit_review(assignment, cast.reviewer, **REVIEW, answers=ANSWERS)
    with pytest.raises(Exception) as locked:
        save_review_draft(assignment, cast.reviewer, comments_to_author="sau khi gửi")
    assert locked.value.status == 409
    other = login(cast.reviewer2)
    assert other.post(f"/reviews/{assignment.id}/draft", data={}).status_code == 404


def test_the_editor_sees_the_answers_side_by_side(cast, login):
    submission = in_review(cast)
    completed(cast, submission, cast.reviewer, answers={**ANSWERS, "method": "poor"})
    completed(cast, submission, cast.reviewer2, answers={**ANSWERS, "method": "excellent"})
    editor = login(cast.province_editor)
    editor.set_cookie("lang", "en")
    html = editor.get(f"/editorial/submissions/{submission.id}/decision").get_data(as_text=True)
    assert 'class="review-grid"' in html
    first, second = html.split('<article class="review-summary">')[1:]
    assert "Reviewer 1" in first and "<dt>Method</dt><dd>Poor</dd>" in first
    assert "Reviewer 2" in second and "<dt>Method</dt><dd>Excellent</dd>" in second
