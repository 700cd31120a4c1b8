"""DOAJ article XML: valid against doajArticles.xsd 1.3, bilingual, ISO 639-2/B codes."""

from __future__ import annotations

import pytest
from lxml import etree

from crossref import Contributor, MetadataError, validate
from journal.publish.doaj import build_doaj, check_doaj

from ..crossref.samples import (
    make_articles,
    make_english_article,
    make_issue,
    make_journal,
    make_short_article,
    make_vietnamese_article,
    schema_or_skip,
)

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def doaj_xsd():
    return schema_or_skip("doaj/doajArticles.xsd")


def parse(xml: bytes) -> etree._Element:
    return etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))


@pytest.fixture(scope="module")
def records() -> list[etree._Element]:
    return parse(build_doaj(make_journal(), make_articles(), make_issue())).findall("record")


def test_issue_export_validates(doaj_xsd):
    xml = build_doaj(make_journal(), make_articles(), make_issue())
    assert validate(xml, doaj_xsd) == []
    assert len(parse(xml).findall("record")) == 3


def test_shared_example_validates(doaj_xsd):
    example = schema_or_skip("examples/doaj-example.xml")
    assert validate(example.read_bytes(), doaj_xsd) == []


def test_journal_and_issue_fields(records):
    first = records[0]
    assert first.findtext("journalTitle") == (
        "Tập san Khoa học và Công nghệ Đồng bằng sông Cửu Long"
    )
    assert first.findtext("publisher") == "Sở Khoa học và Công nghệ thành phố Cần Thơ"
    assert (first.findtext("issn"), first.findtext("eissn")) == ("2049-3630", "0317-8471")
    assert (first.findtext("volume"), first.findtext("issue")) == ("3", "2")
    assert (first.findtext("startPage"), first.findtext("endPage")) == ("1", "14")
    assert first.findtext("doi") == "10.32013/mdj.2025.0001"
    assert first.findtext("documentType") == "article"
    # the first publication date (online, before print)
    assert first.findtext("publicationDate") == "2025-06-15"
    assert records[2].findtext("publicationDate") == "2025-06-30"


def test_languages_are_iso_639_2b_with_the_article_language_first(records):
    vietnamese, english, short = records
    assert vietnamese.findtext("language") == "vie"
    assert english.findtext("language") == "eng"
    assert [(t.get("language"), t.text) for t in english.findall("title")] == [
        ("eng", "IoT sensors in shrimp farming"),
        ("vie", "Ứng dụng cảm biến IoT trong nuôi tôm"),
    ]
    assert [a.get("language") for a in vietnamese.findall("abstract")] == ["vie", "eng"]
    assert vietnamese.find("abstract").text == (
        "Nghiên cứu đánh giá chất lượng nước mặt tại 24 điểm quan trắc.\n\n"
        "Kết quả cho thấy độ mặn tăng vào mùa khô."
    )
    assert [(k.get("language"), [w.text for w in k]) for k in vietnamese.findall("keywords")] == [
        ("vie", ["chất lượng nước", "xâm nhập mặn"]),
        ("eng", ["water quality", "salinity intrusion"]),
    ]
    assert [t.get("language") for t in short.findall("title")] == ["vie"]
    assert short.find("abstract") is None and short.find("keywords") is None


def test_authors_affiliations_and_orcid(records):
    vietnamese, _, short = records
    authors = vietnamese.findall("authors/author")
    assert [a.findtext("name") for a in authors] == ["Nguyễn Văn An", "Trần Thị Bích Ngọc"]
    assert [[i.text for i in a.findall("affiliationId")] for a in authors] == [["1"], ["1", "2"]]
    assert [
        (a.get("affiliationId"), a.text)
        for a in vietnamese.findall("affiliationsList/affiliationName")
    ] == [
        ("1", "Trường Đại học Cần Thơ"),
        ("2", "Sở Khoa học và Công nghệ tỉnh Cà Mau"),
    ]
    assert authors[1].findtext("orcid_id") == "https://orcid.org/0000-0001-5109-3700"
    assert short.find("authors/author/orcid_id") is None
    assert short.find("affiliationsList") is None
    assert vietnamese.find(".//email") is None


def test_full_text_is_the_pdf_or_else_the_landing_page(records):
    vietnamese, _, short = records
    pdf = vietnamese.find("fullTextUrl")
    assert (pdf.get("format"), pdf.text) == (
        "pdf",
        "https://tapsan.example.vn/articles/2025/0001.pdf",
    )
    html = short.find("fullTextUrl")
    assert (html.get("format"), html.text) == (
        "html",
        "https://tapsan.example.vn/articles/2025/0003",
    )


def test_online_first_without_issue_and_electronic_issn_only(doaj_xsd):
    journal = make_journal(issn_print=None, publisher="")
    xml = build_doaj(journal, [make_english_article()])
    assert validate(xml, doaj_xsd) == []
    record = parse(xml).find("record")
    assert record.find("volume") is None and record.find("issue") is None
    assert record.find("issn") is None and record.findtext("eissn") == "0317-8471"
    assert record.find("publisher") is None


def test_hostile_text_is_escaped_and_cleaned(doaj_xsd):
    article = make_vietnamese_article(
        title_vi=f"Nước & {SCRIPT}\x00\x1b " + "rất dài " * 3000,
        abstract_en=f"A {SCRIPT}\x0b & B",
        contributors=(Contributor(f"Lê {SCRIPT}\x07", affiliations=("A & B\x00",)),),
        keywords_vi=("<b>", "", "\x01"),
    )
    xml = build_doaj(make_journal(), [article], make_issue())
    assert validate(xml, doaj_xsd) == []
    assert b"<script>" not in xml and b"<b>" not in xml
    record = parse(xml).find("record")
    assert record.find("title").text.startswith(f"Nước & {SCRIPT} rất dài")
    assert record.findall("abstract")[1].text == f"A {SCRIPT} & B"
    assert record.findtext("authors/author/name") == f"Lê {SCRIPT}"
    assert record.findtext("affiliationsList/affiliationName") == "A & B"
    assert [k.text for k in record.findall("keywords/keyword")] == [
        "<b>",
        "water quality",
        "salinity intrusion",
    ]


def test_missing_metadata_is_reported_by_article():
    journal = make_journal(issn_print=None, issn_electronic="bad")
    broken = make_short_article(published_print=None, landing_url="http://localhost:5000/a/3")
    assert check_doaj(journal, broken) == [
        "Article 'Ghi chú về giống lúa chịu mặn OM5451' (DOI 10.32013/mdj.2025.0003): " + problem
        for problem in (
            "the journal has no valid ISSN",
            "no publication date",
            "no full-text URL DOAJ accepts (http(s) on a public host name)",
        )
    ]
    with pytest.raises(MetadataError) as caught:
        build_doaj(journal, [make_vietnamese_article(), broken])
    assert len(caught.value.problems) == 4  # the ISSN for each article, two for the broken one
    with pytest.raises(MetadataError, match="no articles"):
        build_doaj(make_journal(), [])
