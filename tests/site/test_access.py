"""Who may use which route of the journal's pages and news: every route × every role.

The pages are public; the news is managed by editors (the editor-in-chief, province
editors) and administrators. Anonymous visitors of a managing page are sent to the login
page (302). A POST that is allowed redirects (302) and writes; one refused writes nothing.
"""

from __future__ import annotations

import pytest
from flask import url_for

from journal.extensions import db
from journal.site.models import Announcement

from ..admin.clients import ROLES, client_for

# method, endpoint,              anon, author, other_board, prov_editor, board_member, eic, admin
MATRIX = [
    ("GET", "site.about", 200, 200, 200, 200, 200, 200, 200),
    ("GET", "site.board", 200, 200, 200, 200, 200, 200, 200),
    ("GET", "site.guidelines", 200, 200, 200, 200, 200, 200, 200),
    ("GET", "site.manuscript_template", 200, 200, 200, 200, 200, 200, 200),
    ("GET", "site.policies", 200, 200, 200, 200, 200, 200, 200),
    ("GET", "site.contact", 200, 200, 200, 200, 200, 200, 200),
    ("GET", "site.favicon", 200, 200, 200, 200, 200, 200, 200),
    ("GET", "site.news", 200, 200, 200, 200, 200, 200, 200),
    ("GET", "site.news_item", 200, 200, 200, 200, 200, 200, 200),
    ("GET", "site.news_feed", 200, 200, 200, 200, 200, 200, 200),
    ("GET", "site.news_manage", 302, 403, 200, 200, 403, 200, 200),
    ("GET", "site.news_new", 302, 403, 200, 200, 403, 200, 200),
    ("POST", "site.news_new", 302, 403, 302, 302, 403, 302, 302),
    ("GET", "site.news_edit", 302, 403, 200, 200, 403, 200, 200),
    ("POST", "site.news_edit", 302, 403, 302, 302, 403, 302, 302),
    ("GET", "site.news_delete", 302, 403, 200, 200, 403, 200, 200),
    ("POST", "site.news_delete", 302, 403, 302, 302, 403, 302, 302),
]

NEWS = {
    "title_vi": "Hội thảo hợp tác",
    "title_en": "Cooperation workshop",
    "body_vi": "Nội dung.",
    "body_en": "Text.",
}


def _announcement(**changes) -> Announcement:
    item = Announcement(**{**NEWS, **changes})
    db.session.add(item)
    db.session.commit()
    return item


def play_row(app, users, method, statuses, make_request):
    """Each role's (status, wrote, sent to the login page) for one row of the matrix."""
    with app.test_request_context():
        login_url = url_for("accounts.login")
    outcome, expected = {}, {}
    for role, status in zip(ROLES, statuses, strict=True):
        with app.test_request_context():
            url, data, written = make_request()
        client = client_for(app, users, role)
        response = client.get(url) if method == "GET" else client.post(url, data=data)
        response.close()
        db.session.expire_all()
        wrote = method == "POST" and written()
        location = response.headers.get("Location", "")
        outcome[role] = (response.status_code, wrote, location.startswith(login_url))
        allowed = status in (200, 302) and role != "anonymous"
        to_login = role == "anonymous" and status == 302
        expected[role] = (status, method == "POST" and allowed, to_login)
    return outcome, expected


def _requests():
    def news_new():
        db.session.execute(db.delete(Announcement))
        db.session.commit()
        data = dict(NEWS, title_en="Fresh news")
        return (
            url_for("site.news_new"),
            data,
            lambda: (
                db.session.execute(
                    db.select(Announcement).filter_by(title_en="Fresh news")
                ).scalar_one_or_none()
                is not None
            ),
        )

    def news_edit():
        item_id = _announcement().id
        return (
            url_for("site.news_edit", announcement_id=item_id),
            dict(NEWS, title_en="Changed"),
            lambda: db.session.get(Announcement, item_id).title_en == "Changed",
        )

    def news_delete():
        item_id = _announcement().id
        return (
            url_for("site.news_delete", announcement_id=item_id),
            {},
            lambda: db.session.get(Announcement, item_id) is None,
        )

    def with_item(endpoint):
        def make():
            return url_for(endpoint, announcement_id=_announcement().id), {}, None

        return make

    gets = {
        "site.manuscript_template": lambda: (
            url_for("site.manuscript_template", lang="vi"),
            {},
            None,
        ),
        "site.news_item": with_item("site.news_item"),
        "site.news_edit": with_item("site.news_edit"),
        "site.news_delete": with_item("site.news_delete"),
    }
    posts = {
        "site.news_new": news_new,
        "site.news_edit": news_edit,
        "site.news_delete": news_delete,
    }
    return gets, posts


@pytest.mark.parametrize(
    ("method", "endpoint", "statuses"),
    [(m, e, s) for m, e, *s in MATRIX],
    ids=[f"{m}-{e}" for m, e, *_ in MATRIX],
)
def test_site_route_access(app, users, method, endpoint, statuses):
    gets, posts = _requests()
    table = posts if method == "POST" else gets
    make_request = table.get(endpoint, lambda: (url_for(endpoint), {}, None))

    outcome, expected = play_row(app, users, method, statuses, make_request)

    assert outcome == expected


def test_matrix_names_every_site_route_and_method(app):
    routes = {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("site.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == {(method, endpoint) for method, endpoint, *_ in MATRIX}
    assert all(len(row) == 2 + len(ROLES) for row in MATRIX)
