"""Forgotten passwords: no enumeration, signed expiring single-use links, links from
BASE_URL only."""

import re

import pytest

from journal.accounts import services
from journal.accounts.passwords import verify_password
from journal.accounts.services import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from journal.accounts.tokens import TokenUsed
from journal.extensions import db
from journal.jobs import REGISTRY

from .helpers import BASE, issued_seconds_ago, link_in, outbox, path_of, translated, validity

OLD = "correct horse battery staple"
NEW = "a fresh and long passphrase"


def _without_csrf(html: bytes) -> bytes:
    return re.sub(rb'name="csrf_token" type="hidden" value="[^"]*"', b"", html)


def _ask(client, email, **kwargs):
    return client.post("/account/forgot-password", data={"email": email}, **kwargs)


def _reset_path(email="author@example.org"):
    [message] = outbox("reset_password", email)
    return path_of(link_in(message.body, "/account/reset/"))


@pytest.fixture
def csrf_app(make_app):
    return make_app(WTF_CSRF_ENABLED=True)


def test_known_and_unknown_addresses_get_byte_identical_pages_and_only_known_get_mail(
    csrf_app, author
):
    answers = []
    for email in ("author@example.org", "nobody@example.org"):
        client = csrf_app.test_client()
        form = client.get("/account/forgot-password").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        response = client.post(
            "/account/forgot-password", data={"email": email, "csrf_token": token}
        )
        answers.append(response)
    known, unknown = answers
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf(known.data) == _without_csrf(unknown.data)
    sent = translated(
        "If an account exists for this address, we have sent it a link to choose a new password.",
        "vi",
    )
    assert sent in known.text
    assert "author@example.org" not in known.text
    assert [m.recipient for m in outbox()] == ["author@example.org"]


def test_inactive_accounts_get_the_same_answer_and_no_mail(client, author):
    author.active = False
    db.session.commit()
    inactive = _ask(client, "author@example.org")
    unknown = _ask(client, "nobody@example.org")
    assert inactive.status_code == unknown.status_code == 200
    assert inactive.data == unknown.data
    assert outbox() == []


def test_a_malformed_address_is_a_form_error_for_everyone(client):
    response = _ask(client, "not an address")
    assert response.status_code == 400
    assert translated("Enter a valid e-mail address, such as name@example.org.", "vi") in (
        response.text
    )
    assert outbox() == []


def test_reset_link_sets_a_new_password_once(client, author):
    _ask(client, "Author@Example.org")
    path = _reset_path()
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/login"
    assert verify_password(author.password_hash, NEW)
    assert not verify_password(author.password_hash, OLD)
    # The old password no longer logs in, the new one does.
    login = {"email": "author@example.org"}
    assert client.post("/account/login", data={**login, "password": OLD}).status_code == 400
    assert client.post("/account/login", data={**login, "password": NEW}).status_code == 302
    client.post("/account/logout")
    # The link is dead now, on GET and on POST.
    for again in (client.get(path), client.post(path, data={"password": OLD, "confirm": OLD})):
        assert again.status_code == 400
        assert "already been used" in again.text
        assert 'href="/account/forgot-password"' in again.text
    assert verify_password(author.password_hash, NEW)
    # The owner is told that the password changed.
    [notice] = outbox("password_changed")
    assert notice.recipient == "author@example.org"


