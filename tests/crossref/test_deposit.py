"""The deposit XML: it validates against Crossref 5.4.0 and says what the records say."""

from __future__ import annotations

from datetime import date

import pytest
from lxml import etree

from crossref import Contributor, build_deposit, load_schema, validate
from crossref.deposit import AI, CR, FR, JATS, XML_LANG

from .samples import (
    make_articles,
    make_batch,
    make_english_article,
    make_issue,
    make_journal,
    make_short_article,
    make_vietnamese_article,
    schema_or_skip,
)

NS = {"cr": CR, "jats": JATS, "fr": FR, "ai": AI}


def parse(xml: bytes) -> etree._Element:
    return etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))


def article_elements(root: etree._Element) -> list[etree._Element]:
    return root.findall(".//cr:journal_article", NS)


@pytest.fixture(scope="module")
def deposit() -> bytes:
    return build_deposit(make_batch(), make_journal(), make_issue(), make_articles())


def test_issue_with_three_articles_validates(deposit, crossref_xsd):
    assert validate(deposit, crossref_xsd) == []
    assert len(article_elements(parse(deposit))) == 3


def test_shared_example_validates(crossref_xsd):
    example = schema_or_skip("examples/crossref-example.xml")
    assert validate(example.read_bytes(), crossref_xsd) == []


def test_validator_reports_schema_errors(deposit, crossref_xsd):
    root = parse(deposit)
    doi_data = root.find(".//cr:journal_article/cr:doi_data", NS)
    doi_data.getparent().remove(doi_data)
    errors = validate(etree.tostring(root), crossref_xsd)
    assert errors and any("doi_data" in e for e in errors)


def test_validator_reports_broken_xml_without_raising(crossref_xsd):
    errors = validate(b"<doi_batch><head>", crossref_xsd)
    assert len(errors) == 1 and "not well-formed" in errors[0]


