"""Editorial publishing routes: who may do what (a roles × routes matrix), and what each
route does when it is allowed."""

from __future__ import annotations

import pytest

from journal.extensions import db
from journal.publish import issues
from journal.publish.records import Article, Issue

from .factories import make_issue, make_published_article, make_ready_submission

ROLES = ["anonymous", "author", "province_editor", "other_board", "editor_in_chief", "admin"]


@pytest.fixture
def world(app, users):
    """A Cần Thơ article ready to publish, an open issue with a scheduled Cần Thơ article,
    and a published article."""
    ready = make_ready_submission(users["author"], province="CT")
    issue = make_issue(1, 1, 2025)
    scheduled = make_ready_submission(users["author"], province="CT")
    issues.schedule_article(scheduled, issue, users["editor_in_chief"])
    online = make_published_article(users["author"])
    live = make_published_article(users["author"])
    return {"ready": ready, "issue": issue, "online": online, "live": live}


def client_for(role, client, login, users):
    return client if role == "anonymous" else login(users[role])


# (method, path, data, roles allowed, status when allowed)
def routes(w):
    return [
        (
            "get",
            "/editorial/publishing",
            None,
            {"province_editor", "other_board", "editor_in_chief"},
            200,
        ),
        (
            "post",
            "/editorial/issues",
            {"volume": 9, "number": 1, "year": 2026},
            {"editor_in_chief"},
            303,
        ),
        ("get", f"/editorial/issues/{w['issue'].id}", None, {"editor_in_chief"}, 200),
        (
            "post",
            f"/editorial/issues/{w['issue'].id}",
            {"volume": 1, "number": 1, "year": 2025, "title_vi": "Số Tết"},
            {"editor_in_chief"},
            303,
        ),
        (
            "post",
            f"/editorial/submissions/{w['ready'].id}/schedule",
            {"issue_id": w["issue"].id},
            {"province_editor", "editor_in_chief"},
            303,
        ),
        (
            "post",
            f"/editorial/submissions/{w['ready'].id}/publish-online",
            {"confirmed": "1"},
            {"province_editor", "editor_in_chief"},
            303,
        ),
        (
            "post",
            f"/editorial/articles/{w['online'].id}/place",
            {"issue_id": w["issue"].id},
            {"editor_in_chief"},
            303,
        ),
        (
            "post",
            f"/editorial/issues/{w['issue'].id}/publish",
            {"confirmed": "1"},
            {"editor_in_chief"},
            303,
        ),
        (
            "post",
            f"/editorial/articles/{w['live'].id}/unpublish",
            {"reason": "Trùng lặp.", "confirmed": "1"},
            {"editor_in_chief"},
            303,
        ),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_roles_by_routes(client, login, users, world, role):
    """Every route in turn, in an order where each allowed step leaves the next possible."""
    http = client_for(role, client, login, users)
    for method, path, data, allowed, ok_status in routes(world):
        if data is None:
            response = getattr(http, method)(path)
        else:
            response = getattr(http, method)(path, data=data)
        where = f"{role} {method.upper()} {path}"
        if role == "anonymous":
            assert response.status_code == 302, where
            assert "/account/login" in response.headers["Location"], where
        elif role in allowed:
            assert response.status_code == ok_status, where
        else:
            assert response.status_code == 403, where


def test_other_provinces_editor_cannot_touch_a_can_tho_article(login, users, world):
    http = login(users["other_board"])
    response = http.post(f"/editorial/submissions/{world['ready'].id}/publish-online")
    assert response.status_code == 403
    assert world["ready"].stage == "production"
    queue = http.get("/editorial/publishing").get_data(as_text=True)
    assert world["ready"].title_vi not in queue


def test_the_queue_shows_what_is_ready(login, users, world):
    page = login(users["province_editor"]).get("/editorial/publishing?lang=en")
    text = page.get_data(as_text=True)
    assert world["ready"].title_vi in text
    assert "Publish online first" in text and "Schedule" in text


def test_publish_an_issue_from_the_page(login, users, world):
    http = login(users["editor_in_chief"])
    http.set_cookie("lang", "en")
    url = f"/editorial/issues/{world['issue'].id}/publish"
    asked = http.post(url)
    assert asked.status_code == 200  # the confirmation, nothing published yet
    page = asked.get_data(as_text=True)
    assert "Publish the issue?" in page and "This cannot be undone" in page
    assert 'name="confirmed" value="1"' in page and f'action="{url}"' in page
    assert not db.session.get(Issue, world["issue"].id).is_published
    response = http.post(url, data={"confirmed": "1"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/issues/{world['issue'].id}")
    issue = db.session.get(Issue, world["issue"].id)
    assert issue.is_published
    again = http.post(url, data={"confirmed": "1"})
    assert again.status_code == 409


def test_publishing_online_first_and_taking_down_ask_first(login, users, world):
    http = login(users["editor_in_chief"])
    http.set_cookie("lang", "en")
    ready = world["ready"]
    asked = http.post(f"/editorial/submissions/{ready.id}/publish-online")
    assert asked.status_code == 200 and "Publish online first?" in asked.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(ready), ready.id).stage == "production"
    down = f"/editorial/articles/{world['live'].id}/unpublish"
    asked = http.post(down, data={"reason": "Trùng lặp."})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Take the article down?" in page
    assert 'value="Trùng lặp."' in page  # the reason is carried to the confirmation
    assert 'class="danger"' in page
    assert db.session.get(Article, world["live"].id).unpublished_at is None
    assert http.post(down, data={"reason": "Trùng lặp.", "confirmed": "1"}).status_code == 303
    assert db.session.get(Article, world["live"].id).unpublished_at is not None


def test_order_form_reorders(login, users, world, app):
    eic = users["editor_in_chief"]
    second = make_ready_submission(users["author"])
    issues.schedule_article(second, world["issue"], eic)
    placed = issues.issue_articles(world["issue"])
    section_id = world["issue"].sections[0].section_id
    data = {
        f"section-{section_id}": "1",
        f"article-{placed[0].id}": "2",
        f"article-{placed[1].id}": "1",
    }
    response = login(eic).post(f"/editorial/issues/{world['issue'].id}/order", data=data)
    assert response.status_code == 303
    db.session.expire_all()
    assert [a.id for a in issues.issue_articles(db.session.get(Issue, world["issue"].id))] == [
        placed[1].id,
        placed[0].id,
    ]
    bad = login(eic).post(f"/editorial/issues/{world['issue'].id}/order", data={"article-1": "x"})
    assert bad.status_code == 400


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"volume": "", "number": 1, "year": 2025}, 400),
        ({"volume": 1, "number": 1, "year": 1800}, 400),
        ({"volume": 1, "number": 1, "year": 2025}, 409),  # exists already
        ({"volume": -1, "number": "<script>", "year": 2025}, 400),
    ],
)
def test_hostile_issue_forms(login, users, world, data, status):
    response = login(users["editor_in_chief"]).post("/editorial/issues", data=data)
    assert response.status_code == status
    assert "<script>" not in response.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(Issue.id))).scalar() == 1


def test_unpublish_needs_a_reason(login, users, world):
    http = login(users["editor_in_chief"])
    response = http.post(f"/editorial/articles/{world['live'].id}/unpublish", data={"reason": "  "})
    assert response.status_code == 400
    assert db.session.get(Article, world["live"].id).unpublished_at is None
    assert http.post("/editorial/articles/99999/unpublish", data={"reason": "x"}).status_code == 404


def test_scheduling_into_an_unknown_issue(login, users, world):
    http = login(users["editor_in_chief"])
    response = http.post(
        f"/editorial/submissions/{world['ready'].id}/schedule", data={"issue_id": "99999"}
    )
    assert response.status_code == 404
    response = http.post(
        f"/editorial/submissions/{world['ready'].id}/schedule", data={"issue_id": "abc"}
    )
    assert response.status_code == 400
