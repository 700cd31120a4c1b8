"""Manuscripts that give their authors away in every place a word processor hides them."""

from __future__ import annotations

import functools
import io
import re
import zipfile

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

CUSTOM_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
    ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="AuthorEmail">'
    "<vt:lpwstr>{email}</vt:lpwstr></property>"
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="3" name="Tác giả">'
    "<vt:lpwstr>{name}</vt:lpwstr></property>"
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="4" name="ORCID">'
    "<vt:lpwstr>{orcid}</vt:lpwstr></property>"
    "</Properties>"
)
COMMENTS_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    f'<w:comments xmlns:w="{W}">'
    '<w:comment w:id="0" w:author="{name}" w:date="2026-01-01T00:00:00Z" w:initials="NVA">'
    "<w:p><w:r><w:t>Kiểm tra lại số liệu.</w:t></w:r></w:p></w:comment></w:comments>"
)
PEOPLE_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'
    '<w15:person w15:author="{name}"><w15:presenceInfo w15:providerId="AD"'
    ' w15:userId="S::{email}::1234"/></w15:person></w15:people>'
)


@functools.cache
def plain_docx(text: str = "Giống lúa OM18 chịu mặn tốt ở 8 ‰.") -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Khả năng chịu mặn của giống lúa", level=1)
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@functools.cache
def identity_docx(
    name: str, email: str, orcid: str, *, company: str = "Đại học Cần Thơ", body: str | None = None
) -> bytes:
    """A real Word document whose properties, custom properties, tracked change, comment
    and people list all name the author (the body does not, unless ``body`` does)."""
    import docx

    document = docx.Document()
    props = document.core_properties
    props.author = name
    props.last_modified_by = name
    props.comments = f"Bản thảo của {name}"
    props.title = "Khả năng chịu mặn của giống lúa"
    document.add_heading("Khả năng chịu mặn của giống lúa", level=1)
    document.add_paragraph(body or "Giống lúa OM18 chịu mặn tốt ở 8 ‰.")
    out = io.BytesIO()
    document.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    result = io.BytesIO()
    with zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/docProps/custom.xml" ContentType="application/vnd.'
                    b'openxmlformats-officedocument.custom-properties+xml"/>'
                    b'<Override PartName="/word/comments.xml" ContentType="application/vnd.'
                    b'openxmlformats-officedocument.wordprocessingml.comments+xml"/></Types>',
                )
            elif info.filename == "_rels/.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdCustom" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/custom-properties" '
                    b'Target="docProps/custom.xml"/></Relationships>',
                )
            elif info.filename == "word/_rels/document.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Id="rIdComments" Type="http://schemas.openxmlformats.org/'
                    b'officeDocument/2006/relationships/comments" Target="comments.xml"/>'
                    b"</Relationships>",
                )
            elif info.filename == "docProps/app.xml":
                data = re.sub(
                    rb"</Properties>",
                    f"<Company>{company}</Company><Manager>{name}</Manager></Properties>".encode(),
                    data,
                )
            elif info.filename == "word/document.xml":
                tracked = (
                    f'<w:p><w:ins w:id="9" w:author="{name}" w:date="2026-01-02T00:00:00Z">'
                    "<w:r><w:t>Bổ sung năm 2025.</w:t></w:r></w:ins></w:p>"
                ).encode()
                data = data.replace(b"<w:sectPr", tracked + b"<w:sectPr", 1)
            target.writestr(info, data)
        fill = {"{name}": name, "{email}": email, "{orcid}": orcid}
        for part, template in (
            ("docProps/custom.xml", CUSTOM_XML),
            ("word/comments.xml", COMMENTS_XML),
            ("word/people.xml", PEOPLE_XML),
        ):
            for placeholder, value in fill.items():
                template = template.replace(placeholder, value)
            target.writestr(part, template)
    return result.getvalue()


