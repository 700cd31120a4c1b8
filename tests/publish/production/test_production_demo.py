"""The demo journal has a finished production page: an accepted Markdown article sent to
production, typeset, and its galley approved; loading it again typesets nothing. (Only the
production part of the demo runs here: the whole demo typesets more articles.)"""

from __future__ import annotations

import io

from pypdf import PdfReader

from journal import demo
from journal.accounts.services import user_by_email
from journal.demo import DEMO_ISSN
from journal.events import events_for
from journal.extensions import db
from journal.publish import production
from journal.publish.models import TypesetRun, approved_galley
from journal.publish.production_demo import TITLE_VI, ensure_production_demo
from journal.storage import file_store
from journal.submissions.models import Submission

from ...admin.clients import fast_password_hashing  # noqa: F401  (autouse)


def ensure_demo():
    from journal.seed import seed_reference_data

    seed_reference_data()
    people, tasks = demo._ensure_people(), demo._ensure_tasks()
    db.session.commit()
    demo.ensure_demo_settings(people["admin"])
    return ensure_production_demo(people, tasks)


def test_the_demo_article_is_typeset_and_approved(app, english):
    app.config.update(ISSN_PRINT=None, ISSN_ONLINE=None, JOBS_INLINE=False)

    ensure_demo()

    assert (app.config["ISSN_ONLINE"], app.config["JOBS_INLINE"]) == (None, False)  # restored
    article = db.session.execute(db.select(Submission).filter_by(title_vi=TITLE_VI)).scalar_one()
    assert article.stage == "production"
    assert [e.action for e in events_for(article)] == [
        "submit",
        "send_to_review",
        "accept",
        "send_to_production",
        "approve_galley",
    ]
    [run] = production.runs_of(article)
    assert run.status == "succeeded", production.run_error(run, "en")
    galley = approved_galley(article)
    assert galley is not None and galley.run_id == run.id
    with file_store().open(galley.pdf_sha256) as handle:
        pdf = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "chịu mặn của giống lúa OM18" in text
    assert DEMO_ISSN in text
    with file_store().open(galley.jats_sha256) as handle:
        jats = handle.read().decode()
    assert "<award-id>CT.2023-07/ĐT</award-id>" in jats and "<fig " in jats

    editor = user_by_email("editor.ct@demo.mekongjournal.vn")
    page = english(editor).get(f"/production/{article.id}")
    assert "Approved for publishing" in page.text and "pages/1.png" in page.text
    listed = english(editor).get("/production/")
    assert f'href="/production/{article.id}"' in listed.text

    def count_runs():
        return db.session.execute(db.select(db.func.count(TypesetRun.id))).scalar_one()

    before = count_runs()
    ensure_demo()  # again: nothing typeset again
    assert count_runs() == before
    assert len(production.runs_of(article)) == 1
