"""What the search engine indexes: plain data, built by whoever publishes an article."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class SearchDocument:
    """One searchable article. Every text is optional except the id.

    ``id`` is the caller's stable identifier (for published articles, the article id as a
    string). ``reference`` is a short identifier searched as a word (a submission's
    number). ``language`` is the language of the full text ("vi" or "en"); titles,
    abstracts and keywords are given in both languages.
    """

    id: str
    title_vi: str = ""
    title_en: str = ""
    abstract_vi: str = ""
    abstract_en: str = ""
    keywords_vi: tuple[str, ...] = ()
    keywords_en: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    full_text: str = ""
    province_code: str = ""
    province_name_vi: str = ""
    province_name_en: str = ""
    section: str = ""
    year: int | None = None
    language: str = ""
    task_code: str = ""
    doi: str = ""
    published: dt.date | None = None
    reference: str = ""

    @classmethod
    def from_mapping(cls, data: Mapping) -> SearchDocument:
        """Build from a dict (unknown keys are refused: a typo should not index nothing)."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown search document fields: {sorted(unknown)}")
        values = dict(data)
        for name in ("keywords_vi", "keywords_en", "authors", "affiliations"):
            if name in values and values[name] is not None:
                values[name] = tuple(values[name])
        if isinstance(values.get("published"), dt.datetime):
            values["published"] = values["published"].date()
        values["id"] = str(values["id"])
        return cls(**values)


def as_document(doc: SearchDocument | Mapping) -> SearchDocument:
    return doc if isinstance(doc, SearchDocument) else SearchDocument.from_mapping(doc)
