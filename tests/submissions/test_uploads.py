"""Hostile and unusual uploads: each refused with a clear message, nothing else lost."""

import hashlib
import zipfile
from pathlib import Path

import pytest

from journal.extensions import db
from journal.submissions.models import Submission, SubmissionAuthor, SubmissionFile
from tests.factories import make_submission

from .documents import (
    declared_huge_docx,
    docx_bytes,
    many_entries_docx,
    markdown_bytes,
    png_bytes,
    ratio_bomb_docx,
)
from .wizard import text_of, translated, upload

TITLE_VI = "Đánh giá khả năng chịu mặn của giống lúa OM18"  # the factory's


@pytest.fixture
def draft(author, author_client):
    """A draft with its title, a co-author and a first manuscript."""
    submission = make_submission(author)
    submission.authors.append(
        SubmissionAuthor(position=2, full_name="Lê Thị Cúc", email="cuc@example.org")
    )
    db.session.commit()
    sid = submission.id
    assert upload(author_client, sid, "first.docx", docx_bytes("v1")).status_code == 302
    return sid


def files_on_disk(root) -> set[Path]:
    return {p for p in Path(root).rglob("*") if p.is_file()}


def assert_draft_untouched(sid):
    submission = db.session.get(Submission, sid)
    assert submission.title_vi == TITLE_VI
    assert [a.full_name for a in submission.authors][1:] == ["Lê Thị Cúc"]
    assert [f.original_name for f in submission.files] == ["first.docx"]
    assert submission.manuscript.original_name == "first.docx"


HOSTILE = [
    (
        "png-renamed",
        "photo.docx",
        png_bytes,
        "The content is not a %(kind)s document.",
        {"kind": "Word (.docx)"},
    ),
    ("empty", "empty.docx", lambda: b"", "The file is empty.", {}),
    ("empty-markdown", "empty.md", lambda: b"  \n", "The file is empty.", {}),
    ("not-utf8", "latin1.md", lambda: "Cần Thơ".encode("utf-16"), "This is not a text file.", {}),
    (
        "wrong-extension",
        "paper.pdf",
        lambda: b"%PDF-1.7\n",
        "Manuscripts must be .docx, .odt, .md or .tex files.",
        {},
    ),
    (
        "many-entries",
        "many.docx",
        lambda: many_entries_docx(2100),
        "The document contains too many parts to be opened safely.",
        {},
    ),
    (
        "declared-huge",
        "huge.docx",
        declared_huge_docx,
        "The document expands to an unsafe size (a compression bomb?).",
        {},
    ),
    (
        "ratio-bomb",
        "zeros.docx",
        ratio_bomb_docx,
        "The document expands to an unsafe size (a compression bomb?).",
        {},
    ),
    (
        "damaged-zip",
        "broken.docx",
        lambda: b"PK\x03\x04" + b"\x00" * 200,
        "The file is damaged or is not a document archive.",
        {},
    ),
    ("no-usable-name", "...", markdown_bytes, "The file has no usable name.", {}),
]


@pytest.mark.parametrize(
    ("lang", "name", "data", "message", "variables"),
    [("vi" if i % 2 else "en", *case[1:]) for i, case in enumerate(HOSTILE)],
    ids=[f"{case[0]}-{'vi' if i % 2 else 'en'}" for i, case in enumerate(HOSTILE)],
)
def test_hostile_manuscript_is_refused_and_nothing_is_lost(
    app, author_client, draft, lang, name, data, message, variables
):
    author_client.get(f"/submissions/{draft}/files?lang={lang}")
    stored_before = files_on_disk(app.config["STORAGE_DIR"])
    response = upload(author_client, draft, name, data())
    assert response.status_code == 400
    body = text_of(response)
    assert translated(message, lang, **variables) in body
    assert 'class="steps"' in body  # the files step itself, not a bare error page
    assert_draft_untouched(draft)
    assert files_on_disk(app.config["STORAGE_DIR"]) == stored_before  # no blob, no temp file


def test_zip_bomb_is_refused_before_any_part_is_inflated(author_client, draft, monkeypatch):
    inflated = []
    original_read = zipfile.ZipExtFile.read

    def counting_read(self, n=-1):
        data = original_read(self, n)
        inflated.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting_read)
    for bomb in (ratio_bomb_docx(), declared_huge_docx()):
        assert upload(author_client, draft, "bomb.docx", bomb).status_code == 400
    assert sum(inflated) == 0


