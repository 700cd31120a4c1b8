"""The dashboard, the detail page, downloads, the authors step, and hostile text."""

import hashlib
from urllib.parse import quote

import pytest

from journal.extensions import db
from journal.filetypes import DOCX
from journal.submissions.models import Submission
from journal.submissions.services import submit_manuscript
from tests.factories import make_submission

from .documents import docx_bytes
from .wizard import complete_draft, start, text_of, translated, upload

SCRIPT = '<script>alert("xss")</script>'


def authors_of(submission_id):
    db.session.expire_all()
    submission = db.session.get(Submission, submission_id)
    return [(a.position, a.full_name, a.corresponding) for a in submission.authors]


def add(client, sid, name, email, **extra):
    return client.post(
        f"/submissions/{sid}/authors", data={"full_name": name, "email": email, **extra}
    )


def test_script_in_title_and_abstract_is_inert_everywhere(author, author_client, can_tho):
    sid = complete_draft(author_client, can_tho.id)
    response = author_client.post(
        f"/submissions/{sid}/metadata",
        data={
            "title_vi": SCRIPT,
            "title_en": f"Title {SCRIPT}",
            "abstract_vi": "Tóm tắt",
            "abstract_en": f"<img src=x onerror=alert(1)> {SCRIPT}",
            "keywords_vi": SCRIPT,
            "keywords_en": "rice",
        },
    )
    assert response.status_code == 302
    assert db.session.get(Submission, sid).title_vi == SCRIPT  # stored as typed
    pages = {"review": author_client.get(f"/submissions/{sid}/review")}
    submit_manuscript(db.session.get(Submission, sid), author)
    pages["detail"] = author_client.get(f"/submissions/{sid}")
    pages["dashboard"] = author_client.get("/submissions/")
    for name, page in pages.items():
        assert page.status_code == 200, name
        assert "<script>alert" not in page.text, name
        assert "<img src=x" not in page.text, name
        assert "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;" in page.text, name


@pytest.mark.parametrize(
    ("name", "ascii_fallback"),
    [("Bài báo lúa chịu mặn.docx", "Bai bao lua chiu man.docx"), ("paper.docx", None)],
)
def test_download_is_an_attachment_with_the_recorded_type(author_client, name, ascii_fallback):
    sid = start(author_client)
    data = docx_bytes()
    assert upload(author_client, sid, name, data).status_code == 302
    record = db.session.get(Submission, sid).manuscript
    response = author_client.get(f"/submissions/{sid}/files/{record.id}/download")
    body = response.get_data()
    response.close()  # as a WSGI server does: the stored file is streamed
    assert response.status_code == 200
    assert body == data
    assert hashlib.sha256(body).hexdigest() == record.sha256
    assert response.mimetype == DOCX
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    if ascii_fallback:
        assert f'filename="{ascii_fallback}"' in disposition
        assert f"filename*=UTF-8''{quote(name)}" in disposition
    else:
        assert disposition == "attachment; filename=paper.docx"


def test_markup_in_a_text_file_is_never_served_inline(author_client):
    sid = start(author_client)
    data = f"# Title\n\n{SCRIPT}\n".encode()
    assert upload(author_client, sid, "notes.md", data).status_code == 302
    record = db.session.get(Submission, sid).manuscript
    response = author_client.get(f"/submissions/{sid}/files/{record.id}/download")
    response.close()
    assert response.mimetype == "text/markdown"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_dashboard_lists_own_submissions_with_stage_dates_and_links(
    author, author_client, other_author, can_tho
):
    draft_id = start(author_client)
    done = make_submission(author, title_en="Submitted paper", stage="submitted")
    make_submission(other_author, title_en="Someone else's paper")
    page = author_client.get("/submissions/?lang=en")
    body = text_of(page)
    assert page.status_code == 200
    assert "Submitted paper" in body and "Someone else's paper" not in body
    assert translated("Untitled draft no. %(id)s", "en", id=draft_id) in body
    assert f'href="/submissions/{draft_id}/metadata">Continue</a>' in body  # first gap
    assert f'href="/submissions/{done.id}">View</a>' in body
    assert ">Draft<" in body and ">Submitted<" in body
    assert done.submitted_at.strftime("%-m/%-d/%y") in body


