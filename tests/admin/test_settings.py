"""Journal settings: kept in the database, edited by administrators on a page, checked,
recorded in the event log, fixed by the deployment where it says so, read everywhere."""

from __future__ import annotations

import re
from datetime import datetime
from types import SimpleNamespace

import pytest

from journal.demo import DEMO_ISSN, ensure_demo_settings
from journal.events import Event
from journal.extensions import db
from journal.publish.issues import make_doi
from journal.publish.production_meta import journal_identity
from journal.settings import (
    EVENT_ACTION,
    JournalSetting,
    SettingsError,
    StaleSettingsError,
    journal_settings,
    update_journal_settings,
)

from ..factories import fresh_settings


def _rows():
    return {s.key: s.value for s in db.session.execute(db.select(JournalSetting)).scalars()}


def _events():
    return list(db.session.execute(db.select(Event).filter_by(action=EVENT_ACTION)).scalars())


def _form(**changes):
    current = fresh_settings()
    return {**current, "version": current.version, **changes}


def _english(client):
    client.set_cookie("lang", "en")
    return client


def test_defaults_come_from_the_configuration(app):
    settings = journal_settings()

    assert settings["JOURNAL_TITLE_EN"] == "Mekong Delta Journal of Science and Technology"
    assert settings["ISSN_ONLINE"] == "" and settings.issns == ()
    assert settings["DOI_PREFIX"] == app.config["DOI_PREFIX"]
    assert _rows() == {}


def test_a_change_is_stored_normalised_logged_and_used_everywhere(app, users):
    admin = users["admin"]

    changed = update_journal_settings(
        admin,
        {"ISSN_ONLINE": " 20493630 ", "JOURNAL_TITLE_VI": "Tập san Mới", "DOI_PREFIX": "10.54321"},
        version=journal_settings().version,
    )

    assert sorted(changed) == ["DOI_PREFIX", "ISSN_ONLINE", "JOURNAL_TITLE_VI"]
    assert _rows()["ISSN_ONLINE"] == "2049-3630"
    settings = journal_settings()
    assert settings.issns == ("2049-3630",)
    assert journal_identity().eissn == "2049-3630"
    assert journal_identity().title_vi == "Tập san Mới"
    assert make_doi(SimpleNamespace(id=7), datetime(2026, 5, 1)) == "10.54321/mdj.2026.00007"
    notes = sorted(e.note for e in _events())
    assert notes == [
        "DOI_PREFIX: “10.99999” → “10.54321”",
        "ISSN_ONLINE: “” → “2049-3630”",
        "JOURNAL_TITLE_VI: “Tập san Khoa học và Công nghệ Đồng bằng sông Cửu Long” → “Tập san Mới”",
    ]
    assert {e.actor_id for e in _events()} == {admin.id}


def test_saving_the_same_values_changes_and_logs_nothing(app, users):
    current = journal_settings()
    assert update_journal_settings(users["admin"], dict(current), version=current.version) == []
    assert _rows() == {} and _events() == []


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("ISSN_ONLINE", "2049-3631", "Not a valid ISSN"),  # check digit
        ("ISSN_PRINT", "12345678901", "Not a valid ISSN"),
        ("ISSN_PRINT", "<script>", "Not a valid ISSN"),
        ("DOI_PREFIX", "10.1", "A DOI prefix is 10."),
        ("DOI_PREFIX", "11.12345", "A DOI prefix is 10."),
        ("DOI_PREFIX", "", "This setting is required."),
        ("DOI_SUFFIX_TEMPLATE", "mdj.{year}", "The pattern needs {submission}"),
        ("DOI_SUFFIX_TEMPLATE", "mdj.{0}.{submission}", "Only {year} and {submission}"),
        ("DOI_SUFFIX_TEMPLATE", "{submission.__class__}", "Only {year} and {submission}"),
        ("DOI_SUFFIX_TEMPLATE", "{submission[0]}", "Only {year} and {submission}"),
        ("DOI_SUFFIX_TEMPLATE", "mdj.{submission", "cannot be filled in"),
        ("DOI_SUFFIX_TEMPLATE", "mdj.{submission:zz}", "cannot be filled in"),
        ("DOI_SUFFIX_TEMPLATE", "bài {submission}", "would hold characters"),
        ("CONTACT_EMAIL", "not an address", "Not a valid e-mail address."),
        ("JOURNAL_TITLE_EN", "   ", "This setting is required."),
        ("JOURNAL_TITLE_EN", "x" * 301, "At most 300 characters."),
        ("ABOUT_VI", "a\x00b", "cannot be stored (NUL)"),
    ],
)
def test_bad_values_are_refused_with_a_plain_message_and_nothing_is_written(
    app, users, login, key, value, message
):
    client = _english(login(users["admin"]))

    response = client.post("/admin/settings", data=_form(**{key: value}))

    assert response.status_code == 400
    assert message in response.text
    assert _rows() == {} and _events() == []
    with pytest.raises(SettingsError) as caught:
        update_journal_settings(users["admin"], {key: value}, version=fresh_settings().version)
    assert list(caught.value.problems) == [key]