def docx_parts_text(data: bytes) -> str:
    """Everything inside a docx (every part, decoded), for assertions."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    return (
        "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
        + "\n"
        + "\n".join(archive.namelist())
    )


def identity_markdown(name: str, email: str) -> bytes:
    return (
        "---\n"
        "title: Khả năng chịu mặn của giống lúa\n"
        "author:\n"
        f"  - name: {name}\n"
        f"    email: {email}\n"
        "    affiliation: Đại học Cần Thơ\n"
        f"email: {email}\n"
        "lang: vi\n"
        "---\n\n"
        "# Mở đầu\n\nGiống lúa OM18 chịu mặn tốt.\n"
    ).encode()


def identity_latex(name: str, email: str) -> bytes:
    return (
        "\\documentclass{article}\n"
        f"\\title{{Chịu mặn\\thanks{{Tài trợ bởi {name}}}}}\n"
        f"\\author[1]{{{name} \\\\ \\texttt{{{email}}}}}\n"
        "\\affil[1]{Đại học Cần Thơ, \\{Khoa Nông nghiệp\\}}\n"
        "\\begin{document}\n\\maketitle\nGiống lúa OM18 chịu mặn.\n\\end{document}\n"
    ).encode()


_SMALL_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.wordprocessingml.document.main+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    ),
    "docProps/core.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
        'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        "<dc:title>Khả năng chịu mặn</dc:title><dc:creator>{name}</dc:creator>"
        "<cp:lastModifiedBy>{name}</cp:lastModifiedBy></cp:coreProperties>"
    ),
    "docProps/app.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'extended-properties"><Company>{company}</Company><Manager>{name}</Manager></Properties>'
    ),
    "word/document.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>{{body}}</w:t></w:r></w:p>'
        '<w:p><w:ins w:id="9" w:author="{name}" w:date="2026-01-02T00:00:00Z"><w:r>'
        "<w:t>Bổ sung năm 2025.</w:t></w:r></w:ins></w:p></w:body></w:document>"
    ),
    "docProps/custom.xml": CUSTOM_XML,
    "word/comments.xml": COMMENTS_XML,
    "word/people.xml": PEOPLE_XML,
}


@functools.cache
def small_identity_docx(name: str, email: str, orcid: str, body: str = "Giống lúa OM18.") -> bytes:
    """A small hand-made Word document naming the author in the same places as
    ``identity_docx`` (quicker to build and to check: most tests use it)."""
    out = io.BytesIO()
    fill = {
        "{name}": name,
        "{email}": email,
        "{orcid}": orcid,
        "{company}": "Đại học Cần Thơ",
        "{body}": body,
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, template in _SMALL_PARTS.items():
            for placeholder, value in fill.items():
                template = template.replace(placeholder, value)
            archive.writestr(part, template)
    return out.getvalue()


# --- pictures, thumbnails and embedded packages that carry the author's identity ----------

XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF'
    ' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator><rdf:Seq><rdf:li>{name}</rdf:li>'
    "</rdf:Seq></dc:creator><dc:rights>{email}</dc:rights></rdf:Description></rdf:RDF>"
    "</x:xmpmeta>"
)


def jpeg_with_identity(name: str, email: str, size=(48, 32)) -> bytes:
    """A real JPEG whose EXIF (Artist, Copyright, ImageDescription, XPAuthor) and XMP
    (dc:creator) name the author, as a camera or a photo editor writes them."""
    from PIL import Image

    from journal.review.anonymise import fold

    image = Image.new("RGB", size, (30, 120, 60))
    exif = Image.Exif()
    exif[0x013B] = fold(name).title()  # Artist (ASCII in EXIF)
    exif[0x8298] = f"(c) {email}"  # Copyright
    exif[0x010E] = f"Photo by {fold(name).title()}"  # ImageDescription
    exif[0x9C9D] = name.encode("utf-16-le") + b"\0\0"  # XPAuthor, UTF-16
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, xmp=XMP.format(name=name, email=email).encode())
    return out.getvalue()


def png_with_identity(name: str, email: str, size=(40, 30)) -> bytes:
    """A real PNG with tEXt, compressed zTXt and iTXt chunks naming the author."""
    from PIL import Image, PngImagePlugin

    image = Image.new("RGBA", size, (200, 30, 30, 255))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", name)
    info.add_text("Comment", email, zip=True)
    info.add_itxt("Description", f"Hình của {name}", zip=True)
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def minimal_xlsx(name: str, email: str) -> bytes:
    """A spreadsheet package whose properties and comment authors name the author (what
    Word embeds as word/embeddings/Microsoft_Excel_Worksheet.xlsx)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "docProps/core.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:creator>{name}</dc:creator><cp:lastModifiedBy>{email}</cp:lastModifiedBy>"
            "<dc:title>Số liệu</dc:title></cp:coreProperties>",
        )
        archive.writestr(
            "xl/comments1.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f"<authors><author>{name}</author></authors><commentList/></comments>",
        )
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


def ole_object() -> bytes:
    """The start of an OLE compound file (what an embedded Equation 3.0 or old Excel
    object is): its summary information names the author and nothing here can scrub it."""
    return bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504 + "Nguyễn Văn An".encode("utf-16-le")


