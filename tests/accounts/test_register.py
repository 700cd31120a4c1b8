"""Registration, the confirmation e-mail and its link."""

import pytest

from journal.accounts import services
from journal.accounts.models import User
from journal.extensions import db

from .helpers import (
    BASE,
    PASSWORD,
    issued_seconds_ago,
    link_in,
    outbox,
    path_of,
    register_form,
    translated,
    validity,
)


def _user(email):
    return db.session.execute(db.select(User).filter_by(email=email)).scalar_one_or_none()


def test_registration_creates_an_unconfirmed_account_and_queues_the_confirmation(client):
    response = client.post("/account/register?lang=en", data=register_form(locale="en"))
    assert response.status_code == 200
    assert "Check your e-mail" in response.text
    user = _user("mai@example.org")
    assert user.full_name == "Nguyễn Thị Mai"
    assert user.affiliation == "Viện Lúa ĐBSCL"
    assert user.locale == "en"
    assert user.email_confirmed_at is None
    assert not services.can_submit(user)
    [message] = outbox()
    assert message.template == "confirm_email"
    assert message.recipient == "mai@example.org"
    assert message.sent_at is not None  # delivered after the commit (written to instance/mail)
    link = link_in(message.body, "/account/confirm/")
    assert link.startswith(BASE + "/account/confirm/")
    # The answer logs nobody in (it must be the same for a taken address): the new
    # account logs in and is told to confirm.
    assert client.get("/account/profile").status_code == 302
    client.post("/account/login", data={"email": "mai@example.org", "password": PASSWORD})
    page = client.get("/account/profile")
    assert page.status_code == 200
    assert "Your e-mail address is not confirmed yet" in page.text


@pytest.mark.parametrize(("locale", "other"), [("vi", "en"), ("en", "vi")])
def test_confirmation_mail_arrives_over_smtp_in_the_users_language_first_and_its_link_works(
    mail_app, smtp_server, locale, other
):
    max_age = mail_app.config["CONFIRM_TOKEN_MAX_AGE"]
    first, second = validity(max_age, locale), validity(max_age, other)
    assert first != second  # "3 ngày", "3 days"
    client = mail_app.test_client()
    response = client.post("/account/register", data=register_form(locale=locale))
    assert response.status_code == 200
    [message] = smtp_server.messages
    assert message["To"] == "mai@example.org"
    body = message.get_content()
    # The validity is localised by CLDR in each part: the user's language comes first.
    assert first in body and second in body
    assert body.index(first) < body.index(second)
    link = link_in(body, "/account/confirm/")
    assert body.count(link) == 2  # the same link in both languages

    anonymous = mail_app.test_client()
    confirmed = anonymous.get(path_of(link))
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"] == "/account/login"
    user = _user("mai@example.org")
    assert user.email_confirmed_at is not None
    assert services.can_submit(user)


def test_confirmation_link_works_once(client):
    client.post("/account/register", data=register_form())
    path = path_of(link_in(outbox()[0].body, "/account/confirm/"))
    assert client.get(path).status_code == 302
    again = client.get(path)
    assert again.status_code == 400
    assert "already been used" in again.text
    assert 'href="/account/confirm/resend"' in again.text


def test_tampered_confirmation_link_gets_a_bilingual_400_with_a_way_to_resend(client):
    client.post("/account/register", data=register_form())
    path = path_of(link_in(outbox()[0].body, "/account/confirm/"))
    token = path.rsplit("/", 1)[1]
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    response = client.get(f"/account/confirm/{tampered}")
    assert response.status_code == 400
    assert 'lang="vi"' in response.text and 'lang="en"' in response.text
    assert "This link is not valid" in response.text
    assert 'href="/account/confirm/resend"' in response.text
    assert _user("mai@example.org").email_confirmed_at is None


def test_garbage_confirmation_tokens_are_a_400_not_a_crash(client):
    for garbage in ["x", "not.a.token", "%00", "a" * 500, "eyJ1IjoxfQ.AAAA.BBBB"]:
        response = client.get(f"/account/confirm/{garbage}")
        assert response.status_code == 400, garbage
        assert "This link is not valid" in response.text, garbage


def test_expired_confirmation_link_is_refused(app, client):
    user = services.create_user("late@example.org", "a long enough passphrase", "Lê Văn Trễ")
    max_age = app.config["CONFIRM_TOKEN_MAX_AGE"]
    with app.test_request_context(), issued_seconds_ago(max_age + 60):
        token = services.confirmation_token(user)
    response = client.get(f"/account/confirm/{token}")
    assert response.status_code == 400
    assert "This link has expired." in response.text
    assert 'href="/account/confirm/resend"' in response.text
    assert _user("late@example.org").email_confirmed_at is None
    # Just inside the lifetime it still works.
    with app.test_request_context(), issued_seconds_ago(max_age - 60):
        token = services.confirmation_token(user)
    assert client.get(f"/account/confirm/{token}").status_code == 302


def test_a_reset_token_is_not_a_confirmation_token(app, client):
    user = services.create_user("mix@example.org", "a long enough passphrase", "Trộn Lẫn")
    with app.test_request_context():
        token = services.reset_token(user)
    assert client.get(f"/account/confirm/{token}").status_code == 400
    assert _user("mix@example.org").email_confirmed_at is None


