"""Repair, then validate: each untidy layout, in a minimal document, comes out as valid JATS
with its content, and the repair is listed for the editor."""

from __future__ import annotations

import pytest
from PIL import Image

from journal.publish.typeset import TypesetError, convert, enrich, validate
from journal.publish.typeset.repair import (
    fold,
    ncname,
    remove_repeated_front_matter,
    repair_against_schema,
    similarity,
)
from journal.publish.typeset.safexml import HREF
from journal.publish.typeset.validate import load_schema

from . import samples
from .corpus import SOURCES


def jats_of(tmp_path, xsd_path, text: str, fmt: str = "md", **kwargs):
    path = tmp_path / f"bai.{fmt}"
    path.write_text(text, encoding="utf-8")
    converted = convert(path, fmt, tmp_path / "work", **kwargs)
    tree = enrich(converted.tree, samples.article_meta("vi"))
    tree = repair_against_schema(tree, load_schema(str(xsd_path.resolve())), converted.repairs)
    validate(tree, xsd_path)
    return tree, converted


def kinds(converted) -> list[str]:
    return [r.kind for r in converted.repairs]


def test_ids_become_ascii_names_and_links_follow(tmp_path, xsd_path):
    tree, converted = jats_of(
        tmp_path,
        xsd_path,
        "# Sai số 𝓔 của mô hình {#sai-số-𝓔}\n\nXem [mục trên](#sai-số-𝓔).\n",
    )

    sec = tree.find("body/sec")
    assert sec.get("id") == "sai-so-E"
    assert tree.find("body//xref").get("rid") == "sai-so-E"
    assert "ids" in kinds(converted)


def test_a_duplicate_id_is_renamed_and_links_keep_the_first(tmp_path, xsd_path):
    tree, converted = jats_of(
        tmp_path,
        xsd_path,
        "# Kết quả {#kq}\n\nXem [kết quả](#kq).\n\n# Kết quả {#kq}\n\nLần hai.\n",
    )

    assert [s.get("id") for s in tree.findall("body/sec")] == ["kq", "kq-2"]
    assert tree.find("body//xref").get("rid") == "kq"
    assert "ids" in kinds(converted)


def test_ncname_is_stable_and_valid():
    assert ncname("Hình-1 (a)") == "Hinh-1-a"
    assert ncname("1-số-đầu") == "id-1-so-dau"
    assert ncname("𝓔") == "E"


def test_a_link_to_a_lost_figure_points_at_the_figure_its_text_names(tmp_path, xsd_path):
    samples.figure_png(tmp_path / "h1.png")
    tree, converted = jats_of(
        tmp_path,
        xsd_path,
        "# Kết quả\n\n![Hình 1. Ruộng lúa](h1.png)\n\nNhư [Hình 1](#_Ref12345) cho thấy; "
        "xem [phụ lục](#phu-luc-khong-co).\n",
        figures={"h1.png": tmp_path / "h1.png"},
    )

    fig_id = tree.find(".//fig").get("id")
    xrefs = tree.findall("body//xref")
    assert [(x.get("rid"), x.get("ref-type")) for x in xrefs] == [(fig_id, "fig")]
    assert "xem phụ lục" in " ".join("".join(tree.find("body").itertext()).split())
    messages = " ".join(str(r) for r in converted.repairs)
    assert "“Hình 1”" in messages and "“phụ lục” → phu-luc-khong-co" in messages


def test_a_header_only_word_table_is_kept_as_a_table(tmp_path, xsd_path):
    converted = convert(SOURCES / "pandoc" / "docx-table_one_header_row.docx", "docx", tmp_path)
    tree = enrich(converted.tree, samples.article_meta("en"))
    validate(tree, xsd_path)

    rows = tree.findall(".//table-wrap/table/tbody/tr")
    assert len(rows) == 1 and tree.find(".//thead") is None
    assert "table" in kinds(converted)


def test_a_picture_inside_a_link_keeps_the_picture(tmp_path, xsd_path):
    converted = convert(SOURCES / "pandoc" / "docx-inline_images.docx", "docx", tmp_path)
    tree = enrich(converted.tree, samples.article_meta("en"))
    tree = repair_against_schema(tree, load_schema(str(xsd_path.resolve())), converted.repairs)
    validate(tree, xsd_path)

    assert len(tree.findall(".//inline-graphic")) == 2
    link = tree.find("body//ext-link")
    assert link.find("inline-graphic") is None and "one" in "".join(link.itertext())
    assert "graphic" in kinds(converted)


@pytest.mark.parametrize("kind", ["TIFF", "BMP", "GIF"])
def test_tiff_bmp_and_gif_figures_become_png(tmp_path, xsd_path, kind):
    name = f"anh.{kind.lower()}"
    Image.new("RGB", (60, 40), (10, 120, 60)).save(tmp_path / name, kind)
    tree, converted = jats_of(
        tmp_path,
        xsd_path,
        f"# Ảnh\n\n![Hình 1. Cánh đồng]({name})\n",
        figures={name: tmp_path / name},
    )

    stored = tree.find(".//graphic").get(HREF)
    assert stored.endswith(".png")
    with Image.open(tmp_path / "work" / "media" / stored) as image:
        assert image.format == "PNG" and image.size == (60, 40)
    assert any(kind in str(r) for r in converted.repairs)


