"""The whole wizard through the test client, in Vietnamese and in English."""

import re

import pytest

from journal.accounts.services import set_password
from journal.events import Event
from journal.extensions import db
from journal.filetypes import DOCX, LATEX, MARKDOWN, ODT
from journal.mail import OutboxMessage
from journal.submissions.models import Submission, SubmissionFile
from tests.factories import PASSWORD, make_funded_task

from .documents import docx_bytes, latex_bytes, markdown_bytes, odt_bytes
from .wizard import (
    METADATA,
    choose_funding,
    complete_draft,
    fill_letter,
    fill_metadata,
    section_id,
    start,
    submit,
    text_of,
    translated,
    upload,
)


@pytest.mark.parametrize(
    ("lang", "manuscript", "data", "supplementary", "extra", "media_type"),
    [
        ("vi", "bài báo.docx", docx_bytes(), "so-lieu.md", markdown_bytes(), DOCX),
        ("en", "paper.odt", odt_bytes(), "appendix.tex", latex_bytes(), ODT),
    ],
)
def test_whole_wizard(
    mail_app,
    smtp_server,
    author,
    author_client,
    lang,
    manuscript,
    data,
    supplementary,
    extra,
    media_type,
):
    client = author_client
    task = make_funded_task(code="KG-2024-07", province_code="KG")

    # 1. Section and language: the progress list, then the draft is created.
    page = client.get(f"/submissions/new?lang={lang}")
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text
    assert '<ol class="steps">' in page.text
    assert 'class="current" aria-current="step"' in page.text
    response = client.post("/submissions/new", data={"section_id": section_id(), "language": lang})
    assert response.status_code == 302
    submission = db.session.execute(db.select(Submission)).scalar_one()
    assert response.headers["Location"].endswith(f"/submissions/{submission.id}/metadata")
    assert (submission.stage, submission.language, submission.section.code) == (
        "draft",
        lang,
        "research",
    )
    assert [(a.full_name, a.corresponding) for a in submission.authors] == [
        (author.full_name, True)
    ]
    sid = submission.id

    # 2. Title, abstract and keywords side by side, with lang attributes.
    page = client.get(f"/submissions/{sid}/metadata")
    assert 'name="title_vi"' in page.text and 'name="title_en"' in page.text
    assert page.text.count('lang="vi"') >= 3 and page.text.count('lang="en"') >= 3
    for name in ("title", "abstract", "keywords"):
        for lang_ in ("vi", "en"):
            tag = re.search(rf'<(input|textarea)[^>]*name="{name}_{lang_}"[^>]*>', page.text)
            assert tag and f'lang="{lang_}"' in tag.group(0), (name, lang_)
    assert fill_metadata(client, sid).headers["Location"].endswith(f"/{sid}/authors")

    # 3. Authors: the owner is first; add a co-author with an ORCID iD, make them corresponding.
    response = client.post(
        f"/submissions/{sid}/authors",
        data={
            "full_name": "Lê Thị Cúc",
            "email": "cuc@example.org",
            "affiliation": "Viện Lúa ĐBSCL",
            "orcid": "0000-0002-1825-0097",
        },
    )
    assert response.status_code == 302
    submission = db.session.get(Submission, sid)
    co_author = submission.authors[1]
    assert co_author.orcid == "https://orcid.org/0000-0002-1825-0097"
    client.post(f"/submissions/{sid}/authors/{co_author.id}/corresponding")
    page = client.get(f"/submissions/{sid}/authors")
    assert "Lê Thị Cúc" in page.text and "https://orcid.org/0000-0002-1825-0097" in page.text

    # 4. Funding: the task decides the province.
    assert choose_funding(client, sid, task_id=task.id).status_code == 302
    submission = db.session.get(Submission, sid)
    assert submission.funded_task_id == task.id
    assert submission.province.code == "KG"

    # 5. Files: the manuscript and a supplementary file.
    assert upload(client, sid, manuscript, data).status_code == 302
    response = upload(client, sid, supplementary, extra, kind="supplementary")
    assert response.status_code == 302
    files = db.session.execute(db.select(SubmissionFile).order_by(SubmissionFile.id)).scalars()
    assert [(f.kind, f.original_name, f.media_type) for f in files] == [
        ("manuscript", manuscript, media_type),
        ("supplementary", supplementary, MARKDOWN if supplementary.endswith(".md") else LATEX),
    ]

    # 6. Letter and declarations.
    assert fill_letter(client, sid).headers["Location"].endswith(f"/{sid}/review")

    # 7. Review: everything shown side by side, nothing missing, a Submit button.
    page = client.get(f"/submissions/{sid}/review")
    body = text_of(page)
    assert page.status_code == 200
    for name, value in METADATA.items():
        for part in value.split(", ") if name.startswith("keywords") else [value]:
            assert part in body, name
    assert '<div lang="vi">' in page.text and '<div lang="en">' in page.text
    assert manuscript in body and supplementary in body and "KG-2024-07" in body
    assert translated("Still missing before you can submit", lang) not in body
    assert translated("Submit the manuscript", lang) in body

    response = submit(client, sid)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/submissions/{sid}")
    submission = db.session.get(Submission, sid)
    assert submission.stage == "submitted" and submission.submitted_at is not None
    events = db.session.execute(db.select(Event).filter_by(submission_id=sid)).scalars().all()
    assert [(e.action, e.from_stage, e.to_stage, e.actor_id) for e in events] == [
        ("submit", "draft", "submitted", author.id)
    ]

    # The confirmation went through the real SMTP server, to the owner and to the
    # corresponding author, bilingual.
    by_recipient = {m["To"]: m for m in smtp_server.messages}
    assert set(by_recipient) == {"author@example.org", "cuc@example.org"}
    owner_mail = by_recipient["author@example.org"]
    other = "vi" if lang == "en" else "en"  # the owner's language first: the one they chose
    assert owner_mail["Subject"] == " / ".join(
        translated("Manuscript received: no. %(id)s", first, id=sid) for first in (lang, other)
    )
    body = owner_mail.get_content()
    assert METADATA["title_vi"] in body and METADATA["title_en"] in body
    assert f"https://journal.example.org/submissions/{sid}" in body
    assert translated("Hello %(name)s,", "vi", name=author.full_name) in body
    assert translated("Hello %(name)s,", "en", name=author.full_name) in body
    assert "Lê Thị Cúc" in by_recipient["cuc@example.org"].get_content()
    assert (
        db.session.execute(
            db.select(db.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None))
        ).scalar_one()
        == 0
    )

    # The detail page and the dashboard show the new stage.
    detail = client.get(f"/submissions/{sid}")
    assert translated("Submitted", lang) in text_of(detail)
    dashboard = client.get("/submissions/")
    assert METADATA[f"title_{lang}"] in text_of(dashboard)
    assert translated("Submitted", lang) in text_of(dashboard)


