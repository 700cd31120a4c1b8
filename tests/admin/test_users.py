"""Users and global roles; the administration home page per role."""

from __future__ import annotations

import pytest

from journal.accounts.models import User
from journal.admin.services import LastAdminError, RoleError, search_users, set_global_role
from journal.errors import PermissionDenied
from journal.extensions import db

from ..factories import make_user
from .clients import client_for


def _roles(user):
    db.session.expire_all()
    return sorted(r.role for r in db.session.get(User, user.id).roles)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("board.", ["board.ag@example.org", "board.ct@example.org"]),
        ("CƯỜNG", ["editor.ct@example.org"]),
        ("Cường", ["editor.ct@example.org"]),
        ("%", []),
        ("_", []),
    ],
)
def test_user_search(app, users, query, expected):
    found = sorted(u.email for u in search_users(query))
    assert found == expected


def test_users_page_lists_roles_and_boards(app, users):
    response = client_for(app, users, "admin").get("/admin/users?q=example.org")

    assert response.status_code == 200
    assert "Đặng Thị Hoa" in response.text
    assert "/admin/provinces/AG/board" in response.text  # Võ Văn Em's membership
    assert response.text.count('value="revoke"') == 2  # admin's and editor-in-chief's roles


def test_admin_grants_and_revokes_editor_in_chief(app, users):
    client = client_for(app, users, "admin")
    author = users["author"]

    granted = client.post(
        "/admin/users",
        data={"user_id": author.id, "role": "editor_in_chief", "action": "grant", "q": "author"},
    )
    assert granted.status_code == 302
    assert granted.headers["Location"].endswith("/admin/users?q=author")
    assert _roles(author) == ["editor_in_chief"]

    revoked = client.post(
        "/admin/users", data={"user_id": author.id, "role": "editor_in_chief", "action": "revoke"}
    )
    assert revoked.status_code == 302
    assert _roles(author) == []


def test_the_last_admin_cannot_revoke_their_own_role(app, users):
    admin = users["admin"]

    response = client_for(app, users, "admin").post(
        "/admin/users", data={"user_id": admin.id, "role": "admin", "action": "revoke"}
    )

    assert response.status_code == 409
    assert "last active administrator" in response.text
    assert _roles(admin) == ["admin"]


def test_an_admin_may_step_down_when_another_active_admin_exists(app, users):
    admin = users["admin"]
    dormant = make_user("dormant@example.org", roles=("admin",))
    dormant.active = False
    db.session.commit()

    with pytest.raises(LastAdminError):
        set_global_role(admin, admin, "admin", grant=False)
    assert _roles(admin) == ["admin"]

    set_global_role(admin, users["editor_in_chief"], "admin", grant=True)
    assert set_global_role(admin, admin, "admin", grant=False) is True
    assert _roles(admin) == []


@pytest.mark.parametrize(
    "data",
    [
        {"role": "superuser", "action": "grant"},
        {"role": "admin", "action": "promote"},
        {"role": "admin", "action": "grant", "user_id": "abc"},
    ],
)
def test_bad_role_changes_are_refused(app, users, data):
    author = users["author"]

    response = client_for(app, users, "admin").post(
        "/admin/users", data={"user_id": author.id, **data}
    )

    assert response.status_code == 400
    assert _roles(author) == []


def test_unknown_user_is_404(app, users):
    response = client_for(app, users, "admin").post(
        "/admin/users", data={"user_id": 99999, "role": "admin", "action": "grant"}
    )

    assert response.status_code == 404


def test_role_service_checks_the_actor_and_the_role(app, users):
    with pytest.raises(PermissionDenied):
        set_global_role(users["editor_in_chief"], users["author"], "admin", grant=True)
    with pytest.raises(RoleError):
        set_global_role(users["admin"], users["author"], "owner", grant=True)
    assert set_global_role(users["admin"], users["admin"], "admin", grant=True) is False
    assert _roles(users["author"]) == []


@pytest.mark.parametrize(
    ("role", "shown", "hidden"),
    [
        ("board_member", ["/tasks/"], ["/admin/provinces", "/admin/users"]),
        ("other_board", ["/tasks/"], ["/admin/provinces", "/admin/users"]),
        ("editor_in_chief", ["/tasks/", "/admin/provinces"], ["/admin/users"]),
        ("admin", ["/tasks/", "/admin/provinces", "/admin/users"], []),
    ],
)
def test_admin_home_shows_only_usable_links(app, users, role, shown, hidden):
    response = client_for(app, users, role).get("/admin/")
    main = response.text.split('<main id="main"', 1)[1]

    assert response.status_code == 200
    for href in shown:
        assert f'href="{href}"' in main
    for href in hidden:
        assert f'href="{href}"' not in main