def test_no_file_chosen(author_client, draft):
    response = author_client.post(
        f"/submissions/{draft}/files/manuscript", data={}, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert translated("Choose a file to upload.", "vi") in text_of(response)
    assert_draft_untouched(draft)


@pytest.mark.parametrize(
    ("sent_name", "stored_name"),
    [
        ("../../../etc/passwd.md", "passwd.md"),
        ("bài\x00báo.md", "bàibáo.md"),
        ("tệp\x07\x1b[31mđỏ\x7f\t.md", "tệp[31mđỏ.md"),
        ("/absolute/path/notes.md", "notes.md"),
    ],
)
def test_hostile_file_names_are_cleaned_and_stored_under_the_sha(
    app, tmp_path, author_client, draft, sent_name, stored_name
):
    everything_before = files_on_disk(tmp_path)
    data = markdown_bytes()
    response = upload(author_client, draft, sent_name, data, kind="supplementary")
    assert response.status_code == 302
    record = db.session.execute(
        db.select(SubmissionFile).filter_by(kind="supplementary")
    ).scalar_one()
    assert record.original_name == stored_name
    sha = hashlib.sha256(data).hexdigest()
    assert record.sha256 == sha and record.size == len(data)
    storage = Path(app.config["STORAGE_DIR"]).resolve()
    blob = storage / sha[:2] / sha[2:4] / sha
    assert blob.read_bytes() == data
    new_files = files_on_disk(tmp_path) - everything_before
    assert {p.resolve() for p in new_files} == {blob}


def test_a_new_manuscript_is_a_new_version_and_the_old_one_stays(author_client, draft):
    assert upload(author_client, draft, "second.md", markdown_bytes()).status_code == 302
    submission = db.session.get(Submission, draft)
    assert [f.original_name for f in submission.files_of("manuscript")] == [
        "first.docx",
        "second.md",
    ]
    assert submission.manuscript.original_name == "second.md"
    page = text_of(author_client.get(f"/submissions/{draft}/files?lang=en"))
    assert page.index("second.md") < page.index("Earlier versions") < page.index("first.docx")


def test_the_same_content_twice_is_stored_once_but_recorded_twice(app, author_client, draft):
    data = markdown_bytes()
    assert upload(author_client, draft, "a.md", data).status_code == 302
    assert upload(author_client, draft, "b.md", data).status_code == 302
    records = db.session.get(Submission, draft).files_of("manuscript")[1:]
    assert [r.original_name for r in records] == ["a.md", "b.md"]
    assert records[0].sha256 == records[1].sha256
    blobs = [p for p in files_on_disk(app.config["STORAGE_DIR"]) if p.name == records[0].sha256]
    assert len(blobs) == 1


@pytest.mark.parametrize(
    ("name", "data", "media_type"),
    [
        ("figure.png", png_bytes(), "image/png"),
        ("data.csv", "tỉnh,năm\nCần Thơ,2024\n".encode(), "text/csv"),
        ("report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
    ],
)
def test_supplementary_files_are_sniffed(author_client, draft, name, data, media_type):
    assert upload(author_client, draft, name, data, kind="supplementary").status_code == 302
    record = db.session.execute(
        db.select(SubmissionFile).filter_by(kind="supplementary")
    ).scalar_one()
    assert record.media_type == media_type


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "tool.exe",
            b"MZ\x90\x00",
            "Supplementary files must be documents, PDF, CSV, text, PNG or JPEG files.",
        ),
        ("fake.png", b"GIF89a", "The file's content does not match its extension."),
        (
            "page.html",
            b"<script>alert(1)</script>",
            "Supplementary files must be documents, PDF, CSV, text, PNG or JPEG files.",
        ),
    ],
)
def test_hostile_supplementary_files_are_refused(author_client, draft, name, data, message):
    response = upload(author_client, draft, name, data, kind="supplementary")
    assert response.status_code == 400
    assert translated(message, "vi") in text_of(response)
    assert_draft_untouched(draft)


def test_line_breaks_in_a_name_are_removed_by_the_service(app, author, author_client, draft):
    """(A browser never sends a raw line break in a multipart name; a script could. The
    right-to-left override, a format character, goes too.)"""
    import io

    from journal.submissions.services import upload_file

    submission = db.session.get(Submission, draft)
    record = upload_file(
        submission,
        author,
        kind="supplementary",
        stream=io.BytesIO(markdown_bytes()),
        filename="ghi\r\nchú\u202e.md",
    )
    assert record.original_name == "ghichú.md"