def test_every_step_page_shows_the_progress_list(author_client, can_tho):
    sid = complete_draft(author_client, can_tho.id)
    for step in ("start", "metadata", "authors", "funding", "files", "letter", "review"):
        page = author_client.get(f"/submissions/{sid}/{step}")
        assert page.status_code == 200, step
        assert '<ol class="steps">' in page.text
        assert page.text.count('class="done"') == 6 - (step != "review")
        assert page.text.count('aria-current="step"') == 1


def test_the_draft_survives_logging_out_and_in(app, author, can_tho):
    set_password(author, PASSWORD)
    client = app.test_client()
    response = client.post("/account/login", data={"email": author.email, "password": PASSWORD})
    assert response.status_code == 302
    sid = start(client)
    assert fill_metadata(client, sid).status_code == 302
    assert upload(client, sid, "bai-bao.docx", docx_bytes()).status_code == 302
    assert client.post("/account/logout").status_code == 302
    assert client.get("/submissions/").status_code == 302  # back to the login page

    client = app.test_client()  # another browser, another day
    client.post("/account/login", data={"email": author.email, "password": PASSWORD})
    dashboard = client.get("/submissions/")
    assert METADATA["title_vi"] in text_of(dashboard)
    assert f"/submissions/{sid}/funding" in dashboard.text  # continue where it stopped
    page = text_of(client.get(f"/submissions/{sid}/metadata"))
    assert METADATA["abstract_en"] in page
    assert "bai-bao.docx" in text_of(client.get(f"/submissions/{sid}/files"))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_missing_english_metadata_is_named_by_language(author_client, lang):
    sid = start(author_client)
    author_client.get(f"/submissions/{sid}/metadata?lang={lang}")
    response = fill_metadata(author_client, sid, title_en="", keywords_vi="")
    body = text_of(response)
    assert response.status_code == 400
    assert translated("English title is required", lang) in body
    assert translated("Vietnamese keywords are required", lang) in body
    assert METADATA["abstract_en"] in body  # what was typed is shown again
    assert db.session.get(Submission, sid).title_vi == ""  # the step was not saved


