"""Who may use which usage route: every route × every role. The editors' pages follow the
yearly report (board members of any province, the editor-in-chief, administrators); the
SUSHI-style report is public, like the rest of the JSON API."""

from __future__ import annotations

import pytest
from flask import url_for

from ..admin.clients import ROLES, fast_password_hashing, play_row  # noqa: F401
from ..publish.factories import make_published_article

# method, endpoint,               anon, author, other_board, prov_editor, board_member, eic, admin
MATRIX = [
    ("GET", "usage.article", 302, 403, 200, 200, 200, 200, 200),
    ("GET", "usage.export_csv", 302, 403, 200, 200, 200, 200, 200),
    ("GET", "api.usage_item_report", 200, 200, 200, 200, 200, 200, 200),
]
NOT_LOGIN = {"api.usage_item_report"}  # public: nobody is sent to the login page


@pytest.mark.parametrize(
    ("method", "endpoint", "statuses"),
    [(m, e, s) for m, e, *s in MATRIX],
    ids=[f"{m}-{e}" for m, e, *_ in MATRIX],
)
def test_usage_route_access(app, users, method, endpoint, statuses):
    article = make_published_article(users["author"])
    args = {
        "usage.article": {"article_id": article.id},
        "usage.export_csv": {"year": 2026},
        "api.usage_item_report": {"begin_date": "2026-01", "end_date": "2026-12"},
    }[endpoint]

    outcome, expected = play_row(
        app, users, method, statuses, lambda: (url_for(endpoint, **args), {}, None)
    )

    if endpoint in NOT_LOGIN:
        expected["anonymous"] = (200, False, False)
    assert outcome == expected


def test_matrix_names_every_usage_route_and_method(app):
    routes = {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("usage.") or rule.endpoint == "api.usage_item_report"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == {(method, endpoint) for method, endpoint, *_ in MATRIX}
    assert all(len(row) == 2 + len(ROLES) for row in MATRIX)


def test_an_unknown_article_is_404_and_a_bad_year_400(app, users, login):
    editor = login(users["editor_in_chief"])
    editor.set_cookie("lang", "en")
    assert editor.get("/usage/articles/999").status_code == 404
    response = editor.get("/usage/export.csv?year=abc")
    assert response.status_code == 400
    assert "Choose a year between" in response.get_data(as_text=True)
