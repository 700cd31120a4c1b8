"""The whole pipeline, stage by stage: converting, enriching, validating, html, pdf."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .convert import MEMORY_LIMIT, TIME_LIMIT, convert
from .enrich import enrich
from .htmlgalley import render_html
from .meta import ArticleMeta
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
) -> Galleys:
    """Manuscript → validated JATS → HTML and PDF galleys. ``progress(stage)`` is called as
    each stage starts. ``xsd_path`` None: no official schema, the structural checks only (the
    result says so). Raises ``TypesetError``; nothing is returned half-made."""
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
            time_limit,
            memory_limit,
        )
    except BaseException:
        shutil.rmtree(Path(workdir) / "media", ignore_errors=True)
        raise


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
    time_limit,
    memory_limit,
) -> Galleys:
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
    jats = jats_bytes(tree)
    report("html")
    html = render_html(tree, media_prefix="media/")
    report("pdf")
    pdf = render_pdf(html, converted.media_dir, jats=jats)
    media = {p.name: p.read_bytes() for p in converted.media_files}
    return Galleys(
        jats=jats,
        html=html,
        pdf=pdf,
        media=media,
        schema_validated=xsd_path is not None,
        repairs=tuple(repairs),
    )