def docx_with_parts(name: str, email: str, extra: dict[str, bytes]) -> bytes:
    """A real Word document (python-docx) with a JPEG and a PNG carrying the author's
    identity in their metadata, its template's thumbnail replaced by one that does too,
    and the ``extra`` parts added as they are."""
    import docx

    document = docx.Document()
    document.add_heading("Khả năng chịu mặn của giống lúa", level=1)
    document.add_paragraph("Hình 1 và hình 2.")
    # Plain pictures, replaced below by the same ones with metadata (python-docx's own
    # JPEG reader stops at some EXIF segments).
    for kind, size in (("JPEG", (48, 32)), ("PNG", (40, 30))):
        from PIL import Image

        picture = io.BytesIO()
        Image.new("RGB", size, (30, 120, 60)).save(picture, kind)
        document.add_picture(io.BytesIO(picture.getvalue()))
    out = io.BytesIO()
    document.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    result = io.BytesIO()
    with zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/thumbnail.jpeg":
                data = jpeg_with_identity(name, email, size=(20, 28))
            elif info.filename == "word/media/image1.jpg":
                data = jpeg_with_identity(name, email)
            elif info.filename == "word/media/image2.png":
                data = png_with_identity(name, email)
            target.writestr(info, data)
        for part, data in extra.items():
            target.writestr(part, data)
    return result.getvalue()


def docx_with_hidden_places(name: str, affiliation: str, initials: str) -> bytes:
    """A small Word document with an affiliation in a header, initials in a footer, a
    hidden run (``w:vanish``) and a run in a hidden character style naming the author, and
    properties beyond title and language (subject, keywords, category, status, the
    template's path with the user's name)."""
    user = fold_ascii(name).replace(" ", "").lower()
    parts = {
        "[Content_Types].xml": _SMALL_PARTS["[Content_Types].xml"],
        "_rels/.rels": _SMALL_PARTS["_rels/.rels"],
        "docProps/core.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"'
            ' xmlns:dcterms="http://purl.org/dc/terms/">'
            "<dc:title>Khả năng chịu mặn</dc:title><dc:language>vi-VN</dc:language>"
            f"<dc:subject>Luận án của {name}</dc:subject><cp:keywords>{user}</cp:keywords>"
            f"<cp:category>{affiliation}</cp:category><cp:contentStatus>{initials} draft"
            "</cp:contentStatus><dcterms:created>2026-01-01T00:00:00Z</dcterms:created>"
            "</cp:coreProperties>"
        ),
        "docProps/app.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'extended-properties"><Template>C:\\Users\\{user}\\AppData\\Roaming\\Microsoft\\'
            "Templates\\Normal.dotm</Template><Application>Microsoft Office Word</Application>"
            "</Properties>"
        ),
        "word/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{W}">'
            '<w:style w:type="character" w:styleId="Secret"><w:rPr><w:vanish/></w:rPr>'
            "</w:style></w:styles>"
        ),
        "word/header1.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr xmlns:w="{W}">'
            f"<w:p><w:r><w:t>{affiliation}</w:t></w:r></w:p></w:hdr>"
        ),
        "word/footer1.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr xmlns:w="{W}">'
            f"<w:p><w:r><w:t>{initials} – trang </w:t></w:r></w:p></w:ftr>"
        ),
        "word/document.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}">'
            "<w:body><w:p><w:r><w:t>Giống lúa OM18.</w:t></w:r>"
            f'<w:r><w:rPr><w:vanish/></w:rPr><w:t xml:space="preserve"> {name}</w:t></w:r>'
            '<w:r><w:rPr><w:rStyle w:val="Secret"/></w:rPr><w:t>'
            f"{user}@lab</w:t></w:r>"
            '<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t xml:space="preserve"> Hiện rõ.</w:t>'
            "</w:r></w:p></w:body></w:document>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, text in parts.items():
            archive.writestr(part, text)
    return out.getvalue()


def fold_ascii(text: str) -> str:
    from journal.review.anonymise import fold

    return fold(text)


def odt_with_pictures(name: str, email: str) -> bytes:
    """An OpenDocument text with a picture carrying the author's identity, a thumbnail,
    a header in its master page and hidden text."""
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest'
        ' xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="'
        'application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        '<manifest:file-entry manifest:full-path="Pictures/1.png" manifest:media-type="'
        'image/png"/><manifest:file-entry manifest:full-path="Thumbnails/thumbnail.png"'
        ' manifest:media-type="image/png"/></manifest:manifest>'
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        '<office:text><text:p>Giống lúa.<text:hidden-text text:condition="ooow:1"'
        f' text:string-value="{name}"/></text:p>'
        '<text:section text:name="s" text:display="none"><text:p>'
        f"{email}</text:p></text:section></office:text></office:body></office:document-content>"
    )
    styles = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-styles'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:master-styles>'
        '<style:master-page style:name="Standard"><style:header><text:p>'
        f"{name}</text:p></style:header></style:master-page></office:master-styles>"
        "</office:document-styles>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            b"application/vnd.oasis.opendocument.text",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
        archive.writestr("styles.xml", styles)
        archive.writestr("Pictures/1.png", png_with_identity(name, email))
        archive.writestr("Thumbnails/thumbnail.png", png_with_identity(name, email, (16, 16)))
    return out.getvalue()
