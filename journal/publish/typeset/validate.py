"""JATS 1.3 Journal Publishing validation: against the official XSD when it is installed, and
always the journal's own structural checks (what the XSD does not check, and what an article
needs when no XSD is at hand): ids unique and valid XML names, every ``rid`` pointing at an
``id``, and the front matter the enrich step writes."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from flask_babel import lazy_gettext as _l
from lxml import etree

from .errors import TypesetError
from .safexml import ALI, HREF, parse_xml, parse_xml_file

MAX_REPORTED = 5

# (what must be there, as an XPath from the root; how it is named in the message)
REQUIRED_FRONT_MATTER = (
    ("front/journal-meta/journal-title-group/journal-title", "journal title"),
    ("front/journal-meta/issn", "ISSN"),
    ("front/journal-meta/publisher/publisher-name", "publisher"),
    ("front/article-meta/title-group/article-title", "article title"),
    ("front/article-meta/contrib-group/contrib[@contrib-type='author']/name/surname", "authors"),
    ("front/article-meta/permissions/copyright-statement", "copyright statement"),
    ("front/article-meta/permissions/license", "licence"),
    ("front/article-meta/abstract", "abstract"),
    ("body", "body"),
)


@lru_cache(maxsize=4)
def load_schema(xsd_path: str) -> etree.XMLSchema:
    """Parse the XSD once per path (the JATS set takes seconds)."""
    return etree.XMLSchema(parse_xml_file(xsd_path))


def validate(tree: etree._Element, xsd_path: str | Path | None) -> None:
    """Raise ``TypesetError`` when ``tree`` is not valid JATS (only when ``xsd_path`` is
    given) or fails the structural checks (always); each schema error is told as a plain
    sentence with its place in the manuscript (section and paragraph)."""
    if xsd_path is not None:
        schema = load_schema(str(Path(xsd_path).resolve()))
        if not schema.validate(tree):
            located = parse_xml(etree.tostring(tree, encoding="UTF-8"))  # lines to places
            schema.validate(located)
            problems = [explain(error, located) for error in list(schema.error_log)]
            raise TypesetError(
                _l(
                    "The article is not valid JATS: %(detail)s",
                    detail=Sentences(list(dict.fromkeys(problems))[:MAX_REPORTED]),
                )
            )
    check_structure(tree)


# Element names as an editor knows them.
PLAIN_NAMES = {
    "p": _l("a paragraph"),
    "xref": _l("a cross-reference"),
    "ext-link": _l("a web link"),
    "table-wrap": _l("a table"),
    "table": _l("a table"),
    "tbody": _l("a table body"),
    "thead": _l("a table header"),
    "tr": _l("a table row"),
    "fig": _l("a figure"),
    "graphic": _l("a picture"),
    "inline-graphic": _l("a picture in the text"),
    "list": _l("a list"),
    "list-item": _l("a list item"),
    "sec": _l("a section"),
    "title": _l("a heading"),
    "caption": _l("a caption"),
    "disp-formula": _l("an equation"),
    "inline-formula": _l("an equation in the text"),
    "ref": _l("a reference"),
    "element-citation": _l("a reference"),
    "mixed-citation": _l("a reference"),
    "fn": _l("a footnote"),
}
XSD_ERROR = re.compile(r"Element '(?:\{[^}]*\})?([\w.-]+)'(?:, attribute '([\w:.-]+)')?: (.*)")


class Sentences:
    """Lazy sentences joined for a message, each told in the language of the moment."""

    def __init__(self, parts: list):
        self.parts = parts

    def __str__(self) -> str:
        return " ".join(str(p) for p in self.parts)

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


def explain(error, located: etree._Element):
    """One schema error as a sentence: what is wrong and where in the manuscript."""
    match = XSD_ERROR.match(error.message)
    tag, attribute, detail = match.groups() if match else ("", None, error.message)
    name = PLAIN_NAMES.get(tag, f"“{tag}”" if tag else _l("something"))
    if attribute:
        what = _l("%(name)s has an invalid “%(attribute)s”", name=name, attribute=attribute)
    elif "not expected" in detail:
        what = _l("%(name)s is not allowed where it stands", name=name)
    elif "Missing child" in detail:
        what = _l("%(name)s is empty or incomplete", name=name)
    else:
        what = _l("%(name)s does not follow the JATS rules", name=name)
    element = _element_at(located, error.line, tag)
    if element is None:
        return _l("%(what)s.", what=what)
    section = _section_of(element)
    text = _nearby_text(element)
    if section and text:
        return _l(
            "%(what)s, in the section “%(section)s”, near “%(text)s”.",
            what=what,
            section=section,
            text=text,
        )
    if text or section:
        return _l("%(what)s, near “%(text)s”.", what=what, text=text or section)
    return _l("%(what)s.", what=what)


def _element_at(tree: etree._Element, line: int, tag: str) -> etree._Element | None:
    candidates = [
        e
        for e in tree.iter()
        if isinstance(e.tag, str) and e.sourceline == line and etree.QName(e).localname == tag
    ]
    return candidates[0] if candidates else None


def _words(element: etree._Element, limit: int = 60) -> str:
    text = " ".join("".join(element.itertext()).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _section_of(element: etree._Element) -> str:
    for ancestor in element.iterancestors():
        if ancestor.tag in ("sec", "app", "ack") and ancestor.find("title") is not None:
            return _words(ancestor.find("title"))
        if ancestor.tag == "ref-list" and ancestor.find("title") is not None:
            return _words(ancestor.find("title"))
    return ""


def _nearby_text(element: etree._Element) -> str:
    for candidate in (element, *element.iterancestors()):
        if candidate.tag in ("body", "back", "article"):
            break
        text = _words(candidate)
        if text:
            return text
    return ""


def check_structure(tree: etree._Element) -> None:
    """The checks that need no schema; raises ``TypesetError`` naming what is wrong."""
    if tree.tag != "article":
        raise TypesetError(
            _l("The document is not a JATS article (its root is “%(tag)s”).", tag=str(tree.tag))
        )
    _check_ids(tree)
    _check_front_matter(tree)
    _check_links(tree)


def _elements(tree: etree._Element):
    return (e for e in tree.iter() if isinstance(e.tag, str))


def _check_ids(tree: etree._Element) -> None:
    ids = [e.get("id") for e in _elements(tree) if e.get("id") is not None]
    invalid = sorted({i for i in ids if not _is_ncname(i)})
    if invalid:
        raise TypesetError(
            _l(
                "The article has ids that are not valid XML names: %(detail)s",
                detail=", ".join(f"“{i}”" for i in invalid[:MAX_REPORTED]),
            )
        )
    duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
    if duplicates:
        raise TypesetError(
            _l(
                "The article uses the same id more than once: %(detail)s",
                detail=", ".join(f"“{i}”" for i in duplicates[:MAX_REPORTED]),
            )
        )


def _is_ncname(value: str) -> bool:
    try:
        etree.QName(value)  # lxml checks a tag name: an NCName, as an id must be
    except ValueError:
        return False
    return True


def _has_content(element: etree._Element) -> bool:
    return bool("".join(element.itertext()).strip()) or len(element) > 0


def _check_front_matter(tree: etree._Element) -> None:
    missing = [
        name
        for path, name in REQUIRED_FRONT_MATTER
        if not any(_has_content(e) for e in tree.findall(path))
    ]
    licence = tree.find("front/article-meta/permissions/license")
    if licence is not None and not (
        licence.get(HREF) or licence.find(f"{{{ALI}}}license_ref") is not None
    ):
        missing.append("licence address")
    if missing:
        raise TypesetError(
            _l(
                "The article lacks required front matter: %(detail)s",
                detail=", ".join(missing),
            )
        )


def _check_links(tree: etree._Element) -> None:
    ids = {e.get("id") for e in _elements(tree) if e.get("id")}
    dangling = []
    for element in _elements(tree):
        if element.get("rid") is None:
            continue
        for rid in element.get("rid").split():
            if rid not in ids:
                text = " ".join("".join(element.itertext()).split())[:60]
                dangling.append(f"{element.tag} “{text}” → #{rid}")
    if dangling:
        raise TypesetError(
            _l(
                "The article has links to nothing (a citation or cross-reference without its "
                "target): %(detail)s",
                detail="; ".join(dangling[:MAX_REPORTED]),
            )
        )
