"""Anonymised copies: what is scrubbed from docx, odt, Markdown and LaTeX, and what the leak
check finds (accent-folded, both name orders, ORCID with or without hyphens)."""

from __future__ import annotations

import io
import zipfile

import pytest

from journal.filetypes import DOCX, LATEX, MARKDOWN, ODT, ZipLimits
from journal.review.anonymise import (
    AnonymisationError,
    Place,
    document_text,
    find_leaks,
    fold,
    make_needles,
    scrub,
    scrub_latex,
    scrub_markdown,
)

from .documents import docx_parts_text, identity_docx, identity_latex, identity_markdown

LIMITS = ZipLimits(2000, 300 * 1024 * 1024, 100)
NAME, EMAIL, ORCID = (
    "Nguyễn Văn An",
    "an.nguyen@example.org",
    "https://orcid.org/0000-0002-1825-0097",
)
NEEDLES = make_needles([(NAME, EMAIL, ORCID)])


def leaks_in(data: bytes, media_type: str):
    return find_leaks(document_text(data, media_type, LIMITS, "copy"), NEEDLES)


def test_the_identity_docx_really_names_the_author_everywhere():
    original = identity_docx(NAME, EMAIL, ORCID)
    text = docx_parts_text(original)
    for needle in (NAME, EMAIL, "0000-0002-1825-0097", "Đại học Cần Thơ"):
        assert needle in text
    places = {f.location for f in leaks_in(original, DOCX)}
    for part in (
        "docProps/core.xml",
        "docProps/app.xml",
        "docProps/custom.xml",
        "word/document.xml",
        "word/comments.xml",
        "word/people.xml",
    ):
        assert f"copy: {part}" in places


def test_docx_properties_custom_properties_and_revision_authors_are_scrubbed():
    scrubbed = scrub(identity_docx(NAME, EMAIL, ORCID), DOCX, LIMITS)
    text = docx_parts_text(scrubbed)
    assert NAME not in text and EMAIL not in text and "1825-0097" not in text
    assert "Đại học Cần Thơ" not in text  # the company
    assert leaks_in(scrubbed, DOCX) == []
    assert 'w:author="Anonymous"' in text  # the tracked change and the comment stay
    assert "Kiểm tra lại số liệu." in text and "Bổ sung năm 2025." in text
    assert "Khả năng chịu mặn của giống lúa" in text  # the title property and the body stay


def test_a_scrubbed_docx_still_opens_in_word_processing_libraries():
    import docx

    scrubbed = scrub(identity_docx(NAME, EMAIL, ORCID), DOCX, LIMITS)
    document = docx.Document(io.BytesIO(scrubbed))
    assert document.core_properties.author == ""
    assert document.core_properties.last_modified_by == ""
    assert "Giống lúa OM18" in "\n".join(p.text for p in document.paragraphs)
    names = zipfile.ZipFile(io.BytesIO(scrubbed)).namelist()
    original = zipfile.ZipFile(io.BytesIO(identity_docx(NAME, EMAIL, ORCID))).namelist()
    assert "docProps/thumbnail.jpeg" in original  # python-docx's template has one
    assert names == [n for n in original if n != "docProps/thumbnail.jpeg"]
    assert "thumbnail" not in zipfile.ZipFile(io.BytesIO(scrubbed)).read("_rels/.rels").decode()


def test_a_name_in_the_body_is_found_not_silently_removed():
    data = identity_docx(NAME, EMAIL, ORCID, body="Tác giả: Nguyen Van An, Đại học Cần Thơ.")
    findings = leaks_in(scrub(data, DOCX, LIMITS), DOCX)
    assert [(f.location, f.kind) for f in findings] == [("copy: word/document.xml", "name")]
    assert "Nguyen Van An" in findings[0].excerpt


def odt_with_identity() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            b"application/vnd.oasis.opendocument.text",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr(
            "meta.xml",
            '<?xml version="1.0" encoding="UTF-8"?><office:document-meta'
            ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
            ' xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/"><office:meta>'
            f"<meta:initial-creator>{NAME}</meta:initial-creator><dc:creator>{NAME}</dc:creator>"
            f'<meta:user-defined meta:name="Email">{EMAIL}</meta:user-defined>'
            "<dc:title>Chịu mặn</dc:title></office:meta></office:document-meta>",
        )
        archive.writestr(
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?><office:document-content'
            ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
            ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
            ' xmlns:dc="http://purl.org/dc/elements/1.1/"><office:body><office:text>'
            "<text:tracked-changes><text:changed-region text:id='c1'><text:insertion>"
            f"<office:change-info><dc:creator>{NAME}</dc:creator></office:change-info>"
            "</text:insertion></text:changed-region></text:tracked-changes>"
            f"<text:p>Giống lúa.<office:annotation><dc:creator>{NAME}</dc:creator>"
            "<text:p>Xem lại.</text:p></office:annotation></text:p>"
            "</office:text></office:body></office:document-content>",
        )
    return out.getvalue()


