"""The content guard: what pandoc read in the manuscript (words, tables, pictures, equations,
footnotes) against what the JATS, the HTML and the PDF hold. A loss beyond a small tolerance
stops the run with a message naming what went missing, before an editor can approve it.

pandoc's own reading is counted by the Lua filter before it changes anything and reported on
pandoc's error stream as one line, ``typeset-counts {json}``.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import tempfile
from dataclasses import dataclass, fields

from flask_babel import lazy_gettext as _l
from lxml import etree
from lxml import html as lxml_html

from .errors import TypesetError
from .safexml import MML

WORD_TOLERANCE = 0.02  # words may differ a little (hyphenation, labels); objects may not
REPORT_PREFIX = "typeset-counts "
WORD = re.compile(r"\w+")
NOT_WORDS = (f"{{{MML}}}math", "tex-math", "alt-text", "label", "object-id")


@dataclass(frozen=True)
class ContentCounts:
    words: int = 0
    tables: int = 0
    figures: int = 0
    equations: int = 0
    footnotes: int = 0


OBJECT_NAMES = {
    "words": _l("words"),
    "tables": _l("tables"),
    "figures": _l("pictures"),
    "equations": _l("equations"),
    "footnotes": _l("footnotes"),
}
WHERE = {"jats": _l("the JATS"), "html": _l("the HTML galley"), "pdf": _l("the PDF galley")}


def read_report(messages: str) -> tuple[ContentCounts | None, list[str]]:
    """pandoc's counts from its error stream, and the other lines of it."""
    counts, rest = None, []
    for line in messages.splitlines():
        if line.startswith(REPORT_PREFIX):
            try:
                data = json.loads(line[len(REPORT_PREFIX) :])
                counts = ContentCounts(
                    **{f.name: int(data.get(f.name, 0)) for f in fields(ContentCounts)}
                )
            except (ValueError, TypeError):
                counts = None
        elif line:
            rest.append(line)
    return counts, rest


def jats_counts(tree: etree._Element) -> ContentCounts:
    """What a JATS article's body and back hold."""
    words = tables = figures = equations = footnotes = 0
    for part in (tree.find("body"), tree.find("back")):
        if part is None:
            continue
        tables += sum(1 for _ in part.iter("table-wrap"))
        figures += sum(1 for _ in part.iter("graphic", "inline-graphic"))
        equations += sum(1 for _ in part.iter(f"{{{MML}}}math"))
        footnotes += sum(1 for _ in part.iter("fn"))
        words += count_words(part)
    return ContentCounts(words, tables, figures, equations, footnotes)


def count_words(element: etree._Element) -> int:
    """Words of ``element``'s text, leaving out equations, alt texts and labels."""
    if not any(True for _ in element.iter(*NOT_WORDS)):
        return len(WORD.findall("".join(element.itertext())))
    element = copy.deepcopy(element)
    for skipped in list(element.iter(*NOT_WORDS)):
        parent = skipped.getparent()
        if parent is None:
            continue
        previous = skipped.getprevious()
        if skipped.tail:
            if previous is not None:
                previous.tail = (previous.tail or "") + " " + skipped.tail
            else:
                parent.text = (parent.text or "") + " " + skipped.tail
        elif previous is not None:
            previous.tail = (previous.tail or "") + " "
        else:
            parent.text = (parent.text or "") + " "
        parent.remove(skipped)
    return len(WORD.findall("".join(element.itertext())))


def html_counts(html: str) -> ContentCounts:
    """What the HTML galley's article body and back matter hold."""
    document = lxml_html.document_fromstring(html)
    words = tables = figures = equations = 0
    for part in document.xpath(
        "//div[contains(@class,'article-body') or contains(@class,'article-back')]"
    ):
        tables += len(part.xpath(".//table"))
        figures += len(part.xpath(".//img"))
        equations += len(part.xpath(".//*[local-name()='math']"))
        for math in part.xpath(".//*[local-name()='math']"):
            math.drop_tree()
        words += len(WORD.findall(part.text_content()))
    return ContentCounts(words, tables, figures, equations)


def pdf_words(pdf: bytes) -> int | None:
    """Words of the PDF's text (poppler's ``pdftotext``); None when it cannot tell."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        try:
            result = subprocess.run(  # noqa: S603 - fixed program, our own file
                ["/usr/bin/pdftotext", "-q", "-enc", "UTF-8", handle.name, "-"],
                capture_output=True,
                timeout=60,
                check=True,
            )
        except (OSError, subprocess.SubprocessError):
            return None
    return len(WORD.findall(result.stdout.decode("utf-8", "replace")))


def check_kept(
    source: ContentCounts, typeset: ContentCounts, where: str, *, compare: tuple[str, ...]
) -> None:
    """Raise ``TypesetError`` naming each kind of content ``typeset`` has lost."""
    missing = []
    for name in compare:
        before, after = getattr(source, name), getattr(typeset, name)
        allowed = before * (1 - WORD_TOLERANCE) if name == "words" else before
        if after < allowed:
            missing.append(
                _l(
                    "%(lost)s of %(total)s %(what)s",
                    lost=before - after,
                    total=before,
                    what=OBJECT_NAMES[name],
                )
            )
    if missing:
        raise TypesetError(
            _l(
                "Content was lost while typesetting, so this version was not made: %(missing)s "
                "are missing from %(where)s. Please tell the site's administrator and send "
                "the manuscript with this message.",
                missing=_Joined(missing),
                where=WHERE[where],
            )
        )


class _Joined:
    def __init__(self, parts: list):
        self.parts = parts

    def __str__(self) -> str:
        return ", ".join(str(p) for p in self.parts)
