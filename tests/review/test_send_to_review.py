"""Sending to review: the anonymised copies, the leak check that blocks, the editor's
corrected copy, and the override with a reason."""

from __future__ import annotations

import io

import pytest
from flask_babel import force_locale

from journal.events import events_for
from journal.extensions import db
from journal.review.models import ReviewRound
from journal.review.services import HintsFound, LeakFound, prepare_copies, send_to_review
from journal.storage import file_store
from journal.submissions.models import SubmissionFile
from tests.submissions.wizard import text_of

from .documents import (
    docx_parts_text,
    docx_with_parts,
    identity_docx,
    identity_latex,
    identity_markdown,
    ole_object,
    plain_docx,
)
from .steps import AUTHOR_ORCID, completed, decided, in_review, revised, submitted


def files_of(submission, kind):
    return (
        db.session.execute(
            db.select(SubmissionFile).filter_by(submission_id=submission.id, kind=kind)
        )
        .scalars()
        .all()
    )


def read(record) -> bytes:
    with file_store().open(record.sha256) as f:
        return f.read()


def test_the_copy_is_scrubbed_renamed_and_recorded(cast):
    submission = submitted(cast)
    review_round = send_to_review(submission, cast.province_editor)
    [copy] = files_of(submission, "anonymised_manuscript")
    assert copy.original_name == f"manuscript-{submission.id}-r1.docx"
    assert review_round.manuscript_copy_id == copy.id and review_round.sent_at is not None
    text = docx_parts_text(read(copy))
    for identity in (cast.author.full_name, cast.author.email, "7777-8887", "Nguyen-Van-An"):
        assert identity not in text
    original = submission.manuscript
    assert cast.author.full_name in docx_parts_text(read(original))  # never overwritten
    assert submission.stage == "in_review"
    assert [e.action for e in events_for(submission)][-1] == "send_to_review"


def test_a_name_in_the_body_blocks_sending_and_lists_the_places(cast, login):
    body = f"Tác giả liên hệ: {cast.author.full_name} ({cast.author.email})."
    submission = submitted(
        cast,
        manuscript=identity_docx(cast.author.full_name, cast.author.email, AUTHOR_ORCID, body=body),
        abstract_en=f"By Nguyen Van An. {'x' * 10}",
    )
    with pytest.raises(LeakFound) as error:
        send_to_review(submission, cast.province_editor)
    with force_locale("en"):
        places = {str(f.location) for f in error.value.findings}
        assert "Abstract (English)" in str(error.value.message)
    kinds = {f.kind for f in error.value.findings}
    assert f"manuscript-{submission.id}-r1.docx: word/document.xml" in places
    assert "Abstract (English)" in places
    assert kinds == {"name", "email"}
    assert error.value.status == 409
    db.session.expire_all()
    assert submission.stage == "submitted"
    assert files_of(submission, "anonymised_manuscript") == []
    editor = login(cast.province_editor)
    page = editor.post(
        f"/editorial/submissions/{submission.id}/send?lang=en", data={"version": submission.version}
    )
    assert page.status_code == 409
    html = text_of(page)
    assert "word/document.xml" in html and "Abstract (English)" in html
    assert "Send to review anyway" in html


def test_sending_anyway_needs_a_reason_and_records_it(cast):
    body = f"Cảm ơn {cast.author.full_name}."
    submission = submitted(
        cast, manuscript=identity_docx(cast.author.full_name, "x@example.org", "", body=body)
    )
    review_round = send_to_review(
        submission, cast.province_editor, override_reason="Tên trong lời cảm ơn là người khác."
    )
    assert review_round.leak_override_reason == "Tên trong lời cảm ơn là người khác."
    override = [e for e in events_for(submission) if e.action == "override_leak_check"]
    assert len(override) == 1 and "word/document.xml" in override[0].note
    assert submission.stage == "in_review"


