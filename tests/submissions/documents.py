"""Real and hostile manuscript files, built in memory."""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib

ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def docx_bytes(text: str = "Đánh giá khả năng chịu mặn của giống lúa OM18.") -> bytes:
    """A real Word document made by python-docx."""
    import docx

    document = docx.Document()
    document.add_heading("Giống lúa chịu mặn", level=1)
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt_bytes(text: str = "Salinity tolerance of rice variety OM18.") -> bytes:
    """An OpenDocument text: the ``mimetype`` entry first and stored, then content.xml."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), ODT_MIMETYPE, compress_type=zipfile.ZIP_STORED
        )
        archive.writestr(
            "content.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            "<office:document-content"
            ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
            ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
            f"<office:body><office:text><text:p>{text}</text:p></office:text></office:body>"
            "</office:document-content>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            "<manifest:manifest"
            ' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            '<manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return out.getvalue()


def markdown_bytes() -> bytes:
    return (
        "# Khả năng chịu mặn của giống lúa OM18\n\n"
        "Nghiên cứu được thực hiện tại **Cà Mau** năm 2024.\n"
    ).encode()


def latex_bytes() -> bytes:
    return (
        "\\documentclass{article}\n\\usepackage[vietnamese]{babel}\n"
        "\\begin{document}\nGiống lúa OM18 chịu mặn.\n\\end{document}\n"
    ).encode()


def png_bytes() -> bytes:
    """A valid 1×1 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _docx_parts(archive: zipfile.ZipFile) -> None:
    archive.writestr(
        "[Content_Types].xml",
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"/>',
    )
    archive.writestr(
        "word/document.xml",
        '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        'wordprocessingml/2006/main"><w:body/></w:document>',
    )


def many_entries_docx(entries: int) -> bytes:
    """A docx-looking archive with ``entries`` extra (tiny) parts."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        _docx_parts(archive)
        for i in range(entries):
            archive.writestr(f"word/media/part{i}.xml", b"<x/>")
    return out.getvalue()


@functools.cache
def ratio_bomb_docx(megabytes: int = 50) -> bytes:
    """A docx with ``megabytes`` MB of zeros deflated into a few dozen kilobytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        _docx_parts(archive)
        info = zipfile.ZipInfo("word/media/zeros.bin")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as f:
            block = bytes(1024 * 1024)
            for _ in range(megabytes):
                f.write(block)
    return out.getvalue()


def _patch_central_sizes(data: bytes, name: bytes, uncompressed: int) -> bytes:
    """Rewrite the uncompressed size the central directory declares for entry ``name``."""
    data = bytearray(data)
    offset = data.find(b"PK\x01\x02")
    while offset != -1:
        name_length = struct.unpack_from("<H", data, offset + 28)[0]
        entry = bytes(data[offset + 46 : offset + 46 + name_length])
        if entry == name:
            struct.pack_into("<I", data, offset + 24, uncompressed)
            return bytes(data)
        offset = data.find(b"PK\x01\x02", offset + 4)
    raise ValueError(f"no entry {name!r}")


def declared_huge_docx(declared: int = 400 * 1024 * 1024) -> bytes:
    """A small docx whose central directory claims a part of ``declared`` bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        _docx_parts(archive)
        archive.writestr("word/media/big.bin", bytes(4096))
    return _patch_central_sizes(out.getvalue(), b"word/media/big.bin", declared)


def understated_docx(actual_megabytes: int = 8) -> bytes:
    """A docx whose part expands to far more than the (small) size it declares."""
    data = ratio_bomb_docx(actual_megabytes)
    return _patch_central_sizes(data, b"word/media/zeros.bin", 100)