def test_detail_page_shows_everything_and_the_history(author, author_client, can_tho):
    sid = complete_draft(author_client, can_tho.id)
    submit_manuscript(db.session.get(Submission, sid), author)
    page = author_client.get(f"/submissions/{sid}?lang=en")
    body = text_of(page)
    submission = db.session.get(Submission, sid)
    for text in (
        submission.title_vi,
        submission.title_en,
        submission.abstract_vi,
        submission.abstract_en,
        "bai-bao.docx",
        "Can Tho",
        author.full_name,
        "CC BY 4.0 accepted",
        "Không",
    ):
        assert text in body
    assert "Draft → Submitted" in body
    assert '<div lang="vi">' in page.text and '<div lang="en">' in page.text


def test_authors_can_be_added_edited_reordered_and_removed(author, author_client):
    sid = start(author_client)
    assert add(author_client, sid, "Lê Thị Cúc", "cuc@example.org").status_code == 302
    assert add(author_client, sid, "Phạm Dũng", "dung@example.org").status_code == 302
    assert authors_of(sid) == [
        (1, author.full_name, True),
        (2, "Lê Thị Cúc", False),
        (3, "Phạm Dũng", False),
    ]
    ids = [a.id for a in db.session.get(Submission, sid).authors]

    author_client.post(f"/submissions/{sid}/authors/{ids[2]}/move/up")
    author_client.post(f"/submissions/{sid}/authors/{ids[2]}/move/up")
    author_client.post(f"/submissions/{sid}/authors/{ids[2]}/move/up")  # already first
    author_client.post(f"/submissions/{sid}/authors/{ids[0]}/move/down")
    assert [n for _, n, _ in authors_of(sid)] == ["Phạm Dũng", "Lê Thị Cúc", author.full_name]

    author_client.post(f"/submissions/{sid}/authors/{ids[1]}/corresponding")
    assert [c for _, _, c in authors_of(sid)] == [False, True, False]

    edit = author_client.get(f"/submissions/{sid}/authors/{ids[1]}/edit")
    assert 'value="cuc@example.org"' in edit.text
    response = author_client.post(
        f"/submissions/{sid}/authors/{ids[1]}/edit",
        data={
            "full_name": "Lê Thị Cúc",
            "email": "cuc@ctu.edu.vn",
            "affiliation": "ĐH Cần Thơ",
            "orcid": "https://orcid.org/0000-0002-1694-233X",
        },
    )
    assert response.status_code == 302
    cuc = db.session.get(Submission, sid).authors[1]
    assert (cuc.email, cuc.affiliation, cuc.orcid) == (
        "cuc@ctu.edu.vn",
        "ĐH Cần Thơ",
        "https://orcid.org/0000-0002-1694-233X",
    )

    author_client.post(f"/submissions/{sid}/authors/{ids[1]}/remove")
    assert authors_of(sid) == [(1, "Phạm Dũng", False), (2, author.full_name, False)]
    review = text_of(author_client.get(f"/submissions/{sid}/review?lang=en"))
    assert f'<a href="/submissions/{sid}/authors">Choose the corresponding author.</a>' in review


@pytest.mark.parametrize(
    ("lang", "data", "message"),
    [
        (
            "vi",
            {"orcid": "0000-0002-1825-0098"},
            "This is not a valid ORCID iD (16 digits, e.g. 0000-0002-1825-0097).",
        ),
        (
            "en",
            {"orcid": "orcid"},
            "This is not a valid ORCID iD (16 digits, e.g. 0000-0002-1825-0097).",
        ),
        ("vi", {"email": "not-an-address"}, "This is not a valid e-mail address."),
        ("en", {"full_name": "  "}, "The author's name is required."),
        ("vi", {"full_name": "x" * 201}, "The name is too long."),
    ],
)
def test_invalid_authors_are_refused_with_a_message(author_client, lang, data, message):
    sid = start(author_client)
    author_client.get(f"/submissions/{sid}/authors?lang={lang}")
    form = {"full_name": "Lê Thị Cúc", "email": "cuc@example.org", **data}
    response = author_client.post(f"/submissions/{sid}/authors", data=form)
    assert response.status_code == 400
    assert translated(message, lang) in text_of(response)
    assert len(authors_of(sid)) == 1