def test_odt_meta_annotations_and_changes_are_scrubbed_and_mimetype_stays_first():
    original = odt_with_identity()
    assert len(leaks_in(original, ODT)) >= 2
    scrubbed = scrub(original, ODT, LIMITS)
    archive = zipfile.ZipFile(io.BytesIO(scrubbed))
    first = archive.infolist()[0]
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    text = "".join(archive.read(n).decode() for n in archive.namelist())
    assert NAME not in text and EMAIL not in text
    assert "Chịu mặn" in text and "Xem lại." in text
    assert leaks_in(scrubbed, ODT) == []


def test_markdown_front_matter_authors_are_removed_and_the_rest_kept():
    text = scrub_markdown(identity_markdown(NAME, EMAIL).decode())
    assert NAME not in text and EMAIL not in text and "affiliation" not in text
    assert text.startswith("---\ntitle: Khả năng chịu mặn của giống lúa\nlang: vi\n---\n")
    assert "Giống lúa OM18 chịu mặn tốt." in text


def test_a_pandoc_title_block_loses_its_author_line():
    text = scrub_markdown(f"% Chịu mặn\n% {NAME}; Trần B\n% 2026\n\nNội dung.\n")
    assert text == "% Chịu mặn\n%\n% 2026\n\nNội dung.\n"


def test_latex_author_thanks_and_affil_are_removed_with_balanced_arguments():
    text = scrub_latex(identity_latex(NAME, EMAIL).decode())
    assert NAME not in text and EMAIL not in text and "Cần Thơ" not in text
    assert "\\title{Chịu mặn}" in text
    assert "\\maketitle" in text and "Giống lúa OM18 chịu mặn." in text
    assert scrub(identity_latex(NAME, EMAIL), LATEX, LIMITS).decode() == text


def test_an_unbalanced_latex_author_drops_the_rest_rather_than_leak_it():
    assert scrub_latex("Intro \\author{" + NAME + " and more") == "Intro "


@pytest.mark.parametrize(
    "text",
    [
        "Nguyen Van An",
        "NGUYỄN VĂN AN",
        "Van An Nguyen",
        "nguyen_van_an.png",
        "an.nguyen@example.org",
        "AN.NGUYEN@EXAMPLE.ORG",
        "0000-0002-1825-0097",
        "000000021825 0097",
        "https://orcid.org/0000000218250097",
    ],
)
def test_the_leak_check_finds_every_spelling(text):
    findings = find_leaks([Place("somewhere", f"… {text} …")], NEEDLES)
    assert [f.location for f in findings] == ["somewhere"]


@pytest.mark.parametrize(
    "text", ["Nguyen Van Anh", "Vân Anh", "nguyen van", "an.nguyen@example.orgs"]
)
def test_the_leak_check_does_not_fire_on_other_words(text):
    assert find_leaks([Place("x", text)], NEEDLES) == []


def test_fold_removes_vietnamese_diacritics():
    assert fold("Nguyễn Đức Thắng, Cần Thơ") == "nguyen duc thang, can tho"


def test_the_excerpt_points_at_the_original_text():
    [finding] = find_leaks([Place("p", "Mở đầu. Tác giả NGUYỄN VĂN AN viết.")], NEEDLES)
    assert "NGUYỄN VĂN AN" in finding.excerpt


def test_a_damaged_part_is_a_clear_error():
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><unclosed>")
    with pytest.raises(AnonymisationError) as error:
        scrub(data.getvalue(), DOCX, LIMITS)
    assert "word/document.xml" in str(error.value.message)


def test_entities_are_not_expanded_while_scrubbing(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>",
        )
    scrubbed = scrub(data.getvalue(), DOCX, LIMITS)
    assert b"TOP-SECRET" not in scrubbed
    assert all("TOP-SECRET" not in p.text for p in document_text(scrubbed, DOCX, LIMITS, "c"))


def test_a_zip_bomb_is_refused_before_scrubbing():
    from journal.errors import InvalidUpload
    from tests.submissions.documents import ratio_bomb_docx

    with pytest.raises(InvalidUpload):
        scrub(ratio_bomb_docx(20), DOCX, ZipLimits(2000, 10 * 1024 * 1024, 100))


def test_plain_text_and_markdown_places():
    assert document_text(b"abc", MARKDOWN, LIMITS, "m.md") == [Place("m.md", "abc")]
    with pytest.raises(AnonymisationError):
        scrub("chữ".encode("utf-16"), MARKDOWN, LIMITS)


def test_a_very_short_one_word_name_is_not_a_needle():
    needles = make_needles([("An", None, None), ("Khánh", None, None)])
    assert find_leaks([Place("p", "an analysis of an ox")], needles) == []
    assert [f.value for f in find_leaks([Place("p", "Cảm ơn Khanh.")], needles)] == ["Khánh"]
