"""Staff search over submissions: each role finds what it may see, nothing else."""

from __future__ import annotations

import pytest

from journal.provinces import province_by_code

from ..factories import make_submission, make_user


@pytest.fixture
def submissions(app, users):
    ct = make_submission(
        users["author"],
        stage="in_review",
        title_vi="Lúa chịu mặn ở Cần Thơ",
        province=province_by_code("CT"),
    )
    ag = make_submission(
        users["other_author"],
        stage="submitted",
        title_vi="Lúa chịu mặn ở An Giang",
        province=province_by_code("AG"),
    )
    draft = make_submission(
        users["other_author"], title_vi="Lúa chịu mặn bản nháp", province=province_by_code("CT")
    )
    return {"ct": ct, "ag": ag, "draft": draft}


def _ids(body: str, submissions) -> set[str]:
    return {key for key, s in submissions.items() if s.title_vi in body}


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("editor_in_chief", {"ct", "ag"}),
        ("province_editor", {"ct"}),
        ("board_member", {"ct"}),
        ("other_board", {"ag"}),
    ],
)
def test_staff_find_what_they_may_see(app, users, login, submissions, role, expected):
    response = login(users[role]).get("/search/submissions?q=lua+chiu+man")
    assert response.status_code == 200
    assert _ids(response.get_data(as_text=True), submissions) == expected


def test_an_editor_does_not_find_their_own_submission(app, users, login, submissions):
    eic = users["editor_in_chief"]
    make_submission(eic, stage="submitted", title_vi="Bài của tổng biên tập về lúa")
    body = login(eic).get("/search/submissions?q=lua").get_data(as_text=True)
    assert "Bài của tổng biên tập" not in body
    assert submissions["ct"].title_vi in body


@pytest.mark.parametrize("role", ["author", "other_author", "admin", "reviewer"])
def test_authors_reviewers_and_admins_have_no_staff_search(app, users, login, submissions, role):
    user = users.get(role) or make_user("reviewer@example.org", "Đỗ Văn Khoa", password=None)
    response = login(user).get("/search/submissions?q=lua")
    assert response.status_code == 403
    assert submissions["ag"].title_vi not in response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_log_in(client, submissions):
    response = client.get("/search/submissions?q=lua")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_staff_search_matches_authors_numbers_and_ignores_accents(app, users, login, submissions):
    client = login(users["editor_in_chief"])
    by_author = client.get("/search/submissions?q=tran+thi+binh").get_data(as_text=True)
    assert _ids(by_author, submissions) == {"ag"}
    by_number = client.get(f"/search/submissions?q={submissions['ct'].id}").get_data(as_text=True)
    assert submissions["ct"].title_vi in by_number
    hostile = client.get("/search/submissions", query_string={"q": '"*' * 3000, "page": "-5"})
    assert hostile.status_code in (200, 400)
