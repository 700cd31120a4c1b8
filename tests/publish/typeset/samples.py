"""Sample manuscripts made on the fly: Markdown and LaTeX written out, .docx built with
python-docx, .odt made by pandoc from Markdown. Each has a table, a figure, equations, a
footnote and references, in Vietnamese or English."""

from __future__ import annotations

import copy
import struct
import subprocess
import zlib
from datetime import date
from pathlib import Path

import pypandoc
from PIL import Image, ImageDraw

from journal.publish.typeset import ArticleMeta, Author, Funding, History, JournalIdentity

TEXT = {
    "vi": {
        "title": "Đánh giá khả năng chịu mặn của giống lúa OM18 ở đồng bằng sông Cửu Long",
        "intro": "Giới thiệu",
        "para": (
            "Xâm nhập mặn ảnh hưởng nghiêm trọng đến sản xuất lúa ở các tỉnh ven biển. "
            "Nghiên cứu này đánh giá năng suất của giống lúa trên đất nhiễm mặn."
        ),
        "note": "Số liệu được thu thập trong vụ Đông Xuân 2023–2024.",
        "methods": "Phương pháp",
        "table": "Bảng 1. Năng suất lúa theo độ mặn",
        "figure": "Hình 1. Bản đồ các điểm thí nghiệm",
        "refs": "Tài liệu tham khảo",
        "heads": ("Độ mặn (‰)", "Năng suất (tấn/ha)"),
    },
    "en": {
        "title": "Salinity tolerance of the OM18 rice variety in the Mekong Delta",
        "intro": "Introduction",
        "para": (
            "Saline intrusion seriously affects rice production in the coastal provinces. "
            "This study assesses the yield of a rice variety on saline soils."
        ),
        "note": "Data were collected in the 2023–2024 winter–spring season.",
        "methods": "Methods",
        "table": "Table 1. Rice yield by salinity",
        "figure": "Figure 1. Map of the trial sites",
        "refs": "References",
        "heads": ("Salinity (‰)", "Yield (t/ha)"),
    },
}

ROWS = [("0", "6.8"), ("2", "6.1"), ("4", "5.2")]

REFERENCES_TEXT = [
    "Nguyễn, V. A., & Trần, T. B. (2021). Xâm nhập mặn ở Cà Mau. Tạp chí Nông nghiệp, 5(2), "
    "10–20. https://doi.org/10.1234/ag.2021.5",
    "Smith, J. (2020). Rice in the delta. Journal of Agronomy, 3, 1–10. doi:10.5555/jag.2020.3",
]


def figure_png(path: Path, text: str = "OM18") -> Path:
    image = Image.new("RGB", (480, 300), (235, 242, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 440, 260), outline=(11, 79, 138), width=4)
    for i, (x, y) in enumerate([(120, 120), (250, 180), (360, 100)]):
        draw.ellipse((x - 12, y - 12, x + 12, y + 12), fill=(200, 60, 40))
        draw.text((x + 16, y - 6), f"{text}-{i + 1}", fill=(0, 0, 0))
    image.save(path)
    return path


def bomb_png(path: Path, side: int = 40000) -> Path:
    """A small PNG that claims ``side`` × ``side`` pixels (Pillow's limit is ~89 Mpx)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * (side + 1) * 4)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
    return path


def markdown(lang: str, *, structured: bool = True, figure: str = "figure.png") -> str:
    t = TEXT[lang]
    head, yaml_refs = "", ""
    if structured:
        yaml_refs = """references:
- id: nguyen2021
  type: article-journal
  author: [{family: Nguyễn, given: Văn An}, {family: Trần, given: Thị Bình}]
  title: Xâm nhập mặn ở Cà Mau
  container-title: Tạp chí Nông nghiệp
  issued: {date-parts: [[2021]]}
  volume: 5
  issue: 2
  page: 10-20
  DOI: 10.1234/ag.2021.5
- id: smith2020
  type: article-journal
  author: [{family: Smith, given: John}]
  title: Rice in the delta
  container-title: Journal of Agronomy
  issued: {date-parts: [[2020]]}
  volume: 3
  page: 1-10
  DOI: 10.5555/jag.2020.3
"""
        head = f"---\ntitle: {t['title']}\n{yaml_refs}---\n\n"
    cite = " [@nguyen2021; @smith2020]" if structured else " (Smith 2020)"
    rows = "\n".join(f"| {a} | {b} |" for a, b in ROWS)
    refs = (
        "" if structured else "\n".join(f"{n}. {ref}" for n, ref in enumerate(REFERENCES_TEXT, 1))
    )
    return f"""{head}# {t["intro"]}