def test_a_second_link_dies_when_the_first_is_used(client, author):
    _ask(client, "author@example.org")
    _ask(client, "author@example.org")
    first, second = (path_of(link_in(m.body, "/account/reset/")) for m in outbox("reset_password"))
    assert client.post(second, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert client.get(first).status_code == 400


def test_the_service_refuses_a_used_token(app, author):
    with app.test_request_context():
        token = services.reset_token(author)
        services.reset_password(token, NEW)
        with pytest.raises(TokenUsed):
            services.reset_password(token, "yet another passphrase")
    assert verify_password(author.password_hash, NEW)


def test_an_expired_reset_link_is_refused(app, client, author):
    max_age = app.config["RESET_TOKEN_MAX_AGE"]
    with app.test_request_context(), issued_seconds_ago(max_age + 1):
        token = services.reset_token(author)
    response = client.get(f"/account/reset/{token}")
    assert response.status_code == 400
    assert "This link has expired." in response.text
    assert 'href="/account/forgot-password"' in response.text
    assert (
        client.post(f"/account/reset/{token}", data={"password": NEW, "confirm": NEW}).status_code
        == 400
    )
    assert verify_password(author.password_hash, OLD)


def test_a_tampered_reset_link_is_refused(client, author):
    _ask(client, "author@example.org")
    path = _reset_path()
    tampered = path[:-2] + ("xx" if not path.endswith("xx") else "yy")
    response = client.post(tampered, data={"password": NEW, "confirm": NEW})
    assert response.status_code == 400
    assert "This link is not valid" in response.text
    assert verify_password(author.password_hash, OLD)


def test_a_confirmation_token_is_not_a_reset_token(app, client, author):
    with app.test_request_context():
        token = services.confirmation_token(author)
    assert client.get(f"/account/reset/{token}").status_code == 400


def test_a_too_short_new_password_keeps_the_link_alive(client, author):
    _ask(client, "author@example.org")
    path = _reset_path()
    response = client.post(path, data={"password": "short", "confirm": "short"})
    assert response.status_code == 400
    too_short = translated(
        "The password must have between %(min)d and %(max)d characters.",
        "vi",
        min=PASSWORD_MIN_LENGTH,
        max=PASSWORD_MAX_LENGTH,
    )
    assert too_short in response.text
    assert verify_password(author.password_hash, OLD)
    assert client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 302


def test_resetting_confirms_an_unconfirmed_address(client):
    user = services.create_user("fresh@example.org", OLD, "Chưa Xác Nhận")
    _ask(client, "fresh@example.org")
    client.post(_reset_path("fresh@example.org"), data={"password": NEW, "confirm": NEW})
    db.session.refresh(user)
    assert user.email_confirmed_at is not None


def test_reset_links_are_on_base_url_even_through_a_trusted_mirror(app, author):
    response = app.test_client().post(
        "/account/forgot-password",
        data={"email": "author@example.org"},
        headers={"Host": "mirror.example.org"},
    )
    assert response.status_code == 200
    [message] = outbox("reset_password")
    assert "mirror.example.org" not in message.body
    assert link_in(message.body, "/account/reset/").startswith(BASE + "/account/reset/")


def test_an_untrusted_host_gets_400_and_no_mail(app, author):
    response = app.test_client().post(
        "/account/forgot-password",
        data={"email": "author@example.org"},
        headers={"Host": "evil.example"},
    )
    assert response.status_code == 400
    assert outbox() == []


def test_reset_mail_over_smtp_carries_a_working_link(mail_app, smtp_server, author):
    client = mail_app.test_client()
    assert _ask(client, "author@example.org").status_code == 200
    [message] = smtp_server.messages
    body = message.get_content()
    vi, en = (validity(mail_app.config["RESET_TOKEN_MAX_AGE"], lang) for lang in ("vi", "en"))
    assert body.index(vi) < body.index(en)  # a Vietnamese user: Vietnamese first
    path = path_of(link_in(body, "/account/reset/"))
    assert client.post(path, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert verify_password(author.password_hash, NEW)


@pytest.mark.parametrize(
    "path, job_name",
    [
        ("/account/forgot-password", "accounts.reset_mail"),
        ("/account/confirm/resend", "accounts.confirmation_mail"),
    ],
)
def test_the_request_does_the_same_work_for_every_address(
    app, client, author, monkeypatch, path, job_name
):
    """No lookup, no token, no message in the request: it queues one job with the
    address, for a known address as for an unknown one, so its timing says nothing."""
    from journal.accounts import services as account_services

    author.email_confirmed_at = None
    db.session.commit()
    queued = []
    monkeypatch.setattr(account_services, "enqueue", lambda *args: queued.append(args))
    lookups = []
    real_lookup = account_services.user_by_email
    monkeypatch.setattr(
        account_services, "user_by_email", lambda e: lookups.append(e) or real_lookup(e)
    )
    pages = [
        client.post(path, data={"email": address})
        for address in (" Author@Example.org", "nobody@example.org")
    ]
    assert pages[0].status_code == pages[1].status_code == 200
    assert _without_csrf(pages[0].data) == _without_csrf(pages[1].data)
    assert queued == [(job_name, "author@example.org"), (job_name, "nobody@example.org")]
    assert lookups == [] and outbox() == []
    # The job does the work: a message for the account, nothing for the unknown address.
    for name, address in queued:
        REGISTRY[name](address)
    [message] = outbox()
    assert message.recipient == "author@example.org"
