"""Every sample in every format and language → valid JATS, an accessible HTML galley and a
PDF with the Vietnamese title, its fonts, metadata and the JATS attached."""

from __future__ import annotations

import io
import itertools
import re
import unicodedata

import pytest
from lxml import etree
from pypdf import PdfReader

from journal.publish.typeset import STAGES, pdf_preview_pngs, validate
from journal.publish.typeset.safexml import MML, XML_LANG, parse_xml

from .conftest import FORMATS, LANGS
from .samples import TEXT

CASES = [(fmt, lang) for fmt in FORMATS for lang in LANGS]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", " ".join(text.split()))


@pytest.mark.parametrize(("fmt", "lang"), CASES)
def test_jats_is_valid_and_complete(galleys, xsd_path, fmt, lang):
    result, stages, _ = galleys(fmt, lang)
    assert stages == list(STAGES)
    tree = parse_xml(result.jats)
    validate(tree, xsd_path)  # raises on any schema error or dangling xref
    other = "en" if lang == "vi" else "vi"
    assert tree.get(XML_LANG) == lang
    meta = tree.find("front/article-meta")
    assert nfc(meta.findtext("title-group/article-title")) == nfc(TEXT[lang]["title"])
    assert meta.find("title-group/trans-title-group").get(XML_LANG) == other
    assert meta.find("trans-abstract").get(XML_LANG) == other
    assert [g.get(XML_LANG) for g in meta.findall("kwd-group")] == [lang, other]
    assert meta.findtext("article-id[@pub-id-type='doi']") == "10.99999/mdjst.2025.0012"
    assert meta.findtext("contrib-group/contrib/contrib-id") == (
        "https://orcid.org/0000-0002-1825-0097"
    )
    assert meta.findtext("funding-group/award-group/award-id") == "CM-2023-07"
    ali = "{http://www.niso.org/schemas/ali/1.0/}license_ref"
    assert meta.findtext(f"permissions/license/{ali}").endswith("/licenses/by/4.0/")
    assert [d.get("date-type") for d in meta.findall("history/date")] == [
        "received",
        "rev-recd",
        "accepted",
    ]
    body = tree.find("body")
    assert len(body.findall(".//table-wrap")) == 1
    fig = body.find(".//fig")
    assert fig is not None and fig.findtext("graphic/alt-text").strip()
    assert tree.find("back/fn-group/fn") is not None
    refs = tree.findall("back/ref-list/ref")
    assert len(refs) == 2
    citation = "element-citation" if fmt == "md" else "mixed-citation"
    assert all(ref.find(citation) is not None for ref in refs)
    assert tree.find(".//pub-id[@pub-id-type='doi']") is not None
    # pandoc's ODT reader drops embedded formula objects: the other formats keep MathML.
    if fmt != "odt":
        assert len(list(body.iter(f"{{{MML}}}math"))) >= 2
    # every citation is linked to its reference
    bibr = [x.get("rid") for x in body.iter("xref") if x.get("ref-type") == "bibr"]
    if fmt in ("md", "tex"):
        assert set(bibr) == {r.get("id") for r in refs}
    assert len(result.media) == 1
    assert next(iter(result.media.values())).startswith(b"\x89PNG")


@pytest.mark.parametrize(("fmt", "lang"), CASES)
def test_html_galley_is_accessible(galleys, fmt, lang):
    result, _, _ = galleys(fmt, lang)
    doc = etree.HTML(result.html)
    assert doc.get("lang") == lang
    assert doc.find(".//title").text.strip()
    assert len(doc.findall(".//h1")) == 1
    levels = [int(h.tag[1]) for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels
    images = doc.findall(".//img")
    assert images and all((img.get("alt") or "").strip() for img in images)
    assert all(img.get("src").startswith("media/") for img in images)
    abstracts = doc.findall(".//section[@class='abstract']")
    assert [a.get("lang") for a in abstracts] == [lang, "en" if lang == "vi" else "vi"]
    assert doc.find(".//p[@class='trans-title']").get("lang") != lang
    refs = doc.findall(".//section[@id='references']/ol/li")
    assert len(refs) == 2
    assert any(a.get("href", "").startswith("https://doi.org/10.") for a in doc.iter("a"))
    assert doc.find(".//table/caption") is not None
    assert doc.find(".//figure/figcaption") is not None
    assert doc.find(".//*[@id='notes']//li") is not None
    if fmt != "odt":
        assert "<math" in result.html
    assert "<script" not in result.html


@pytest.mark.parametrize(("fmt", "lang"), CASES)
def test_pdf_galley(galleys, fmt, lang):
    result, _, _ = galleys(fmt, lang)
    reader = PdfReader(io.BytesIO(result.pdf))
    text = nfc(" ".join(page.extract_text() for page in reader.pages))
    title = nfc(TEXT["vi"]["title"])
    assert title.split()[0] in text
    assert nfc("khả năng chịu mặn của giống lúa") in text  # diacritics intact
    assert "Tập san Khoa học và Công nghệ" in text
    assert "10.99999/mdjst.2025.0012" in text
    info = reader.metadata
    assert nfc(info.title) == nfc(TEXT[lang]["title"])
    assert "Nguyễn Văn An" in info.author
    assert reader.trailer["/Root"]["/Lang"] == lang
    assert list(reader.attachments) == ["article.xml"]
    assert reader.attachments["article.xml"][0] == result.jats
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.add(str(font["/BaseFont"]))
    assert any("Noto-Serif" in f for f in fonts), fonts


def test_previews_are_pngs(galleys):
    result, _, _ = galleys("md", "vi")
    pages = pdf_preview_pngs(result.pdf, pages=2)
    assert 1 <= len(pages) <= 2
    assert all(p.startswith(b"\x89PNG\r\n\x1a\n") for p in pages)


def test_html_galley_links_to_notes_and_figures(galleys):
    result, _, _ = galleys("md", "en")
    doc = etree.HTML(result.html)
    ids = {e.get("id") for e in doc.iter() if e.get("id")}
    internal = [a.get("href")[1:] for a in doc.iter("a") if (a.get("href") or "").startswith("#")]
    assert internal and set(internal) <= ids
    assert re.search(r'href="#fig-sites"', result.html)
