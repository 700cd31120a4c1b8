"""Logging in and out: messages, cookies, redirects, rate limits, CSRF, sessions."""

import re

import pytest

from journal import ConfigurationError, create_app
from journal.accounts import services
from journal.accounts.views import safe_next
from journal.extensions import db

from .helpers import BASE, translated

GOOD = {"email": "author@example.org", "password": "correct horse battery staple"}
WRONG = "Wrong e-mail address or password."


def _cookie(response, name):
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return header
    return None


def test_good_login_opens_the_dashboard_and_the_profile(client, author):
    response = client.post("/account/login", data=GOOD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    profile = client.get("/account/profile")
    assert profile.status_code == 200
    assert "Nguyễn Văn An" in profile.text


def test_email_is_matched_without_regard_to_case_or_spaces(client, author):
    response = client.post("/account/login", data={**GOOD, "email": "  AUTHOR@example.org "})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "data",
    [
        {**GOOD, "password": "correct horse battery stapler"},
        {**GOOD, "email": "nobody@example.org"},
        {**GOOD, "email": "inactive@example.org"},
    ],
    ids=["wrong password", "unknown address", "inactive account"],
)
def test_bad_logins_all_get_the_same_message(client, author, data):
    inactive = services.create_user(
        "inactive@example.org", GOOD["password"], "Ngưng Hoạt Động", confirmed=True
    )
    inactive.active = False
    db.session.commit()
    response = client.post("/account/login", data=data)
    assert response.status_code == 400
    assert translated(WRONG, "vi") in response.text
    assert "_user_id" not in _session(client)
    assert client.get("/account/profile").status_code == 302


def _session(client):
    with client.session_transaction() as session:
        return dict(session)


def test_missing_fields_are_named(client):
    response = client.post("/account/login", data={"email": "", "password": ""})
    assert response.status_code == 400
    assert translated("Enter your e-mail address.", "vi") in response.text
    assert translated("Enter your password.", "vi") in response.text


def test_remember_me_sets_an_httponly_lax_remember_cookie(client, author):
    without = client.post("/account/login", data=GOOD)
    assert _cookie(without, "remember_token") is None
    client.post("/account/logout")
    response = client.post("/account/login", data={**GOOD, "remember": "y"})
    cookie = _cookie(response, "remember_token")
    assert cookie is not None
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # testing: plain HTTP


def test_session_cookie_is_httponly_and_lax(client, author):
    cookie = _cookie(client.post("/account/login", data=GOOD), "session")
    assert cookie is not None
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


@pytest.fixture
def production_app(make_app):
    # Production keeps Flask-WTF's default: CSRF on.
    return make_app(drop=("WTF_CSRF_ENABLED",), ENV="production", TESTING=False)


def _csrf_token(page_text):
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page_text)
    assert match, "no CSRF token in the form"
    return match.group(1)


