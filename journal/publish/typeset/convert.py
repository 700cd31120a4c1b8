"""Manuscript → JATS with pandoc, run as a sandboxed, time- and memory-limited subprocess.

pandoc reads only the files named on its command line (``--sandbox``): no network, no other
file, so ``\\input{/etc/passwd}`` or an image linked over http is never read. What it
produces is then normalised with lxml: figures are checked with Pillow and copied into the
article's media folder under content-addressed names, links keep only web and mail schemes,
an unstructured reference list becomes ``ref-list`` with ``mixed-citation``.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import resource
import shutil
import signal
import subprocess
import tempfile
import warnings
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from lxml import etree
from PIL import Image

from ...errors import InvalidUpload
from ...filetypes import ZipLimits, check_zip
from .counts import ContentCounts, read_report
from .errors import TypesetError
from .repair import (
    Repair,
    Repairs,
    drop_word_toc,
    repair_dangling_links,
    repair_empty_blocks,
    repair_graphics,
    repair_ids,
    repair_nested_links,
    repair_tables,
)
from .safexml import HREF, XML_LANG, parse_xml

FORMATS = ("docx", "odt", "md", "tex")
READERS = {
    "docx": "docx",
    "odt": "odt",
    # CommonMark with pandoc's extensions; raw_attribute would let ```{=jats} through.
    "md": "commonmark_x+implicit_figures-raw_attribute",
    "tex": "latex",
}
WRITER = "jats_publishing+element_citations"
MIN_PANDOC = (3, 1, 6)  # earlier versions write anywhere through --extract-media
TIME_LIMIT = 60.0
MEMORY_LIMIT = 1 << 30
ZIP_LIMITS = ZipLimits(max_entries=5000, max_uncompressed=300 << 20, max_ratio=200)
LUA_FILTER = Path(__file__).with_name("typeset.lua")

IMAGE_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp"}
# Formats Pillow reads that browsers, WeasyPrint or archives handle badly: stored as PNG.
CONVERTED_FORMATS = {"TIFF", "BMP", "GIF", "PPM", "TGA", "PCX", "ICO"}
FIGURE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".pdf", ".tif", ".tiff", ".gif", ".bmp", ".webp")
PDF_FIGURE_DPI = 150
LINK_SCHEMES = {"http", "https", "mailto"}
REFERENCE_TITLES = {
    "references",
    "reference",
    "bibliography",
    "literature cited",
    "tài liệu tham khảo",
    "danh mục tài liệu tham khảo",
}
# LaTeX that reads or writes files or runs commands: refused before pandoc sees it.
TEX_FORBIDDEN = re.compile(
    r"\\(write18|immediate|openout|openin|read|write|input|include|includeonly|subfile|"
    r"import|subimport|catcode|directlua|ShellEscape|usepackage\s*\{\s*shellesc)(?![A-Za-z])"
)
# citeproc's locales: Vietnamese joins two authors with "và"; more are written "nnk."
CITATION_LOCALES = {"vi": "vi-VN", "en": "en-US"}
VI_ET_AL = re.compile(r"\bvà\s+c\.\s?s\.")
DOI_PATTERN = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+[^\s\"<>.,;:)\]])")


@dataclass
class Converted:
    """pandoc's JATS, normalised; its figures in ``media_dir`` (names only in the XML)."""

    tree: etree._Element
    media_dir: Path
    structured_references: bool
    warnings: list[str] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    # What pandoc read in the manuscript (None: not reported), and the words the conversion
    # took out on purpose (typed reference numbers; repairs count their own).
    source_counts: ContentCounts | None = None
    removed_words: int = 0

    @property
    def media_files(self) -> list[Path]:
        return sorted(p for p in self.media_dir.iterdir() if p.is_file())


@cache
def pandoc_path() -> str:
    import pypandoc

    version = tuple(int(x) for x in re.findall(r"\d+", pypandoc.get_pandoc_version())[:3])
    if version < MIN_PANDOC:
        raise RuntimeError(
            f"pandoc {'.'.join(map(str, version))} is too old: "
            f"{'.'.join(map(str, MIN_PANDOC))} or newer is needed"
        )
    return pypandoc.get_pandoc_path()


