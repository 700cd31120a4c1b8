"""In a real headless Chromium: what a reviewer types is saved as a draft by itself, and
when they leave the page without sending, so a review is never lost."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from flask import request, request_finished
from playwright.sync_api import expect

from journal.extensions import db
from journal.provinces import BoardRole
from journal.review.models import ReviewAssignment

from ..factories import PASSWORD, make_board_member, make_user
from ..review.steps import accepted, in_review, submitted

pytestmark = pytest.mark.browser


def saved(assignment_id: int) -> ReviewAssignment:
    db.session.expire_all()
    return db.session.get(ReviewAssignment, assignment_id)


def test_the_draft_is_saved_while_typing_and_on_leaving(app, live_server, page):
    author = make_user("tac.gia@example.org", "Nguyễn Văn An", password=None)
    editor = make_user("bien.tap@example.org", "Lê Văn Cường", password=None)
    make_board_member(editor, "CT", BoardRole.PROVINCE_EDITOR)
    reviewer = make_user("phan.bien@example.net", "Lý Thanh Tùng", password=PASSWORD)
    cast = SimpleNamespace(author=author, province_editor=editor)
    assignment = accepted(cast, in_review(cast, submitted(cast)), reviewer)
    base = live_server.base_url

    page.goto(f"{base}/account/login?lang=en")
    page.fill("#email", reviewer.email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/dashboard")
    page.click(f"#reviewer a[href='/reviews/{assignment.id}']")

    page.fill("#comments_to_author", "Phần phương pháp cần mô tả rõ cỡ mẫu.")
    page.check("#q_method-1")
    expect(page.locator(".draft-status")).to_contain_text("Draft saved at")
    draft = saved(assignment.id)
    assert draft.comments_to_author == "Phần phương pháp cần mô tả rõ cỡ mẫu."
    assert draft.answers == {"method": "fair"} and draft.status == "accepted"

    # Typed, then gone at once (another page): the page sends what it has as it leaves.
    page.fill("#comments_to_editor", "Ghi chú riêng cho biên tập viên.")
    # (Chromium does not report beacons to Playwright: the server tells when it has one.)
    beacon = threading.Event()

    def answered(sender, response, **_extra):
        if request.path.endswith("/draft") and response.status_code == 204:
            beacon.set()

    with request_finished.connected_to(answered, live_server):
        page.goto(f"{base}/dashboard")
        assert beacon.wait(15)
    assert saved(assignment.id).comments_to_editor == "Ghi chú riêng cho biên tập viên."

    page.goto(f"{base}/reviews/{assignment.id}")
    assert page.input_value("#comments_to_editor") == "Ghi chú riêng cho biên tập viên."
    assert page.is_checked("#q_method-1")
