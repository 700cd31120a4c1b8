"""The report's page, CSV and PDF show the hand-counted figures; who may see them; hostile
query parameters."""

from __future__ import annotations

import csv
import io
import unicodedata

from lxml import html as lxml_html
from pypdf import PdfReader

from journal.provinces import add_province
from journal.reports.figures import FIGURES_BY_KEY, Label
from journal.reports.numbers import format_value, plain_value
from journal.reports.periods import current_year

from .dataset import EXPECTED, NONE

BRIDGE_KINDS = {"technology_offers", "startups", "experts", "requests_matched"}
COLUMNS_2025 = ["AG", "CM", "CT", "KG", NONE, "total"]


def _kind(key: str) -> str:
    return FIGURES_BY_KEY[key].kind if key in FIGURES_BY_KEY else "count"


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return lxml_html.fromstring(response.get_data(as_text=True))


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in reader.pages))


def test_the_page_shows_each_figure_per_province_with_totals(dataset, login, users):
    client = login(users["board_member"])
    for locale in ("en", "vi"):
        doc = _page(client, f"/reports/?year=2025&lang={locale}")

        headings = [th.text_content().strip() for th in doc.xpath("(//table)[1]//thead//th")]
        assert headings == {
            "en": ["Figure", "An Giang", "Ca Mau", "Can Tho", "Kien Giang", "No province", "Total"],
            "vi": [
                "Chỉ tiêu", "An Giang", "Cà Mau", "Cần Thơ", "Kiên Giang", "Chưa xác định tỉnh",
                "Tổng cộng",
            ],
        }[locale]  # fmt: skip
        for key, expected in EXPECTED[2025].items():
            shown = [
                td.text_content().strip() for td in doc.xpath(f"//tr[@data-figure='{key}']/td")
            ]
            assert shown == [format_value(expected[c], _kind(key), locale) for c in COLUMNS_2025]
        rate = doc.xpath("//tr[@data-figure='acceptance_rate']/td")[-1].text_content()
        assert rate == {"en": "57.1%", "vi": "57,1%"}[locale]
        label = doc.xpath("//tr[@data-figure='submissions']/th")[0].text_content()
        assert label == {"en": "Submissions", "vi": "Bài gửi đến"}[locale]
    options = doc.xpath("//select[@name='year']/option")
    assert [o.get("value") for o in options] == [str(y) for y in range(current_year(), 2023, -1)]
    assert doc.xpath("//select[@name='year']/option[@selected]")[0].get("value") == "2025"


def test_the_page_shows_usage_by_section_and_the_most_read_articles(dataset, login, users):
    doc = _page(login(users["board_member"]), "/reports/?year=2025&lang=en")

    (research,) = doc.xpath("//table[contains(@class, 'usage-sections')]/tbody/tr")
    assert research.get("data-section") == "research"
    assert research.xpath("th")[0].text_content() == "Research articles"
    # views, downloads, then COUNTER's four: investigations and requests, total and unique
    assert [td.text_content() for td in research.xpath("td")] == ["8", "3", "11", "8", "11", "8"]
    # The most requested first; equal ones by investigations, then the newest article.
    articles = dataset.articles
    listed = [int(li.get("data-article")) for li in doc.xpath("//ol[@class='most-read']/li")]
    assert listed == [articles[k].id for k in ("A1", "M1", "S1", "K1")]
    first = doc.xpath("//ol[@class='most-read']/li")[0].text_content()
    assert "Views: 3 · Downloads: 0 · Total_Item_Requests: 3" in " ".join(first.split())

    empty = _page(login(users["board_member"]), "/reports/?year=2024&lang=en")
    assert not empty.xpath("//table[contains(@class, 'usage-sections')]")
    assert "No usage recorded in the year." in empty.text_content()


