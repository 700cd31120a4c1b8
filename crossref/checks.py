"""What must be true before a record goes to Crossref, reported in words an editor can act on.

Each problem names its article (title and DOI) so a caller can list them before any deposit:
``Article 'Đánh giá chất lượng nước…' (DOI 10.12345/mdj.2025.001): no publication date``.
The checks cover Crossref's rules and the schema limits the builder cannot repair by
cleaning (lengths, identifier patterns), so a batch that passes them validates.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date

from .identifiers import is_doi, is_web_url, normalize_doi, normalize_issn, normalize_orcid
from .models import LANGUAGES, ArticleRecord, Contributor, DepositBatch, IssueInfo, JournalInfo
from .text import clean_line, shorten

LANGUAGE_NAMES = {"vi": "Vietnamese", "en": "English"}
NAME_MAX = 60
# Crossref's pattern for given_name/surname (after white space collapses). It mostly refuses
# names that are only question marks or start with one ("?", "?Bo"): mis-encoded text.
_NAME = re.compile(r"[^\d?]*[^? ]+[^\d]*")


class MetadataError(ValueError):
    """The records cannot be deposited as they are; ``problems`` says why, one line each."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


def article_label(article: ArticleRecord) -> str:
    title = article.display_title()
    doi = normalize_doi(article.doi)
    named = f"'{shorten(title)}'" if title else "without a title"
    return f"Article {named} ({'DOI ' + doi if doi else 'no DOI'})"


def check_required(article: ArticleRecord) -> list[str]:
    """Everything wrong with one article, each line naming the article; empty when fine."""
    label = article_label(article)
    return [f"{label}: {problem}" for problem in _article_problems(article)]


def check_journal(journal: JournalInfo) -> list[str]:
    problems = []
    titles = journal.titles()
    if not titles:
        problems.append("no title")
    problems += [
        f"title '{shorten(title)}' is longer than 255 characters"
        for _, title in titles
        if len(title) > 255
    ]
    if journal.abbrev_title and len(clean_line(journal.abbrev_title)) > 150:
        problems.append("abbreviated title is longer than 150 characters")
    issns = [v for v in (journal.issn_print, journal.issn_electronic) if clean_line(v)]
    if not issns:
        problems.append("no ISSN (print or electronic)")
    problems += [f"'{clean_line(v)}' is not a valid ISSN" for v in issns if not normalize_issn(v)]
    if journal.language not in LANGUAGES:
        problems.append(f"language '{journal.language}' is neither vi nor en")
    return [f"Journal: {problem}" for problem in problems]


def check_issue(issue: IssueInfo) -> list[str]:
    problems = []
    for name, value in (("volume", issue.volume), ("number", issue.number)):
        if value is not None and len(clean_line(value)) > 32:
            problems.append(f"{name} is longer than 32 characters")
    if not _year_ok(issue.year):
        problems.append(f"year {issue.year} is out of range")
    if issue.publication_date and not _year_ok(issue.publication_date.year):
        problems.append("publication date is out of range")
    return [f"Issue: {problem}" for problem in problems]


def check_batch(batch: DepositBatch) -> list[str]:
    problems = []
    if not 4 <= len(clean_line(batch.batch_id)) <= 100:
        problems.append("batch id must be 4 to 100 characters")
    if not 1 <= len(clean_line(batch.depositor_name)) <= 130:
        problems.append("depositor name must be 1 to 130 characters")
    email = clean_line(batch.depositor_email)
    if not (6 <= len(email) <= 200 and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email)):
        problems.append("depositor e-mail address is not valid")
    if not 1 <= len(clean_line(batch.registrant)) <= 255:
        problems.append("registrant must be 1 to 255 characters")
    if batch.timestamp < 0:
        problems.append("timestamp must not be negative")
    return [f"Batch: {problem}" for problem in problems]


def check_deposit(
    batch: DepositBatch,
    journal: JournalInfo,
    issue: IssueInfo | None,
    articles: Iterable[ArticleRecord],
) -> list[str]:
    """Every problem of a whole deposit: head, journal, issue, each article, duplicates."""
    articles = list(articles)
    problems = check_batch(batch) + check_journal(journal)
    if issue is not None:
        problems += check_issue(issue)
    if not articles:
        problems.append("Batch: no articles")
    for article in articles:
        problems += check_required(article)
    counts = Counter(normalize_doi(a.doi).lower() for a in articles if normalize_doi(a.doi))
    problems += [f"DOI {doi} appears {n} times in the batch" for doi, n in counts.items() if n > 1]
    return problems


