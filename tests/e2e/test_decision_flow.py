"""In a real headless Chromium: a manuscript through a minor-revision decision (the letter
follows the decision the reviewers recommend and is previewed as the authors get it, then
confirmed), the revision accepted without a second review round, and publication through
the next-step links and the confirmation pages."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from journal import workflow
from journal.extensions import db
from journal.mail import OutboxMessage
from journal.provinces import BoardRole
from journal.review.models import Decision, ReviewAssignment
from journal.submissions.models import Submission

from ..factories import PASSWORD, make_board_member, make_user
from ..publish.factories import add_galley
from ..review.steps import completed, in_review, revised, submitted
from .conftest import screenshot

pytestmark = pytest.mark.browser


def fresh(submission_id: int) -> Submission:
    db.session.expire_all()
    return db.session.get(Submission, submission_id)


def decision_mails():
    db.session.expire_all()
    return (
        db.session.execute(
            db.select(OutboxMessage)
            .filter_by(template="review_decision")
            .order_by(OutboxMessage.id)
        )
        .scalars()
        .all()
    )


def test_minor_revisions_then_acceptance_without_a_second_round_then_publication(
    app, live_server, page
):
    author = make_user("tac.gia@example.org", "Nguyễn Văn An", password=None)
    editor = make_user("bien.tap@example.org", "Lê Văn Cường", password=PASSWORD)
    make_board_member(editor, "CT", BoardRole.PROVINCE_EDITOR)
    chief = make_user("tong.bien.tap@example.org", "Trần Thị Bình", roles=("editor_in_chief",))
    cast = SimpleNamespace(author=author, province_editor=editor, editor_in_chief=chief)
    reviewers = [
        make_user("phan.bien1@example.net", "Lý Thanh Tùng", password=None),
        make_user("phan.bien2@example.net", "Châu Ngọc Diễm", password=None),
    ]
    submission = in_review(cast, submitted(cast, title_en="Salt-tolerant rice in Can Tho"))
    for reviewer in reviewers:
        completed(cast, submission, reviewer, "minor_revisions")
    sid, base = submission.id, live_server.base_url

    page.goto(f"{base}/account/login?lang=en")
    page.fill("#email", editor.email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/dashboard")
    assert "Salt-tolerant rice in Can Tho" in page.locator("#editor").inner_text()
    screenshot(page, "dashboard-province-editor")

    # Round 1: the form opens on what the reviewers recommend, with its letter.
    page.goto(f"{base}/editorial/submissions/{sid}")
    page.click(f"a[href='/editorial/submissions/{sid}/decision']")
    assert page.is_checked("form.decision-choice input[value='minor_revisions']")
    letter_en = page.input_value("#letter_en")
    assert "It can be accepted after minor revisions" in letter_en
    assert "accepted for publication" not in letter_en
    page.click("main form[method=post][action$='/decision'] button[type=submit]")

    # The preview: the exact e-mail, both languages, nothing sent yet.
    preview = page.locator("article.mail-preview").first.inner_text()
    assert "Hello Nguyễn Văn An," in preview and "minor revisions" in preview
    assert "Kính gửi" in preview
    assert fresh(sid).stage == "in_review" and decision_mails() == []
    screenshot(page, "decision-preview")
    page.click(".confirm-actions form:first-child button[type=submit]")
    page.wait_for_url(f"**/editorial/submissions/{sid}")
    assert (fresh(sid).stage, fresh(sid).round) == ("revisions_requested", 1)
    to_author = next(m for m in decision_mails() if m.recipient == author.email)
    assert "Minor revisions" in to_author.subject
    assert preview.split("\n")[-1].strip() in to_author.body
    assert "accepted for publication" not in to_author.body

    # Round 2: the revision comes back and is accepted without a new review round.
    revised(cast, fresh(sid))
    page.goto(f"{base}/editorial/submissions/{sid}")
    page.click("text=Decide on the revision")
    assert page.is_checked("form.decision-choice input[value='accept']")
    assert "accepted for publication" in page.input_value("#letter_en")
    page.click("main form[method=post][action$='/decision'] button[type=submit]")
    assert "accepted for publication" in page.locator("article.mail-preview").first.inner_text()
    page.click(".confirm-actions form:first-child button[type=submit]")
    page.wait_for_url(f"**/editorial/submissions/{sid}")
    accepted = fresh(sid)
    assert (accepted.stage, accepted.round) == ("accepted", 2)
    db.session.expire_all()
    assert (
        db.session.execute(
            db.select(ReviewAssignment).filter_by(submission_id=sid, round=2)
        ).first()
        is None
    )
    assert [
        d.decision
        for d in db.session.execute(
            db.select(Decision).filter_by(submission_id=sid).order_by(Decision.id)
        ).scalars()
    ] == ["minor_revisions", "accept"]

    # The next step leads to production; once the galley is approved, to publishing.
    next_step = page.locator("p.next-step a")
    assert next_step.get_attribute("href") == f"/production/{sid}"
    workflow.transition(accepted, "send_to_production", editor)  # typesetting: tested elsewhere
    db.session.commit()
    add_galley(fresh(sid), approved=True)
    page.click("p.next-step a")
    page.wait_for_url(f"**/production/{sid}")
    page.click("p.next-step a")
    page.wait_for_url("**/editorial/publishing")

    # Publishing online first asks first; cancelling changes nothing, confirming publishes.
    publish = f"form[action='/editorial/submissions/{sid}/publish-online'] button[type=submit]"
    page.click(publish)
    assert page.locator("#confirm-title").inner_text() == "Publish online first?"
    danger = page.locator("section.confirm button.danger")
    assert danger.count() == 1
    assert danger.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(166, 27, 27)"
    screenshot(page, "confirm-publish-online")
    page.click("section.confirm a.button.secondary")
    page.wait_for_url("**/editorial/publishing")
    assert fresh(sid).stage == "production"
    page.click(publish)
    page.click("section.confirm button.danger")
    page.wait_for_url("**/articles/*")
    assert fresh(sid).stage == "published"
