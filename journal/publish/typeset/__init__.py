"""Single-source typesetting: manuscript (.docx, .odt, .md, .tex) → pandoc → JATS 1.3,
enriched with the front matter → validated → HTML and PDF galleys.

Plain functions over plain data: no Flask app or database is needed to call them.
"""

from .convert import FORMATS, Converted, convert
from .enrich import enrich
from .errors import TypesetError
from .htmlgalley import render_html
from .meta import ArticleMeta, Author, Funding, History, JournalIdentity
from .pdfgalley import pdf_preview_pngs, render_pdf
from .pipeline import STAGES, Galleys, jats_bytes, typeset
from .validate import load_schema, validate

__all__ = [
    "FORMATS",
    "STAGES",
    "ArticleMeta",
    "Author",
    "Converted",
    "Funding",
    "Galleys",
    "History",
    "JournalIdentity",
    "TypesetError",
    "convert",
    "enrich",
    "jats_bytes",
    "load_schema",
    "pdf_preview_pngs",
    "render_html",
    "render_pdf",
    "typeset",
    "validate",
]
