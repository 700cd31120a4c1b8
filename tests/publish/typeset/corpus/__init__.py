"""The real-manuscript corpus: articles no one here wrote, in the formats authors send.

* ``sources/*.xml.xz``: published JATS of real open-access research articles (PLOS, from
  the ``PLOS/allofplos`` starter and seed corpora; eLife, from the sample XML of
  ``elifesciences/elife-tools``), all CC BY. Each is turned into the manuscript an author
  would send with pandoc: .docx or .odt with the references printed by citeproc, or .tex
  with a .bib file. Their figures, not in the XML, are stand-in PNGs of the same number.
* ``sources/pandoc/``: documents from pandoc's own test suite (``jgm/pandoc``, ``test/``):
  Word and ODF lists, tables, notes, captions, content controls, pictures, and LaTeX.

``build(folder)`` makes the manuscripts; ``content_counts`` counts what a JATS tree holds and
``source_counts`` what the manuscript held, for the word and object comparison.
"""

from __future__ import annotations

import copy
import json
import lzma
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from PIL import Image

from journal.publish.typeset.convert import pandoc_path
from journal.publish.typeset.repair import remove_keeping_tail
from journal.publish.typeset.safexml import HREF, MML, parse_xml

SOURCES = Path(__file__).with_name("sources")

# (file in sources/, format the author sends, where it comes from)
ARTICLES = [
    ("journal.pmed.0020007", "docx", "PLOS/allofplos starter_corpus"),
    ("journal.pmed.0030445", "odt", "PLOS/allofplos seed_corpus"),
    ("journal.pmed.0030132", "tex", "PLOS/allofplos seed_corpus"),
    ("journal.pntd.0000149", "docx", "PLOS/allofplos starter_corpus"),
    ("journal.pbio.1001636", "odt", "PLOS/allofplos seed_corpus"),
    ("journal.pone.0008519", "tex", "PLOS/allofplos seed_corpus"),
    ("journal.pone.0002554", "docx", "PLOS/allofplos starter_corpus"),
    ("journal.pbio.1001289", "odt", "PLOS/allofplos starter_corpus"),
    ("journal.pone.0040259", "tex", "PLOS/allofplos seed_corpus"),
    ("journal.pbio.1000359", "docx", "PLOS/allofplos seed_corpus"),
    ("journal.pone.0042593", "odt", "PLOS/allofplos starter_corpus"),
    ("journal.pone.0046041", "tex", "PLOS/allofplos starter_corpus"),
    ("journal.pgen.1003316", "docx", "PLOS/allofplos starter_corpus"),
    ("journal.ppat.1000166", "odt", "PLOS/allofplos starter_corpus"),
    ("journal.pone.0052690", "docx", "PLOS/allofplos starter_corpus"),
    ("journal.pmed.1000097", "tex", "PLOS/allofplos starter_corpus"),
    ("journal.pone.0117014", "docx", "PLOS/allofplos starter_corpus"),
    ("journal.pgen.1000052", "odt", "PLOS/allofplos starter_corpus"),
    ("elife06003", "docx", "elifesciences/elife-tools tests/sample-xml"),
    ("elife00005", "odt", "elifesciences/elife-tools tests/sample-xml"),
    ("elife00133", "tex", "elifesciences/elife-tools tests/sample-xml"),
    ("elife-02833-v2", "docx", "elifesciences/elife-tools tests/sample-xml"),
    ("elife05031", "odt", "elifesciences/elife-tools tests/sample-xml"),
]
PANDOC_DOCUMENTS = sorted(
    p for p in (SOURCES / "pandoc").iterdir() if p.suffix in (".docx", ".odt", ".latex")
)
PANDOC_FIGURES = {p.name: p for p in (SOURCES / "pandoc").glob("*.jpg")}


@dataclass
class Manuscript:
    name: str
    fmt: str
    path: Path
    source: str
    figures: dict[str, Path] = field(default_factory=dict)
    bibliography: Path | None = None
    references: int = 0  # the reference list of the original article


def _pandoc(*args: str, cwd: Path) -> None:
    subprocess.run([pandoc_path(), *args], cwd=cwd, check=True, capture_output=True)


def _prepare_jats(source: Path, folder: Path, stem: str) -> tuple[Path, dict[str, Path], int]:
    """The article's XML with its figures as local PNGs; its reference count."""
    tree = parse_xml(lzma.decompress(source.read_bytes()))
    figures: dict[str, Path] = {}
    for n, graphic in enumerate(tree.iter("graphic", "inline-graphic"), 1):
        name = f"{stem}-fig{n}.png"
        Image.new("RGB", (320, 200), (40 + n * 7 % 200, 90, 140)).save(folder / name)
        graphic.set(HREF, name)
        figures[name] = folder / name
    for floats in tree.findall("floats-group"):  # PLOS keeps figures out of the body
        body = tree.find("body")
        for child in list(floats):
            body.append(child)
        tree.remove(floats)
    references = len(tree.findall("back/ref-list/ref"))
    path = folder / f"{stem}.xml"
    path.write_bytes(etree.tostring(tree, encoding="UTF-8"))
    return path, figures, references


