"""Content sniffing, file-name cleaning and zip limits (before any library opens a zip)."""

import io
import unicodedata
import zipfile

import pytest

from journal.errors import InvalidUpload
from journal.filetypes import (
    DOCX,
    LATEX,
    MARKDOWN,
    ODT,
    PDF,
    ZipLimits,
    check_zip,
    clean_filename,
    sniff_manuscript,
    sniff_supplementary,
)

from .submissions.documents import (
    declared_huge_docx,
    docx_bytes,
    latex_bytes,
    many_entries_docx,
    markdown_bytes,
    odt_bytes,
    png_bytes,
    ratio_bomb_docx,
    understated_docx,
)

LIMITS = ZipLimits(max_entries=50, max_uncompressed=20 * 1024 * 1024, max_ratio=100)


@pytest.fixture
def inflated(monkeypatch):
    """Counts every byte decompressed from any zip entry."""
    counter = []
    original = zipfile.ZipExtFile.read

    def read(self, n=-1):
        data = original(self, n)
        counter.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
    return counter


def refused(function, data: bytes, name: str, limits=LIMITS) -> str:
    with pytest.raises(InvalidUpload) as error:
        function(io.BytesIO(data), name, limits)
    return str(error.value.message)


# --- names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("bài báo.docx", "bài báo.docx"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\Windows\\win.ini", "win.ini"),
        ("/var/www/index.md", "index.md"),
        ("a\x00b.md", "ab.md"),
        ("ghi\r\nchú\t.md", "ghichú.md"),
        ("\x1b[31mred\x1b[0m.tex", "[31mred[0m.tex"),
        ("evil\u202egpj.md", "evilgpj.md"),  # right-to-left override
        ("...hidden.md", "hidden.md"),
        ("  spaced.md  ", "spaced.md"),
        (unicodedata.normalize("NFD", "Cần Thơ.md"), "Cần Thơ.md"),
    ],
)
def test_clean_filename(name, clean):
    assert clean_filename(name) == clean
    assert unicodedata.is_normalized("NFC", clean_filename(name))


@pytest.mark.parametrize("name", [None, "", "...", "../", "\x00\x01", "dir/"])
def test_a_name_with_nothing_left_is_refused(name):
    with pytest.raises(InvalidUpload):
        clean_filename(name)


def test_a_long_name_keeps_its_extension():
    cleaned = clean_filename("đ" * 500 + ".docx")
    assert len(cleaned) == 200 and cleaned.endswith(".docx")


# --- manuscripts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "media_type"),
    [
        ("a.docx", docx_bytes(), DOCX),
        ("A.DOCX", docx_bytes(), DOCX),
        ("a.odt", odt_bytes(), ODT),
        ("a.md", markdown_bytes(), MARKDOWN),
        ("a.md", b"\xef\xbb\xbf# With a BOM\n", MARKDOWN),
        ("a.tex", latex_bytes(), LATEX),
    ],
)
def test_real_manuscripts_are_recognised(name, data, media_type):
    stream = io.BytesIO(data)
    stream.seek(5)
    assert sniff_manuscript(stream, name, LIMITS) == media_type
    assert stream.tell() == 0  # ready to be stored


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a document")
    return out.getvalue()


def odt_with_mimetype(mimetype: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<x/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.docx", png_bytes(), "The content is not a Word (.docx) document."),
        ("zip.docx", plain_zip(), "The content is not a Word (.docx) document."),
        ("doc.odt", docx_bytes(), "The content is not a OpenDocument (.odt) document."),
        (
            "sheet.odt",
            odt_with_mimetype(b"application/vnd.oasis.opendocument.spreadsheet"),
            "The content is not a OpenDocument (.odt) document.",
        ),
        ("empty.docx", b"", "The file is empty."),
        ("blank.md", b" \n\t\n", "The file is empty."),
        ("binary.md", b"# title\x00\x01", "This is not a text file."),
        ("latin1.tex", "\\section{Café}".encode("latin-1"), "Text files must be encoded in UTF-8."),
        ("plain.tex", b"no commands at all", "The content is not a LaTeX (.tex) document."),
        ("paper.pdf", b"%PDF-1.7", "Manuscripts must be .docx, .odt, .md or .tex files."),
        ("paper", markdown_bytes(), "Manuscripts must be .docx, .odt, .md or .tex files."),
        ("cut.docx", docx_bytes()[:300], "The file is damaged or is not a document archive."),
    ],
)
def test_manuscripts_are_checked_by_content(name, data, message):
    assert refused(sniff_manuscript, data, name) == message