def _year_ok(year: int) -> bool:
    return 1400 <= year <= 2200


def _article_problems(article: ArticleRecord) -> list[str]:
    problems = []
    doi = normalize_doi(article.doi)
    if not doi:
        problems.append("no DOI")
    elif not is_doi(doi):
        problems.append(f"'{shorten(doi)}' is not a DOI (10.prefix/suffix)")
    if not clean_line(article.landing_url):
        problems.append("no landing page URL")
    elif not is_web_url(clean_line(article.landing_url)):
        problems.append("the landing page URL is not an http(s) URL")
    if article.language not in LANGUAGES:
        problems.append(f"language '{article.language}' is neither vi nor en")
    elif not article.title(article.language):
        problems.append(f"no title in {LANGUAGE_NAMES[article.language]}, the article's language")
    problems += _date_problems(article)
    problems += _page_problems(article)
    if article.pdf_url and not is_web_url(clean_line(article.pdf_url)):
        problems.append("the PDF URL is not an http(s) URL")
    if not is_web_url(clean_line(article.licence_url)):
        problems.append("the licence URL is not an http(s) URL")
    for position, contributor in enumerate(article.contributors, start=1):
        problems += _contributor_problems(position, contributor)
    for funding in article.funding:
        if not clean_line(funding.funder_name):
            problems.append("a funding entry has no funder name")
        if funding.funder_id and not is_web_url(clean_line(funding.funder_id)):
            problems.append(f"funder identifier of '{shorten(funding.funder_name)}' is not a URL")
    problems += _citation_problems(article)
    return problems


def _date_problems(article: ArticleRecord) -> list[str]:
    dates: list[date] = [d for d in (article.published_online, article.published_print) if d]
    if not dates:
        return ["no publication date"]
    if article.licence_start:
        dates.append(article.licence_start)
    return [f"date {d.isoformat()} is out of range" for d in dates if not _year_ok(d.year)]


def _page_problems(article: ArticleRecord) -> list[str]:
    first = clean_line(article.first_page) if article.first_page is not None else ""
    last = clean_line(article.last_page) if article.last_page is not None else ""
    if last and not first:
        return ["a last page without a first page"]
    if len(first) > 32 or len(last) > 32:
        return ["page numbers are longer than 32 characters"]
    if first.isdigit() and last.isdigit() and int(last) < int(first):
        return [f"last page {last} comes before first page {first}"]
    return []


def _contributor_problems(position: int, contributor: Contributor) -> list[str]:
    name = clean_line(contributor.full_name) or clean_line(
        f"{contributor.given_name or ''} {contributor.family_name or ''}"
    )
    if not name:
        return [f"author {position} has no name"]
    who = f"author {position} ({shorten(name, 40)})"
    problems = []
    given, family = contributor.names()
    for part, value in (("given name", given), ("family name", family)):
        if not value:
            continue
        if len(value) > NAME_MAX:
            problems.append(f"{who}: {part} is longer than {NAME_MAX} characters")
        elif not _NAME.fullmatch(value):
            problems.append(f"{who}: {part} '{value}' is not a name Crossref accepts")
    if not family:
        problems.append(f"{who}: no family name")
    orcid = clean_line(contributor.orcid)
    if orcid and not normalize_orcid(orcid):
        problems.append(f"{who}: '{shorten(orcid)}' is not a valid ORCID iD")
    for affiliation in contributor.affiliations:
        if len(clean_line(affiliation)) > 1024:
            problems.append(f"{who}: an affiliation is longer than 1024 characters")
    return problems


def _citation_problems(article: ArticleRecord) -> list[str]:
    problems = []
    keys = Counter(clean_line(c.key) for c in article.citations)
    for key, count in keys.items():
        if count > 1:
            problems.append(f"reference key '{shorten(key, 40)}' is used {count} times")
    for position, citation in enumerate(article.citations, start=1):
        key = clean_line(citation.key)
        which = f"reference {position}" + (f" ({shorten(key, 40)})" if key else "")
        if not key:
            problems.append(f"{which} has no key")
        elif len(key) > 128:
            problems.append(f"{which}: key is longer than 128 characters")
        doi = normalize_doi(citation.doi)
        if doi and not is_doi(doi):
            problems.append(f"{which}: '{shorten(doi, 40)}' is not a DOI")
        if not doi and not clean_line(citation.unstructured):
            problems.append(f"{which} has neither a DOI nor text")
    return problems
