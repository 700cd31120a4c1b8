"""The whole pipeline, stage by stage: converting, enriching, validating, html, pdf."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .convert import MEMORY_LIMIT, TIME_LIMIT, Converted, convert
from .counts import ContentCounts, check_kept, html_counts, jats_counts, pdf_words
from .enrich import enrich
from .htmlgalley import render_html
from .meta import ArticleMeta
from .pdfgalley import MEMORY_LIMIT as PDF_MEMORY_LIMIT
from .pdfgalley import TIME_LIMIT as PDF_TIME_LIMIT
from .pdfgalley import render_pdf
from .repair import Repair, remove_repeated_front_matter, repair_against_schema
from .validate import load_schema, validate

STAGES = ("converting", "enriching", "validating", "html", "pdf")


@dataclass(frozen=True)
class Galleys:
    jats: bytes
    html: str
    pdf: bytes
    media: dict[str, bytes]  # file name → content; the galleys refer to media/<name>
    # True: validated against the official JATS schema; False: structural checks only.
    schema_validated: bool = True
    # What was untidy in the manuscript and was repaired, for the editor to check.
    repairs: tuple[Repair, ...] = ()


def jats_bytes(tree: etree._Element) -> bytes:
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def typeset(
    manuscript: str | Path,
    fmt: str,
    meta: ArticleMeta,
    workdir: str | Path,
    *,
    xsd_path: str | Path | None,
    progress: Callable[[str], None] | None = None,
    figures: Mapping[str, str | Path] | None = None,
    bibliography: str | Path | None = None,
    time_limit: float = TIME_LIMIT,
    memory_limit: int = MEMORY_LIMIT,
    pdf_time_limit: float = PDF_TIME_LIMIT,
    pdf_memory_limit: int = PDF_MEMORY_LIMIT,
) -> Galleys:
    """Manuscript → validated JATS → HTML and PDF galleys. ``progress(stage)`` is called as
    each stage starts. ``xsd_path`` None: no official schema, the structural checks only (the
    result says so). Pandoc runs within ``time_limit`` seconds and ``memory_limit`` bytes,
    WeasyPrint within the ``pdf_`` ones. The PDF's pages are numbered from ``meta.fpage``.
    Raises ``TypesetError``; nothing is returned half-made."""
    try:
        return _run(
            manuscript,
            fmt,
            meta,
            Path(workdir),
            xsd_path,
            progress or _silent,
            figures,
            bibliography,
            (time_limit, memory_limit, pdf_time_limit, pdf_memory_limit),
        )
    except BaseException:
        shutil.rmtree(Path(workdir) / "media", ignore_errors=True)
        raise


def check_jats_content(converted: Converted, tree: etree._Element) -> ContentCounts:
    """Everything pandoc read is in the JATS, but for what was taken out on purpose (and
    listed as a repair); returns the JATS counts, which the galleys are checked against."""
    in_jats = jats_counts(tree)
    source = converted.source_counts
    if source is not None:
        removed = converted.removed_words + sum(r.words_removed for r in converted.repairs)
        expected = ContentCounts(
            words=max(source.words - removed, 0),
            tables=source.tables,
            figures=source.figures,
            equations=source.equations,
            footnotes=source.footnotes,
        )
        check_kept(
            expected,
            in_jats,
            "jats",
            compare=("words", "tables", "figures", "equations", "footnotes"),
        )
    return in_jats


def check_pdf_content(in_jats: ContentCounts, pdf: bytes) -> None:
    words = pdf_words(pdf)
    if words is not None:
        check_kept(in_jats, ContentCounts(words=words), "pdf", compare=("words",))


def _silent(stage: str) -> None:
    pass


def _run(
    manuscript,
    fmt,
    meta,
    workdir,
    xsd_path,
    report,
    figures,
    bibliography,
    limits,
) -> Galleys:
    time_limit, memory_limit, pdf_time_limit, pdf_memory_limit = limits
    report("converting")
    converted = convert(
        manuscript,
        fmt,
        workdir,
        figures=figures,
        bibliography=bibliography,
        lang=meta.language,
        time_limit=time_limit,
        memory_limit=memory_limit,
    )
    repairs = converted.repairs
    remove_repeated_front_matter(converted.tree, meta, repairs)
    report("enriching")
    tree = enrich(converted.tree, meta)
    report("validating")
    if xsd_path is not None:
        tree = repair_against_schema(tree, load_schema(str(Path(xsd_path).resolve())), repairs)
    validate(tree, xsd_path)
    in_jats = check_jats_content(converted, tree)
    jats = jats_bytes(tree)
    report("html")
    html = render_html(tree, media_prefix="media/")
    check_kept(in_jats, html_counts(html), "html", compare=("words", "tables", "figures"))
    report("pdf")
    pdf = render_pdf(
        html,
        converted.media_dir,
        jats=jats,
        first_page=int(meta.fpage) if meta.fpage and meta.fpage.isdigit() else None,
        time_limit=pdf_time_limit,
        memory_limit=pdf_memory_limit,
    )
    check_pdf_content(in_jats, pdf)
    media = {p.name: p.read_bytes() for p in converted.media_files}
    return Galleys(
        jats=jats,
        html=html,
        pdf=pdf,
        media=media,
        schema_validated=xsd_path is not None,
        repairs=tuple(repairs),
    )
