"""Drive the submission wizard through the test client, one step per function."""

from __future__ import annotations

import html
import io
import re

from flask_babel import force_locale, gettext

from journal.extensions import db
from journal.submissions.models import Section

from .documents import docx_bytes

METADATA = {
    "title_vi": "Đánh giá khả năng chịu mặn của giống lúa OM18",
    "title_en": "Salinity tolerance of the OM18 rice variety",
    "abstract_vi": "Nghiên cứu đánh giá khả năng chịu mặn của giống lúa OM18 tại Cà Mau.",
    "abstract_en": "We assess the salinity tolerance of the rice variety OM18 in Ca Mau.",
    "keywords_vi": "lúa, chịu mặn, đồng bằng sông Cửu Long",
    "keywords_en": "rice, salinity, Mekong Delta",
}
LETTER = {
    "cover_letter": "Kính gửi Ban biên tập.",
    "declares_originality": "y",
    "competing_interests": "Không",
    "licence_consent": "y",
}


def translated(msgid: str, lang: str, **variables) -> str:
    """``msgid`` as the ``lang`` catalog has it (the English text until it is translated)."""
    with force_locale(lang):
        return gettext(msgid, **variables)


def text_of(response) -> str:
    """The page with HTML entities decoded (apostrophes, quotes)."""
    return html.unescape(response.get_data(as_text=True))


def section_id(code: str = "research") -> int:
    return db.session.execute(db.select(Section.id).filter_by(code=code)).scalar_one()


def submission_id_from(response) -> int:
    match = re.search(r"/submissions/(\d+)/", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


def start(client, *, language: str = "vi", section: str = "research") -> int:
    response = client.post(
        "/submissions/new", data={"section_id": section_id(section), "language": language}
    )
    assert response.status_code == 302, text_of(response)
    return submission_id_from(response)


def fill_metadata(client, submission_id: int, **overrides):
    return client.post(f"/submissions/{submission_id}/metadata", data={**METADATA, **overrides})


def choose_funding(client, submission_id: int, *, task_id: int = 0, province_id: int = 0):
    return client.post(
        f"/submissions/{submission_id}/funding",
        data={"funded_task_id": task_id, "province_id": province_id},
    )


def upload(client, submission_id: int, name: str, data: bytes, kind: str = "manuscript"):
    return client.post(
        f"/submissions/{submission_id}/files/{kind}",
        data={f"{kind}-file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def fill_letter(client, submission_id: int, **overrides):
    data = {k: v for k, v in {**LETTER, **overrides}.items() if v is not None}
    return client.post(f"/submissions/{submission_id}/letter", data=data)


def current_version(submission_id: int) -> int:
    from journal.submissions.models import Submission

    db.session.expire_all()
    return db.session.get(Submission, submission_id).version


def submit(client, submission_id: int, version: int | None = None):
    version = current_version(submission_id) if version is None else version
    return client.post(f"/submissions/{submission_id}/submit", data={"version": version})


def complete_draft(client, province_id: int, *, language: str = "vi") -> int:
    """A draft with every step done through the wizard; returns its id."""
    submission_id = start(client, language=language)
    assert fill_metadata(client, submission_id).status_code == 302
    assert choose_funding(client, submission_id, province_id=province_id).status_code == 302
    assert upload(client, submission_id, "bai-bao.docx", docx_bytes()).status_code == 302
    assert fill_letter(client, submission_id).status_code == 302
    return submission_id
