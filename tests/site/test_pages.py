"""The journal's pages: about, the board by province, author guidelines with the manuscript
template, policies, contact; bilingual, edited from the settings, in every footer and in
the sitemap."""

from __future__ import annotations

import io

import pytest
from docx import Document
from lxml import etree
from lxml import html as lxml_html
from PIL import Image

from journal.extensions import db
from journal.publish.typeset.convert import convert
from journal.settings import update_journal_settings

from ..factories import fresh_settings, make_board_member, make_user

PAGES = ["/about", "/about/board", "/about/guidelines", "/about/policies", "/about/contact"]


def page(response):
    return lxml_html.fromstring(response.get_data(as_text=True))


def english(client):
    client.set_cookie("lang", "en")
    return client


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_in_both_languages(client, path):
    vi = client.get(path)
    en = client.get(path + "?lang=en")
    assert vi.status_code == en.status_code == 200
    assert page(vi).xpath("/html/@lang") == ["vi"] and page(en).xpath("/html/@lang") == ["en"]
    assert page(vi).xpath("//h1/text()") != page(en).xpath("//h1/text()")


def test_about_has_aims_history_departments_and_the_coordinating_office(client):
    doc = page(english(client).get("/about"))
    headings = doc.xpath("//main//h2/text()")
    assert headings == [
        "Aims and scope",
        "History of the journal",
        "The departments of the cooperation",
    ]
    departments = [li.text_content() for li in doc.xpath("//ul[@class='departments']/li")]
    assert len(departments) == 4
    assert "Can Tho" in departments[0] and "coordinating office" in departments[0]
    assert doc.xpath("//section[h2[@id='aims']]/div/@lang") == ["en"]
    assert "Mekong Delta" in doc.xpath("string(//section[h2[@id='history']])")


def test_texts_come_from_the_settings_as_markdown_without_html(client, users):
    current = fresh_settings()
    values = dict(current)
    values["ABOUT_VI"] = "Lịch sử **mới**.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))"
    values["ABOUT_EN"] = ""
    update_journal_settings(users["admin"], values, version=current.version)

    vi = client.get("/about")
    history = page(vi).xpath("//section[h2[@id='history']]/div")[0]
    assert history.get("lang") == "vi"
    assert history.xpath(".//strong/text()") == ["mới"]
    assert not history.xpath(".//script") and not history.xpath(".//a")
    assert "<script>" not in vi.get_data(as_text=True)
    # no English text: the Vietnamese one, marked as such
    en = page(english(client).get("/about"))
    assert en.xpath("//section[h2[@id='history']]/div/@lang") == ["vi"]


def test_board_lists_each_departments_representatives_with_affiliation_and_orcid(client, users):
    member = make_user(
        "rep.cm@example.org",
        "Trương Thị Lan",
        affiliation="Viện Thủy sản",
        orcid="0000-0002-1825-0097",
    )
    make_board_member(member, "CM", "board_member")
    gone = make_user("gone@example.org", "Người Đã Nghỉ")
    make_board_member(gone, "CM", "province_editor")
    gone.active = False
    db.session.commit()

    doc = page(english(client).get("/about/board"))
    sections = doc.xpath("//section[contains(@class, 'board-province')]")
    assert [s.get("id") for s in sections] == [
        "province-CT",
        "province-AG",
        "province-CM",
        "province-KG",
    ]
    ca_mau = sections[2].text_content()
    assert "Trương Thị Lan" in ca_mau and "Viện Thủy sản" in ca_mau and "Board member" in ca_mau
    assert sections[2].xpath(".//a/@href") == ["https://orcid.org/0000-0002-1825-0097"]
    assert "Người Đã Nghỉ" not in ca_mau
    can_tho = sections[0].text_content()
    assert "coordinating office" in can_tho
    assert "Lê Văn Cường" in can_tho and "Province editor" in can_tho
    assert "has not named its representatives" in sections[3].text_content()


def test_guidelines_offer_both_templates_and_a_checklist(client):
    doc = page(client.get("/about/guidelines"))
    assert doc.xpath("//a[@download]/@href") == [
        "/about/guidelines/manuscript-template-vi.docx",
        "/about/guidelines/manuscript-template-en.docx",
    ]
    assert len(doc.xpath("//ul[@class='checklist']/li")) >= 6


@pytest.mark.parametrize(("lang", "heading"), [("vi", "Giới thiệu"), ("en", "Introduction")])
def test_the_manuscript_template_is_a_docx_the_pipeline_typesets(client, tmp_path, lang, heading):
    response = client.get(f"/about/guidelines/manuscript-template-{lang}.docx")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    assert "attachment" in response.headers["Content-Disposition"]
    document = Document(io.BytesIO(response.data))
    assert document.paragraphs[1].text == heading
    assert document.core_properties.author == ""  # anonymous as it comes
    manuscript = tmp_path / f"template-{lang}.docx"
    manuscript.write_bytes(response.data)

    jats = convert(manuscript, "docx", tmp_path).tree

    titles = jats.xpath("//body/sec/title/text()")
    assert titles[0] == heading and len(titles) == 5  # the references become the ref-list
    assert jats.xpath("//body//table-wrap//td")
    assert len(jats.xpath("//ref-list/ref")) == 2


def test_policies_cover_review_open_access_ethics_and_fees(client):
    doc = page(english(client).get("/about/policies"))
    assert doc.xpath("//main//h2/text()") == [
        "Peer review",
        "Open access and licence",
        "Ethics and retractions",
        "Fees",
    ]
    assert "no submission, processing or publication fee" in doc.text_content()
    vi = page(client.get("/about/policies?lang=vi"))
    assert "Phí" in vi.xpath("//main//h2/text()")


def test_contact_gives_the_address_of_the_coordinating_office(client):
    doc = page(english(client).get("/about/contact"))
    assert doc.xpath("//a[starts-with(@href, 'mailto:')]/@href") == [
        "mailto:toasoan@mekongjournal.vn"
    ]
    assert "Can Tho, the coordinating office" in doc.text_content()


@pytest.mark.parametrize("path", ["/", "/archive", "/accounts/login", "/about/board", "/nowhere"])
def test_every_page_links_the_journal_pages_in_its_footer(client, path):
    doc = page(client.get(path))
    links = doc.xpath("//footer//a/@href")
    assert [*PAGES, "/news"] == links


def test_sitemap_lists_the_journal_pages(client, app):
    root = etree.fromstring(client.get("/sitemap.xml").data)
    locs = root.xpath(
        "//s:loc/text()", namespaces={"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    )
    base = app.config["BASE_URL"].rstrip("/")
    for path in [*PAGES, "/news"]:
        assert base + path in locs


def test_favicon_and_logo(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    with Image.open(io.BytesIO(icon.data)) as image:
        assert image.format == "ICO" and image.size[0] >= 16
    icon.close()
    logo = client.get("/static/img/logo.svg")
    svg = etree.fromstring(logo.data)
    logo.close()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.xpath("//*[local-name()='title']")
    doc = page(client.get("/"))
    assert doc.xpath("//link[@rel='icon']/@href")
    assert doc.xpath("//header//img[@class='logo']/@src") == ["/static/img/logo.svg"]