def test_english_is_optional_when_only_vietnamese_is_required(app, author_client, can_tho):
    app.config["REQUIRED_METADATA_LANGUAGES"] = ["vi"]
    sid = start(author_client)
    response = fill_metadata(author_client, sid, title_en="", abstract_en="", keywords_en="")
    assert response.status_code == 302
    assert choose_funding(author_client, sid, province_id=can_tho.id).status_code == 302
    assert upload(author_client, sid, "a.md", markdown_bytes()).status_code == 302
    assert fill_letter(author_client, sid).status_code == 302
    assert submit(author_client, sid).status_code == 302
    assert db.session.get(Submission, sid).stage == "submitted"

    response = fill_metadata(author_client, start(author_client), title_vi="")
    assert response.status_code == 400
    assert translated("Vietnamese title is required", "vi") in text_of(response)


@pytest.mark.parametrize(
    ("field", "limit", "message"),
    [
        ("title_en", 500, "The title may be at most %(max)d characters long."),
        ("abstract_vi", 5000, "The abstract may be at most %(max)d characters long."),
        ("keywords_en", 500, "The keywords may be at most %(max)d characters long."),
    ],
)
def test_metadata_length_limits(author_client, field, limit, message):
    sid = start(author_client)
    assert fill_metadata(author_client, sid, **{field: "x" * limit}).status_code == 302
    response = fill_metadata(author_client, sid, **{field: "y" * (limit + 1)})
    assert response.status_code == 400
    assert translated(message, "vi", max=limit) in text_of(response)
    assert getattr(db.session.get(Submission, sid), field) == "x" * limit


def test_start_step_refuses_unknown_section_and_language(author_client):
    response = author_client.post("/submissions/new", data={"section_id": "999", "language": "fr"})
    assert response.status_code == 400
    body = text_of(response)
    assert translated("Choose a section.", "vi") in body
    assert translated("Choose the language of the manuscript.", "vi") in body
    assert db.session.execute(db.select(db.func.count()).select_from(Submission)).scalar() == 0


def test_start_step_can_be_changed_later(author_client):
    sid = start(author_client, language="vi")
    response = author_client.post(
        f"/submissions/{sid}/start", data={"section_id": section_id("review"), "language": "en"}
    )
    assert response.status_code == 302
    submission = db.session.get(Submission, sid)
    assert (submission.section.code, submission.language) == ("review", "en")


def test_funding_needs_a_task_or_a_province(author_client, can_tho):
    sid = start(author_client)
    response = choose_funding(author_client, sid)
    assert response.status_code == 400
    expected = translated("Choose the province (required when there is no funded task).", "vi")
    assert expected in text_of(response)
    assert choose_funding(author_client, sid, task_id=12345).status_code == 400
    assert choose_funding(author_client, sid, province_id=can_tho.id).status_code == 302
    assert db.session.get(Submission, sid).province_id == can_tho.id


def test_letter_requires_the_declarations(author_client):
    sid = start(author_client)
    response = fill_letter(
        author_client, sid, declares_originality=None, licence_consent=None, competing_interests=" "
    )
    assert response.status_code == 400
    body = text_of(response)
    for message in (
        "Declare that the manuscript is original.",
        "Accept the CC BY 4.0 licence.",
        "State any competing interests (or write “None”).",
    ):
        assert translated(message, "vi") in body
    assert fill_letter(author_client, sid, competing_interests="None").status_code == 302
    submission = db.session.get(Submission, sid)
    assert submission.declares_originality and submission.licence_consent
    assert submission.competing_interests == "None"


def test_review_lists_what_is_missing_with_links(author_client):
    sid = start(author_client)
    page = author_client.get(f"/submissions/{sid}/review?lang=en")
    body = text_of(page)
    assert "Still missing before you can submit" in body
    for step, message in [
        ("metadata", "English title is required"),
        ("funding", "Choose the funded task or the province."),
        ("files", "Upload the manuscript."),
        ("letter", "Accept the CC BY 4.0 licence."),
    ]:
        assert f'<a href="/submissions/{sid}/{step}">{message}</a>' in body
    assert "Submit the manuscript" not in body