def test_production_cookies_are_secure_too(production_app, author):
    client = production_app.test_client()
    headers = {"Referer": BASE + "/account/login"}
    page = client.get("/account/login", base_url=BASE)
    assert page.status_code == 200
    response = client.post(
        "/account/login",
        base_url=BASE,
        headers=headers,
        data={**GOOD, "remember": "y", "csrf_token": _csrf_token(page.text)},
    )
    assert response.status_code == 302
    for name in ("session", "remember_token"):
        cookie = _cookie(response, name)
        assert cookie is not None, name
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_without_a_secret_key_refuses_to_start(app_config, monkeypatch):
    monkeypatch.delenv("JOURNAL_SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError):
        create_app({**app_config, "ENV": "production", "SECRET_KEY": None})
    with pytest.raises(ConfigurationError):
        create_app({**app_config, "ENV": "production", "SECRET_KEY": ""})


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def test_login_without_csrf_token_is_refused_with_the_csrf_message(csrf_app, author):
    client = csrf_app.test_client()
    response = client.post("/account/login", data=GOOD)
    assert response.status_code == 400
    assert "The form expired or was sent from another site." in response.text
    assert client.get("/account/profile").status_code == 302  # not logged in
    # With the token from the form, the same login works.
    token = _csrf_token(client.get("/account/login").text)
    assert client.post("/account/login", data={**GOOD, "csrf_token": token}).status_code == 302


@pytest.mark.parametrize(
    ("path", "config_key", "data"),
    [
        ("/account/login", "RATELIMIT_LOGIN", {"email": "x@example.org", "password": "nope"}),
        ("/account/forgot-password", "RATELIMIT_RESET", {"email": "x@example.org"}),
        ("/account/register", "RATELIMIT_REGISTER", {"email": "not an address"}),
    ],
)
def test_posts_are_rate_limited_with_a_bilingual_429(app, client, path, config_key, data):
    app.config[config_key] = "3 per minute"
    for _ in range(3):
        assert client.post(path, data=data).status_code in (200, 400)
    response = client.post(path, data=data)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "60"
    assert '<div lang="vi">' in response.text and '<div lang="en">' in response.text
    assert "Too many attempts. Wait a minute and try again." in response.text
    # Only POST is limited: the form itself still opens.
    assert client.get(path).status_code == 200


def test_rate_limit_counts_good_and_bad_attempts_alike(app, client, author):
    app.config["RATELIMIT_LOGIN"] = "2 per minute"
    assert client.post("/account/login", data={**GOOD, "password": "bad"}).status_code == 400
    assert client.post("/account/login", data={**GOOD, "password": "bad"}).status_code == 400
    assert client.post("/account/login", data=GOOD).status_code == 429


OFF_SITE = [
    "//evil.example",
    "//evil.example/account/profile",
    "https://evil.example",
    "http://journal.example.org/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\x7f/evil.example",
    "javascript:alert(1)",
    "evil.example",
    "http:/evil.example",
    "/" + "a" * 3000,
    "",
]


def test_next_leading_off_site_is_ignored_after_login(client, author):
    response = client.post("/account/login", query_string={"next": "//evil.example"}, data=GOOD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_next_leading_off_site_is_ignored(login, author):
    client = login(author)  # a signed-in visitor is sent on at once: no password to check
    for target in OFF_SITE:
        response = client.get("/account/login", query_string={"next": target})
        assert response.status_code == 302, target
        assert response.headers["Location"] == "/dashboard", target
        assert safe_next(target) is None, target


def test_next_on_this_site_is_followed(client, author):
    response = client.post(
        "/account/login", query_string={"next": "/submissions/new?step=2"}, data=GOOD
    )
    assert response.headers["Location"] == "/submissions/new?step=2"


def test_login_required_pages_send_to_login_and_back(client, author):
    response = client.get("/account/profile")
    assert response.status_code == 302
    login_url = response.headers["Location"]
    assert login_url.startswith("/account/login?next=")
    page = client.get(login_url)
    assert 'action="/account/login?next=/account/profile"' in page.text
    back = client.post(login_url, data=GOOD)
    assert back.headers["Location"] == "/account/profile"


def test_safe_next_keeps_paths_on_this_site():
    assert safe_next("/a/b?c=d#e") == "/a/b?c=d#e"
    assert safe_next("/") == "/"
    assert safe_next(None) is None


def test_logout_is_post_only(client, author):
    client.post("/account/login", data=GOOD)
    assert client.get("/account/logout").status_code == 405
    assert client.get("/account/profile").status_code == 200
    response = client.post("/account/logout")
    assert response.status_code == 302
    assert client.get("/account/profile").status_code == 302


def test_changing_the_password_ends_other_sessions(app, author):
    client = app.test_client()
    client.post("/account/login", data={**GOOD, "remember": "y"})
    assert client.get("/account/profile").status_code == 200
    services.set_password(author, "a brand new passphrase")
    assert client.get("/account/profile").status_code == 302
    # Neither the session nor the remember cookie brings the account back.
    with client.session_transaction() as session:
        session.clear()
    assert client.get("/account/profile").status_code == 302


def test_deactivating_an_account_ends_its_sessions(login, author):
    client = login(author)
    assert client.get("/account/profile").status_code == 200
    author.active = False
    db.session.commit()
    assert client.get("/account/profile").status_code == 302


def test_forged_session_ids_load_nobody(author):
    assert services.load_session_user(author.get_id()) == author
    for forged in [
        "",
        "abc",
        str(author.id),
        f"{author.id}:",
        f"{author.id}:0000000000000000",
        ":",
        "999:x",
        f"{author.id}:{author.get_id()}",
    ]:
        assert services.load_session_user(forged) is None, forged


def test_signed_in_user_visiting_login_goes_to_the_dashboard(login, author):
    response = login(author).get("/account/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_nav_shows_login_and_register_to_visitors_and_logout_to_users(client, login, author):
    page = client.get("/").text
    assert 'href="/account/login"' in page and 'href="/account/register"' in page
    page = login(author).get("/").text
    assert 'action="/account/logout"' in page and 'href="/account/profile"' in page
