"""What an uploaded file really is, decided by its content, and whether it is safe to open.

Zip containers (docx, odt) are checked for entry count, declared and actual uncompressed
size and compression ratio before any other library opens them.
"""

from __future__ import annotations

import os
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from flask_babel import lazy_gettext as _l

from .errors import InvalidUpload

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
MARKDOWN = "text/markdown"
LATEX = "application/x-tex"
PDF = "application/pdf"

MANUSCRIPT_TYPES = {".docx": DOCX, ".odt": ODT, ".md": MARKDOWN, ".tex": LATEX}
TYPE_NAMES = {
    DOCX: "Word (.docx)",
    ODT: "OpenDocument (.odt)",
    MARKDOWN: "Markdown (.md)",
    LATEX: "LaTeX (.tex)",
    PDF: "PDF",
}


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int
    max_uncompressed: int
    max_ratio: int


def clean_filename(name: str | None) -> str:
    """A display name: last path component, no control characters, at most 200 chars."""
    name = (name or "").replace("\\", "/").split("/")[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = unicodedata.normalize("NFC", name).strip().lstrip(".")
    if not name:
        raise InvalidUpload(_l("The file has no usable name."))
    stem, ext = os.path.splitext(name)
    return stem[: 200 - len(ext)] + ext


def check_zip(stream: BinaryIO, limits: ZipLimits) -> zipfile.ZipFile:
    """Open ``stream`` as a zip only if it stays within ``limits``; read every entry once."""
    try:
        archive = zipfile.ZipFile(stream)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InvalidUpload(_l("The file is damaged or is not a document archive.")) from None
    if len(infos) > limits.max_entries:
        raise InvalidUpload(_l("The document contains too many parts to be opened safely."))
    declared = sum(i.file_size for i in infos)
    compressed = sum(i.compress_size for i in infos) or 1
    if declared > limits.max_uncompressed or declared / compressed > limits.max_ratio:
        raise InvalidUpload(_l("The document expands to an unsafe size (a compression bomb?)."))
    total = 0
    try:
        for info in infos:
            with archive.open(info) as member:
                read = 0
                while chunk := member.read(65536):
                    read += len(chunk)
                    total += len(chunk)
                    if read > info.file_size or total > limits.max_uncompressed:
                        raise InvalidUpload(
                            _l("The document expands to an unsafe size (a compression bomb?).")
                        )
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise InvalidUpload(_l("The file is damaged or is not a document archive.")) from None
    if total / compressed > limits.max_ratio:
        raise InvalidUpload(_l("The document expands to an unsafe size (a compression bomb?)."))
    return archive


def _read_text(stream: BinaryIO) -> str:
    data = stream.read()
    if b"\x00" in data:
        raise InvalidUpload(_l("This is not a text file."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidUpload(_l("Text files must be encoded in UTF-8.")) from None


def sniff_manuscript(stream: BinaryIO, filename: str, limits: ZipLimits) -> str:
    """Return the media type of a manuscript, checked by content against its extension."""
    ext = os.path.splitext(filename)[1].lower()
    expected = MANUSCRIPT_TYPES.get(ext)
    if expected is None:
        raise InvalidUpload(_l("Manuscripts must be .docx, .odt, .md or .tex files."))
    stream.seek(0, os.SEEK_END)
    if stream.tell() == 0:
        raise InvalidUpload(_l("The file is empty."))
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    try:
        if expected in (DOCX, ODT):
            if not head.startswith(b"PK\x03\x04"):
                raise InvalidUpload(
                    _l("The content is not a %(kind)s document.", kind=TYPE_NAMES[expected])
                )
            archive = check_zip(stream, limits)
            names = set(archive.namelist())
            if expected == DOCX and not {"[Content_Types].xml", "word/document.xml"} <= names:
                raise InvalidUpload(
                    _l("The content is not a %(kind)s document.", kind=TYPE_NAMES[expected])
                )
            if expected == ODT:
                mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
                if mimetype != ODT.encode() or "content.xml" not in names:
                    raise InvalidUpload(
                        _l("The content is not a %(kind)s document.", kind=TYPE_NAMES[expected])
                    )
        else:
            text = _read_text(stream)
            if not text.strip():
                raise InvalidUpload(_l("The file is empty."))
            if expected == LATEX and "\\" not in text:
                raise InvalidUpload(
                    _l("The content is not a %(kind)s document.", kind=TYPE_NAMES[expected])
                )
    finally:
        stream.seek(0)
    return expected


def sniff_supplementary(stream: BinaryIO, filename: str, limits: ZipLimits) -> str:
    """Supplementary files: any manuscript type, PDF, CSV, plain text, PNG/JPEG images."""
    ext = os.path.splitext(filename)[1].lower()
    if ext in MANUSCRIPT_TYPES:
        return sniff_manuscript(stream, filename, limits)
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if not head:
        raise InvalidUpload(_l("The file is empty."))
    signatures = {
        ".pdf": (b"%PDF-", PDF),
        ".png": (b"\x89PNG\r\n\x1a\n", "image/png"),
        ".jpg": (b"\xff\xd8\xff", "image/jpeg"),
        ".jpeg": (b"\xff\xd8\xff", "image/jpeg"),
    }
    if ext in signatures:
        magic, media_type = signatures[ext]
        if not head.startswith(magic):
            raise InvalidUpload(_l("The file's content does not match its extension."))
        return media_type
    if ext in (".csv", ".txt"):
        _read_text(stream)
        stream.seek(0)
        return "text/csv" if ext == ".csv" else "text/plain"
    raise InvalidUpload(
        _l("Supplementary files must be documents, PDF, CSV, text, PNG or JPEG files.")
    )
