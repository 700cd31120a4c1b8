"""What indexers read in an article page's head: Highwire ``citation_*`` tags (Google
Scholar), Dublin Core tags and Schema.org ``ScholarlyArticle`` JSON-LD.

The JSON-LD goes in a ``<script type="application/ld+json">`` data block: a browser never
executes it, so the CSP (``script-src 'self'``) does not apply to it; ``<``, ``>`` and ``&``
are escaped so no text can close the element.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from markupsafe import Markup

from crossref.identifiers import normalize_issn, normalize_orcid

from ..settings import journal_settings
from .urls import article_url, doi_url, jats_url, pdf_url

DC_LANGUAGE = {"vi": "vi", "en": "en"}


@dataclass(frozen=True)
class Journal:
    title_vi: str
    title_en: str
    abbrev: str
    publisher: str
    issn_print: str | None
    issn_online: str | None

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_vi

    @property
    def issns(self) -> tuple[str, ...]:
        return tuple(i for i in (self.issn_print, self.issn_online) if i)


def journal() -> Journal:
    settings = journal_settings()
    return Journal(
        title_vi=settings["JOURNAL_TITLE_VI"],
        title_en=settings["JOURNAL_TITLE_EN"],
        abbrev=settings["JOURNAL_ABBREV_TITLE"],
        publisher=settings["JOURNAL_PUBLISHER"],
        issn_print=normalize_issn(settings["ISSN_PRINT"]),
        issn_online=normalize_issn(settings["ISSN_ONLINE"]),
    )


def _issue(article):
    issue = article.issue
    return issue if issue is not None and issue.is_published else None


def _date(value, sep="-") -> str:
    return value.strftime(f"%Y{sep}%m{sep}%d") if value else ""


def highwire_tags(article, references=()) -> list[tuple[str, str]]:
    """``(name, content)`` pairs in the order Google Scholar documents them."""
    submission = article.submission
    lang = submission.language
    info = journal()
    tags = [("citation_title", submission.title(lang))]
    for author in submission.authors:
        tags.append(("citation_author", author.full_name))
        if author.affiliation:
            tags.append(("citation_author_institution", author.affiliation))
        orcid = normalize_orcid(author.orcid)
        if orcid:
            tags.append(("citation_author_orcid", orcid))
    tags.append(("citation_publication_date", _date(article.published_on, "/")))
    tags.append(("citation_online_date", _date(article.published_on, "/")))
    tags.append(("citation_journal_title", info.title(lang)))
    if info.abbrev:
        tags.append(("citation_journal_abbrev", info.abbrev))
    tags += [("citation_issn", issn) for issn in info.issns]
    issue = _issue(article)
    if issue is not None:
        tags += [("citation_volume", str(issue.volume)), ("citation_issue", str(issue.number))]
        if article.first_page:
            tags += [
                ("citation_firstpage", str(article.first_page)),
                ("citation_lastpage", str(article.last_page)),
            ]
    tags += [
        ("citation_doi", article.doi),
        ("citation_pdf_url", pdf_url(article)),
        ("citation_fulltext_html_url", article_url(article)),
        ("citation_abstract_html_url", article_url(article)),
    ]
    keywords = submission.keywords(lang)
    if keywords:
        tags.append(("citation_keywords", "; ".join(keywords)))
    tags += [("citation_language", lang), ("citation_publisher", info.publisher)]
    tags += [("citation_reference", ref.text) for ref in references if ref.text]
    return [(name, value) for name, value in tags if value]


def dublin_core_tags(article) -> list[tuple[str, str, str | None]]:
    """``(name, content, lang)`` triples; ``lang`` for the bilingual ones."""
    submission = article.submission
    info = journal()
    tags: list[tuple[str, str, str | None]] = []
    for lang in (submission.language, "en" if submission.language == "vi" else "vi"):
        title = getattr(submission, f"title_{lang}")
        if title:
            tags.append(("DC.title", title, lang))
    tags += [("DC.creator", a.full_name, None) for a in submission.authors]
    for lang in ("vi", "en"):
        abstract = getattr(submission, f"abstract_{lang}")
        if abstract:
            tags.append(("DC.description", " ".join(abstract.split()), lang))
        tags += [("DC.subject", k, lang) for k in submission.keywords(lang)]
    tags += [
        ("DC.date", _date(article.published_on), None),
        ("DC.identifier", doi_url(article.doi), None),
        ("DC.identifier", article_url(article), None),
        ("DC.publisher", info.publisher, None),
        ("DC.language", DC_LANGUAGE.get(submission.language, submission.language), None),
        ("DC.type", "Text", None),
        ("DC.format", "text/html", None),
        ("DC.rights", "https://creativecommons.org/licenses/by/4.0/", None),
        ("DC.source", info.title(submission.language), None),
    ]
    return [t for t in tags if t[1]]


def json_ld_data(article) -> dict:
    submission = article.submission
    lang = submission.language
    other = "en" if lang == "vi" else "vi"
    info = journal()
    authors = []
    for author in submission.authors:
        person = {"@type": "Person", "name": author.full_name}
        if author.affiliation:
            person["affiliation"] = {"@type": "Organization", "name": author.affiliation}
        orcid = normalize_orcid(author.orcid)
        if orcid:
            person["sameAs"] = orcid
        authors.append(person)
    periodical = {
        "@type": "Periodical",
        "name": info.title(lang),
        "publisher": {"@type": "Organization", "name": info.publisher},
    }
    if info.issns:
        periodical["issn"] = list(info.issns)
    part_of: dict = periodical
    issue = _issue(article)
    if issue is not None:
        part_of = {
            "@type": "PublicationIssue",
            "issueNumber": str(issue.number),
            "datePublished": _date(issue.published_on),
            "isPartOf": {
                "@type": "PublicationVolume",
                "volumeNumber": str(issue.volume),
                "isPartOf": periodical,
            },
        }
    data = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "@id": doi_url(article.doi),
        "url": article_url(article),
        "sameAs": doi_url(article.doi),
        "identifier": {"@type": "PropertyValue", "propertyID": "DOI", "value": article.doi},
        "headline": submission.title(lang)[:110],
        "name": submission.title(lang),
        "alternativeHeadline": getattr(submission, f"title_{other}"),
        "inLanguage": lang,
        "author": authors,
        "datePublished": _date(article.published_on),
        "dateModified": _date(article.updated_at),
        "isPartOf": part_of,
        "abstract": getattr(submission, f"abstract_{lang}"),
        "keywords": submission.keywords(lang) + submission.keywords(other),
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "isAccessibleForFree": True,
        "encoding": [
            {
                "@type": "MediaObject",
                "encodingFormat": "application/pdf",
                "contentUrl": pdf_url(article),
            },
            {
                "@type": "MediaObject",
                "encodingFormat": "application/xml",
                "contentUrl": jats_url(article),
            },
        ],
    }
    if issue is not None and article.first_page:
        data["pageStart"] = str(article.first_page)
        data["pageEnd"] = str(article.last_page)
    task = submission.funded_task
    if task is not None:
        data["funding"] = {
            "@type": "Grant",
            "identifier": task.code,
            "name": task.title(lang),
            "funder": {"@type": "Organization", "name": task.agency},
        }
    return {k: v for k, v in data.items() if v not in ("", None, [])}


def json_ld(article) -> Markup:
    text = json.dumps(json_ld_data(article), ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)  # noqa: S704 (JSON with <, > and & escaped)
