"""How to cite an article: BibTeX, RIS and a formatted reference, from plain data.

``cite_data(article, ...)`` adapts a published article; the formatters are pure functions.
Authors' names are split with ``crossref.names`` (Vietnamese names family name first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from crossref.names import split_name

_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class CiteAuthor:
    full_name: str
    given: str
    family: str
    orcid: str | None = None
    affiliation: str = ""


@dataclass(frozen=True)
class CiteData:
    key: str
    language: str
    title: str
    other_title: str
    authors: tuple[CiteAuthor, ...]
    journal: str
    journal_abbrev: str
    publisher: str
    issn: tuple[str, ...]
    year: int | None
    published: date | None
    volume: int | None
    number: int | None
    first_page: int | None
    last_page: int | None
    doi: str
    url: str
    abstract: str = ""
    keywords: tuple[str, ...] = field(default_factory=tuple)


def _line(value) -> str:
    return " ".join(_CONTROL.sub(" ", str(value or "")).split())


def cite_data(article, *, url: str, journal: str, journal_abbrev: str, publisher: str, issn):
    submission = article.submission
    lang = submission.language
    other = "en" if lang == "vi" else "vi"
    authors = []
    for author in submission.authors:
        given, family = split_name(author.full_name)
        authors.append(
            CiteAuthor(author.full_name, given, family, author.orcid, author.affiliation or "")
        )
    published = article.published_on
    issue = article.issue if article.issue is not None and article.issue.is_published else None
    return CiteData(
        key=f"mdj{article.year or ''}_{article.id}",
        language=lang,
        title=_line(getattr(submission, f"title_{lang}") or submission.title(lang)),
        other_title=_line(getattr(submission, f"title_{other}")),
        authors=tuple(authors),
        journal=journal,
        journal_abbrev=journal_abbrev,
        publisher=publisher,
        issn=tuple(i for i in issn if i),
        year=article.year,
        published=published,
        volume=issue.volume if issue else None,
        number=issue.number if issue else None,
        first_page=article.first_page if issue else None,
        last_page=article.last_page if issue else None,
        doi=article.doi,
        url=url,
        abstract=_line(getattr(submission, f"abstract_{lang}")),
        keywords=tuple(submission.keywords(lang)),
    )


def _bibtex_escape(value: str) -> str:
    return "".join(_BIBTEX_SPECIAL.get(ch, ch) for ch in _line(value))


def bibtex(data: CiteData) -> str:
    """A BibTeX ``@article`` entry (UTF-8; special characters escaped)."""
    fields = [
        (
            "author",
            " and ".join(
                _bibtex_escape(f"{a.family}, {a.given}".strip(", ")) for a in data.authors
            ),
        ),
        ("title", "{" + _bibtex_escape(data.title) + "}"),
        ("journal", _bibtex_escape(data.journal)),
        ("year", str(data.year or "")),
        ("volume", str(data.volume or "")),
        ("number", str(data.number or "")),
        ("pages", f"{data.first_page}--{data.last_page}" if data.first_page else ""),
        ("doi", _bibtex_escape(data.doi)),
        ("url", _bibtex_escape(data.url)),
        ("issn", _bibtex_escape(", ".join(data.issn))),
        ("publisher", _bibtex_escape(data.publisher)),
        ("language", {"vi": "vietnamese", "en": "english"}.get(data.language, "")),
        ("keywords", _bibtex_escape(", ".join(data.keywords))),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields if value)
    key = re.sub(r"[^A-Za-z0-9_:-]", "", data.key) or "article"
    return f"@article{{{key},\n{body}\n}}\n"


def ris(data: CiteData) -> str:
    """An RIS record (CRLF line ends, as reference managers expect)."""
    lines = [("TY", "JOUR")]
    lines += [("AU", f"{a.family}, {a.given}".strip(", ")) for a in data.authors]
    lines.append(("TI", data.title))
    if data.other_title:
        lines.append(("TT", data.other_title))
    lines += [("T2", data.journal), ("JO", data.journal_abbrev)]
    if data.year:
        lines.append(("PY", str(data.year)))
    if data.published:
        lines.append(("DA", data.published.strftime("%Y/%m/%d")))
    if data.volume:
        lines.append(("VL", str(data.volume)))
    if data.number:
        lines.append(("IS", str(data.number)))
    if data.first_page:
        lines += [("SP", str(data.first_page)), ("EP", str(data.last_page))]
    lines += [("SN", issn) for issn in data.issn]
    lines += [("DO", data.doi), ("UR", data.url), ("PB", data.publisher), ("LA", data.language)]
    if data.abstract:
        lines.append(("AB", data.abstract))
    lines += [("KW", k) for k in data.keywords]
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {_line(value)}\r\n" for tag, value in lines if value or tag == "ER")


def _initials(given: str) -> str:
    return " ".join(part[0] + "." for part in given.replace("-", " ").split() if part)


def formatted(data: CiteData) -> str:
    """An APA-like reference: ``Nguyễn, V. A., & Trần, T. B. (2025). Title. Journal,
    3(2), 1–14. https://doi.org/…``"""
    names = [f"{a.family}, {_initials(a.given)}".strip(", ") for a in data.authors]
    if len(names) > 1:
        people = ", ".join(names[:-1]) + ", & " + names[-1]
    else:
        people = names[0] if names else ""
    year = f"({data.year})" if data.year else "(n.d.)"
    title = data.title.rstrip(".") + "."
    source = data.journal
    if data.volume:
        source += f", {data.volume}"
        if data.number:
            source += f"({data.number})"
    if data.first_page:
        pages = (
            str(data.first_page)
            if data.last_page in (None, data.first_page)
            else f"{data.first_page}–{data.last_page}"
        )
        source += f", {pages}"
    return _line(f"{people} {year}. {title} {source}. https://doi.org/{data.doi}")