def test_validator_does_not_expand_entities(crossref_xsd, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    hostile = (
        f'<!DOCTYPE doi_batch [<!ENTITY x SYSTEM "file://{secret}">]>'
        f'<doi_batch xmlns="{CR}" version="5.4.0"><head>&x;</head></doi_batch>'
    ).encode()
    errors = validate(hostile, crossref_xsd)
    assert errors == ["line 1: entity &x; is not allowed"]


def test_schema_is_parsed_once(crossref_xsd):
    assert load_schema(crossref_xsd) is load_schema(str(crossref_xsd))


def test_head_and_journal_metadata(deposit):
    root = parse(deposit)
    assert root.get("version") == "5.4.0"
    assert root.findtext("cr:head/cr:doi_batch_id", namespaces=NS) == "mdj-20250630-0001"
    assert root.findtext("cr:head/cr:timestamp", namespaces=NS) == "20250630120000000"
    assert root.findtext(".//cr:depositor/cr:email_address", namespaces=NS) == (
        "crossref@tapsan.example.vn"
    )
    metadata = root.find(".//cr:journal_metadata", NS)
    assert metadata.get("language") == "vi"
    assert [t.text for t in metadata.findall("cr:full_title", NS)] == [
        "Tập san Khoa học và Công nghệ Đồng bằng sông Cửu Long",
        "Mekong Delta Journal of Science and Technology",
    ]
    assert {i.get("media_type"): i.text for i in metadata.findall("cr:issn", NS)} == {
        "print": "2049-3630",
        "electronic": "0317-8471",
    }
    issue = root.find(".//cr:journal_issue", NS)
    assert issue.findtext("cr:journal_volume/cr:volume", namespaces=NS) == "3"
    assert issue.findtext("cr:issue", namespaces=NS) == "2"
    assert issue.findtext("cr:publication_date/cr:year", namespaces=NS) == "2025"


def test_article_children_come_in_schema_order(deposit):
    order = [
        "titles",
        "contributors",
        "abstract",
        "publication_date",
        "pages",
        "program",  # fr:program then ai:program
        "doi_data",
        "citation_list",
    ]
    first = article_elements(parse(deposit))[0]
    names = [etree.QName(child).localname for child in first]
    collapsed = [n for i, n in enumerate(names) if i == 0 or names[i - 1] != n]
    assert collapsed == order
    programs = [etree.QName(c).namespace for c in first if etree.QName(c).localname == "program"]
    assert programs == [FR, AI]


def test_titles_in_both_languages_article_language_first(deposit):
    vietnamese, english, _ = article_elements(parse(deposit))
    assert vietnamese.get("language") == "vi"
    assert [t.text for t in vietnamese.findall("cr:titles/cr:title", NS)] == [
        "Đánh giá chất lượng nước mặt vùng ven biển tỉnh Cà Mau",
        "Assessing surface water quality in the coastal zone of Cà Mau province",
    ]
    assert english.get("language") == "en"
    assert [t.text for t in english.findall("cr:titles/cr:title", NS)] == [
        "IoT sensors in shrimp farming",
        "Ứng dụng cảm biến IoT trong nuôi tôm",
    ]


def test_contributors_with_split_names_orcid_and_institutions(deposit):
    vietnamese, english, short = article_elements(parse(deposit))
    people = vietnamese.findall("cr:contributors/cr:person_name", NS)
    assert [p.get("sequence") for p in people] == ["first", "additional"]
    assert {p.get("contributor_role") for p in people} == {"author"}
    assert [
        (p.findtext("cr:given_name", namespaces=NS), p.findtext("cr:surname", namespaces=NS))
        for p in people
    ] == [("Văn An", "Nguyễn"), ("Thị Bích Ngọc", "Trần")]
    first_orcid = people[0].find("cr:ORCID", NS)
    assert first_orcid.text == "https://orcid.org/0000-0002-1825-0097"
    assert first_orcid.get("authenticated") == "true"
    assert people[1].find("cr:ORCID", NS).text == "https://orcid.org/0000-0001-5109-3700"
    assert people[1].find("cr:ORCID", NS).get("authenticated") is None
    assert [i.text for i in people[1].findall(".//cr:institution/cr:institution_name", NS)] == [
        "Trường Đại học Cần Thơ",
        "Sở Khoa học và Công nghệ tỉnh Cà Mau",
    ]
    smith = english.find("cr:contributors/cr:person_name", NS)
    assert smith.findtext("cr:given_name", namespaces=NS) == "Jane M."
    assert smith.findtext("cr:surname", namespaces=NS) == "Smith"
    only = short.find("cr:contributors/cr:person_name", NS)
    assert only.findtext("cr:surname", namespaces=NS) == "Thạch"
    assert only.find("cr:ORCID", NS) is None
    assert only.find("cr:affiliations", NS) is None


def test_abstracts_in_both_languages_as_jats_paragraphs(deposit):
    vietnamese, _, short = article_elements(parse(deposit))
    abstracts = vietnamese.findall("jats:abstract", NS)
    assert [a.get(XML_LANG) for a in abstracts] == ["vi", "en"]
    assert [p.text for p in abstracts[1].findall("jats:p", NS)] == [
        "The study assesses surface water quality at 24 monitoring sites.",
        "Salinity rises in the dry season.",
    ]
    assert short.findall("jats:abstract", NS) == []


def test_publication_dates_and_pages(deposit):
    vietnamese, english, _ = article_elements(parse(deposit))
    dates = {
        d.get("media_type"): tuple(
            d.findtext(f"cr:{p}", namespaces=NS) for p in ("year", "month", "day")
        )
        for d in vietnamese.findall("cr:publication_date", NS)
    }
    assert dates == {"online": ("2025", "06", "15"), "print": ("2025", "06", "30")}
    assert english.findtext("cr:pages/cr:first_page", namespaces=NS) == "15"
    assert english.findtext("cr:pages/cr:last_page", namespaces=NS) == "27"


def test_funder_and_award_only_where_funded(deposit):
    vietnamese, english, _ = article_elements(parse(deposit))
    group = vietnamese.find("fr:program/fr:assertion[@name='fundgroup']", NS)
    assert group.find("fr:assertion[@name='funder_name']", NS).text == (
        "Sở Khoa học và Công nghệ tỉnh Cà Mau"
    )
    assert group.find("fr:assertion[@name='award_number']", NS).text == "CM-2023-07"
    assert english.find("fr:program", NS) is None


def test_funder_identifier_nested_in_funder_name(crossref_xsd):
    from crossref import Funding

    article = make_vietnamese_article(
        funding=(
            Funding(
                "Quỹ Phát triển KH&CN Quốc gia",
                "102.01-2020.15",
                funder_id="https://doi.org/10.13039/100007224",
            ),
            Funding("Sở KH&CN tỉnh An Giang", "AG-2022-01"),
        )
    )
    xml = build_deposit(make_batch(), make_journal(), make_issue(), [article])
    assert validate(xml, crossref_xsd) == []
    groups = parse(xml).findall(".//fr:assertion[@name='fundgroup']", NS)
    assert len(groups) == 2
    funder = groups[0].find("fr:assertion[@name='funder_name']", NS)
    assert funder.text == "Quỹ Phát triển KH&CN Quốc gia"
    assert funder.find("fr:assertion[@name='funder_identifier']", NS).text == (
        "https://doi.org/10.13039/100007224"
    )


def test_licence_free_to_read_from_first_publication(deposit):
    vietnamese, _, short = article_elements(parse(deposit))
    program = vietnamese.find("ai:program", NS)
    assert program.find("ai:free_to_read", NS).get("start_date") == "2025-06-15"
    refs = program.findall("ai:license_ref", NS)
    assert [(r.get("applies_to"), r.get("start_date"), r.text) for r in refs] == [
        ("vor", "2025-06-15", "https://creativecommons.org/licenses/by/4.0/"),
        ("tdm", "2025-06-15", "https://creativecommons.org/licenses/by/4.0/"),
    ]
    assert short.find("ai:program/ai:license_ref", NS).get("start_date") == "2025-06-30"


def test_doi_data_with_landing_page_and_text_mining_pdf(deposit):
    vietnamese, _, short = article_elements(parse(deposit))
    doi_data = vietnamese.find("cr:doi_data", NS)
    assert doi_data.findtext("cr:doi", namespaces=NS) == "10.32013/mdj.2025.0001"
    assert doi_data.findtext("cr:resource", namespaces=NS) == (
        "https://tapsan.example.vn/articles/2025/0001"
    )
    mining = doi_data.find("cr:collection[@property='text-mining']/cr:item/cr:resource", NS)
    assert mining.text == "https://tapsan.example.vn/articles/2025/0001.pdf"
    assert mining.get("mime_type") == "application/pdf"
    assert short.find("cr:doi_data/cr:collection", NS) is None


def test_citations_with_dois_and_text(deposit):
    vietnamese, _, short = article_elements(parse(deposit))
    citations = vietnamese.findall("cr:citation_list/cr:citation", NS)
    assert [c.get("key") for c in citations] == ["ref1", "ref2", "ref3"]
    assert citations[0].findtext("cr:doi", namespaces=NS) == "10.32013/abcdef"
    assert citations[1].find("cr:doi", NS) is None
    assert citations[1].findtext("cr:unstructured_citation", namespaces=NS).startswith("Lê Văn")
    # a resolver URL is reduced to the bare DOI the schema wants
    assert citations[2].findtext("cr:doi", namespaces=NS) == "10.32013/xyz.12"
    assert short.find("cr:citation_list", NS) is None


def test_online_first_article_without_issue_validates(crossref_xsd):
    article = make_english_article(published_print=None, first_page=None, last_page=None)
    xml = build_deposit(make_batch(), make_journal(), None, [article])
    assert validate(xml, crossref_xsd) == []
    root = parse(xml)
    assert root.find(".//cr:journal_issue", NS) is None
    assert root.find(".//cr:journal_article/cr:pages", NS) is None


def test_english_journal_and_explicit_name_split(crossref_xsd):
    article = make_short_article(
        contributors=(
            Contributor("Kim Smith", name_order="given-first"),
            Contributor("Võ Thị Mai", given_name="Thị Mai", family_name="Võ"),
        ),
        published_print=date(2024, 12, 1),
    )
    journal = make_journal(language="en", issn_print=None)
    xml = build_deposit(make_batch(), journal, make_issue(number=None), [article])
    assert validate(xml, crossref_xsd) == []
    root = parse(xml)
    assert root.find(".//cr:full_title", NS).text == journal.title_en
    surnames = [s.text for s in root.findall(".//cr:person_name/cr:surname", NS)]
    assert surnames == ["Smith", "Võ"]
    assert root.find(".//cr:journal_issue/cr:issue", NS) is None
