"""Scripts beyond Vietnamese and Latin: a reference list in Chinese, Japanese, Korean, Thai,
Khmer and Lao prints with real glyphs. The PDF is rendered to PNG; every character is checked
against the character maps (fontTools) of the fonts the PDF embeds, and read back from the
PDF's text, rather than judged by eye."""

from __future__ import annotations

import io
import re
import subprocess

import pikepdf
from fontTools.ttLib import TTFont
from PIL import Image

from journal.publish.typeset import pdf_preview_pngs, render_pdf

REFERENCES = {
    "zh": "王小明, 李华 (2020). 湄公河三角洲水稻耐盐性研究. 农业科学学报, 12(3), 45–52.",
    "ja": "山田太郎 (2019). メコンデルタにおける塩水遡上の影響. 日本作物学会紀事, 88, 1–10.",
    "ko": "김민수, 이영희 (2021). 메콩 델타의 벼 내염성 연구. 한국작물학회지, 66(2), 100–110.",
    "th": "สมชาย ใจดี (2018). การรุกล้ำของน้ำเค็มในลุ่มน้ำโขง. วารสารเกษตรศาสตร์, 52, 1–9.",
    "km": "សុខ ចាន់ (2022). ការជ្រៀតចូលនៃទឹកប្រៃនៅតំបន់ទន្លេមេគង្គ. ទស្សនាវដ្តីកសិកម្ម, 4, 3–8.",
    "lo": "ສົມພອນ ແກ້ວມະນີ (2020). ການບຸກລຸກຂອງນ້ຳເຄັມໃນແມ່ນ້ຳຂອງ. ວາລະສານກະສິກຳ, 7, 11–19.",
}
HTML = (
    "<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>Tài liệu</title></head>"
    "<body><h2>Tài liệu tham khảo</h2><ol>"
    + "".join(f"<li lang='{lang}'>{text}</li>" for lang, text in REFERENCES.items())
    + "</ol></body></html>"
)


def _font_files() -> dict[str, list[tuple[str, int]]]:
    """Installed font files by the names WeasyPrint gives embedded fonts (family or full
    name, words joined by hyphens) and by PostScript name."""
    listed = subprocess.run(
        ["fc-list", "--format", "%{family[0]}|%{fullname[0]}|%{postscriptname}|%{file}|%{index}\n"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    files: dict[str, list[tuple[str, int]]] = {}
    for line in listed.splitlines():
        family, full, postscript, path, index = line.split("|")
        for name in {family.replace(" ", "-"), full.replace(" ", "-"), postscript}:
            files.setdefault(name, []).append((path, int(index)))
    return files


def _embedded_font_names(pdf: bytes) -> set[str]:
    names = set()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            for font in (page.Resources.get("/Font") or {}).values():
                names.add(re.sub(r"^[A-Z]{6}\+", "", str(font.BaseFont)[1:]))
    return names


def test_cjk_thai_khmer_lao_references_print_with_real_glyphs(tmp_path):
    (tmp_path / "media").mkdir()
    pdf = render_pdf(HTML, tmp_path / "media")

    # the page as a picture: it has ink in it
    png = pdf_preview_pngs(pdf, pages=1, dpi=80)[0]
    image = Image.open(io.BytesIO(png)).convert("L")
    assert image.getextrema()[0] < 100

    # every character is in the character map of a font the PDF embeds
    files = _font_files()
    embedded = _embedded_font_names(pdf)
    covered: set[int] = set()
    for name in embedded:
        assert name in files, f"embedded font {name} is not an installed font"
        for path, index in files[name]:
            with TTFont(path, fontNumber=index, lazy=True) as font:
                covered |= set(font.getBestCmap())
    for lang, text in REFERENCES.items():
        missing = {c for c in text if not c.isspace() and ord(c) not in covered}
        assert not missing, f"{lang}: no embedded font has {sorted(missing)}"
    # and the scripts' fonts are the Noto families the Makefile installs
    assert any("CJK" in name for name in embedded)
    for family in ("Thai", "Khmer", "Lao"):
        assert any(family in name for name in embedded), (family, embedded)

    # the PDF's text reads back as written (a missing glyph would be a box, not text)
    text = subprocess.run(
        ["/usr/bin/pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    flat = "".join(text.split())
    for lang, reference in REFERENCES.items():
        assert "".join(reference.split())[:12] in flat, lang
