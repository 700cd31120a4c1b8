"""A province editor takes a manuscript from submitted to accepted through two review
rounds with two reviewers, in a real headless Chromium (CSRF on). The submission, the
reviewers' answers and the author's revision are seeded through the services; every
editorial step is clicked in the browser."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from journal.extensions import db
from journal.provinces import BoardRole
from journal.review.models import ReviewAssignment
from journal.review.reviewers import accept_invitation, submit_review
from journal.submissions.models import Submission

from ..factories import PASSWORD, make_board_member, make_user
from ..review.steps import ANSWERS, revised, submitted
from .conftest import screenshot

pytestmark = pytest.mark.browser


def reviews_come_in(submission_id: int, number: int, recommendation: str) -> None:
    db.session.expire_all()
    assignments = (
        db.session.execute(
            db.select(ReviewAssignment).filter_by(submission_id=submission_id, round=number)
        )
        .scalars()
        .all()
    )
    assert len(assignments) == 2
    for assignment in assignments:
        accept_invitation(assignment, assignment.reviewer)
        submit_review(
            assignment,
            assignment.reviewer,
            recommendation=recommendation,
            answers=ANSWERS,
            comments_to_author=f"Vòng {number}: góp ý của phản biện.",
            competing_interests="Không có.",
        )


def stage_of(submission_id: int) -> tuple[str, int]:
    db.session.expire_all()
    submission = db.session.get(Submission, submission_id)
    return submission.stage, submission.round


def test_a_province_editor_takes_a_manuscript_to_accepted_in_the_browser(app, live_server, page):
    author = make_user("tac.gia@example.org", "Nguyễn Văn An", password=None)
    editor = make_user("bien.tap@example.org", "Lê Văn Cường", password=PASSWORD)
    make_board_member(editor, "CT", BoardRole.PROVINCE_EDITOR)
    reviewers = [
        make_user("phan.bien1@example.net", "Lý Thanh Tùng", password=None, expertise="salinity"),
        make_user("phan.bien2@example.net", "Châu Ngọc Diễm", password=None, expertise="rice"),
    ]
    cast = SimpleNamespace(author=author, province_editor=editor)
    submission_id = submitted(cast).id
    base = live_server.base_url

    page.goto(f"{base}/account/login")
    page.fill("#email", "bien.tap@example.org")
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()

    # The queue lists it; the editorial page offers to send it.
    page.click("nav a[href='/editorial/']")
    page.click(f"table.queue a[href='/editorial/submissions/{submission_id}']")

    for number in (1, 2):
        page.click(f"a[href='/editorial/submissions/{submission_id}/send']")
        assert page.locator(".leak-check .flash-success").count() == 1  # nothing names the authors
        page.click("section.send form button[type=submit]")
        page.wait_for_url(f"**/editorial/submissions/{submission_id}/reviewers")
        assert stage_of(submission_id) == ("in_review", number)
        if number == 1:
            for reviewer in reviewers:
                page.fill("#email", reviewer.email)
                page.click("section.invite form button[type=submit]:not([name=step])")
                page.wait_for_load_state()
        else:
            page.click("section.reinvite form button[type=submit]")
            page.wait_for_load_state()
        assert page.locator("table.reviewers tbody tr").count() == 2

        reviews_come_in(submission_id, number, "major_revisions" if number == 1 else "accept")

        decision = "major_revisions" if number == 1 else "accept"
        page.goto(f"{base}/editorial/submissions/{submission_id}")
        page.click(f"a[href='/editorial/submissions/{submission_id}/decision']")
        page.check(f"form.decision-choice input[value='{decision}']")
        page.click("form.decision-choice button[type=submit]")
        assert "Vòng" in page.input_value("#letter_vi")  # the reviews are quoted
        page.click("main form[method=post][action$='/decision'] button[type=submit]")
        assert page.locator(".mail-preview").count() >= 1  # previewed before it is sent
        page.click(".confirm-actions form:first-child button[type=submit]")
        page.wait_for_url(f"**/editorial/submissions/{submission_id}")

        if number == 1:
            assert stage_of(submission_id) == ("revisions_requested", 1)
            revised(cast, db.session.get(Submission, submission_id))
            page.reload()

    assert stage_of(submission_id) == ("accepted", 2)
    timeline = page.locator("section.timeline").inner_text()
    assert timeline.count("Lý Thanh Tùng") >= 2
    screenshot(page, "review-accepted")
