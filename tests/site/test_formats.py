"""Dates in Vietnam time and Babel's formats per locale, letters' dates, numbers, file sizes,
page ranges and the labels of stored values, in both languages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import render_template_string
from flask_babel import force_locale
from lxml import html as lxml_html

from journal.review.labels import event_note

from ..publish.factories import make_issue, make_published_article

LATE_IN_THE_UTC_DAY = datetime(2026, 12, 7, 20, 30, tzinfo=UTC)  # 8 December in Vietnam


def render(app, template: str, lang: str, **context) -> str:
    with app.test_request_context(), force_locale(lang):
        return render_template_string(template, **context)


@pytest.mark.parametrize(("lang", "shown"), [("vi", "8 thg 12, 2026"), ("en", "Dec 8, 2026")])
def test_a_moment_late_in_the_utc_day_shows_the_vietnam_date(client, app, lang, shown):
    article = make_published_article(when=LATE_IN_THE_UTC_DAY)
    client.set_cookie("lang", lang)
    doc = lxml_html.fromstring(client.get(f"/articles/{article.id}").data)
    published = doc.xpath("//dl//time")[-1]
    assert published.get("datetime") == "2026-12-08"
    assert published.text == shown
    listing = lxml_html.fromstring(client.get("/").data)
    assert listing.xpath("//section[@class='latest-articles']//time/@datetime") == ["2026-12-08"]


@pytest.mark.parametrize(
    ("lang", "written"), [("vi", "ngày 14 tháng 12 năm 2026"), ("en", "14 December 2026")]
)
def test_letters_write_the_date_in_full_in_vietnam_time(app, lang, written):
    moment = datetime(2026, 12, 13, 18, 0, tzinfo=UTC)  # 01:00 on the 14th in Vietnam
    assert render(app, "{{ d|letter_date }}", lang, d=moment) == written


def test_mails_use_the_letter_date():
    from pathlib import Path

    mails = Path(__file__).resolve().parents[2] / "journal" / "templates" / "mail"
    texts = "".join(p.read_text() for p in mails.glob("*.txt"))
    assert "|letter_date" in texts and 'dateformat("long")' not in texts


@pytest.mark.parametrize(
    ("lang", "size", "number"), [("vi", "42,5 kB", "12.345"), ("en", "42.5 kB", "12,345")]
)
def test_numbers_and_file_sizes_follow_the_locale(app, lang, size, number):
    assert render(app, "{{ n|filesizeformat }}", lang, n=42_500) == size
    assert render(app, "{{ n|filesizeformat }}", lang, n=3_400_000).startswith("3")
    assert render(app, "{{ n|filesizeformat }}", lang, n=950).startswith("950 ")
    assert render(app, "{{ n|format_number }}", lang, n=12345) == number


@pytest.mark.parametrize(
    ("lang", "one", "several"), [("en", "p. 6", "pp. 6–9"), ("vi", "tr. 6", "tr. 6–9")]
)
def test_one_page_is_p_and_several_are_pp(client, app, lang, one, several):
    assert render(app, "{{ pages_label(6, 6) }}", lang) == one
    assert render(app, "{{ pages_label(6, None) }}", lang) == one
    assert render(app, "{{ pages_label(6, 9) }}", lang) == several
    issue = make_issue(2, 1, 2026, published=True)
    make_published_article(issue=issue, first_page=6, last_page=6)
    client.set_cookie("lang", lang)
    page = client.get(f"/issues/{issue.id}").get_data(as_text=True)
    assert f'<span class="pages">{one}</span>' in page


@pytest.mark.parametrize(
    ("lang", "note", "shown"),
    [
        ("en", "Châu Ngọc Diễm: minor_revisions", "Châu Ngọc Diễm: Minor revisions"),
        ("vi", "Châu Ngọc Diễm: minor_revisions", "Châu Ngọc Diễm: Chỉnh sửa nhỏ"),
        ("vi", "response_letter", "thư giải trình gửi người phản biện"),
        ("vi", "issue 3", "số có mã 3"),
        (
            "vi",
            "Lê Văn Hòa (CT: province editor with the fewest open submissions)",
            "Lê Văn Hòa (CT: biên tập viên của tỉnh đang xử lý ít bản thảo nhất)",
        ),
    ],
)
def test_event_notes_show_labels_not_codes(app, lang, note, shown):
    with app.test_request_context(), force_locale(lang):
        assert event_note(note) == shown
