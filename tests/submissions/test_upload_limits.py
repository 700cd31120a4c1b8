"""Size limits: UPLOAD_MAX_BYTES for one file, MAX_CONTENT_LENGTH for the whole request."""

import io
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from journal.extensions import db
from journal.submissions.models import Submission

from .wizard import METADATA, fill_metadata, start, text_of, translated, upload

LIMIT = 64 * 1024


@pytest.fixture
def app_config(app_config):
    return {**app_config, "UPLOAD_MAX_BYTES": LIMIT}


@pytest.fixture
def draft(author_client):
    sid = start(author_client)
    assert fill_metadata(author_client, sid).status_code == 302
    return sid


def markdown_of_size(size: int) -> bytes:
    line = "Lúa chịu mặn ở Cà Mau.\n".encode()
    data = line * (size // len(line) + 1)
    return data[: size - 1] + b"\n"


def stored_files(app) -> list[Path]:
    root = Path(app.config["STORAGE_DIR"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_file_at_the_limit_is_accepted(author_client, draft):
    assert len(markdown_of_size(LIMIT)) == LIMIT
    response = upload(author_client, draft, "exact.md", markdown_of_size(LIMIT))
    assert response.status_code == 302
    assert db.session.get(Submission, draft).manuscript.size == LIMIT


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_file_over_the_limit_is_refused_with_the_limit_named(app, author_client, draft, lang):
    author_client.get(f"/submissions/{draft}/files?lang={lang}")
    response = upload(author_client, draft, "big.md", markdown_of_size(LIMIT + 1))
    assert response.status_code == 413
    assert translated("The file is larger than the allowed %(size)s.", lang, size="64 KB") in (
        text_of(response)
    )
    assert 'class="steps"' in response.text  # shown on the files step
    assert db.session.get(Submission, draft).files == []
    assert db.session.get(Submission, draft).title_vi == METADATA["title_vi"]
    assert stored_files(app) == []


def post_encoded(client, url: str, field: str, name: str, data: bytes):
    """A multipart body built in memory (Werkzeug's test client leaves the temporary file it
    uses for bodies over 500 kB open)."""
    boundary, body = encode_multipart({field: FileStorage(io.BytesIO(data), filename=name)})
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_a_request_over_max_content_length_gets_the_friendly_page(app, author_client, draft):
    assert app.config["MAX_CONTENT_LENGTH"] == LIMIT + 1024 * 1024
    response = post_encoded(
        author_client,
        f"/submissions/{draft}/files/manuscript",
        "manuscript-file",
        "huge.md",
        markdown_of_size(LIMIT + 1024 * 1024 + 1),
    )
    assert response.status_code == 413
    body = text_of(response)
    for lang in ("vi", "en"):  # the error page is bilingual
        assert translated("The file is larger than the allowed size.", lang) in body
    assert db.session.get(Submission, draft).files == []
    assert stored_files(app) == []
