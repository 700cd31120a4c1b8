"""Staff search is no oracle: authors' names and affiliations are matched only for the
editors handling a submission, never for anyone who reviews it or may be asked to."""

from __future__ import annotations

from datetime import timedelta

import pytest

from journal.extensions import db
from journal.models_base import utcnow
from journal.provinces import province_by_code
from journal.review.models import ReviewAssignment

from ..factories import make_submission


@pytest.fixture
def secret(app, users):
    """A submission of Cần Thơ under review, by Phùng Thị Mai of the Southern Fruit Institute."""
    submission = make_submission(
        users["other_author"],
        stage="in_review",
        title_vi="Cải tạo đất phèn trồng khóm",
        province=province_by_code("CT"),
    )
    submission.authors[0].full_name = "Phùng Thị Mai"
    submission.authors[0].affiliation = "Viện Cây ăn quả miền Nam"
    db.session.commit()
    return submission


def _reviews(user, submission) -> None:
    now = utcnow()
    db.session.add(
        ReviewAssignment(
            submission_id=submission.id,
            reviewer_id=user.id,
            invitee_email=user.email,
            invitee_name=user.full_name,
            status="accepted",
            token_nonce="n" * 16,
            response_due_at=now + timedelta(days=7),
            due_at=now + timedelta(days=30),
        )
    )
    db.session.commit()


def _finds(client, submission, query: str) -> bool:
    body = client.get("/search/submissions", query_string={"q": query}).get_data(as_text=True)
    return submission.title_vi in body


def _oracle_answers(client, submission) -> list[bool]:
    n = submission.id
    return [
        _finds(client, submission, f"{n} {words}")
        for words in ("phung", "nguyen", "phung mai", "cay an qua", "-phung", "-nguyen")
    ]


@pytest.mark.parametrize("role", ["board_member", "province_editor", "editor_in_chief"])
def test_a_reviewer_learns_nothing_from_names(app, users, login, secret, role):
    _reviews(users[role], secret)
    client = login(users[role])
    assert _finds(client, secret, str(secret.id))  # the submission itself is visible
    assert _finds(client, secret, "dat phen khom")  # and its title matches
    # the right name, a wrong name, the affiliation: all the same answer
    assert _oracle_answers(client, secret) == [False, False, False, False, True, True]


def test_a_board_member_who_may_be_asked_to_review_learns_nothing(app, users, login, secret):
    client = login(users["board_member"])
    assert _finds(client, secret, "dat phen")
    assert _oracle_answers(client, secret) == [False, False, False, False, True, True]


@pytest.mark.parametrize("role", ["province_editor", "editor_in_chief"])
def test_handling_editors_find_authors_and_affiliations(app, users, login, secret, role):
    client = login(users[role])
    assert _oracle_answers(client, secret) == [True, False, True, True, False, True]


def test_a_name_change_is_found_at_once(app, users, login, secret):
    client = login(users["editor_in_chief"])
    assert not _finds(client, secret, "Lâm Quang Vinh")
    secret.authors[0].full_name = "Lâm Quang Vinh"
    db.session.commit()
    assert _finds(client, secret, "Lâm Quang Vinh")
    assert not _finds(client, secret, "phung mai")
