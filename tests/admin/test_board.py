"""Board memberships: add by e-mail (idempotent), remove, hostile input."""

from __future__ import annotations

import pytest

from journal.extensions import db
from journal.provinces import (
    BoardError,
    BoardMembership,
    UnknownUser,
    add_board_member,
    board_of,
    province_by_code,
    remove_board_member,
)

from .clients import client_for


def _memberships():
    return db.session.execute(db.select(db.func.count(BoardMembership.id))).scalar_one()


def test_board_page_lists_the_members(app, users):
    response = client_for(app, users, "editor_in_chief").get("/admin/provinces/CT/board")

    assert response.status_code == 200
    assert "Lê Văn Cường" in response.text
    assert "board.ct@example.org" in response.text
    assert "Province editor" in response.text
    assert "Võ Văn Em" not in response.text  # An Giang's


def test_adding_by_email_is_idempotent(app, users):
    client = client_for(app, users, "editor_in_chief")
    data = {"email": "  OTHER@example.org ", "role": "province_editor"}

    first = client.post("/admin/provinces/CT/board", data=data, follow_redirects=True)
    second = client.post("/admin/provinces/CT/board", data=data, follow_redirects=True)

    message = "Trần Thị Bình is on the board of Can Tho as Province editor."
    assert first.status_code == second.status_code == 200
    assert message in first.text
    assert message in second.text
    rows = db.session.execute(
        db.select(BoardMembership).filter_by(user_id=users["other_author"].id)
    ).scalars()
    assert [(m.province.code, m.role) for m in rows] == [("CT", "province_editor")]


def test_unknown_email_gives_a_clear_message_and_writes_nothing(app, users):
    client = client_for(app, users, "admin")
    before = _memberships()

    response = client.post(
        "/admin/provinces/CT/board", data={"email": "nobody@example.org", "role": "board_member"}
    )

    assert response.status_code == 400
    assert "No account uses this e-mail address." in response.text
    assert 'value="nobody@example.org"' in response.text
    assert _memberships() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "other@example.org", "role": "king"}, "Choose the role"),
        ({"email": "", "role": "board_member"}, "Give the e-mail address"),
        ({"email": "x" * 300 + "@example.org", "role": "board_member"}, "At most 254"),
    ],
)
def test_bad_board_form_is_refused(app, users, data, message):
    before = _memberships()

    response = client_for(app, users, "admin").post("/admin/provinces/CT/board", data=data)

    assert response.status_code == 400
    assert message in response.text
    assert _memberships() == before


def test_removing_a_member(app, users):
    membership = db.session.execute(
        db.select(BoardMembership).filter_by(user_id=users["board_member"].id)
    ).scalar_one()
    url = f"/admin/provinces/CT/board/{membership.id}/remove"
    client = client_for(app, users, "editor_in_chief")

    response = client.post(url, follow_redirects=True)

    assert response.status_code == 200
    assert "Phạm Thị Dung removed from the board." in response.text
    assert [m.user.full_name for m in board_of(province_by_code("CT"))] == ["Lê Văn Cường"]
    assert client.post(url).status_code == 404  # already gone


def test_a_membership_of_another_province_cannot_be_removed_through_this_one(app, users):
    membership = db.session.execute(
        db.select(BoardMembership).filter_by(user_id=users["other_board"].id)
    ).scalar_one()

    response = client_for(app, users, "admin").post(
        f"/admin/provinces/CT/board/{membership.id}/remove"
    )

    assert response.status_code == 404
    assert db.session.get(BoardMembership, membership.id) is not None


def test_remove_is_get_proof(app, users):
    membership = db.session.execute(
        db.select(BoardMembership).filter_by(user_id=users["board_member"].id)
    ).scalar_one()

    response = client_for(app, users, "admin").get(
        f"/admin/provinces/CT/board/{membership.id}/remove"
    )

    assert response.status_code == 405
    assert db.session.get(BoardMembership, membership.id) is not None


def test_service_accepts_a_user_or_an_email_and_refuses_unknowns(app, users):
    ct = province_by_code("CT")

    by_email = add_board_member("Other@Example.org", ct, "board_member")
    by_user = add_board_member(users["other_author"], ct, "board_member")

    assert by_email.id == by_user.id
    with pytest.raises(UnknownUser):
        add_board_member("ghost@example.org", ct, "board_member")
    with pytest.raises(BoardError):
        add_board_member(users["author"], ct, "chair")
    remove_board_member(by_user)
    remove_board_member(by_user)  # twice: no error
    assert db.session.get(BoardMembership, by_email.id) is None