def test_the_usage_csv_lists_every_article_read_in_the_year(dataset, login, users):
    response = login(users["other_board"]).get("/usage/export.csv?year=2025")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="luot-doc-2025.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][5:] == [
        "Total_Item_Investigations", "Unique_Item_Investigations", "Total_Item_Requests",
        "Unique_Item_Requests", "Lượt xem / Views", "Lượt tải / Downloads",
    ]  # fmt: skip
    articles = dataset.articles
    assert [(r[1], r[3], r[4], r[5:]) for r in rows[1:]] == [
        (articles["A1"].doi, "AG", "research", ["3", "3", "3", "3", "3", "0"]),
        (articles["M1"].doi, "CM", "research", ["3", "1", "3", "1", "1", "2"]),
        (articles["S1"].doi, "CT", "research", ["3", "2", "3", "2", "2", "1"]),
        (articles["K1"].doi, "KG", "research", ["2", "2", "2", "2", "2", "0"]),
    ]


def _tips(element, tag) -> list[str]:
    return [t.text for t in element.xpath(f".//*[local-name()='{tag}']/*[local-name()='title']")]


def test_the_page_draws_three_svg_charts_and_the_trend_of_one_province(dataset, login, users):
    client = login(users["editor_in_chief"])
    doc = _page(client, "/reports/?year=2025&lang=en")

    charts = doc.xpath("//figure[@class='report-chart']/*[local-name()='svg']")
    assert [c.get("id") for c in charts] == ["chart-by-province", "chart-programme", "chart-trend"]
    bars = _tips(charts[0], "rect")
    assert {"Can Tho, Submissions: 4", "Ca Mau, Articles published: 1"} <= set(bars)
    assert "No province, Acceptances: 0" in bars
    assert "No province, Experts in the database: 1" in _tips(charts[1], "rect")
    points = _tips(charts[2], "circle")
    assert {"2025, Submissions: 7", "2024, Acceptances: 1"} <= set(points)
    assert doc.xpath("//figcaption")[2].text_content() == "2021–2025: all provinces"

    doc = _page(client, "/reports/?year=2025&province=CT&lang=en")
    points = _tips(doc.xpath("//*[@id='chart-trend']")[0], "circle")
    assert {"2025, Submissions: 4", "2025, Articles published: 2"} <= set(points)
    assert doc.xpath("//select[@name='province']/option[@selected]")[0].get("value") == "CT"
    assert doc.xpath("//figcaption")[2].text_content() == "2021–2025: Can Tho"


def test_the_csv_has_every_figure_and_opens_in_excel(dataset, login, users):
    response = login(users["other_board"]).get("/reports/export.csv?year=2025")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="bao-cao-2025.csv"'
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs for UTF-8
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == [
        "Năm / Year", "Mã / Key", "Chỉ tiêu", "Figure", "An Giang (AG)", "Cà Mau (CM)",
        "Cần Thơ (CT)", "Kiên Giang (KG)", "Chưa xác định tỉnh / No province",
        "Tổng cộng / Total",
    ]  # fmt: skip
    by_key = {row[1]: row for row in rows[1:]}
    assert list(by_key) == list(EXPECTED[2025])
    for key, expected in EXPECTED[2025].items():
        row = by_key[key]
        assert row[0] == "2025"
        assert row[4:] == [plain_value(expected[c], _kind(key)) for c in COLUMNS_2025], key
    assert by_key["acceptance_rate"][2:4] == ["Tỷ lệ chấp nhận (%)", "Acceptance rate (%)"]
    assert by_key["acceptance_rate"][-1] == "57.1"
    assert by_key["days_to_first_decision"][4:] == ["", "6.0", "25.0", "19.0", "", "19.0"]
    assert by_key["experts"][2] == "Chuyên gia tham gia cơ sở dữ liệu"


def test_the_pdf_has_the_headings_in_both_languages_and_the_figures(dataset, login, users):
    # A province whose name is markup: text in the PDF, and nothing fetched for it.
    add_province("XS", "<img src='file:///etc/hostname'> Tỉnh", "<b>X</b> province")
    response = login(users["editor_in_chief"]).get("/reports/report.pdf?year=2025")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="bao-cao-2025.pdf"'
    text = _pdf_text(response.get_data())
    for heading in (
        "Báo cáo số liệu năm 2025",
        "Yearly report 2025",
        "Tập san Khoa học và Công nghệ Đồng bằng sông Cửu Long",
        "Biên tập · Editorial process",
        "Phản biện · Peer review",
        "Chương trình hợp tác · Cooperation programme",
        "Biểu đồ",
        "Định nghĩa",
        "Tỷ lệ chấp nhận",
        "Số ngày đến quyết định đầu tiên (trung vị)",
        "Nhiệm vụ có kết quả được công bố",
        "Cần Thơ",
        "Kiên Giang",
        "Chưa xác định tỉnh",
    ):
        assert heading in text, heading
    assert "57,1%" in text  # the total acceptance rate, written the Vietnamese way
    # The SVG charts are drawn: their legends repeat the figures' names after the table.
    assert text.count("Chấp nhận đăng") >= 3
    assert "Diễn biến 2021–2025: tất cả các tỉnh" in text
    assert "<img src='file:///etc/hostname'> Tỉnh" in text


