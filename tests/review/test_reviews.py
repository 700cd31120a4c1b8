"""The review form: sent once and locked, read back, limits with clear messages, inert HTML,
a scrubbed attachment, and hostile posts."""

from __future__ import annotations

import io

import pytest

from journal.extensions import db
from journal.review.models import ReviewAssignment
from journal.storage import file_store
from journal.submissions.models import SubmissionFile
from tests.submissions.wizard import text_of

from .documents import docx_parts_text, identity_docx
from .steps import (
    ANSWERS,
    REVIEWER_ORCID,
    accepted,
    completed,
    decided,
    download,
    in_review,
    invite,
)

REVIEW = {
    "recommendation": "minor_revisions",
    "comments_to_author": "Phần phương pháp cần rõ hơn.",
    "comments_to_editor": "Bài tốt.",
    "competing_interests": "Không có.",
    **{f"q_{key}": rating for key, rating in ANSWERS.items()},
}


def snapshot(assignment_id):
    db.session.expire_all()
    a = db.session.get(ReviewAssignment, assignment_id)
    return (a.status, a.recommendation, a.comments_to_author, a.attachment_id, a.version)


@pytest.fixture
def writing(cast, login):
    """An accepted assignment and the reviewer's client (interface in English)."""
    submission = in_review(cast)
    assignment = accepted(cast, submission, cast.reviewer)
    client = login(cast.reviewer)
    client.set_cookie("lang", "en")
    return assignment, client


def test_a_review_is_sent_once_then_locked_and_readable(cast, writing):
    assignment, client = writing
    url = f"/reviews/{assignment.id}"
    assert client.post(url, data=REVIEW).status_code == 302
    db.session.expire_all()
    assert assignment.status == "completed" and assignment.completed_at is not None
    page = text_of(client.get(url))
    assert "it can no longer be changed" in page
    assert "Phần phương pháp cần rõ hơn." in page and "Bài tốt." in page
    before = snapshot(assignment.id)
    again = client.post(url, data={**REVIEW, "comments_to_author": "Đổi ý."})
    assert again.status_code == 409
    assert "You have already submitted this review" in text_of(again)
    assert snapshot(assignment.id) == before


def test_html_in_comments_is_inert(cast, writing, login):
    assignment, client = writing
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> **đậm**'
    client.post(f"/reviews/{assignment.id}", data={**REVIEW, "comments_to_author": hostile})
    for viewer, url in (
        (client, f"/reviews/{assignment.id}"),
        (login(cast.province_editor), f"/editorial/assignments/{assignment.id}"),
    ):
        html = viewer.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_an_enormous_comment_is_refused_with_a_clear_message(cast, writing, app):
    assignment, client = writing
    limit = app.config["REVIEW_COMMENT_MAX_CHARS"]
    before = snapshot(assignment.id)
    for field in ("comments_to_author", "comments_to_editor"):
        response = client.post(
            f"/reviews/{assignment.id}", data={**REVIEW, field: "x" * (limit + 1)}
        )
        assert response.status_code == 400
        assert f"may be at most {limit} characters long" in text_of(response)
    assert snapshot(assignment.id) == before


def test_required_fields_and_an_unknown_recommendation(cast, writing):
    assignment, client = writing
    before = snapshot(assignment.id)
    for data, message in (
        ({**REVIEW, "recommendation": "publish-now"}, "Choose a recommendation."),
        ({**REVIEW, "comments_to_author": "  "}, "Write your comments to the authors."),
        ({**REVIEW, "competing_interests": ""}, "State any competing interests"),
    ):
        response = client.post(f"/reviews/{assignment.id}", data=data)
        assert response.status_code == 400 and message in text_of(response)
    assert snapshot(assignment.id) == before


def test_control_characters_are_dropped_not_a_server_error(cast, writing):
    assignment, client = writing
    data = {**REVIEW, "comments_to_author": "Tốt\x00 lắm\x07.\nDòng hai."}
    assert client.post(f"/reviews/{assignment.id}", data=data).status_code == 302
    db.session.expire_all()
    assert assignment.comments_to_author == "Tốt lắm.\nDòng hai."


