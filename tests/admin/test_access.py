"""Who may use which administration route: every route × every role.

"other_board" is a province editor of An Giang; "province_editor" and "board_member" sit on
Cần Thơ's board. Anonymous visitors are sent to the login page (302). A POST that is
allowed redirects (302) and writes; one that is refused writes nothing.
"""

from __future__ import annotations

import pytest
from flask import url_for

from journal.accounts.models import User, UserRole
from journal.extensions import db
from journal.provinces import BoardMembership, Province, add_board_member, province_by_code
from journal.settings import JournalSetting, journal_settings

from ..factories import fresh_settings
from .clients import ROLES, play_row

# method, endpoint,        anon, author, other_board, prov_editor, board_member, eic, admin
MATRIX = [
    ("GET", "admin.index", 302, 403, 200, 200, 200, 200, 200),
    ("GET", "admin.provinces", 302, 403, 403, 403, 403, 200, 200),
    ("GET", "admin.province_new", 302, 403, 403, 403, 403, 403, 200),
    ("POST", "admin.province_new", 302, 403, 403, 403, 403, 403, 302),
    ("GET", "admin.province_edit", 302, 403, 403, 403, 403, 403, 200),
    ("POST", "admin.province_edit", 302, 403, 403, 403, 403, 403, 302),
    ("GET", "admin.board", 302, 403, 403, 403, 403, 200, 200),
    ("POST", "admin.board", 302, 403, 403, 403, 403, 302, 302),
    ("POST", "admin.board_remove", 302, 403, 403, 403, 403, 302, 302),
    ("GET", "admin.users", 302, 403, 403, 403, 403, 403, 200),
    ("POST", "admin.users", 302, 403, 403, 403, 403, 403, 302),
    ("GET", "admin.settings", 302, 403, 403, 403, 403, 403, 200),
    ("POST", "admin.settings", 302, 403, 403, 403, 403, 403, 302),
]


def _membership(user, code):
    return db.session.execute(
        db.select(BoardMembership).filter_by(user_id=user.id, province_id=province_by_code(code).id)
    ).scalar_one_or_none()


def _requests(users):
    """endpoint → make_request() for play_row; each undoes the previous role's write."""
    other_author, board_member, author = (
        users["other_author"],
        users["board_member"],
        users["author"],
    )

    def province_new():
        db.session.execute(db.delete(Province).where(Province.code == "DT"))
        db.session.commit()
        data = {"code": "DT", "name_vi": "Đồng Tháp", "name_en": "Dong Thap"}
        return url_for("admin.province_new"), data, lambda: province_by_code("DT") is not None

    def province_edit():
        province_by_code("AG").name_vi = "An Giang"
        db.session.commit()
        data = {"name_vi": "Tỉnh An Giang", "name_en": "An Giang Province"}
        return (
            url_for("admin.province_edit", code="AG"),
            data,
            lambda: province_by_code("AG").name_vi == "Tỉnh An Giang",
        )

    def board():
        db.session.execute(
            db.delete(BoardMembership).where(BoardMembership.user_id == other_author.id)
        )
        db.session.commit()
        data = {"email": other_author.email, "role": "board_member"}
        return (
            url_for("admin.board", code="CT"),
            data,
            lambda: _membership(other_author, "CT") is not None,
        )

    def board_remove():
        membership_id = add_board_member(board_member, province_by_code("CT"), "board_member").id
        return (
            url_for("admin.board_remove", code="CT", membership_id=membership_id),
            {},
            lambda: db.session.get(BoardMembership, membership_id) is None,
        )

    def users_roles():
        db.session.execute(db.delete(UserRole).where(UserRole.user_id == author.id))
        db.session.commit()
        data = {"user_id": author.id, "role": "editor_in_chief", "action": "grant"}
        return (
            url_for("admin.users"),
            data,
            lambda: db.session.get(User, author.id).is_editor_in_chief,
        )

    def settings():
        db.session.execute(db.delete(JournalSetting))
        db.session.commit()
        data = {
            **journal_settings(),
            "version": journal_settings().version,
            "ISSN_ONLINE": "2049-3630",
        }
        return url_for("admin.settings"), data, lambda: fresh_settings().issns == ("2049-3630",)

    posts = {
        "admin.settings": settings,
        "admin.province_new": province_new,
        "admin.province_edit": province_edit,
        "admin.board": board,
        "admin.board_remove": board_remove,
        "admin.users": users_roles,
    }
    gets = {
        "admin.province_edit": lambda: (url_for("admin.province_edit", code="AG"), {}, None),
        "admin.board": lambda: (url_for("admin.board", code="CT"), {}, None),
    }
    return gets, posts


@pytest.mark.parametrize(
    ("method", "endpoint", "statuses"),
    [(m, e, s) for m, e, *s in MATRIX],
    ids=[f"{m}-{e}" for m, e, *_ in MATRIX],
)
def test_admin_route_access(app, users, method, endpoint, statuses):
    gets, posts = _requests(users)
    table = posts if method == "POST" else gets
    make_request = table.get(endpoint, lambda: (url_for(endpoint), {}, None))

    outcome, expected = play_row(app, users, method, statuses, make_request)

    assert outcome == expected


def test_matrix_names_every_admin_route_and_method(app):
    routes = {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("admin.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == {(method, endpoint) for method, endpoint, *_ in MATRIX}
    assert all(len(row) == 2 + len(ROLES) for row in MATRIX)