def test_the_page_saves_and_the_public_pages_follow(app, users, login, client):
    admin = _english(login(users["admin"]))
    page = admin.get("/admin/settings")
    assert page.status_code == 200
    assert 'name="ISSN_ONLINE"' in page.text and 'lang="vi"' in page.text

    response = admin.post(
        "/admin/settings",
        data=_form(JOURNAL_TITLE_VI="Tập san KH&CN Miền Tây", ISSN_PRINT="2815-5998"),
    )

    assert response.status_code == 302
    assert _rows() == {"JOURNAL_TITLE_VI": "Tập san KH&CN Miền Tây", "ISSN_PRINT": "2815-5998"}
    home = client.get("/")
    assert "Tập san KH&amp;CN Miền Tây" in home.text
    after = admin.get("/admin/settings")
    assert "Settings saved (2 changed)." in after.text
    assert "ISSN_PRINT: “” → “2815-5998”" in after.text and users["admin"].full_name in after.text


def test_a_stale_page_keeps_what_was_typed_and_writes_nothing(app, users, login):
    admin = _english(login(users["admin"]))
    stale = _form()  # the page as loaded before someone else saved
    update_journal_settings(
        users["other_author"], {"ISSN_ONLINE": "2049-3630"}, version=stale["version"]
    )

    response = admin.post("/admin/settings", data={**stale, "ISSN_PRINT": "2815-5998"})

    assert response.status_code == 409
    assert "Someone saved the settings while you were editing." in response.text
    assert 'value="2815-5998"' in response.text  # nothing typed is lost
    assert _rows() == {"ISSN_ONLINE": "2049-3630"}
    with pytest.raises(StaleSettingsError):
        update_journal_settings(users["admin"], {"ISSN_PRINT": "2815-5998"}, version="old")


def test_a_value_fixed_by_the_deployment_wins_and_cannot_be_edited(
    app, app_config, users, monkeypatch, other_app
):
    update_journal_settings(
        users["admin"], {"ISSN_ONLINE": "2049-3630"}, version=journal_settings().version
    )
    monkeypatch.setenv("JOURNAL_ISSN_ONLINE", '"2815-6005"')
    pinned = other_app(app_config)
    client = _english(pinned.test_client(user=users["admin"]))

    page = client.get("/admin/settings")
    with pinned.app_context():
        settings = journal_settings()
        response = client.post(
            "/admin/settings",
            data={**settings, "version": settings.version, "ISSN_ONLINE": "2049-3630"},
        )
        after = fresh_settings()["ISSN_ONLINE"]

    assert settings["ISSN_ONLINE"] == "2815-6005" and "ISSN_ONLINE" in settings.pinned
    assert "Fixed by the deployment (JOURNAL_ISSN_ONLINE" in page.text
    assert re.search(r'<input[^>]*disabled[^>]*name="ISSN_ONLINE"', page.text)
    assert response.status_code == 302
    assert after == "2815-6005"
    assert fresh_settings()["ISSN_ONLINE"] == "2049-3630"  # the database keeps its own value


def test_the_demo_sets_a_placeholder_issn_only_when_there_is_none(app, users):
    ensure_demo_settings(users["admin"])
    assert fresh_settings().issns == (DEMO_ISSN,)

    update_journal_settings(
        users["admin"],
        {"ISSN_ONLINE": "", "ISSN_PRINT": "2815-5998"},
        version=fresh_settings().version,
    )
    ensure_demo_settings(users["admin"])
    assert fresh_settings().issns == ("2815-5998",)
