"""A province editor sends an accepted manuscript to production in a real headless Chromium,
watches the typesetting steps advance without reloading, sees the PDF preview appear, opens
the sandboxed HTML preview with its figure, and approves the galley."""

from __future__ import annotations

import threading

import pytest

from journal.extensions import db
from journal.provinces import BoardRole
from journal.publish import production_job
from journal.publish.models import approved_galley
from journal.publish.typeset import load_schema

from ..factories import PASSWORD, make_board_member, make_user
from ..publish.production.support import SCHEMAS, accepted_submission
from .conftest import screenshot

pytestmark = pytest.mark.browser

XSD = SCHEMAS / "jats" / "JATS-journalpublishing1-3-mathml3.xsd"


def test_an_editor_watches_typesetting_and_approves_the_galley(
    app, live_server, page, tmp_path, monkeypatch
):
    load_schema(str(XSD.resolve()))  # once per process, before anything is timed
    live_server.config.update(
        JOBS_INLINE=False, SCHEMAS_DIR=str(SCHEMAS), ISSN_PRINT="2815-5998", ISSN_ONLINE="2815-6005"
    )
    author = make_user("tac.gia@example.org", "Nguyễn Văn An", password=None)
    editor = make_user("bien.tap@example.org", "Lê Văn Cường", password=PASSWORD)
    make_board_member(editor, "CT", BoardRole.PROVINCE_EDITOR)
    submission = accepted_submission(author, tmp_path)

    # The job waits at its last step until the browser has shown that step as running.
    at_pdf, release = threading.Event(), threading.Event()
    real_typeset = production_job.typeset

    def held_typeset(*args, progress, **kwargs):
        def report(stage):
            progress(stage)
            if stage == "pdf":
                at_pdf.set()
                release.wait(60)

        return real_typeset(*args, progress=report, **kwargs)

    monkeypatch.setattr(production_job, "typeset", held_typeset)
    base = live_server.base_url
    try:
        page.goto(f"{base}/account/login")
        page.fill("#email", "bien.tap@example.org")
        page.fill("#password", PASSWORD)
        page.click("main form button[type=submit]")
        page.wait_for_load_state()

        page.goto(f"{base}/production/{submission.id}")
        assert page.locator("html").get_attribute("lang") == "vi"
        page.click("form[action$='/send'] button")
        page.wait_for_selector("#runs[data-active='1']")
        page.evaluate("window.__notReloaded = true")

        assert at_pdf.wait(60), "the job never reached the PDF step"
        page.wait_for_selector(".run [data-stage='pdf'].step-current", timeout=10000)
        assert page.evaluate("window.__notReloaded === true")  # updated in place
        assert page.locator(".run [data-stage='converting']").get_attribute("class") == (
            "step-done"
        )
        screenshot(page, "production-running")
    finally:
        release.set()

    page.wait_for_selector(".run[data-state='succeeded']", timeout=30000)
    page.wait_for_selector(".pdf-pages img")
    # A function, not an expression: Playwright evaluates an expression string again at each
    # poll, which the page's CSP (no 'unsafe-eval') refuses once the first check is false.
    page.wait_for_function(
        "() => [...document.querySelectorAll('.pdf-pages img')]"
        ".every(img => img.complete && img.naturalWidth > 300)"
    )
    assert page.evaluate("window.__notReloaded") is None  # reloaded once, when finished
    assert page.locator("#runs").get_attribute("data-active") == "0"
    screenshot(page, "production-succeeded")

    with page.context.expect_page() as opened:
        page.click(".galley-links a[target=_blank]")
    preview = opened.value
    preview.wait_for_load_state()
    figure = preview.locator("figure img").first
    assert figure.evaluate("img => img.complete && img.naturalWidth") > 100
    assert "OM18" in preview.locator("h1").inner_text()
    screenshot(preview, "production-html-preview")
    preview.close()

    page.click(".galley-version form button")
    page.wait_for_selector(".badge-approved")
    screenshot(page, "production-approved")
    db.session.expire_all()
    assert approved_galley(submission).number == 1