LATEX_SPECIAL = re.compile(r"([&%$#_{}])")


def _thebibliography(xml: Path) -> str:
    tree = parse_xml(xml.read_bytes())
    items = []
    for ref in tree.iter("ref"):
        text = " ".join("".join(ref.itertext()).split())
        text = (
            LATEX_SPECIAL.sub(r"\\\1", text.replace("\\", " ")).replace("~", " ").replace("^", " ")
        )
        items.append(f"\\bibitem{{{ref.get('id')}}} {text}")
    return "\\begin{thebibliography}{99}\n" + "\n".join(items) + "\n\\end{thebibliography}"


def build(folder: Path, names: set[str] | None = None) -> list[Manuscript]:
    """Every manuscript of the corpus (or those in ``names``), made in ``folder``."""
    made: list[Manuscript] = []
    for stem, fmt, origin in ARTICLES:
        if names is not None and stem not in names:
            continue
        xml, figures, references = _prepare_jats(SOURCES / f"{stem}.xml.xz", folder, stem)
        out = folder / f"{stem}.{fmt}"
        bibliography = None
        if fmt == "tex":
            bibliography = folder / f"{stem}.bib"
            _pandoc(
                "-f", "jats", "-t", "biblatex", "-s", "-o", bibliography.name, xml.name, cwd=folder
            )
            _pandoc(
                "-f", "jats", "-t", "latex", "-s", "--natbib", "-o", out.name, xml.name, cwd=folder
            )
            text = out.read_text(encoding="utf-8")
            if re.search(r"@\w+\{[^,]+,\s*\}", bibliography.read_text(encoding="utf-8")):
                # Older articles' references have no parts a .bib can hold: the author
                # types them in thebibliography, as many do.
                bibliography = None
                ending = _thebibliography(xml) + "\n\\end{document}"
            else:  # every reference, as \nocite{*} does
                ending = "\\nocite{*}\n\\end{document}"
            out.write_text(text.replace("\\end{document}", ending), encoding="utf-8")
        else:
            (folder / "all.yaml").write_text('nocite: "@*"\n', encoding="utf-8")
            _pandoc(
                "-f",
                "jats",
                "-t",
                fmt,
                "--citeproc",
                "--metadata-file=all.yaml",
                "--metadata=reference-section-title:References",
                "-o",
                out.name,
                xml.name,
                cwd=folder,
            )
        made.append(
            Manuscript(stem, fmt, out, origin, figures, bibliography, references=references)
        )
    for path in PANDOC_DOCUMENTS:
        if names is not None and path.stem not in names:
            continue
        fmt = {".docx": "docx", ".odt": "odt", ".latex": "tex"}[path.suffix]
        made.append(Manuscript(path.stem, fmt, path, "jgm/pandoc test/", dict(PANDOC_FIGURES)))
    return made


# --------------------------------------------------------------------------- counting


@dataclass
class Counts:
    words: int = 0
    tables: int = 0
    figures: int = 0
    equations: int = 0
    references: int = 0

    def as_row(self) -> str:
        return f"{self.words}/{self.tables}/{self.figures}/{self.equations}/{self.references}"


WORD = re.compile(r"\w+")


def content_counts(tree: etree._Element) -> Counts:
    """What a JATS article's body and back hold (its front matter is the metadata)."""
    counts = Counts()
    for part in (tree.find("body"), tree.find("back")):
        if part is None:
            continue
        part = copy.deepcopy(part)
        counts.tables += len(part.findall(".//table-wrap"))
        counts.figures += len(list(part.iter("graphic", "inline-graphic")))
        counts.equations += len(list(part.iter(f"{{{MML}}}math")))
        for element in list(part.iter(f"{{{MML}}}math", "tex-math", "alt-text", "label")):
            remove_keeping_tail(element)
        counts.words += len(WORD.findall("".join(part.itertext())))
    counts.references = len(list(tree.iter("ref")))
    return counts


def source_counts(manuscript: Manuscript) -> Counts:
    """What pandoc reads in the manuscript itself (its own reading, before our filter)."""
    reader = {"docx": "docx", "odt": "odt", "tex": "latex"}[manuscript.fmt]
    result = subprocess.run(
        [pandoc_path(), "-f", reader, "-t", "json", str(manuscript.path)],
        check=True,
        capture_output=True,
        cwd=manuscript.path.parent,
    )
    counts = Counts(references=manuscript.references)
    _walk(json.loads(result.stdout)["blocks"], counts)
    return counts


def _walk(node, counts: Counts) -> None:
    if isinstance(node, list):
        for item in node:
            _walk(item, counts)
        return
    if not isinstance(node, dict) or "t" not in node:
        return
    kind, content = node["t"], node.get("c")
    if kind == "Str":
        counts.words += len(WORD.findall(content))
    elif kind in ("Code", "CodeBlock"):
        counts.words += len(WORD.findall(content[1]))
    elif kind == "Math":
        counts.equations += 1
    elif kind == "Image":
        counts.figures += 1
    elif kind in ("RawInline", "RawBlock"):
        return
    else:
        if kind == "Table":
            counts.tables += 1
        _walk(content, counts)
