"""XSD validation with lxml. Each schema is parsed once per process (the Crossref set takes a
few seconds) and reused; nothing is fetched from the network and no entity is expanded."""

from __future__ import annotations

import threading
from functools import cache
from os import PathLike
from pathlib import Path

from lxml import etree


def safe_parser() -> etree.XMLParser:
    """A parser that neither resolves entities nor touches the network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


class _Schema:
    def __init__(self, path: Path):
        self.schema = etree.XMLSchema(etree.parse(str(path), safe_parser()))
        self.lock = threading.Lock()  # an XMLSchema keeps its error log: one user at a time


@cache
def _load(path: Path) -> _Schema:
    return _Schema(path)


def load_schema(xsd_path: str | PathLike[str]) -> etree.XMLSchema:
    """The parsed schema at ``xsd_path`` (cached)."""
    return _load(Path(xsd_path).resolve()).schema


def validate(xml: bytes | str, xsd_path: str | PathLike[str]) -> list[str]:
    """Problems found validating ``xml`` against the XSD at ``xsd_path``; empty when valid."""
    cached = _load(Path(xsd_path).resolve())
    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    try:
        document = etree.fromstring(xml, safe_parser())
    except etree.XMLSyntaxError as error:
        return [f"line {error.lineno}: not well-formed XML: {error.msg}"]
    entities = [
        f"line {e.sourceline}: entity &{e.name}; is not allowed"
        for e in document.iter(etree.Entity)
    ]
    if entities:
        return entities  # left unexpanded on purpose; the schema validator cannot judge them
    with cached.lock:
        try:
            if cached.schema.validate(document):
                return []
        except etree.XMLSchemaValidateError as error:
            return [f"cannot validate: {error}"]
        return [f"line {e.line}: {e.message}" for e in cached.schema.error_log]