# --- zip limits ---------------------------------------------------------------------------


def test_too_many_entries_are_refused_before_inflating(inflated):
    message = refused(sniff_manuscript, many_entries_docx(60), "many.docx")
    assert message == "The document contains too many parts to be opened safely."
    assert sum(inflated) == 0
    assert sniff_manuscript(io.BytesIO(many_entries_docx(40)), "ok.docx", LIMITS) == DOCX


def test_a_huge_declared_size_is_refused_before_inflating(inflated):
    message = refused(sniff_manuscript, declared_huge_docx(), "huge.docx")
    assert message == "The document expands to an unsafe size (a compression bomb?)."
    assert sum(inflated) == 0


def test_a_high_compression_ratio_is_refused_before_inflating(inflated):
    bomb = ratio_bomb_docx(50)  # 50 MB of zeros
    assert len(bomb) < 200 * 1024
    limits = ZipLimits(max_entries=50, max_uncompressed=300 * 1024 * 1024, max_ratio=100)
    message = refused(sniff_manuscript, bomb, "zeros.docx", limits)
    assert message == "The document expands to an unsafe size (a compression bomb?)."
    assert sum(inflated) == 0


def test_sizes_understated_in_the_directory_are_caught_while_reading(inflated):
    data = understated_docx(8)
    message = refused(sniff_manuscript, data, "liar.docx")
    assert message in (
        "The document expands to an unsafe size (a compression bomb?).",
        "The file is damaged or is not a document archive.",
    )
    assert sum(inflated) < 1024 * 1024  # stopped long before the 8 MB it really holds


def test_the_total_uncompressed_size_is_bounded_while_reading(inflated):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(5):
            archive.writestr(f"part{i}.txt", bytes(range(256)) * 4096)  # 1 MB each, ratio low
    limits = ZipLimits(max_entries=50, max_uncompressed=3 * 1024 * 1024, max_ratio=1000)
    with pytest.raises(InvalidUpload):
        check_zip(io.BytesIO(out.getvalue()), limits)
    roomy = ZipLimits(max_entries=50, max_uncompressed=6 * 1024 * 1024, max_ratio=1000)
    assert len(check_zip(io.BytesIO(out.getvalue()), roomy).namelist()) == 5


# --- supplementary files ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "media_type"),
    [
        ("fig.png", png_bytes(), "image/png"),
        ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        ("report.pdf", b"%PDF-1.7\n", PDF),
        ("data.csv", "tỉnh,năm\nCần Thơ,2024\n".encode(), "text/csv"),
        ("notes.txt", "ghi chú".encode(), "text/plain"),
        ("extra.docx", docx_bytes(), DOCX),
    ],
)
def test_supplementary_types(name, data, media_type):
    assert sniff_supplementary(io.BytesIO(data), name, LIMITS) == media_type


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("fig.png", b"GIF89a....", "The file's content does not match its extension."),
        ("report.pdf", png_bytes(), "The file's content does not match its extension."),
        (
            "page.html",
            b"<html>",
            "Supplementary files must be documents, PDF, CSV, text, PNG or JPEG files.",
        ),
        (
            "run.sh",
            b"#!/bin/sh",
            "Supplementary files must be documents, PDF, CSV, text, PNG or JPEG files.",
        ),
        ("empty.png", b"", "The file is empty."),
        ("data.csv", b"a,b\x00", "This is not a text file."),
        (
            "bomb.docx",
            declared_huge_docx(),
            "The document expands to an unsafe size (a compression bomb?).",
        ),
    ],
)
def test_supplementary_files_are_checked_by_content(name, data, message):
    assert refused(sniff_supplementary, data, name) == message
