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
