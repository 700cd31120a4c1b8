"""The PDF galley for keeps: PDF/A-3b with the JATS attached, tagged, fonts embedded,
metadata complete (checked with pikepdf, independently of WeasyPrint); pages numbered from
the article's first page with matching page labels; the WeasyPrint stage bounded."""

from __future__ import annotations

import io
import subprocess

import pikepdf
import pytest

from journal.publish.typeset import TypesetError, render_pdf

from . import samples


def _open(pdf: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(pdf))


def _fonts(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    fonts = []
    for page in pdf.pages:
        for font in (page.Resources.get("/Font") or {}).values():
            descendants = font.get("/DescendantFonts")
            fonts.extend(descendants if descendants is not None else [font])
    return fonts


def _struct_kinds(node, found: set, depth: int = 0) -> set:
    if depth > 60:
        return found
    if isinstance(node, pikepdf.Dictionary):
        if "/S" in node:
            found.add(str(node.S))
        kids = node.get("/K")
        if kids is not None:
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                _struct_kinds(kid, found, depth + 1)
    return found


def test_pipeline_pdf_is_pdf_a_3b_tagged_with_the_jats(galleys):
    result, _stages, _workdir = galleys("md", "vi")
    with _open(result.pdf) as pdf:
        _check_archival(pdf, result)


def _check_archival(pdf, result) -> None:
    with pdf.open_metadata() as xmp:
        assert xmp.get("pdfaid:part") == "3"
        assert xmp.get("pdfaid:conformance") == "B"
        title = xmp.get("dc:title")
        assert title and samples.article_meta("vi").title_vi in str(title)
        assert xmp.get("dc:creator")
    intents = pdf.Root.OutputIntents
    assert len(intents) >= 1
    assert str(intents[0].S) == "/GTS_PDFA1"
    assert "/DestOutputProfile" in intents[0]
    # every font the pages use is embedded
    fonts = _fonts(pdf)
    assert fonts
    for font in fonts:
        descriptor = font.FontDescriptor
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font
    # tagged: marked content and a structure tree with paragraphs and headings
    assert bool(pdf.Root.MarkInfo.Marked)
    kinds = _struct_kinds(pdf.Root.StructTreeRoot, set())
    assert {"/P", "/H1"} <= kinds or {"/P", "/H2"} <= kinds, kinds
    assert str(pdf.Root.Lang) == "vi"
    # the JATS is attached as the PDF's source (PDF/A-3 associated file)
    attached = pdf.attachments["article.xml"]
    assert str(attached.obj.AFRelationship) == "/Source"
    assert attached.get_file().read_bytes() == result.jats
    assert any(str(f.F) == "article.xml" for f in pdf.Root.AF)


def _page_texts(pdf: bytes) -> list[str]:
    text = subprocess.run(
        ["/usr/bin/pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    return text.split("\f")[:-1]


LONG_HTML = (
    "<!DOCTYPE html><html lang='vi'><head><title>Trang</title></head><body>"
    + "<p>Xâm nhập mặn ở đồng bằng sông Cửu Long ngày càng nghiêm trọng.</p>" * 180
    + "</body></html>"
)


def test_pages_are_numbered_from_the_first_page_with_matching_labels(tmp_path):
    (tmp_path / "media").mkdir()
    pdf = render_pdf(LONG_HTML, tmp_path / "media", first_page=17)
    pages = _page_texts(pdf)
    assert len(pages) >= 3
    numbers = [page.split()[-1] for page in pages]
    assert numbers == [str(17 + n) for n in range(len(pages))]
    with _open(pdf) as document:
        labels = document.Root.PageLabels.Nums
        assert int(labels[0]) == 0
        assert int(labels[1].St) == 17
        assert str(labels[1].S) == "/D"


def test_without_a_first_page_pages_start_at_one(tmp_path):
    (tmp_path / "media").mkdir()
    pdf = render_pdf(LONG_HTML, tmp_path / "media")
    assert _page_texts(pdf)[0].split()[-1] == "1"
    with _open(pdf) as document:
        assert "/PageLabels" not in document.Root


def test_over_the_time_limit_the_pdf_fails_plainly_and_the_next_one_works(tmp_path):
    (tmp_path / "media").mkdir()
    with pytest.raises(TypesetError) as caught:
        render_pdf(LONG_HTML * 4, tmp_path / "media", time_limit=0.05)
    assert "longer than 0.05 seconds" in str(caught.value.message)
    assert render_pdf(LONG_HTML, tmp_path / "media").startswith(b"%PDF")


def test_over_the_memory_limit_the_pdf_fails_plainly_and_the_next_one_works(tmp_path):
    (tmp_path / "media").mkdir()
    rows = "".join(f"<tr><td>{n}</td><td>hàng {n}</td></tr>" for n in range(3000))
    html = f"<html lang='vi'><body><table>{rows}</table></body></html>"
    with pytest.raises(TypesetError) as caught:
        render_pdf(html, tmp_path / "media", memory_limit=64 << 20)
    assert "64 MB" in str(caught.value.message)
    assert render_pdf(LONG_HTML, tmp_path / "media").startswith(b"%PDF")
