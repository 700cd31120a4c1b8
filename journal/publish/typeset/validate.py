"""JATS 1.3 Journal Publishing validation: against the official XSD when it is installed, and
always the journal's own structural checks (what the XSD does not check, and what an article
needs when no XSD is at hand): ids unique and valid XML names, every ``rid`` pointing at an
``id``, and the front matter the enrich step writes."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from pathlib import Path

from flask_babel import lazy_gettext as _l
from lxml import etree

from .errors import TypesetError
from .safexml import ALI, HREF, parse_xml_file

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
    """Raise ``TypesetError`` with the validator's words when ``tree`` is not valid JATS
    (only when ``xsd_path`` is given) or fails the structural checks (always)."""
    if xsd_path is not None:
        schema = load_schema(str(Path(xsd_path).resolve()))
        if not schema.validate(tree):
            problems = [
                f"line {error.line}: {error.message}"
                for error in list(schema.error_log)[:MAX_REPORTED]
            ]
            raise TypesetError(
                _l("The article is not valid JATS: %(detail)s", detail="; ".join(problems))
            )
    check_structure(tree)


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
