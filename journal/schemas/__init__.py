"""The official schemas the journal validates what it makes against, when they are installed.

``SCHEMAS_DIR`` (default ``schemas/`` in the instance folder) holds one folder per set:

    jats/JATS-journalpublishing1-3-mathml3.xsd   JATS 1.3 Journal Publishing with MathML 3
    crossref/crossref5.4.0.xsd                   Crossref metadata deposit schema 5.4.0
    oai/oai-pmh-with-oai_dc.xsd                  OAI-PMH 2.0 responses with oai_dc records
    doaj/doajArticles.xsd                        DOAJ article XML

None is required: without one, the journal runs its own structural checks instead and says
so (the production page, ``journal doctor``, the export commands). ``journal schemas fetch``
(journal/schemas/fetch.py) downloads them from their official addresses.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app

# Each set: its folder is the first part of the path.
ENTRY_POINTS = {
    "jats": "jats/JATS-journalpublishing1-3-mathml3.xsd",
    "crossref": "crossref/crossref5.4.0.xsd",
    "oai": "oai/oai-pmh-with-oai_dc.xsd",
    "doaj": "doaj/doajArticles.xsd",
}
TITLES = {
    "jats": "JATS 1.3 Journal Publishing",
    "crossref": "Crossref 5.4.0",
    "oai": "OAI-PMH 2.0 with oai_dc",
    "doaj": "DOAJ article XML",
}


def schemas_dir() -> Path:
    return Path(current_app.config["SCHEMAS_DIR"])


def installed_schema(entry: str) -> Path | None:
    """The entry point of the set ``entry`` ("jats", "crossref", "oai", "doaj") when it is
    installed, else None."""
    path = schemas_dir() / ENTRY_POINTS[entry]
    return path if path.is_file() else None


def missing_schemas() -> list[str]:
    """The sets that are not installed, in the order of ``ENTRY_POINTS``."""
    return [entry for entry in ENTRY_POINTS if installed_schema(entry) is None]
