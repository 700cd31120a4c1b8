"""Who may use which account route: every route × every kind of visitor.

``L`` = sent to the login page (to come back); ``O`` = logged out to the login page;
``H`` = sent home or to the profile (a signed-in visitor on a page for visitors); a number
= that status. Bad tokens are 400 for everyone; the forms posted empty are 400 where they
may be used. The logouts come last: they end the session.
"""

from __future__ import annotations

import pytest

ROLES = ("anonymous", "author", "board_member", "editor_in_chief", "admin")

# method, endpoint, URL, data,                                    anon au  bm  eic adm
MATRIX = [
    ("GET", "accounts.login", "/account/login", {}, "200 H H H H"),
    ("POST", "accounts.login", "/account/login", {}, "400 H H H H"),
    ("GET", "accounts.register", "/account/register", {}, "200 H H H H"),
    ("POST", "accounts.register", "/account/register", {}, "400 H H H H"),
    ("GET", "accounts.confirm", "/account/confirm/garbage", {}, "400 400 400 400 400"),
    ("GET", "accounts.resend_confirmation", "/account/confirm/resend", {}, "200 200 200 200 200"),
    (
        "POST",
        "accounts.resend_confirmation",
        "/account/confirm/resend",
        {"email": ""},
        "400 400 400 400 400",
    ),
    ("GET", "accounts.forgot_password", "/account/forgot-password", {}, "200 200 200 200 200"),
    ("POST", "accounts.forgot_password", "/account/forgot-password", {}, "400 400 400 400 400"),
    ("GET", "accounts.reset_password", "/account/reset/garbage", {}, "400 400 400 400 400"),
    ("POST", "accounts.reset_password", "/account/reset/garbage", {}, "400 400 400 400 400"),
    ("GET", "accounts.profile", "/account/profile", {}, "L 200 200 200 200"),
    ("POST", "accounts.profile", "/account/profile", {"full_name": ""}, "L 400 400 400 400"),
    ("POST", "accounts.logout", "/account/logout", {}, "H H H H H"),
    ("POST", "accounts.logout_everywhere", "/account/logout-everywhere", {}, "L O O O O"),
]


def _outcome(response) -> str:
    if response.status_code != 302:
        return str(response.status_code)
    location = response.headers["Location"]
    if location.startswith("/account/login") and "next=" in location:
        return "L"
    return "O" if location == "/account/login" else "H"


@pytest.mark.parametrize(
    ("method", "endpoint", "url", "data", "expected"),
    MATRIX,
    ids=[f"{m}-{e}" for m, e, *_ in MATRIX],
)
def test_account_route_access(app, users, method, endpoint, url, data, expected):
    got = []
    for role in ROLES:
        client = app.test_client() if role == "anonymous" else app.test_client(user=users[role])
        response = client.open(url, method=method, data=data)
        got.append(_outcome(response))
        response.close()
    assert " ".join(got) == expected


def test_matrix_names_every_account_route_and_method(app):
    routes = {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("accounts.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes == {(method, endpoint) for method, endpoint, *_ in MATRIX}
