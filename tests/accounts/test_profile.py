"""The profile page: fields, ORCID, province, expertise, language, escaping, the signal."""

from journal.extensions import db
from journal.provinces import province_by_code
from journal.signals import profile_changed

from .helpers import translated


def _form(**overrides):
    data = {
        "full_name": "Nguyễn Văn An",
        "affiliation": "Viện Nghiên cứu Nuôi trồng Thủy sản II",
        "orcid": "0000-0002-1825-0097",
        "province": str(province_by_code("CM").id),
        "expertise": " nuôi tôm , mangrove,,  Nuôi Tôm, salinity  ",
        "locale": "en",
    }
    data.update(overrides)
    return data


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/account/profile")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login")


def test_the_form_shows_the_current_values(login, author):
    page = login(author).get("/account/profile")
    assert page.status_code == 200
    assert 'value="Nguyễn Văn An"' in page.text
    assert "author@example.org" in page.text
    for province in ("An Giang", "Cà Mau", "Cần Thơ", "Kiên Giang"):
        assert province in page.text


def test_saving_normalises_stores_and_signals(login, author):
    received = []

    def listener(sender, **extra):
        received.append(sender)

    client = login(author)
    with profile_changed.connected_to(listener):
        response = client.post("/account/profile", data=_form())
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/profile"
    assert author.affiliation == "Viện Nghiên cứu Nuôi trồng Thủy sản II"
    assert author.orcid == "https://orcid.org/0000-0002-1825-0097"
    assert author.province.code == "CM"
    assert author.expertise == "nuôi tôm, mangrove, salinity"
    assert author.expertise_list == ["nuôi tôm", "mangrove", "salinity"]
    assert author.locale == "en"
    assert [user.id for user in received] == [author.id]
    page = client.get("/account/profile")
    # The new preferred language takes effect at once, and the message is in it too.
    assert '<html lang="en">' in page.text
    assert "Your profile has been saved." in page.text
    assert f'<option selected value="{author.province_id}">' in page.text


def test_a_chosen_site_language_still_wins_and_the_message_follows_it(login, author):
    client = login(author)
    client.set_cookie("lang", "vi")  # picked with the language switcher
    assert client.post("/account/profile", data=_form(locale="en")).status_code == 302
    assert author.locale == "en"
    page = client.get("/account/profile").text
    assert '<html lang="vi">' in page
    assert translated("Your profile has been saved.", "vi") in page
    assert "Your profile has been saved." not in page


def test_orcid_url_form_is_accepted_and_clearing_it_removes_it(login, author):
    client = login(author)
    url = "https://orcid.org/0000-0002-1694-233x"
    assert client.post("/account/profile", data=_form(orcid=url)).status_code == 302
    assert author.orcid == "https://orcid.org/0000-0002-1694-233X"
    assert client.post("/account/profile", data=_form(orcid="", province="")).status_code == 302
    assert author.orcid is None
    assert author.province is None


INVALID_ORCIDS = [
    ("0000-0002-1825-0098", "check digit"),
    ("0000-0002-1825", "malformed"),
    ("https://evil.example/0000-0002-1825-0097", "malformed"),
    ("٠٠٠٠-٠٠٠٢-١٨٢٥-٠٠٩٧", "malformed"),
]


def test_an_invalid_orcid_names_the_problem_and_saves_nothing(login, author):
    received = []
    client = login(author)
    client.set_cookie("lang", "en")
    with profile_changed.connected_to(lambda sender, **extra: received.append(sender)):
        for orcid, message in INVALID_ORCIDS:
            response = client.post("/account/profile", data=_form(orcid=orcid, full_name="Changed"))
            assert response.status_code == 400, orcid
            assert message in response.text, orcid
            assert 'class="field has-error"' in response.text
    assert author.full_name == "Nguyễn Văn An"
    assert author.orcid is None
    assert received == []


HOSTILE = [
    ({"province": "999999"}, "Choose a province from the list."),
    ({"province": "abc"}, "Choose a province from the list."),
    ({"locale": "fr"}, "Choose Vietnamese or English."),
    ({"full_name": "  "}, "Enter your full name."),
    ({"full_name": "x" * 201}, "The name is too long"),
    ({"expertise": "x" * 1001}, "Too many keywords"),
]


def test_hostile_values_are_refused_with_a_message(login, author):
    client = login(author)
    client.set_cookie("lang", "en")
    for overrides, message in HOSTILE:
        response = client.post("/account/profile", data=_form(**overrides))
        assert response.status_code == 400, overrides
        assert message in response.text, overrides
    assert author.affiliation == "Đại học Cần Thơ"


def test_the_email_address_cannot_be_changed_here(login, author):
    client = login(author)
    client.post("/account/profile", data=_form(email="someone.else@example.org"))
    assert author.email == "author@example.org"
    assert "cannot be changed here" in client.get("/account/profile").text


def test_a_script_in_the_name_is_rendered_inert(login, author):
    client = login(author)
    name = '<script>alert("x")</script>'
    assert client.post("/account/profile", data=_form(full_name=name)).status_code == 302
    assert author.full_name == name
    for path in ("/account/profile", "/"):
        page = client.get(path).text
        assert "<script>" not in page
        assert "&lt;script&gt;alert(" in page


def test_unconfirmed_users_see_a_banner_with_a_resend_button(login, author):
    author.email_confirmed_at = None
    db.session.commit()
    page = login(author).get("/account/profile").text
    banner = translated(
        "Your e-mail address is not confirmed yet. Open the link we sent you: you can submit "
        "manuscripts once it is confirmed.",
        "vi",
    )
    assert banner in page
    assert 'action="/account/confirm/resend"' in page