def test_a_taken_address_gets_the_same_answer_and_its_owner_a_message(app, client, author):
    """Registration does not tell whether an address has an account: the same status and
    page as for a new address; nothing is created; the owner is told by e-mail."""
    before = db.session.execute(db.select(db.func.count(User.id))).scalar_one()
    taken = client.post("/account/register", data=register_form(email="  Author@Example.ORG "))
    assert db.session.execute(db.select(db.func.count(User.id))).scalar_one() == before
    fresh = app.test_client().post("/account/register", data=register_form())
    assert (taken.status_code, taken.text) == (fresh.status_code, fresh.text) == (200, fresh.text)
    assert "already exists" not in taken.text
    assert client.get("/account/profile").status_code == 302  # nobody logged in
    [notice] = outbox("account_exists")
    assert notice.recipient == "author@example.org"
    assert path_of(link_in(notice.body, "/account/forgot-password")) == "/account/forgot-password"
    assert [m.recipient for m in outbox("confirm_email")] == ["mai@example.org"]


INVALID_REGISTRATIONS = [
    ({"password": "nine char", "confirm": "nine char"}, "between 10 and 256 characters"),
    ({"password": "x" * 257, "confirm": "x" * 257}, "between 10 and 256 characters"),
    ({"confirm": "something else entirely"}, "The two passwords differ."),
    ({"email": "not-an-address"}, "Enter a valid e-mail address"),
    ({"email": ""}, "Enter your e-mail address."),
    ({"full_name": "   "}, "Enter your full name."),
    ({"locale": "fr"}, "Choose Vietnamese or English."),
    ({"full_name": "x" * 201}, "The name is too long"),
]


def test_invalid_registrations_are_refused_with_a_message(client):
    client.set_cookie("lang", "en")
    for overrides, message in INVALID_REGISTRATIONS:
        response = client.post("/account/register", data=register_form(**overrides))
        assert response.status_code == 400, overrides
        assert message in response.text, overrides
    assert db.session.execute(db.select(User)).first() is None
    assert outbox() == []


def test_nine_characters_are_too_few_and_ten_are_enough():
    with pytest.raises(services.WeakPassword):
        services.check_password_strength("sông hậu9")
    services.check_password_strength("sông hậu 9")


def test_register_service_refuses_a_weak_password_without_writing(app):
    with pytest.raises(services.WeakPassword), app.test_request_context():
        services.register_user("weak@example.org", "short", "Yếu")
    assert _user("weak@example.org") is None
    assert outbox() == []


def test_unconfirmed_user_can_log_in_and_is_told_to_confirm(client):
    services.create_user("new@example.org", "a long enough passphrase", "Mới Đến")
    response = client.post(
        "/account/login",
        data={"email": "new@example.org", "password": "a long enough passphrase"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    warning = translated(
        "Your e-mail address is not confirmed yet: open the link we sent you. "
        "You can submit manuscripts once it is confirmed.",
        "vi",
    )
    assert warning in response.text
    assert "flash-warning" in response.text


def test_confirmed_user_is_not_nagged(client, author):
    response = client.post(
        "/account/login",
        data={"email": "author@example.org", "password": "correct horse battery staple"},
        follow_redirects=True,
    )
    assert "not confirmed yet" not in response.text
    assert "not confirmed yet" not in client.get("/account/profile").text


def test_can_submit_needs_a_signed_in_active_confirmed_account(author):
    from flask_login import AnonymousUserMixin

    assert services.can_submit(author)
    assert not services.can_submit(AnonymousUserMixin())
    author.active = False
    assert not services.can_submit(author)
    author.active = True
    author.email_confirmed_at = None
    assert not services.can_submit(author)


def test_resend_answers_the_same_for_every_address_and_mails_only_the_unconfirmed(client, author):
    services.create_user("waiting@example.org", "a long enough passphrase", "Đang Chờ")
    pages = {}
    for email in ("waiting@example.org", "author@example.org", "nobody@example.org"):
        response = client.post("/account/confirm/resend", data={"email": email})
        assert response.status_code == 200
        pages[email] = response.data
    assert len(set(pages.values())) == 1
    assert [m.recipient for m in outbox()] == ["waiting@example.org"]
    path = path_of(link_in(outbox()[0].body, "/account/confirm/"))
    assert client.get(path).status_code == 302
    assert _user("waiting@example.org").email_confirmed_at is not None


def test_resend_form_is_prefilled_for_a_signed_in_user(login):
    user = services.create_user("pre@example.org", "a long enough passphrase", "Điền Sẵn")
    page = login(user).get("/account/confirm/resend")
    assert page.status_code == 200
    assert 'value="pre@example.org"' in page.text


def test_mail_links_come_from_base_url_not_from_a_trusted_mirror_host(app):
    client = app.test_client()
    response = client.post(
        "/account/register", data=register_form(), headers={"Host": "mirror.example.org"}
    )
    assert response.status_code == 200
    body = outbox()[0].body
    assert "mirror.example.org" not in body
    assert link_in(body, "/account/confirm/").startswith(BASE + "/account/confirm/")


def test_an_untrusted_host_is_refused_before_anything_is_written(app):
    response = app.test_client().post(
        "/account/register", data=register_form(), headers={"Host": "evil.example"}
    )
    assert response.status_code == 400
    assert _user("mai@example.org") is None
    assert outbox() == []


def test_signed_in_user_is_sent_from_register_to_the_profile(login, author):
    response = login(author).get("/account/register")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/profile"
