"""JATS 1.3 Journal Publishing validation, plus the link check the XSD does not do."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from flask_babel import lazy_gettext as _l
from lxml import etree

from .errors import TypesetError
from .safexml import parse_xml_file

MAX_REPORTED = 5


@lru_cache(maxsize=4)
def load_schema(xsd_path: str) -> etree.XMLSchema:
    """Parse the XSD once per path (the JATS set takes seconds)."""
    return etree.XMLSchema(parse_xml_file(xsd_path))


def validate(tree: etree._Element, xsd_path: str | Path) -> None:
    """Raise ``TypesetError`` with the validator's words when ``tree`` is not valid JATS or
    an ``xref`` (or any ``rid``) points at no ``id``."""
    schema = load_schema(str(Path(xsd_path).resolve()))
    if not schema.validate(tree):
        problems = [
            f"line {error.line}: {error.message}" for error in list(schema.error_log)[:MAX_REPORTED]
        ]
        raise TypesetError(
            _l("The article is not valid JATS: %(detail)s", detail="; ".join(problems))
        )
    ids = {e.get("id") for e in tree.iter() if isinstance(e.tag, str) and e.get("id")}
    dangling = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.get("rid") is None:
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
