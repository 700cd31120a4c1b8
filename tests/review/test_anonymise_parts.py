"""Anonymised copies: the binary and embedded parts of a docx or odt (pictures with EXIF,
XMP and PNG text chunks, thumbnails, embedded spreadsheets and OLE objects), the properties
beyond the title and language, headers and footers, hidden text; and the leak check reading
all of them."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from journal.filetypes import DOCX, ODT, ZipLimits
from journal.review.anonymise import (
    EmbeddedObjectError,
    document_text,
    find_leaks,
    make_needles,
    scrub,
)

from .documents import (
    docx_with_hidden_places,
    docx_with_parts,
    minimal_xlsx,
    odt_with_pictures,
    ole_object,
)

LIMITS = ZipLimits(2000, 300 * 1024 * 1024, 100)
NAME, EMAIL = "Nguyễn Văn An", "an.nguyen@example.org"
NEEDLES = make_needles([(NAME, EMAIL, None)])
XLSX = "word/embeddings/Microsoft_Excel_Worksheet.xlsx"


def leak_places(data: bytes, media_type=DOCX) -> set[str]:
    return {
        str(f.location)
        for f in find_leaks(document_text(data, media_type, LIMITS, "copy"), NEEDLES)
    }


def pictures(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    return {
        n: archive.read(n)
        for n in archive.namelist()
        if n.lower().endswith((".png", ".jpeg", ".jpg"))
    }


def test_the_leak_check_reads_pictures_thumbnails_and_embedded_packages():
    original = docx_with_parts(NAME, EMAIL, {XLSX: minimal_xlsx(NAME, EMAIL)})
    media = sorted(pictures(original))
    assert media == ["docProps/thumbnail.jpeg", "word/media/image1.jpg", "word/media/image2.png"]
    places = leak_places(original)
    for part in (*media, f"{XLSX}: docProps/core.xml", f"{XLSX}: xl/comments1.xml"):
        assert f"copy: {part}" in places, part


def test_pictures_lose_exif_xmp_and_text_chunks_and_keep_their_pixels():
    original = docx_with_parts(NAME, EMAIL, {})
    scrubbed = scrub(original, DOCX, LIMITS)
    before, after = pictures(original), pictures(scrubbed)
    assert set(after) == {"word/media/image1.jpg", "word/media/image2.png"}
    for part, data in after.items():
        with Image.open(io.BytesIO(data)) as clean, Image.open(io.BytesIO(before[part])) as old:
            assert (clean.format, clean.size, clean.mode) == (old.format, old.size, old.mode)
            assert dict(clean.getexif()) == {}
            assert not {"exif", "xmp", "XML:com.adobe.xmp", "Author", "Comment"} & set(clean.info)
            assert getattr(clean, "text", {}) == {}
            assert clean.convert("RGB").getpixel((5, 5)) == pytest.approx(
                old.convert("RGB").getpixel((5, 5)), abs=3
            )
    assert leak_places(scrubbed) == set()


def test_the_thumbnail_goes_with_its_relationship():
    scrubbed = scrub(docx_with_parts(NAME, EMAIL, {}), DOCX, LIMITS)
    archive = zipfile.ZipFile(io.BytesIO(scrubbed))
    assert "docProps/thumbnail.jpeg" not in archive.namelist()
    assert b"thumbnail" not in archive.read("_rels/.rels")
    import docx

    assert "Hình 1 và hình 2." in [p.text for p in docx.Document(io.BytesIO(scrubbed)).paragraphs]


def test_an_embedded_spreadsheet_is_scrubbed_recursively():
    scrubbed = scrub(docx_with_parts(NAME, EMAIL, {XLSX: minimal_xlsx(NAME, EMAIL)}), DOCX, LIMITS)
    inner = zipfile.ZipFile(io.BytesIO(zipfile.ZipFile(io.BytesIO(scrubbed)).read(XLSX)))
    core = inner.read("docProps/core.xml").decode()
    assert NAME not in core and EMAIL not in core and "Số liệu" in core
    assert NAME not in inner.read("xl/comments1.xml").decode()
    assert leak_places(scrubbed) == set()


def test_an_embedded_ole_object_is_refused_with_a_clear_message():
    data = docx_with_parts(NAME, EMAIL, {"word/embeddings/oleObject1.bin": ole_object()})
    assert "copy: word/embeddings/oleObject1.bin" in leak_places(data)  # read, too
    with pytest.raises(EmbeddedObjectError) as error:
        scrub(data, DOCX, LIMITS)
    message = str(error.value.message)
    assert "word/embeddings/oleObject1.bin" in message and "cannot be anonymised" in message
    assert error.value.status == 400


def test_an_ole_object_inside_an_embedded_package_is_refused_too():
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("word/document.xml", "<document/>")
        archive.writestr("word/embeddings/oleObject1.bin", ole_object())
    data = docx_with_parts(NAME, EMAIL, {"word/embeddings/Inner.docx": inner.getvalue()})
    with pytest.raises(EmbeddedObjectError) as error:
        scrub(data, DOCX, LIMITS)
    assert "word/embeddings/Inner.docx: word/embeddings/oleObject1.bin" in str(error.value.message)


def test_a_damaged_picture_is_refused_not_copied():
    data = docx_with_parts(NAME, EMAIL, {"word/media/image9.png": b"\x89PNG\r\n\x1a\nbroken"})
    with pytest.raises(EmbeddedObjectError.__mro__[1]) as error:
        scrub(data, DOCX, LIMITS)
    assert "word/media/image9.png" in str(error.value.message)


def test_odt_pictures_thumbnails_headers_and_hidden_text():
    original = odt_with_pictures(NAME, EMAIL)
    assert {"copy: Pictures/1.png", "copy: Thumbnails/thumbnail.png"} <= leak_places(original, ODT)
    scrubbed = scrub(original, ODT, LIMITS)
    archive = zipfile.ZipFile(io.BytesIO(scrubbed))
    assert archive.namelist()[0] == "mimetype"
    assert not any(n.startswith("Thumbnails/") for n in archive.namelist())
    assert b"Thumbnails" not in archive.read("META-INF/manifest.xml")
    assert b"Pictures/1.png" in archive.read("META-INF/manifest.xml")
    with Image.open(io.BytesIO(archive.read("Pictures/1.png"))) as picture:
        assert picture.text == {}
    assert "Giống lúa." in archive.read("content.xml").decode()
    assert leak_places(scrubbed, ODT) == set()


AFFILIATION, INITIALS = "Viện Lúa Đồng bằng sông Cửu Long", "NVA"


def test_properties_other_than_title_and_language_go():
    scrubbed = scrub(docx_with_hidden_places(NAME, AFFILIATION, INITIALS), DOCX, LIMITS)
    archive = zipfile.ZipFile(io.BytesIO(scrubbed))
    core, app = (
        archive.read("docProps/core.xml").decode(),
        archive.read("docProps/app.xml").decode(),
    )
    assert "<dc:title>Khả năng chịu mặn</dc:title>" in core and "vi-VN" in core
    for gone in ("subject", "keywords", "category", "contentStatus", "created", "nguyenvanan"):
        assert gone not in core, gone
    assert "Template" not in app and "nguyenvanan" not in app and "Users" not in app


def test_headers_footers_and_hidden_text_go():
    original = docx_with_hidden_places(NAME, AFFILIATION, INITIALS)
    scrubbed = scrub(original, DOCX, LIMITS)
    archive = zipfile.ZipFile(io.BytesIO(scrubbed))
    header, footer = (
        archive.read("word/header1.xml").decode(),
        archive.read("word/footer1.xml").decode(),
    )
    assert AFFILIATION not in header and "<w:p/>" in header
    assert INITIALS not in footer
    body = archive.read("word/document.xml").decode()
    assert NAME not in body and "nguyenvanan@lab" not in body
    assert "Giống lúa OM18." in body and "Hiện rõ." in body  # w:vanish w:val="0" shows
    assert leak_places(original) and leak_places(scrubbed) == set()
