"""One XML parser for everything the pipeline reads: no entities, no DTD, no network."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

MML = "http://www.w3.org/1998/Math/MathML"
XLINK = "http://www.w3.org/1999/xlink"
ALI = "http://www.niso.org/schemas/ali/1.0/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
HREF = f"{{{XLINK}}}href"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def parse_xml(data: bytes) -> etree._Element:
    """Parse ``data`` safely; raises ``etree.XMLSyntaxError`` on malformed input."""
    return etree.fromstring(data, _parser())


def parse_xml_file(path: str | Path) -> etree._ElementTree:
    """Parse a local file (schemas include their modules by relative path)."""
    return etree.parse(str(path), _parser())