{t["para"]}{cite}[^1] Công thức $E = mc^2$ và $y_i = \\beta_0 + \\beta_1 x_i$.

$$\\bar{{x}} = \\frac{{1}}{{n}}\\sum_{{i=1}}^{{n}} x_i$$

# {t["methods"]}

| {t["heads"][0]} | {t["heads"][1]} |
|---|---|
{rows}

: {t["table"]}

![{t["figure"]}]({figure}){{#fig-sites}}

{t["para"]} [@fig-sites]

[^1]: {t["note"]}

# {t["refs"]}

{refs}
"""


def latex(lang: str) -> str:
    t = TEXT[lang]
    rows = "\n".join(f"{a} & {b} \\\\" for a, b in ROWS)
    escaped = [ref.replace("&", "\\&") for ref in REFERENCES_TEXT]
    items = "\n".join(
        f"\\bibitem{{{key}}} {ref}"
        for key, ref in zip(("nguyen2021", "smith2020"), escaped, strict=True)
    )
    return f"""\\documentclass{{article}}
\\usepackage{{graphicx}}
\\title{{{t["title"]}}}
\\begin{{document}}
\\maketitle
\\section{{{t["intro"]}}}
{t["para"]} \\cite{{nguyen2021,smith2020}}.\\footnote{{{t["note"]}}}
Inline $E = mc^2$ and
\\[ \\bar{{x}} = \\frac{{1}}{{n}}\\sum_{{i=1}}^{{n}} x_i \\]
\\section{{{t["methods"]}}}
\\begin{{table}}
\\caption{{{t["table"]}}}\\label{{tab-yield}}
\\begin{{tabular}}{{ll}}
{t["heads"][0]} & {t["heads"][1]} \\\\
{rows}
\\end{{tabular}}
\\end{{table}}
\\begin{{figure}}
\\includegraphics{{figure.png}}
\\caption{{{t["figure"]}}}\\label{{fig-sites}}
\\end{{figure}}
See Figure~\\ref{{fig-sites}} and Table~\\ref{{tab-yield}}.
\\begin{{thebibliography}}{{9}}
{items}
\\end{{thebibliography}}
\\end{{document}}
"""


def odt(lang: str, folder: Path) -> Path:
    """pandoc (trusted, not sandboxed) renders the Markdown sample, references as text."""
    source = folder / f"for-odt-{lang}.md"
    text = markdown(lang, structured=True).replace(" [@fig-sites]", "")
    source.write_text(text, encoding="utf-8")
    target = folder / f"sample-{lang}.odt"
    subprocess.run(
        [
            pypandoc.get_pandoc_path(),
            "-f",
            "markdown",
            "--citeproc",
            "-o",
            target.name,
            source.name,
        ],
        cwd=folder,
        check=True,
        capture_output=True,
    )
    return target


# ------------------------------------------------------------------ docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def _footnotes_part(document, text: str):
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    xml = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:footnotes xmlns:w="{W}">
<w:footnote w:type="separator" w:id="-1">
 <w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0">
 <w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r>
 <w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>
</w:footnotes>""".encode()
    part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_CT, xml, document.part.package)
    document.part.relate_to(part, RT.FOOTNOTES)


def _omml(paragraph, display: bool) -> None:
    from docx.oxml import parse_xml

    math = (
        f'<m:oMath xmlns:m="{M}" xmlns:w="{W}">'
        "<m:r><m:t>y=</m:t></m:r>"
        "<m:f><m:num><m:r><m:t>1</m:t></m:r></m:num><m:den><m:r><m:t>n</m:t></m:r></m:den></m:f>"
        "<m:sSup><m:e><m:r><m:t>x</m:t></m:r></m:e><m:sup><m:r><m:t>2</m:t></m:r></m:sup></m:sSup>"
        "</m:oMath>"
    )
    if display:
        math = f'<m:oMathPara xmlns:m="{M}" xmlns:w="{W}">{math}</m:oMathPara>'
    paragraph._p.append(parse_xml(math))


def docx(lang: str, folder: Path, figure: Path) -> Path:
    from docx import Document
    from docx.oxml import parse_xml

    t = TEXT[lang]
    document = Document()
    document.add_heading(t["intro"], level=1)
    p = document.add_paragraph(t["para"] + " [1], [2]")
    run = p.add_run()
    run._r.append(parse_xml(f'<w:footnoteReference xmlns:w="{W}" w:id="1"/>'))
    _footnotes_part(document, t["note"])
    inline = document.add_paragraph("Inline: ")
    _omml(inline, display=False)
    _omml(document.add_paragraph(), display=True)

    document.add_heading(t["methods"], level=1)
    document.add_paragraph(t["table"], style="Caption")
    table = document.add_table(rows=1 + len(ROWS), cols=2)
    for row, values in zip(table.rows, [t["heads"], *ROWS], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_picture(str(figure))
    picture = document.paragraphs[-1]
    for doc_pr in picture._p.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
    ):
        doc_pr.set("descr", t["figure"])
    document.add_paragraph(t["figure"], style="Caption")

    document.add_heading(t["refs"], level=1)
    for number, ref in enumerate(REFERENCES_TEXT, 1):
        document.add_paragraph(f"[{number}] {ref}")
    target = folder / f"sample-{lang}.docx"
    document.save(target)
    return target


def docx_with_external_image(folder: Path, url: str) -> Path:
    from docx import Document
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml

    document = Document()
    document.add_paragraph("Ảnh liên kết từ bên ngoài.")
    rid = document.part.relate_to(url, RT.IMAGE, is_external=True)
    drawing = f"""<w:r xmlns:w="{W}"
 xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
 xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:drawing>
<wp:inline><wp:extent cx="914400" cy="914400"/><wp:docPr id="1" name="linked"/>
<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">
<pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="linked.png"/><pic:cNvPicPr/></pic:nvPicPr>
<pic:blipFill><a:blip r:link="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>
<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm>
<a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline>
</w:drawing></w:r>"""
    document.paragraphs[0]._p.append(parse_xml(drawing))
    target = folder / "external-image.docx"
    document.save(target)
    return target


def docx_with_ole(folder: Path) -> Path:
    from docx import Document
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    document = Document()
    document.add_paragraph("Bảng tính nhúng.")
    part = Part(
        PackURI("/word/embeddings/oleObject1.bin"),
        "application/vnd.openxmlformats-officedocument.oleObject",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
        document.part.package,
    )
    document.part.relate_to(part, RT.OLE_OBJECT)
    target = folder / "ole.docx"
    document.save(target)
    return target


def empty_docx(folder: Path) -> Path:
    from docx import Document

    target = folder / "empty.docx"
    Document().save(target)
    return target


# ------------------------------------------------------------------ metadata

JOURNAL = JournalIdentity(
    journal_id="mdjst",
    title_vi="Tập san Khoa học và Công nghệ Đồng bằng sông Cửu Long",
    title_en="Mekong Delta Journal of Science and Technology",
    issn="2815-5998",
    eissn="2815-6005",
    publisher="Sở Khoa học và Công nghệ thành phố Cần Thơ",
    publisher_loc="Cần Thơ, Việt Nam",
)


def article_meta(lang: str) -> ArticleMeta:
    return ArticleMeta(
        journal=JOURNAL,
        language=lang,
        title_vi=TEXT["vi"]["title"],
        title_en=TEXT["en"]["title"],
        abstract_vi=(
            "Nghiên cứu đánh giá khả năng chịu mặn của giống lúa OM18 tại bốn tỉnh ven biển. "
            "Kết quả cho thấy năng suất giảm 24% ở độ mặn 4‰."
        ),
        abstract_en=(
            "We assessed the salinity tolerance of the OM18 rice variety in four coastal "
            "provinces. Yield fell by 24% at a salinity of 4‰."
        ),
        keywords_vi=("lúa", "xâm nhập mặn", "đồng bằng sông Cửu Long"),
        keywords_en=("rice", "saline intrusion", "Mekong Delta"),
        authors=(
            Author.from_full_name(
                "Nguyễn Văn An",
                affiliation="Trường Đại học Cần Thơ",
                orcid="https://orcid.org/0000-0002-1825-0097",
                email="nvan@example.org",
                corresponding=True,
            ),
            Author.from_full_name("Trần Thị Bình", affiliation="Viện Lúa ĐBSCL"),
            Author.from_full_name(
                "John Smith", eastern=False, affiliation="Trường Đại học Cần Thơ"
            ),
        ),
        doi="10.99999/mdjst.2025.0012",
        pub_date=date(2025, 3, 15),
        volume="3",
        issue="1",
        fpage="12",
        lpage="21",
        history=History(date(2024, 10, 2), date(2024, 12, 20), date(2025, 1, 10)),
        funding=Funding(
            agency="Sở Khoa học và Công nghệ tỉnh Cà Mau",
            task_code="CM-2023-07",
            programme="Chương trình KH&CN phục vụ nông nghiệp",
            province="Cà Mau",
            task_title="Chọn tạo giống lúa chịu mặn",
        ),
    )


def with_language(meta: ArticleMeta, lang: str) -> ArticleMeta:
    clone = copy.copy(meta)
    object.__setattr__(clone, "language", lang)
    return clone