def test_markup_in_a_province_name_stays_text_on_the_page_and_in_the_csv(app, login, users):
    add_province("XS", "<img src='file:///etc/hostname'> Tỉnh", "<b>X</b> province")
    client = login(users["admin"])
    year = current_year()

    page = client.get(f"/reports/?year={year}&lang=en").get_data(as_text=True)
    assert "<b>X</b>" not in page and "&lt;b&gt;X&lt;/b&gt; province" in page
    exported = client.get(f"/reports/export.csv?year={year}").get_data(as_text=True)
    assert "<img src='file:///etc/hostname'> Tỉnh (XS)" in next(csv.reader(io.StringIO(exported)))


def test_a_spreadsheet_formula_in_a_name_is_not_run():
    from journal.reports.export import _safe

    assert _safe('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert _safe("Cần Thơ") == "Cần Thơ"
    assert Label("a", "b")("en") == "b"


ALLOWED = ("province_editor", "board_member", "other_board", "editor_in_chief", "admin")
FORBIDDEN = ("author", "other_author")
URLS = ("/reports/", "/reports/export.csv", "/reports/report.pdf")


def test_board_members_the_editor_in_chief_and_admins_only(app, users, login):
    for url in URLS:
        # The PDF takes a second or two to make: one allowed role is enough for it.
        allowed = ("other_board",) if url.endswith(".pdf") else ALLOWED
        for role in allowed:
            assert login(users[role]).get(url).status_code == 200, (url, role)
        for role in FORBIDDEN:
            assert login(users[role]).get(url).status_code == 403, (url, role)
        anonymous = app.test_client().get(url)
        assert anonymous.status_code == 302, url
        assert anonymous.headers["Location"].startswith("/account/login")


def test_the_administration_page_links_to_the_report(app, users, login):
    page = login(users["board_member"]).get("/admin/?lang=en").get_data(as_text=True)
    assert 'href="/reports/"' in page and "Yearly report" in page


BAD_YEARS = (
    "abc",
    "99999",
    "1999",
    "-2025",
    "2025.0",
    "%D9%A2%D9%A0%D9%A2%D9%A5",  # Arabic-Indic digits
    str(10**40),
    "2025%00",
    str(current_year() + 1),
)


def test_a_bad_year_is_a_clear_400(app, users, login):
    client = login(users["admin"])
    for url in URLS:
        for year in BAD_YEARS:
            response = client.get(f"{url}?year={year}&lang=en")
            assert response.status_code == 400, (url, year)
            message = f"Choose a year between 2000 and {current_year()}."
            assert message in response.get_data(as_text=True), (url, year)


def test_a_bad_province_is_a_clear_400(app, users, login):
    client = login(users["admin"])
    for province in ("<script>alert(1)</script>", "ZZ", "C", "ct%00", "A" * 500):
        response = client.get(f"/reports/?province={province}&lang=en")
        body = response.get_data(as_text=True)
        assert response.status_code == 400, province
        assert "There is no province with this code." in body
        assert "<script>alert" not in body


def test_the_year_defaults_to_this_year_and_a_province_code_is_read_in_any_case(app, users, login):
    doc = _page(login(users["admin"]), "/reports/?province=ct&year=+&lang=en")

    assert doc.xpath("//select[@name='year']/option[@selected]")[0].get("value") == str(
        current_year()
    )
    assert doc.xpath("//select[@name='province']/option[@selected]")[0].get("value") == "CT"