def _limit_memory(limit: int):
    def apply() -> None:  # runs in the child between fork and exec: keep it to syscalls
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def run_pandoc(
    args: list[str], cwd: Path, *, time_limit: float, memory_limit: int
) -> subprocess.CompletedProcess:
    """Run pandoc with ``args``; kill its whole process group past ``time_limit``."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(cwd),
        "LANG": "C.UTF-8",
        "XDG_DATA_HOME": str(cwd),
        "XDG_CONFIG_HOME": str(cwd),
    }
    proc = subprocess.Popen(  # noqa: S603 - fixed executable, no shell
        [pandoc_path(), *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=_limit_memory(memory_limit),
    )
    try:
        out, err = proc.communicate(timeout=time_limit)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise TypesetError(
            _l(
                "Converting the manuscript took longer than %(seconds)s seconds and was stopped.",
                seconds=f"{time_limit:g}",
            )
        ) from None
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def convert(
    manuscript: str | Path,
    fmt: str,
    workdir: str | Path,
    *,
    figures: Mapping[str, str | Path] | None = None,
    bibliography: str | Path | None = None,
    lang: str = "en",
    time_limit: float = TIME_LIMIT,
    memory_limit: int = MEMORY_LIMIT,
) -> Converted:
    """Convert ``manuscript`` (``fmt`` in docx, odt, md, tex) to normalised JATS.

    ``figures`` maps the image names a Markdown or LaTeX manuscript refers to onto uploaded
    image files; ``bibliography`` is a BibTeX or CSL file for a LaTeX manuscript. The figures
    end up in ``workdir/media``. ``lang`` (vi, en), the article's language, chooses the
    citation conventions ("và", "nnk.") and the cross-reference words ("Hình", "Bảng").
    """
    if fmt not in FORMATS:
        raise TypesetError(_l("Manuscripts must be .docx, .odt, .md or .tex files."))
    source = Path(manuscript)
    data = source.read_bytes()
    if not data.strip():
        raise TypesetError(_l("The manuscript is empty."))
    _precheck(data, fmt)

    workdir = Path(workdir)
    media_dir = workdir / "media"
    if media_dir.exists():
        shutil.rmtree(media_dir)
    media_dir.mkdir(parents=True)
    try:
        return _convert(
            data, fmt, workdir, media_dir, figures, bibliography, lang, time_limit, memory_limit
        )
    except BaseException:
        shutil.rmtree(media_dir, ignore_errors=True)  # nothing half-made is left behind
        raise


def _convert(data, fmt, workdir, media_dir, figures, bibliography, lang, time_limit, memory_limit):
    with tempfile.TemporaryDirectory(prefix="pandoc-", dir=workdir) as scratch:
        scratch = Path(scratch)
        if fmt == "tex":
            data = _tex_bibliography_to_list(data.decode("utf-8"), scratch).encode("utf-8")
        (scratch / f"manuscript.{fmt}").write_bytes(data)
        args = [
            "--sandbox",
            "--standalone",
            f"--from={READERS[fmt]}",
            f"--to={WRITER}",
            "--mathml",
            f"--lua-filter={LUA_FILTER}",
            "--extract-media=extracted",
        ]
        if bibliography is not None:
            bib = Path(bibliography)
            name = "references.json" if bib.suffix.lower() == ".json" else "references.bib"
            shutil.copyfile(bib, scratch / name)
            args.append(f"--metadata=typeset-bibliography:{name}")
        args += [
            f"--metadata=lang:{CITATION_LOCALES.get(lang, 'en-US')}",
            f"--metadata=typeset-lang:{'vi' if lang == 'vi' else 'en'}",
            f"--metadata=typeset-format:{fmt}",
            "--citeproc",
            "--metadata=link-citations:true",
            "--output=article.xml",
        ]
        args.append(f"manuscript.{fmt}")
        result = run_pandoc(args, scratch, time_limit=time_limit, memory_limit=memory_limit)
        messages = result.stderr.decode("utf-8", "replace")
        source_counts, other_messages = read_report(messages)
        _check_exit(result.returncode, messages)
        _check_warnings(messages)
        try:
            tree = parse_xml((scratch / "article.xml").read_bytes())
        except (OSError, etree.XMLSyntaxError):
            raise TypesetError(_l("The converter produced no readable article.")) from None
        structured = tree.find("back/ref-list/ref/element-citation") is not None
        repairs: Repairs = []
        _collect_media(tree, scratch, media_dir, figures or {}, repairs, time_limit)
    removed_words = normalise(tree, structured=structured, repairs=repairs)
    if lang == "vi":
        _vietnamese_et_al(tree)
    if _is_empty(tree):
        raise TypesetError(_l("The manuscript has no content to typeset."))
    return Converted(
        tree, media_dir, structured, other_messages, repairs, source_counts, removed_words
    )


def _precheck(data: bytes, fmt: str) -> None:
    if fmt in ("docx", "odt"):
        if not data.startswith(b"PK\x03\x04"):
            raise TypesetError(_l("The file is damaged or is not a document archive."))
        try:
            archive = check_zip(io.BytesIO(data), ZIP_LIMITS)
        except InvalidUpload as error:
            raise TypesetError(error.message) from None
        _check_embedded(archive, fmt)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise TypesetError(_l("Text manuscripts must be encoded in UTF-8.")) from None
        if "\x00" in text:
            raise TypesetError(_l("This is not a text file."))
        if fmt == "tex":
            text = re.sub(r"(?<!\\)%.*", "", text)
            match = TEX_FORBIDDEN.search(text)
            if match:
                raise TypesetError(
                    _l(
                        "The LaTeX source uses \\%(command)s, which reads or writes other files "
                        "or runs programs. Put everything in the one .tex file and remove it.",
                        command=match.group(1),
                    )
                )


def _check_embedded(archive: zipfile.ZipFile, fmt: str) -> None:
    names = archive.namelist()
    if fmt == "docx":
        ole = [n for n in names if n.startswith(("word/embeddings/", "word/activeX/"))]
        if ole:
            raise TypesetError(
                _l(
                    "The document contains embedded objects (OLE, ActiveX: %(name)s). Replace "
                    "them with images or tables and upload it again.",
                    name=PurePosixPath(ole[0]).name,
                )
            )
        for name in names:
            if name.startswith("word/_rels/") and name.endswith(".rels"):
                _check_relationships(archive.read(name))
    else:
        manifest = (
            archive.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
        )
        if b"oleobject" in manifest.lower() or any(
            n.startswith("ObjectReplacements/") and "ole" in n.lower() for n in names
        ):
            raise TypesetError(
                _l(
                    "The document contains embedded objects (OLE, ActiveX: %(name)s). Replace "
                    "them with images or tables and upload it again.",
                    name="ODF",
                )
            )


def _check_relationships(rels: bytes) -> None:
    try:
        root = parse_xml(rels)
    except etree.XMLSyntaxError:
        raise TypesetError(_l("The file is damaged or is not a document archive.")) from None
    for rel in root:
        kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
        if rel.get("TargetMode") == "External" and kind in ("image", "oleObject", "package"):
            raise TypesetError(
                _l(
                    "The document links an image from outside the file (%(target)s). Insert "
                    "the image into the document instead of linking it.",
                    target=(rel.get("Target") or "")[:200],
                )
            )
        if kind in ("oleObject", "package", "control", "embeddings"):
            raise TypesetError(
                _l(
                    "The document contains embedded objects (OLE, ActiveX: %(name)s). Replace "
                    "them with images or tables and upload it again.",
                    name=(rel.get("Target") or "")[:200],
                )
            )


def _tex_bibliography_to_list(text: str, scratch: Path) -> str:
    """``thebibliography`` → a numbered list whose items carry ``ref-<key>`` anchors (pandoc
    drops the ``\\bibitem`` keys, so ``\\cite`` could not be linked otherwise)."""

    def items(match: re.Match) -> str:
        body = re.sub(
            r"\\bibitem\s*(?:\[[^\]]*\])?\s*\{([^}]+)\}",
            lambda m: "\\item \\label{ref-" + m.group(1).strip() + "} ",
            match.group(1),
        )
        return "\\section*{References}\n\\begin{enumerate}" + body + "\\end{enumerate}"

    return re.sub(
        r"\\begin\{thebibliography\}\s*(?:\{[^}]*\})?(.*?)\\end\{thebibliography\}",
        items,
        text,
        flags=re.S,
    )


def _check_exit(code: int, messages: str) -> None:
    if code == 0:
        return
    lowered = messages.lower()
    if code < 0 or code == 251 or "out of memory" in lowered or "heap exhausted" in lowered:
        raise TypesetError(
            _l("Converting the manuscript needed more memory than allowed and was stopped.")
        )
    detail = next((line for line in messages.splitlines() if line.strip()), "")[:300]
    raise TypesetError(
        _l("The manuscript could not be read: %(detail)s", detail=detail or f"exit {code}")
    )


def _check_warnings(messages: str) -> None:
    for line in messages.splitlines():
        if "Could not load include file" in line:
            raise TypesetError(
                _l(
                    "The manuscript includes another file, which is not allowed: %(detail)s",
                    detail=line.removeprefix("[WARNING]").strip()[:300],
                )
            )


def _collect_media(
    tree: etree._Element,
    scratch: Path,
    media_dir: Path,
    figures: Mapping[str, str | Path],
    repairs: Repairs,
    time_limit: float,
) -> None:
    extracted = (scratch / "extracted").resolve()
    by_name = {PurePosixPath(str(k)).name: Path(v) for k, v in figures.items()}
    by_stem: dict[str, Path] = {}
    for name, path in sorted(by_name.items(), key=lambda item: _extension_rank(item[0])):
        by_stem.setdefault(PurePosixPath(name).stem, path)
    names: dict[str, str] = {}
    missing: list[str] = []
    for graphic in tree.iter("graphic", "inline-graphic"):
        href = graphic.get(HREF) or ""
        if href in names:
            graphic.set(HREF, names[href])
            continue
        parts = urlsplit(href)
        candidate: Path | None = None
        if not parts.scheme and not parts.netloc and href:
            local = (scratch / href).resolve()
            wanted = PurePosixPath(href)
            if local.is_file() and local.is_relative_to(extracted):
                candidate = local
            elif wanted.name in by_name:
                candidate = by_name[wanted.name]
            elif not wanted.suffix and wanted.name in by_stem:  # \includegraphics{fig}
                candidate = by_stem[wanted.name]
        if candidate is None and (parts.scheme or parts.netloc):
            raise TypesetError(
                _l(
                    "The figure “%(href)s” is not part of the manuscript. Embed images in the "
                    "document, or upload them as figure files with the same names.",
                    href=href[:200],
                )
            )
        if candidate is None:
            if href not in missing:
                missing.append(href)
            continue
        name = _store_image(candidate, media_dir, href, repairs, time_limit)
        names[href] = name
        graphic.set(HREF, name)
        graphic.attrib.pop("mimetype", None)
        graphic.attrib.pop("mime-subtype", None)
    if missing:
        shown = [_figure_file_name(h) for h in missing[:10]]
        raise TypesetError(
            _l(
                "The manuscript uses figures that were not uploaded: %(names)s. Upload them as "
                "figure files with these names (PNG, JPEG or PDF), or embed them in the "
                "document.",
                names=", ".join(f"“{n}”" for n in shown) + ("…" if len(missing) > 10 else ""),
            )
        )


def _extension_rank(name: str) -> int:
    suffix = PurePosixPath(name).suffix.lower()
    return (
        FIGURE_EXTENSIONS.index(suffix) if suffix in FIGURE_EXTENSIONS else len(FIGURE_EXTENSIONS)
    )


def _figure_file_name(href: str) -> str:
    """The name an author must upload: ``fig`` is written ``fig.png``."""
    name = PurePosixPath(href).name
    return (name if PurePosixPath(name).suffix else f"{name}.png")[:200]


def _store_image(
    path: Path, media_dir: Path, label: str, repairs: Repairs, time_limit: float
) -> str:
    data = path.read_bytes()
    if data.startswith(b"%PDF-"):
        data = _pdf_figure_png(data, label, time_limit)
        repairs.append(
            Repair(
                "image",
                _l("The PDF figure “%(name)s” was converted to a PNG image.", name=label[:200]),
            )
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format
                image.verify()
            if kind in CONVERTED_FORMATS:
                data = _as_png(data)
                repairs.append(
                    Repair(
                        "image",
                        _l(
                            "The image “%(name)s” (%(kind)s) was converted to PNG.",
                            name=label[:200],
                            kind=kind,
                        ),
                    )
                )
                kind = "PNG"
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise TypesetError(
            _l(
                "The image “%(name)s” is too large to process safely (a decompression bomb?).",
                name=label[:200],
            )
        ) from None
    except Exception:  # Pillow raises many kinds for damaged images
        raise TypesetError(
            _l("The image “%(name)s” is damaged or not an image.", name=label[:200])
        ) from None
    if kind not in IMAGE_FORMATS:
        raise TypesetError(
            _l(
                "The image “%(name)s” is in a format that cannot be published (%(kind)s): "
                "use PNG or JPEG.",
                name=label[:200],
                kind=kind or "?",
            )
        )
    name = hashlib.sha256(data).hexdigest()[:20] + IMAGE_FORMATS[kind]
    (media_dir / name).write_bytes(data)
    return name


def _as_png(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        image.seek(0)  # the first frame of an animation or a multi-page TIFF
        frame = image.convert("RGBA" if "A" in image.getbands() or image.mode == "P" else "RGB")
        out = io.BytesIO()
        frame.save(out, "PNG", optimize=False)
    return out.getvalue()


def _pdf_figure_png(data: bytes, label: str, time_limit: float) -> bytes:
    """The first page of a PDF figure as PNG, drawn by poppler's ``pdftoppm`` (time- and
    memory-limited, no network)."""
    with tempfile.TemporaryDirectory(prefix="pdf-figure-") as folder:
        source = Path(folder) / "figure.pdf"
        source.write_bytes(data)
        try:
            result = subprocess.run(  # noqa: S603 - fixed program, our own file
                [
                    "/usr/bin/pdftoppm",
                    "-png",
                    "-singlefile",
                    "-f",
                    "1",
                    "-r",
                    str(PDF_FIGURE_DPI),
                    str(source),
                    str(Path(folder) / "figure"),
                ],
                capture_output=True,
                timeout=time_limit,
                preexec_fn=_limit_memory(MEMORY_LIMIT),
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            result = None
        png = Path(folder) / "figure.png"
        if result is None or result.returncode != 0 or not png.is_file():
            raise TypesetError(_l("The PDF figure “%(name)s” could not be read.", name=label[:200]))
        return png.read_bytes()


# ---------------------------------------------------------------- normalisation


def normalise(tree: etree._Element, *, structured: bool, repairs: Repairs | None = None) -> int:
    """Make pandoc's JATS 1.2 what we publish: JATS 1.3, linked, labelled, safe links; what
    is untidy is repaired and listed in ``repairs``. Returns the words taken out (reference
    numbers typed by the author, which the list numbers again)."""
    repairs = [] if repairs is None else repairs
    tree.set("dtd-version", "1.3")
    tree.set("article-type", "research-article")
    _unwrap_boxed_tables(tree)
    _wrap_captioned_graphics(tree)
    _sanitise_links(tree)
    drop_word_toc(tree, repairs)
    removed = 0
    if not structured and tree.find("back/ref-list") is None:
        removed = _build_ref_list(tree)
    repair_ids(tree, repairs)
    _label_floats(tree)
    repair_nested_links(tree, repairs)
    repair_graphics(tree, repairs)
    repair_tables(tree, repairs)
    repair_empty_blocks(tree, repairs)
    targets = {
        rid for e in tree.iter() if isinstance(e.tag, str) for rid in (e.get("rid") or "").split()
    }
    for styled in list(tree.iter("styled-content")):
        # Empty anchors (bookmarks, reference labels) that nothing links to.
        if not (styled.text or len(styled)) and styled.get("id") not in targets:
            _unwrap(styled)
    repair_dangling_links(tree, repairs)
    _type_xrefs(tree)
    return removed


def _unwrap(element: etree._Element) -> None:
    """Replace ``element`` by its content, keeping text and tail."""
    parent = element.getparent()
    index = parent.index(element)
    text = element.text or ""
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        prev = parent[index - 1]
        prev.tail = (prev.tail or "") + text
    children = list(element)
    tail = element.tail or ""
    parent.remove(element)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    if children:
        children[-1].tail = (children[-1].tail or "") + tail
    elif index == 0:
        parent.text = (parent.text or "") + tail
    else:
        parent[index - 1].tail = (parent[index - 1].tail or "") + tail


def _unwrap_boxed_tables(tree: etree._Element) -> None:
    """LaTeX tables arrive as ``boxed-text[@id]/table-wrap``: keep the table, move the id."""
    for boxed in list(tree.iter("boxed-text")):
        children = [c for c in boxed if isinstance(c.tag, str)]
        if len(children) == 1 and children[0].tag in ("table-wrap", "fig"):
            inner = children[0]
            if boxed.get("id") and not inner.get("id"):
                inner.set("id", boxed.get("id"))
            _unwrap(boxed)


FIGURE_CAPTION = re.compile(r"^(hình|figure|fig\.)\s*\d+", re.I)


def _wrap_captioned_graphics(tree: etree._Element) -> None:
    """A loose graphic followed by a "Figure 1. …" / "Hình 1. …" paragraph becomes a fig
    (the ODT and some Word documents keep captions as ordinary paragraphs)."""
    for graphic in list(tree.iter("graphic")):
        parent = graphic.getparent()
        holder = graphic
        if parent.tag == "p" and len(parent) == 1 and not (parent.text or "").strip():
            holder = parent
        if holder.getparent() is None or holder.getparent().tag not in ("sec", "body"):
            continue
        following = holder.getnext()
        if following is None or following.tag != "p":
            continue
        if not FIGURE_CAPTION.match(" ".join("".join(following.itertext()).split())):
            continue
        fig = etree.Element("fig")
        holder.addprevious(fig)
        fig.tail = holder.tail
        caption = etree.SubElement(fig, "caption")
        following.getparent().remove(following)
        following.tail = None
        caption.append(following)
        graphic.tail = None
        fig.append(graphic)
        if holder is not graphic:
            holder.getparent().remove(holder)


def _sanitise_links(tree: etree._Element) -> None:
    for element in list(tree.iter("ext-link", "uri", "self-uri", "related-article")):
        scheme = urlsplit((element.get(HREF) or "").strip()).scheme.lower()
        if scheme not in LINK_SCHEMES:
            _unwrap(element)
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in ("graphic", "inline-graphic"):
            continue
        if element.get(HREF) is not None:
            scheme = urlsplit(element.get(HREF).strip()).scheme.lower()
            if scheme not in LINK_SCHEMES:
                del element.attrib[HREF]


def _section_title(sec: etree._Element) -> str:
    title = sec.find("title")
    text = " ".join("".join(title.itertext()).split()) if title is not None else ""
    return re.sub(r"^[\dIVX.\s]+", "", text).strip().lower()


BACK_KINDS = (
    (re.compile(r"^(appendix|appendices|phụ lục|supplementary|supporting)", re.I), "app"),
    (re.compile(r"^(acknowledg|lời cảm ơn|lời cám ơn|cảm ơn)", re.I), "ack"),
)
LEGEND = re.compile(r"^(hình|figure|fig\.|bảng|table|video|supplementary|s\d)\s*\d*", re.I)
YEAR = re.compile(r"\b(1[6-9]|20)\d\d[a-z]?\b")


def _build_ref_list(tree: etree._Element) -> int:
    """A last section titled References (in either language) becomes ``back/ref-list``;
    only its entries are references: its sub-bibliographies become nested lists, and what
    follows the list (legends, appendices, acknowledgements, later sections) goes to
    ``back`` as back matter, never lost."""
    body = tree.find("body")
    if body is None:
        return 0
    sections = [s for s in body.iter("sec") if _section_title(s) in REFERENCE_TITLES]
    if not sections:
        return 0
    sec = sections[-1]
    following: list[etree._Element] = []
    node = sec
    while node is not body:
        following.extend(e for e in node.itersiblings() if isinstance(e.tag, str))
        node = node.getparent()
    ref_list = etree.Element("ref-list")
    title = sec.find("title")
    if title is not None:
        ref_list.append(title)
    leftovers = _fill_ref_list(sec, ref_list, 1)
    stripped = sum(1 for ref in ref_list.iter("ref") if ref.get("typed-number"))
    for ref in ref_list.iter("ref"):
        ref.attrib.pop("typed-number", None)
    sec.getparent().remove(sec)
    back = tree.find("back")
    if back is None:
        back = etree.SubElement(tree, "back")
    if ref_list.find(".//ref") is not None:
        back.insert(0, ref_list)
    elif title is not None:
        leftovers.insert(0, title)
    loose = [e for e in leftovers if e.tag != "sec"]
    if loose:
        holder = etree.SubElement(back, "notes")  # JATS notes need no title, sections do
        for element in loose:
            holder.append(element)
    for element in [e for e in leftovers if e.tag == "sec"] + following:
        _append_back_section(back, element)
    return stripped


def _fill_ref_list(sec: etree._Element, ref_list: etree._Element, number: int) -> list:
    """Move the reference entries of ``sec`` into ``ref_list``; returns what is no
    reference (blocks after the list, sections that are not bibliographies)."""
    children = [c for c in sec if isinstance(c.tag, str) and c.tag != "title"]
    has_list = any(c.tag == "list" for c in children)
    entries: list[etree._Element] = []
    leftovers: list[etree._Element] = []
    nested: list[etree._Element] = []
    ended = False
    for child in children:
        if child.tag == "sec":
            if not ended and _looks_like_references(child):
                nested.append(child)
            else:
                leftovers.append(child)
                ended = True
            continue
        if ended:
            leftovers.append(child)
        elif has_list:
            if child.tag == "list":
                entries.extend(item for item in child if item.tag == "list-item")
            elif entries:
                leftovers.append(child)
                ended = True
            else:
                leftovers.append(child)
        elif child.tag == "p" and not LEGEND.match(_text_of(child)):
            entries.append(child)
        elif child.tag in ("boxed-text", "disp-quote"):
            entries.extend(child.iter("p"))
        else:
            leftovers.append(child)
            ended = True
    for entry in entries:
        _add_reference(ref_list, entry, number)
        number += 1
    for child in nested:
        inner = etree.SubElement(ref_list, "ref-list")
        title = child.find("title")
        if title is not None:
            inner.append(title)
        leftovers.extend(_fill_ref_list(child, inner, number))
        number += len(inner.findall(".//ref"))
    return leftovers


def _text_of(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())


def _looks_like_references(sec: etree._Element) -> bool:
    """Mostly dated entries (list items when it has a list): a sub-bibliography."""
    lists = sec.findall("list")
    entries = (
        [item for lst in lists for item in lst.findall("list-item")] if lists else sec.findall("p")
    )
    dated = sum(1 for e in entries if YEAR.search(_text_of(e)))
    return bool(entries) and dated >= 0.6 * len(entries) and sec.find("sec") is None


def _append_back_section(back: etree._Element, sec: etree._Element) -> None:
    """Back matter after the references: appendices to ``app-group``, acknowledgements to
    ``ack``, the rest as ``sec``."""
    title = sec.find("title")
    kind = next(
        (k for pattern, k in BACK_KINDS if title is not None and pattern.match(_text_of(title))),
        "sec",
    )
    if kind == "app":
        group = back.find("app-group")
        if group is None:
            group = etree.SubElement(back, "app-group")
        sec.tag = "app"
        group.append(sec)
    else:
        sec.tag = "notes" if kind == "sec" and title is None else kind
        back.append(sec)


def _add_reference(ref_list: etree._Element, entry: etree._Element, number: int) -> None:
    paragraphs = entry.findall("p") if entry.tag == "list-item" else [entry]
    anchor = next(
        (
            s.get("id")
            for p in paragraphs
            for s in p.iter("styled-content")
            if s.get("id", "").startswith("ref-")
        ),
        f"ref-{number}",
    )
    ref = etree.SubElement(ref_list, "ref", id=anchor)
    etree.SubElement(ref, "label").text = str(number)
    citation = etree.SubElement(ref, "mixed-citation")
    for p in paragraphs:
        for styled in list(p.iter("styled-content")):
            if styled.get("id", "").startswith("ref-") and not len(styled):
                _unwrap(styled)
        if len(citation) or citation.text:
            last = citation[-1] if len(citation) else None
            if last is not None:
                last.tail = (last.tail or "") + " "
            else:
                citation.text += " "
        _move_content(p, citation)
    citation.text = (citation.text or "").lstrip()
    if _strip_leading_number(citation, number):
        ref.set("typed-number", "1")  # counted, then dropped, by _build_ref_list
    _mark_doi(citation)


def _move_content(source: etree._Element, target: etree._Element) -> None:
    if source.text:
        if len(target):
            target[-1].tail = (target[-1].tail or "") + source.text
        else:
            target.text = (target.text or "") + source.text
    for child in list(source):
        target.append(child)


def _strip_leading_number(citation: etree._Element, number: int) -> bool:
    text = citation.text or ""
    citation.text = re.sub(rf"^\[?{number}[\].)]?\s+", "", text, count=1)
    return citation.text != text


def _mark_doi(citation: etree._Element) -> None:
    """A DOI written in a mixed citation becomes ``pub-id`` (linked in the galleys)."""
    if citation.find(".//pub-id") is not None:
        return
    for link in citation.iter("ext-link"):
        match = DOI_PATTERN.search(link.get(HREF) or "")
        if match and "doi.org" in (link.get(HREF) or ""):
            doi = match.group(1)
            tail = link.tail
            pub_id = etree.Element("pub-id", {"pub-id-type": "doi"})
            pub_id.text = doi
            pub_id.tail = tail
            link.getparent().replace(link, pub_id)
            return
    holders = [citation, *citation]
    for holder in holders:
        for attr in ("text", "tail") if holder is not citation else ("text",):
            value = getattr(holder, attr) or ""
            match = DOI_PATTERN.search(value)
            if not match:
                continue
            before, doi, after = value[: match.start()], match.group(1), value[match.end() :]
            before = re.sub(r"(https?://(dx\.)?doi\.org/|doi:\s*)$", "", before, flags=re.I)
            setattr(holder, attr, before)
            pub_id = etree.Element("pub-id", {"pub-id-type": "doi"})
            pub_id.text = doi
            pub_id.tail = after
            if holder is citation:
                citation.insert(0, pub_id)
            else:
                holder.addnext(pub_id)
            return


def _label_floats(tree: etree._Element) -> None:
    used = {e.get("id") for e in tree.iter() if isinstance(e.tag, str) and e.get("id")}

    def fresh(prefix: str, n: int) -> str:
        candidate = f"{prefix}{n}"
        while candidate in used:
            n += 1
            candidate = f"{prefix}{n}"
        used.add(candidate)
        return candidate

    for n, fig in enumerate(tree.iter("fig"), 1):
        if not fig.get("id"):
            fig.set("id", fresh("fig-", n))
        caption = fig.find("caption")
        text = " ".join("".join(caption.itertext()).split()) if caption is not None else ""
        for graphic in fig.iter("graphic"):
            _ensure_alt_text(graphic, text)
    for graphic in tree.iter("graphic", "inline-graphic"):
        _ensure_alt_text(graphic, "")
    for n, table in enumerate(tree.iter("table-wrap"), 1):
        inner = table.find("table")
        if not table.get("id") and inner is not None and inner.get("id"):
            table.set("id", inner.attrib.pop("id"))  # pandoc puts a table's id on <table>
        if not table.get("id"):
            table.set("id", fresh("table-", n))


def _ensure_alt_text(graphic: etree._Element, fallback: str) -> None:
    alt = graphic.find("alt-text")
    if alt is not None and (alt.text or "").strip():
        return
    text = (graphic.get("{http://www.w3.org/1999/xlink}title") or fallback or "").strip()
    if alt is None:
        alt = etree.Element("alt-text")
        graphic.insert(0, alt)
    alt.text = text[:500] or "Figure"


XREF_TYPES = {
    "fig": "fig",
    "table-wrap": "table",
    "ref": "bibr",
    "fn": "fn",
    "disp-formula": "disp-formula",
    "sec": "sec",
    "app": "app",
}


def _type_xrefs(tree: etree._Element) -> None:
    by_id = {e.get("id"): e for e in tree.iter() if isinstance(e.tag, str) and e.get("id")}
    for xref in tree.iter("xref"):
        target = by_id.get(xref.get("rid", "").split(" ")[0])
        if target is not None and not xref.get("ref-type"):
            xref.set("ref-type", XREF_TYPES.get(target.tag, "other"))


def _vietnamese_et_al(tree: etree._Element) -> None:
    """citeproc's Vietnamese locale writes "và c.s." for et al.; the journal writes "nnk."."""
    for holder in (*tree.iter("xref"), *tree.iter("mixed-citation")):
        for element in holder.iter():
            if element.text and "c.s." in element.text:
                element.text = VI_ET_AL.sub("nnk.", element.text)
            if element is not holder and element.tail and "c.s." in element.tail:
                element.tail = VI_ET_AL.sub("nnk.", element.tail)


def _is_empty(tree: etree._Element) -> bool:
    body = tree.find("body")
    if body is None:
        return True
    text = "".join(body.itertext()).strip()
    return not text and body.find(".//graphic") is None


def article_language(tree: etree._Element) -> str | None:
    return tree.get(XML_LANG)
