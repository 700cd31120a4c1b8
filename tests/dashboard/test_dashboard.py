"""The dashboard after login, per role: what waits, with due dates and overdue marks;
reviewers never see an author's name; every dashboard route in the roles × routes table."""

from __future__ import annotations

from datetime import timedelta

import pytest

from journal.extensions import db
from journal.models_base import utcnow
from tests.review.steps import accepted, completed, decided, in_review, invite, submitted
from tests.submissions.wizard import text_of

ROLES = (
    "anonymous",
    "author",
    "reviewer",
    "province_editor",
    "other_board",
    "editor_in_chief",
    "admin",
)

# endpoint, method, URL, expected per role (L = sent to the login page)
ROWS = [("dashboard.index", "GET", "/dashboard", "L 200 200 200 200 200 200")]


def test_roles_by_routes(app, cast):
    for endpoint, method, url, expected in ROWS:
        for role, want in zip(ROLES, expected.split(), strict=True):
            client = (
                app.test_client()
                if role == "anonymous"
                else app.test_client(user=getattr(cast, role))
            )
            response = client.open(url, method=method)
            got = str(response.status_code)
            if got == "302" and "/account/login" in response.headers["Location"]:
                got = "L"
            response.close()
            assert got == want, (endpoint, role)


def test_every_dashboard_route_is_in_the_table(app):
    routed = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("dashboard.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routed == {(endpoint, method) for endpoint, method, _, _ in ROWS}


@pytest.fixture
def page(login):
    def open_as(user):
        client = login(user)
        client.set_cookie("lang", "en")
        return text_of(client.get("/dashboard"))

    return open_as


def test_the_author_sees_what_is_asked_of_them(cast, page):
    submission = in_review(cast, title_en="Salinity and rice yields")
    completed(cast, submission, cast.reviewer)
    completed(cast, submission, cast.reviewer2)
    decided(cast, submission, "minor_revisions")
    text = page(cast.author)
    assert "My submissions" in text and "Salinity and rice yields" in text
    assert "Send the revised manuscript and your response letter." in text
    assert "My editorial queue" not in text and "Administration" not in text


def test_the_reviewer_sees_invitations_and_due_dates_never_the_authors(cast, page):
    waiting = in_review(cast, title_en="Mangrove carbon")
    invite(cast, waiting, cast.reviewer)
    writing = in_review(cast, title_en="Shrimp farming")
    assignment = accepted(cast, writing, cast.reviewer)
    assignment.due_at = utcnow() - timedelta(days=2)
    db.session.commit()
    text = page(cast.reviewer)
    assert "Invitations waiting for your answer" in text and "Mangrove carbon" in text
    assert "Reviews to write" in text and "Shrimp farming" in text
    assert "overdue" in text
    for name in (cast.author.full_name, "Trương Minh Khoa", cast.author.email):
        assert name not in text


def test_the_province_editor_sees_the_queue_ages_and_the_board(cast, page, app):
    app.config["REVIEW_TRIAGE_DAYS"] = -1  # the triage was due yesterday
    submitted(cast, title_en="Late triage")
    text = page(cast.province_editor)
    assert "My editorial queue" in text and "Late triage" in text
    assert "Days in stage" in text and "overdue" in text
    assert "Can Tho: the board" in text and cast.board_member.full_name in text
    assert "All provinces" not in text


def test_the_editor_in_chief_sees_every_province_and_what_waits_for_a_decision(cast, page):
    submission = in_review(cast, title_en="Ready for a decision")
    completed(cast, submission, cast.reviewer)
    completed(cast, submission, cast.reviewer2)
    text = page(cast.editor_in_chief)
    assert "All provinces" in text
    for province in ("An Giang", "Ca Mau", "Can Tho", "Kien Giang"):
        assert province in text
    assert "Waiting for a decision" in text and "Ready for a decision" in text
    assert "Issues in preparation" in text


def test_the_administrator_sees_the_settings_and_the_installation_checks(cast, page):
    text = page(cast.admin)
    assert "Journal settings" in text
    assert "installation check" in text
    assert "My editorial queue" not in text
