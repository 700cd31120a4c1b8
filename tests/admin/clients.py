"""Helpers of the access matrices: a client per role (interface in English) and a runner
that plays one matrix row for every role."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, Type
from flask import url_for

from journal.accounts import passwords
from journal.extensions import db

ROLES = (
    "anonymous",
    "author",
    "other_board",
    "province_editor",
    "board_member",
    "editor_in_chief",
    "admin",
)


def client_for(app, users, role):
    """A test client signed in as ``users[role]`` (none for "anonymous"), reading English."""
    client = app.test_client() if role == "anonymous" else app.test_client(user=users[role])
    client.set_cookie("lang", "en")
    return client


def play_row(app, users, method, statuses, make_request):
    """Send the request of one matrix row as each role; return what happened per role.

    ``make_request()`` prepares the data (undoing what the previous role's request did)
    and returns (url, form data, written) where ``written()`` tells whether a POST acted.
    Each role gets (status, wrote, sent to the login page).
    """
    with app.test_request_context():
        login_url = url_for("accounts.login")
    outcome, expected = {}, {}
    for role, status in zip(ROLES, statuses, strict=True):
        with app.test_request_context():
            url, data, written = make_request()
        client = client_for(app, users, role)
        response = client.get(url) if method == "GET" else client.post(url, data=data)
        db.session.expire_all()
        wrote = method == "POST" and written()
        to_login = response.status_code == 302 and response.headers["Location"].startswith(
            login_url
        )
        outcome[role] = (response.status_code, wrote, to_login)
        allowed = status in (200, 302) and role != "anonymous"
        expected[role] = (status, method == "POST" and allowed, role == "anonymous")
    return outcome, expected


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """These tests never check a password: hash them cheaply so ``users`` is quick.

    (Argon2id still, with tiny parameters; the real ones are tested with the accounts.)
    """
    monkeypatch.setattr(
        passwords,
        "hasher",
        PasswordHasher(time_cost=1, memory_cost=64, parallelism=1, type=Type.ID),
    )
