"""DOAJ article XML (doajArticles.xsd 1.3) from the same plain records as the Crossref deposit.

Pure: journal, issue and article records in (``crossref``'s dataclasses), bytes out. Choices:

* languages are ISO 639-2/B (``vie``, ``eng``); titles, abstracts and keywords go out in both
  languages, the article's own first (DOAJ shows one title: the first);
* authors' names are given as printed on the article (Vietnamese family name first), since
  DOAJ only displays the name; each author points to all their affiliations (DOAJ keeps the
  first);
* the full-text link is the PDF when there is one, else the landing page as HTML;
* ``publicationDate`` is the first publication date (online or print).

Records DOAJ would refuse raise ``MetadataError`` listing every problem by article.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from crossref import ArticleRecord, IssueInfo, JournalInfo, MetadataError
from crossref.checks import article_label
from crossref.identifiers import normalize_doi, normalize_issn, normalize_orcid
from crossref.text import clean_line, paragraphs

ISO_639_2B = {"vi": "vie", "en": "eng"}
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATION = "https://doaj.org/static/doaj/doajArticles.xsd"
# doajArticles.xsd's fullUrl: a host ending in a 2-10 letter label, or an IPv4 address.
_FULL_URL = re.compile(
    r"https?://([^/:]+\.[^\W\d_]{2,10}|([0-9]{1,3}\.){3}[0-9]{1,3})(:[0-9]+)?(.*)?", re.DOTALL
)


def check_doaj(journal: JournalInfo, article: ArticleRecord) -> list[str]:
    """What DOAJ needs from one article (and its journal), each line naming the article."""
    problems = []
    if not journal.titles():
        problems.append("the journal has no title")
    if not (normalize_issn(journal.issn_print) or normalize_issn(journal.issn_electronic)):
        problems.append("the journal has no valid ISSN")
    if article.language not in ISO_639_2B:
        problems.append(f"language '{article.language}' is neither vi nor en")
    if not article.display_title():
        problems.append("no title")
    if not article.first_published():
        problems.append("no publication date")
    if not _FULL_URL.fullmatch(_full_text(article)[0]):
        problems.append("no full-text URL DOAJ accepts (http(s) on a public host name)")
    for position, contributor in enumerate(article.contributors, start=1):
        if not clean_line(contributor.full_name):
            problems.append(f"author {position} has no name")
        if clean_line(contributor.orcid) and not normalize_orcid(contributor.orcid):
            problems.append(f"author {position}: not a valid ORCID iD")
    label = article_label(article)
    return [f"{label}: {problem}" for problem in problems]


def build_doaj(
    journal: JournalInfo, articles: Iterable[ArticleRecord], issue: IssueInfo | None = None
) -> bytes:
    """A DOAJ ``records`` document (UTF-8 bytes) for ``articles``, all from ``issue``."""
    articles = list(articles)
    problems = [p for article in articles for p in check_doaj(journal, article)]
    if not articles:
        problems.append("no articles to export")
    if problems:
        raise MetadataError(problems)
    root = etree.Element("records", nsmap={"xsi": XSI})
    root.set(f"{{{XSI}}}noNamespaceSchemaLocation", SCHEMA_LOCATION)
    for article in articles:
        _record(root, journal, issue, article)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent: etree._Element, tag: str, text: object = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, tag)
    for name, value in attrs.items():
        element.set(name, value)
    if text is not None:
        element.text = clean_line(text)
    return element


def _full_text(article: ArticleRecord) -> tuple[str, str]:
    pdf = clean_line(article.pdf_url)
    return (pdf, "pdf") if pdf else (clean_line(article.landing_url), "html")


def _record(
    root: etree._Element, journal: JournalInfo, issue: IssueInfo | None, article: ArticleRecord
) -> None:
    record = _sub(root, "record")
    _sub(record, "language", ISO_639_2B[article.language])
    if clean_line(journal.publisher):
        _sub(record, "publisher", journal.publisher)
    _sub(record, "journalTitle", journal.titles()[0][1])
    for tag, value in (("issn", journal.issn_print), ("eissn", journal.issn_electronic)):
        if normalize_issn(value):
            _sub(record, tag, normalize_issn(value))
    _sub(record, "publicationDate", article.first_published().isoformat())
    if issue is not None:
        for tag, value in (("volume", issue.volume), ("issue", issue.number)):
            if value is not None and clean_line(value):
                _sub(record, tag, value)
    for tag, value in (("startPage", article.first_page), ("endPage", article.last_page)):
        if value is not None and clean_line(value):
            _sub(record, tag, value)
    if normalize_doi(article.doi):
        _sub(record, "doi", normalize_doi(article.doi))
    _sub(record, "documentType", "article")
    for lang in article.languages():
        if article.title(lang):
            _sub(record, "title", article.title(lang), language=ISO_639_2B[lang])
    _authors(record, article)
    for lang in article.languages():
        paras = paragraphs(article.abstract(lang))
        if paras:
            abstract = _sub(record, "abstract", language=ISO_639_2B[lang])
            abstract.text = "\n\n".join(paras)  # cleaned paragraphs, blank line between
    url, kind = _full_text(article)
    _sub(record, "fullTextUrl", url, format=kind)
    for lang in article.languages():
        words = [clean_line(k) for k in article.keywords(lang) if clean_line(k)]
        if words:
            keywords = _sub(record, "keywords", language=ISO_639_2B[lang])
            for word in dict.fromkeys(words):
                _sub(keywords, "keyword", word)


def _authors(record: etree._Element, article: ArticleRecord) -> None:
    if not article.contributors:
        return
    ids: dict[str, str] = {}
    authors = _sub(record, "authors")
    for contributor in article.contributors:
        author = _sub(authors, "author")
        _sub(author, "name", contributor.full_name)
        for affiliation in contributor.affiliations:
            name = clean_line(affiliation)
            if name:
                _sub(author, "affiliationId", ids.setdefault(name, str(len(ids) + 1)))
        orcid = normalize_orcid(contributor.orcid)
        if orcid:
            _sub(author, "orcid_id", orcid)
    if ids:
        affiliations = _sub(record, "affiliationsList")
        for name, number in ids.items():
            _sub(affiliations, "affiliationName", name, affiliationId=number)