def test_the_editors_corrected_copy_is_scrubbed_checked_and_used(cast, login):
    body = f"Tác giả: {cast.author.full_name}."
    submission = submitted(
        cast, manuscript=identity_docx(cast.author.full_name, cast.author.email, "", body=body)
    )
    editor = login(cast.province_editor)
    fixed = identity_docx(cast.author.full_name, cast.author.email, AUTHOR_ORCID)  # body clean
    response = editor.post(
        f"/editorial/submissions/{submission.id}/copies/manuscript",
        data={"file": (io.BytesIO(fixed), "Nguyen Van An - sua.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    [fix] = files_of(submission, "anonymised_manuscript")
    assert fix.original_name == f"manuscript-{submission.id}-r1.docx"
    assert cast.author.full_name not in docx_parts_text(read(fix))
    assert prepare_copies(submission).findings == []
    page = editor.get(f"/editorial/submissions/{submission.id}/send?lang=en")
    assert "your corrected copy" in text_of(page)
    assert "No author's name" in text_of(page)
    review_round = send_to_review(submission, cast.province_editor)
    assert review_round.manuscript_copy_id == fix.id
    assert len(files_of(submission, "anonymised_manuscript")) == 1


def test_a_corrected_copy_that_is_not_a_document_is_refused(cast, login):
    submission = submitted(cast)
    editor = login(cast.province_editor)
    response = editor.post(
        f"/editorial/submissions/{submission.id}/copies/manuscript?lang=en",
        data={"file": (io.BytesIO(b"%PDF-1.7 not a word file"), "copy.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "The content is not a Word (.docx) document." in text_of(response)
    assert files_of(submission, "anonymised_manuscript") == []
    assert db.session.execute(db.select(ReviewRound)).first() is None


@pytest.mark.parametrize(
    ("data", "name", "media_type", "ext"),
    [
        (identity_markdown("Nguyễn Văn An", "author@example.org"), "An.md", "text/markdown", ".md"),
        (
            identity_latex("Nguyễn Văn An", "author@example.org"),
            "An.tex",
            "application/x-tex",
            ".tex",
        ),
    ],
)
def test_markdown_and_latex_manuscripts(cast, data, name, media_type, ext):
    from journal.submissions.services import submit_manuscript
    from tests.factories import make_submission

    from .steps import store_file

    submission = make_submission(cast.author)
    store_file(submission, "manuscript", data, name, media_type, by=cast.author)
    submit_manuscript(submission, cast.author)
    send_to_review(submission, cast.province_editor)
    [copy] = files_of(submission, "anonymised_manuscript")
    assert copy.original_name == f"manuscript-{submission.id}-r1{ext}"
    text = read(copy).decode()
    assert "Nguyễn Văn An" not in text and "author@example.org" not in text
    assert "Giống lúa OM18" in text


def test_round_two_checks_the_response_letter_too(cast):
    submission = in_review(cast)
    completed(cast, submission, cast.reviewer)
    completed(cast, submission, cast.reviewer2)
    decided(cast, submission, "major_revisions")
    revised(cast, submission)
    from journal.review.services import upload_revision_file  # noqa: F401 (documented step)

    letter = [f for f in submission.files if f.kind == "response_letter"][-1]
    # The author signed the response letter: the check finds it.
    signed = plain_docx(f"Trân trọng, {cast.author.full_name}")
    blob = file_store().put_bytes(signed)
    letter_row = SubmissionFile(
        kind="response_letter",
        round=2,
        original_name="tra-loi-2.docx",
        media_type=letter.media_type,
        size=blob.size,
        sha256=blob.sha256,
    )
    submission.files.append(letter_row)
    db.session.commit()
    with pytest.raises(LeakFound) as error:
        send_to_review(submission, cast.province_editor)
    assert {str(f.location) for f in error.value.findings} == {
        f"response-letter-{submission.id}-r2.docx: word/document.xml"
    }
    review_round = send_to_review(submission, cast.province_editor, override_reason="Đã kiểm tra")
    assert review_round.number == 2
    assert review_round.letter_copy.original_name == f"response-letter-{submission.id}-r2.docx"
    assert review_round.manuscript_copy.original_name == f"manuscript-{submission.id}-r2.docx"


def test_affiliations_initials_and_user_names_are_warnings_the_editor_acknowledges(cast, login):
    body = (
        f"Phòng thí nghiệm của {cast.author.affiliation}. Ảnh: N.V.A. "
        r"Tệp gốc: C:\Users\nguyenvanan\Desktop\data.xlsx"
    )
    submission = submitted(cast, manuscript=identity_docx("X Y", "x@example.org", "", body=body))
    report = prepare_copies(submission)
    assert report.findings == []
    assert {(w.kind, w.value) for w in report.warnings} == {
        ("affiliation", cast.author.affiliation),
        ("initials", "NVA"),
        ("username", "nguyenvanan"),
    }
    with pytest.raises(HintsFound) as error:
        send_to_review(submission, cast.province_editor)
    assert error.value.status == 409
    db.session.expire_all()
    assert submission.stage == "submitted"
    editor = login(cast.province_editor)
    page = editor.post(
        f"/editorial/submissions/{submission.id}/send?lang=en", data={"version": submission.version}
    )
    assert page.status_code == 409
    html = text_of(page)
    assert "may hint at an author" in html and "nguyenvanan" in html
    assert "they do not identify an author" in html  # the checkbox
    sent = editor.post(
        f"/editorial/submissions/{submission.id}/send?lang=en",
        data={"version": submission.version, "hints_acknowledged": "y"},
    )
    assert sent.status_code == 302
    db.session.expire_all()
    assert submission.stage == "in_review"
    [event] = [e for e in events_for(submission) if e.action == "acknowledge_leak_hints"]
    assert "word/document.xml" in event.note


def test_a_manuscript_with_an_embedded_object_cannot_be_sent_until_corrected(cast, login):
    manuscript = docx_with_parts(
        "Người Khác", "k@example.org", {"word/embeddings/oleObject1.bin": ole_object()}
    )
    submission = submitted(cast, manuscript=manuscript)
    editor = login(cast.province_editor)
    page = editor.get(f"/editorial/submissions/{submission.id}/send?lang=en")
    assert page.status_code == 200
    assert "embedded object that cannot be anonymised" in text_of(page)
    assert "Upload and check again" in text_of(page)
    response = editor.post(
        f"/editorial/submissions/{submission.id}/send?lang=en", data={"version": submission.version}
    )
    assert response.status_code == 400
    assert "word/embeddings/oleObject1.bin" in text_of(response)
    db.session.expire_all()
    assert submission.stage == "submitted"
    assert files_of(submission, "anonymised_manuscript") == []
