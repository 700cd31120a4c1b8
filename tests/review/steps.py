"""Steps of the editorial path taken through the services (tests call them to set up a
state; the views are tested separately)."""

from __future__ import annotations

import io
from datetime import timedelta

from journal.extensions import db
from journal.models_base import utcnow
from journal.provinces import province_by_code
from journal.storage import file_store
from journal.submissions.models import SubmissionAuthor, SubmissionFile
from journal.submissions.services import submit_manuscript
from tests.factories import make_submission

from .documents import small_identity_docx

AUTHOR_ORCID = "https://orcid.org/0000-0002-7777-8887"
COAUTHOR_ORCID = "https://orcid.org/0000-0001-5109-3700"
REVIEWER_ORCID = "https://orcid.org/0000-0003-4444-5557"


def store_file(submission, kind, data: bytes, name: str, media_type: str, *, round=1, by=None):
    blob = file_store().put_bytes(data)
    record = SubmissionFile(
        kind=kind,
        round=round,
        original_name=name,
        media_type=media_type,
        size=blob.size,
        sha256=blob.sha256,
        uploaded_by_id=by.id if by else None,
    )
    submission.files.append(record)
    db.session.commit()
    return record


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def submitted(cast, *, province="CT", manuscript: bytes | None = None, coauthor=True, **values):
    """A manuscript submitted by ``cast.author`` through the service: routed already."""
    submission = make_submission(cast.author, province=province_by_code(province), **values)
    submission.authors[0].orcid = AUTHOR_ORCID
    submission.authors[0].affiliation = cast.author.affiliation
    if coauthor:
        submission.authors.append(
            SubmissionAuthor(
                position=2,
                full_name="Trương Minh Khoa",
                email="khoa@example.org",
                affiliation="Trường Đại học Trà Vinh",
                orcid=COAUTHOR_ORCID,
            )
        )
    db.session.commit()
    data = manuscript or small_identity_docx(cast.author.full_name, cast.author.email, AUTHOR_ORCID)
    store_file(submission, "manuscript", data, "Nguyen-Van-An-ban-thao.docx", DOCX, by=cast.author)
    submit_manuscript(submission, cast.author)
    return submission


def in_review(cast, submission=None, **kwargs):
    """Sent to review by its handling editor (the province editor of Cần Thơ)."""
    from journal.review.services import send_to_review

    submission = submission or submitted(cast, **kwargs)
    send_to_review(submission, cast.province_editor)
    return submission


def invite(cast, submission, reviewer, **kwargs):
    from journal.review.reviewers import invite_reviewer

    return invite_reviewer(
        submission, cast.province_editor, email=reviewer.email, full_name="", **kwargs
    )


def accepted(cast, submission, reviewer):
    from journal.review.reviewers import accept_invitation

    assignment = invite(cast, submission, reviewer)
    accept_invitation(assignment, reviewer)
    return assignment


# A rating for each question the journal asks by default (journal/config.py).
ANSWERS = {
    "originality": "good",
    "method": "fair",
    "significance": "good",
    "presentation": "excellent",
    "language": "good",
}


def completed(cast, submission, reviewer, recommendation="minor_revisions", **kwargs):
    from journal.review.reviewers import submit_review

    assignment = accepted(cast, submission, reviewer)
    values = {
        "recommendation": recommendation,
        "answers": ANSWERS,
        "comments_to_author": f"Nhận xét cho tác giả từ người phản biện {assignment.id}.",
        "comments_to_editor": "Bài có giá trị.",
        "competing_interests": "Không có.",
    }
    values.update(kwargs)
    submit_review(assignment, reviewer, **values)
    return assignment


def decided(cast, submission, decision="major_revisions", actor=None, **kwargs):
    from journal.review.services import draft_letters, record_decision

    actor = actor or cast.province_editor
    letters = draft_letters(submission, decision, actor)
    return record_decision(
        submission,
        actor,
        decision=decision,
        letter_for=decision,
        letter_vi=letters["vi"],
        letter_en=letters["en"],
        **kwargs,
    )


def revised(cast, submission, manuscript: bytes | None = None):
    from journal.review.services import resubmit_revision, upload_revision_file

    from .documents import plain_docx

    upload_revision_file(
        submission,
        cast.author,
        kind="revision",
        stream=io.BytesIO(manuscript or plain_docx("Bản sửa: giống lúa OM18.")),
        filename="Nguyen-Van-An-ban-sua.docx",
    )
    upload_revision_file(
        submission,
        cast.author,
        kind="response_letter",
        stream=io.BytesIO(plain_docx("Chúng tôi đã sửa theo góp ý của người phản biện.")),
        filename="tra-loi.docx",
    )
    resubmit_revision(submission, cast.author)
    return submission


def days_from_now(days: int):
    return utcnow() + timedelta(days=days)


def download(client, url):
    """GET a file: (response, body), the response closed as a WSGI server would."""
    response = client.get(url)
    body = response.get_data()
    response.close()
    return response, body