def attach(client, assignment, data, name, **extra):
    return client.post(
        f"/reviews/{assignment.id}",
        data={**REVIEW, **extra, "attachment": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_the_attachment_loses_the_reviewers_metadata(cast, writing, login):
    assignment, client = writing
    reviewer = cast.reviewer
    data = identity_docx(reviewer.full_name, reviewer.email, REVIEWER_ORCID)
    assert attach(client, assignment, data, "Ly Thanh Tung nhan xet.docx").status_code == 302
    db.session.expire_all()
    record = assignment.attachment
    assert record.kind == "review_attachment"
    assert record.original_name == f"review-{assignment.submission_id}-r1-{assignment.id}.docx"
    with file_store().open(record.sha256) as f:
        text = docx_parts_text(f.read())
    assert reviewer.full_name not in text and reviewer.email not in text and "4444-5557" not in text
    # The reviewer reads it back; the author cannot fetch it before the decision.
    response, body = download(client, f"/reviews/{assignment.id}/files/{record.id}")
    assert response.status_code == 200 and cast.reviewer.full_name.encode() not in body
    author = login(cast.author)
    sid = assignment.submission_id
    assert author.get(f"/submissions/{sid}/files/{record.id}/download").status_code == 404
    url = f"/revisions/{sid}/reviews/{assignment.id}/attachment"
    assert author.get(url).status_code == 404
    completed(cast, assignment.submission, cast.reviewer2)
    decided(cast, assignment.submission, "minor_revisions")
    response, body = download(author, url)
    assert response.status_code == 200 and len(body) == record.size
    assert record.original_name in response.headers["Content-Disposition"]


def test_an_attachment_naming_the_reviewer_is_refused(cast, writing):
    assignment, client = writing
    data = identity_docx(
        "X", "x@example.org", "", body=f"Người nhận xét: {cast.reviewer.full_name}"
    )
    response = attach(client, assignment, data, "nhan-xet.docx")
    assert response.status_code == 400
    assert "The attachment names you" in text_of(response)
    assert "word/document.xml" in text_of(response)
    assert snapshot(assignment.id)[0] == "accepted"


NOT_WHAT_IT_SAYS = [
    (b"%PDF-1.7\n...", "nhan-xet.docx", 400, "The content is not a Word (.docx) document."),
    (
        b"%PDF-1.7\n...",
        "nhan-xet.pdf",
        400,
        "Attachments must be .docx, .odt, .md, .tex or .txt",
    ),
    (b"MZ\x90\x00binary", "nhan-xet.exe", 400, "Attachments must be .docx"),
    (b"\xff\xfe\x00\x00", "nhan-xet.txt", 400, "This is not a text file."),
]


def test_an_attachment_that_is_not_what_it_says(cast, writing):
    assignment, client = writing
    before = snapshot(assignment.id)
    for data, name, status, message in NOT_WHAT_IT_SAYS:
        response = attach(client, assignment, data, name)
        assert response.status_code == status, name
        assert message in text_of(response), name
    assert snapshot(assignment.id) == before
    assert (
        db.session.execute(db.select(SubmissionFile).filter_by(kind="review_attachment")).first()
        is None
    )


def test_an_attachment_over_the_limit(cast, writing, app):
    app.config["REVIEW_ATTACHMENT_MAX_BYTES"] = 1024
    assignment, client = writing
    response = attach(client, assignment, b"x" * 2048, "notes.txt")
    assert response.status_code == 413
    assert "The attachment is larger than the allowed 1 KB." in text_of(response)
    assert snapshot(assignment.id)[0] == "accepted"


def test_another_reviewers_assignment_is_not_found(cast, writing, login):
    assignment, _client = writing
    other = login(cast.reviewer2)
    before = snapshot(assignment.id)
    assert other.get(f"/reviews/{assignment.id}").status_code == 404
    assert other.post(f"/reviews/{assignment.id}", data=REVIEW).status_code == 404
    copy = assignment.submission.files[-1]
    assert other.get(f"/reviews/{assignment.id}/files/{copy.id}").status_code == 404
    assert snapshot(assignment.id) == before


def test_a_reviewer_downloads_only_the_anonymised_copy(cast, writing):
    assignment, client = writing
    submission = assignment.submission
    original = submission.manuscript
    copy = next(f for f in submission.files if f.kind == "anonymised_manuscript")
    assert client.get(f"/reviews/{assignment.id}/files/{original.id}").status_code == 404
    assert (
        client.get(f"/submissions/{submission.id}/files/{original.id}/download").status_code == 404
    )
    response, _body = download(client, f"/reviews/{assignment.id}/files/{copy.id}")
    assert response.status_code == 200
    assert f"manuscript-{submission.id}-r1.docx" in response.headers["Content-Disposition"]


def test_reviews_that_are_not_open_cannot_be_written(cast, login):
    submission = in_review(cast)
    invited = invite(cast, submission, cast.reviewer)
    client = login(cast.reviewer)
    response = client.post(f"/reviews/{invited.id}", data=REVIEW)
    assert response.status_code == 302 and "/reviews/invitations/" in response.headers["Location"]
    assert snapshot(invited.id)[0] == "invited"
    from journal.review.reviewers import revoke_invitation

    revoke_invitation(invited, cast.province_editor)
    closed = client.post(f"/reviews/{invited.id}?lang=en", data=REVIEW)
    assert closed.status_code == 409
    assert "This review is no longer needed." in text_of(closed)
    assert snapshot(invited.id)[0] == "cancelled"
