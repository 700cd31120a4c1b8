"""Hostile and messy text: escaped or cleaned, never breaking the XML or the schema."""

from __future__ import annotations

import unicodedata

from lxml import etree

from crossref import Citation, Contributor, Funding, build_deposit, split_name, validate
from crossref.deposit import CR, JATS
from crossref.text import clean_line, paragraphs

from .samples import make_batch, make_issue, make_journal, make_vietnamese_article

NS = {"cr": CR, "jats": JATS}
SCRIPT = "<script>alert('x')</script>"
CONTROLS = "\x00\x01\x08\x0b\x0c\x1b\x7f\x85\x9f\ufffe\uffff"


def build(article) -> tuple[bytes, etree._Element]:
    xml = build_deposit(make_batch(), make_journal(), make_issue(), [article])
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    return xml, etree.fromstring(xml, parser)


def test_markup_and_ampersands_are_escaped_as_text(crossref_xsd):
    article = make_vietnamese_article(
        title_vi=f"Nước & đất {SCRIPT} <i>in nghiêng</i>",
        abstract_en=f"R&D {SCRIPT}\n\n<![CDATA[ ]]> &amp; &#x0; &unknown;",
        contributors=(Contributor(f"Nguyễn {SCRIPT}", affiliations=("Đại học A & B <b>",)),),
        funding=(Funding("Sở KH&CN <Cà Mau>", award_number="CM&07"),),
        citations=(Citation("r&1", unstructured=f"{SCRIPT} & co."),),
    )
    xml, root = build(article)
    assert validate(xml, crossref_xsd) == []
    assert b"<script>" not in xml and b"<i>" not in xml and b"<b>" not in xml
    assert root.find(".//{*}script") is None
    assert root.find(".//cr:titles/cr:title", NS).text == (f"Nước & đất {SCRIPT} <i>in nghiêng</i>")
    paras = [p.text for p in root.findall(".//jats:abstract[2]/jats:p", NS)]
    assert paras == [f"R&D {SCRIPT}", "<![CDATA[ ]]> &amp; &#x0; &unknown;"]
    assert root.find(".//cr:person_name/cr:given_name", NS).text == SCRIPT
    assert root.find(".//cr:citation", NS).get("key") == "r&1"


def test_control_characters_are_removed(crossref_xsd):
    article = make_vietnamese_article(
        title_vi=f"Đánh{CONTROLS} giá\tchất\r\nlượng",
        abstract_vi=f"Đoạn một{CONTROLS}.\r\n\r\nĐoạn\x00 hai.",
        contributors=(Contributor("Trần\x07 Thị\x1f Bé", orcid="\x00 0000-0002-1825-0097 "),),
        citations=(Citation("k\x01", unstructured=f"Tài liệu{CONTROLS} tham khảo"),),
    )
    xml, root = build(article)
    assert validate(xml, crossref_xsd) == []
    assert root.find(".//cr:titles/cr:title", NS).text == "Đánh giá chất lượng"
    assert [p.text for p in root.findall(".//jats:abstract[1]/jats:p", NS)] == [
        "Đoạn một.",
        "Đoạn hai.",
    ]
    person = root.find(".//cr:person_name", NS)
    assert person.findtext("cr:surname", namespaces=NS) == "Trần"
    assert person.findtext("cr:given_name", namespaces=NS) == "Thị Bé"
    assert person.findtext("cr:ORCID", namespaces=NS) == "https://orcid.org/0000-0002-1825-0097"
    assert root.find(".//cr:citation", NS).get("key") == "k"


def test_very_long_title_and_abstract_still_validate(crossref_xsd):
    long_title = "Nghiên cứu " * 2000
    long_abstract = ("Một câu rất dài. " * 500 + "\n\n") * 20
    article = make_vietnamese_article(title_vi=long_title, abstract_vi=long_abstract)
    xml, root = build(article)
    assert validate(xml, crossref_xsd) == []
    assert root.find(".//cr:titles/cr:title", NS).text == long_title.strip()
    assert len(root.findall(".//jats:abstract[1]/jats:p", NS)) == 20


def test_decomposed_vietnamese_is_normalised_to_nfc(crossref_xsd):
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    article = make_vietnamese_article(contributors=(Contributor(decomposed),))
    xml, root = build(article)
    assert validate(xml, crossref_xsd) == []
    person = root.find(".//cr:person_name", NS)
    assert person.findtext("cr:surname", namespaces=NS) == "Nguyễn"
    assert person.findtext("cr:given_name", namespaces=NS) == "Thị Ánh"


def test_text_helpers():
    assert clean_line(None) == ""
    assert clean_line("  a\u00a0\tb \n c ") == "a b c"
    assert paragraphs("one\n  \n\n two\nlines \n\n\n") == ["one", "two lines"]
    assert paragraphs("\x00\n\n ") == []
    assert split_name("\x00") == ("", "")