LATEX = r"""\documentclass{article}
\begin{document}
\section{Kết quả}
Theo \cite{nguyen2020}, năng suất giảm.
\begin{figure}
\includegraphics{ruong}
\caption{Ruộng lúa}
\end{figure}
\end{document}
"""


def test_latex_figure_without_extension_and_bib_file(tmp_path, xsd_path):
    samples.figure_png(tmp_path / "ruong.png")
    (tmp_path / "refs.bib").write_text(
        "@article{nguyen2020, author={Nguyễn, Văn An}, title={Lúa chịu mặn}, "
        "journal={Tạp chí Nông nghiệp}, year={2020}, volume={12}, pages={15--24}, "
        "doi={10.5555/lua.2020}}\n",
        encoding="utf-8",
    )
    tree, _ = jats_of(
        tmp_path,
        xsd_path,
        LATEX,
        fmt="tex",
        figures={"ruong.png": tmp_path / "ruong.png"},
        bibliography=tmp_path / "refs.bib",
    )

    assert tree.find(".//fig/graphic") is not None
    citation = tree.find("back/ref-list/ref/element-citation")
    assert citation.findtext("person-group/name/surname") == "Nguyễn"
    assert citation.findtext("year") == "2020"
    assert citation.findtext("pub-id[@pub-id-type='doi']") == "10.5555/lua.2020"
    assert citation.findtext("fpage") == "15"
    assert tree.find(".//xref[@ref-type='bibr']") is not None


def test_a_pdf_figure_is_drawn_as_png(tmp_path, xsd_path):
    Image.new("RGB", (200, 100), (200, 30, 30)).save(tmp_path / "ruong.pdf", "PDF")
    tree, converted = jats_of(
        tmp_path,
        xsd_path,
        LATEX.replace(r"Theo \cite{nguyen2020}, năng", "Năng"),
        fmt="tex",
        figures={"ruong.pdf": tmp_path / "ruong.pdf"},
    )

    stored = tree.find(".//fig/graphic").get(HREF)
    with Image.open(tmp_path / "work" / "media" / stored) as image:
        assert image.format == "PNG"
        pixel = image.getpixel((image.width // 2, image.height // 2))[:3]
        assert all(abs(a - b) <= 6 for a, b in zip(pixel, (200, 30, 30), strict=True))
    assert "image" in kinds(converted)


def test_a_missing_figure_names_the_file_to_add(tmp_path):
    samples.figure_png(tmp_path / "khac.png")
    path = tmp_path / "bai.tex"
    path.write_text(LATEX.replace(r"Theo \cite{nguyen2020}, năng", "Năng"), encoding="utf-8")

    with pytest.raises(TypesetError) as caught:
        convert(path, "tex", tmp_path / "work", figures={"khac.png": tmp_path / "khac.png"})
    message = str(caught.value.message)
    assert "“ruong.png”" in message and "khac.png" not in message


def test_a_word_table_of_contents_is_dropped_and_reported(tmp_path, xsd_path):
    tree, converted = jats_of(
        tmp_path,
        xsd_path,
        "Mục lục\n\n[1. Mở đầu 3](#_Toc101)\n\n[2. Kết quả 5](#_Toc102)\n\n"
        "# Mở đầu\n\nNội dung bài báo.\n",
    )

    text = " ".join("".join(tree.find("body").itertext()).split())
    assert text.startswith("Mở đầu Nội dung bài báo.")
    assert "toc" in kinds(converted)


def test_front_matter_matching_the_metadata_is_removed_once(tmp_path, xsd_path):
    meta = samples.article_meta("vi")
    manuscript = (
        f"**{meta.title_vi.upper()}**\n\nNguyễn Văn An, Tran Thi Binh, John Smith\n\n"
        f"Tóm tắt: {meta.abstract_vi}\n\n"
        f"Từ khóa: {', '.join(meta.keywords_vi)}\n\n"
        "# Mở đầu\n\nĐồng bằng sông Cửu Long là vựa lúa.\n"
    )
    path = tmp_path / "bai.md"
    path.write_text(manuscript, encoding="utf-8")
    converted = convert(path, "md", tmp_path / "work")

    remove_repeated_front_matter(converted.tree, meta, converted.repairs)

    body = converted.tree.find("body")
    assert (
        " ".join("".join(body.itertext()).split()) == "Mở đầu Đồng bằng sông Cửu Long là vựa lúa."
    )
    assert kinds(converted) == ["front"]
    validate(enrich(converted.tree, meta), xsd_path)


def test_an_opening_paragraph_that_differs_from_the_metadata_stays(tmp_path):
    meta = samples.article_meta("vi")
    path = tmp_path / "bai.md"
    path.write_text("Lúa là cây trồng chính của vùng.\n\n# Mở đầu\n\nNội dung.\n", encoding="utf-8")
    converted = convert(path, "md", tmp_path / "work")

    remove_repeated_front_matter(converted.tree, meta, converted.repairs)

    assert converted.tree.find("body/p") is not None and not kinds(converted)


def test_folding_ignores_accents_and_case():
    assert fold("ĐÁNH GIÁ Khả năng") == "danh gia kha nang"
    assert similarity(fold("Đánh giá khả năng"), fold("danh gia KHA NANG")) == 1.0
