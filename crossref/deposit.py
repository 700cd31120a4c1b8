"""``build_deposit``: a Crossref ``doi_batch`` (schema 5.4.0) for journal articles.

Choices the schema leaves open:

* Titles: one ``<titles>`` per language, the article's language first. Crossref reserves
  ``original_language_title`` for translations and asks bilingual (non-translated) records
  to repeat ``<titles>``.
* Abstracts: one ``jats:abstract`` per language with ``xml:lang``, a ``jats:p`` per
  paragraph.
* Contributors: ``person_name`` with ``sequence`` from the order (the first author is
  ``first``), ``given_name``/``surname`` as ``crossref.names`` splits them, institutions
  under ``affiliations`` (5.3+ has no free-text affiliation), ORCID in full URL form.
* Funding: one ``fundgroup`` per funder with its award number (the funded task's code).
* Licence: ``free_to_read`` and the licence for the version of record and for text and
  data mining, from the licence start date (or the first publication date).
* ``doi_data``: the landing page, and the PDF in a ``text-mining`` collection.

Text is cleaned (``crossref.text``) and escaped by lxml; records that break Crossref's rules
raise ``MetadataError`` listing every problem by article, before any XML is produced.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from lxml import etree

from .checks import MetadataError, check_deposit
from .identifiers import normalize_doi, normalize_issn, normalize_orcid
from .models import ArticleRecord, Contributor, DepositBatch, IssueInfo, JournalInfo
from .text import clean_line, paragraphs

SCHEMA_VERSION = "5.4.0"
CR = "http://www.crossref.org/schema/5.4.0"
JATS = "http://www.ncbi.nlm.nih.gov/JATS1"
FR = "http://www.crossref.org/fundref.xsd"
AI = "http://www.crossref.org/AccessIndicators.xsd"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NSMAP = {None: CR, "jats": JATS, "fr": FR, "ai": AI, "xsi": XSI}
SCHEMA_LOCATION = f"{CR} https://www.crossref.org/schemas/crossref{SCHEMA_VERSION}.xsd"


def build_deposit(
    batch: DepositBatch,
    journal: JournalInfo,
    issue: IssueInfo | None,
    articles: Iterable[ArticleRecord],
) -> bytes:
    """The deposit XML (UTF-8 bytes) for ``articles`` of one journal issue.

    ``issue`` is None for articles published online before they have an issue. Raises
    ``MetadataError`` when any record cannot be deposited.
    """
    articles = list(articles)
    problems = check_deposit(batch, journal, issue, articles)
    if problems:
        raise MetadataError(problems)

    root = etree.Element(_cr("doi_batch"), nsmap=NSMAP)
    root.set("version", SCHEMA_VERSION)
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    _head(root, batch)
    journal_el = _sub(_sub(root, "body"), "journal")
    _journal_metadata(journal_el, journal)
    if issue is not None:
        _journal_issue(journal_el, issue)
    for article in articles:
        _journal_article(journal_el, article)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _cr(tag: str) -> str:
    return f"{{{CR}}}{tag}"


def _sub(parent: etree._Element, tag: str, text: object = None, **attrs: str) -> etree._Element:
    """A child in the Crossref namespace (or ``{ns}tag``) with cleaned text."""
    element = etree.SubElement(parent, tag if tag.startswith("{") else _cr(tag))
    for name, value in attrs.items():
        element.set(name, value)
    if text is not None:
        element.text = clean_line(text)
    return element


def _head(root: etree._Element, batch: DepositBatch) -> None:
    head = _sub(root, "head")
    _sub(head, "doi_batch_id", batch.batch_id)
    _sub(head, "timestamp", str(batch.timestamp))
    depositor = _sub(head, "depositor")
    _sub(depositor, "depositor_name", batch.depositor_name)
    _sub(depositor, "email_address", batch.depositor_email)
    _sub(head, "registrant", batch.registrant)


def _journal_metadata(parent: etree._Element, journal: JournalInfo) -> None:
    metadata = _sub(parent, "journal_metadata", language=journal.language)
    for _, title in journal.titles():
        _sub(metadata, "full_title", title)
    if journal.abbrev_title and clean_line(journal.abbrev_title):
        _sub(metadata, "abbrev_title", journal.abbrev_title)
    for value, media in ((journal.issn_print, "print"), (journal.issn_electronic, "electronic")):
        issn = normalize_issn(value)
        if issn:
            _sub(metadata, "issn", issn, media_type=media)


def _journal_issue(parent: etree._Element, issue: IssueInfo) -> None:
    element = _sub(parent, "journal_issue")
    date_el = _sub(element, "publication_date", media_type="online")
    if issue.publication_date:
        _date_parts(date_el, issue.publication_date)
    else:
        _sub(date_el, "year", str(issue.year))
    if issue.volume is not None and clean_line(issue.volume):
        _sub(_sub(element, "journal_volume"), "volume", issue.volume)
    if issue.number is not None and clean_line(issue.number):
        _sub(element, "issue", issue.number)


def _date_parts(parent: etree._Element, day: date) -> None:
    _sub(parent, "month", f"{day.month:02d}")
    _sub(parent, "day", f"{day.day:02d}")
    _sub(parent, "year", f"{day.year:04d}")


def _journal_article(parent: etree._Element, article: ArticleRecord) -> None:
    element = _sub(
        parent, "journal_article", publication_type="full_text", language=article.language
    )
    for lang in article.languages():
        if article.title(lang):
            _sub(_sub(element, "titles"), "title", article.title(lang))
    if article.contributors:
        contributors = _sub(element, "contributors")
        for position, contributor in enumerate(article.contributors):
            _person(contributors, contributor, "first" if position == 0 else "additional")
    for lang in article.languages():
        _abstract(element, lang, article.abstract(lang))
    for day, media in ((article.published_online, "online"), (article.published_print, "print")):
        if day:
            _date_parts(_sub(element, "publication_date", media_type=media), day)
    if article.first_page is not None and clean_line(article.first_page):
        pages = _sub(element, "pages")
        _sub(pages, "first_page", article.first_page)
        if article.last_page is not None and clean_line(article.last_page):
            _sub(pages, "last_page", article.last_page)
    _funding(element, article)
    _licence(element, article)
    _doi_data(element, article)
    _citations(element, article)


def _person(parent: etree._Element, contributor: Contributor, sequence: str) -> None:
    person = _sub(parent, "person_name", sequence=sequence, contributor_role=contributor.role)
    given, family = contributor.names()
    if given:
        _sub(person, "given_name", given)
    _sub(person, "surname", family)
    institutions = [clean_line(a) for a in contributor.affiliations if clean_line(a)]
    if institutions:
        affiliations = _sub(person, "affiliations")
        for name in dict.fromkeys(institutions):
            _sub(_sub(affiliations, "institution"), "institution_name", name)
    orcid = normalize_orcid(contributor.orcid)
    if orcid:
        attrs = {"authenticated": "true"} if contributor.orcid_authenticated else {}
        _sub(person, "ORCID", orcid, **attrs)


def _abstract(parent: etree._Element, lang: str, text: str) -> None:
    paras = paragraphs(text)
    if not paras:
        return
    abstract = _sub(parent, f"{{{JATS}}}abstract")
    abstract.set(XML_LANG, lang)
    for para in paras:
        _sub(abstract, f"{{{JATS}}}p", para)


def _funding(parent: etree._Element, article: ArticleRecord) -> None:
    if not article.funding:
        return
    program = _sub(parent, f"{{{FR}}}program", name="fundref")
    for funding in article.funding:
        group = _sub(program, f"{{{FR}}}assertion", name="fundgroup")
        funder = _sub(group, f"{{{FR}}}assertion", funding.funder_name, name="funder_name")
        if funding.funder_id and clean_line(funding.funder_id):
            _sub(funder, f"{{{FR}}}assertion", funding.funder_id, name="funder_identifier")
        if funding.award_number and clean_line(funding.award_number):
            _sub(group, f"{{{FR}}}assertion", funding.award_number, name="award_number")


def _licence(parent: etree._Element, article: ArticleRecord) -> None:
    start = (article.licence_start or article.first_published()).isoformat()
    program = _sub(parent, f"{{{AI}}}program", name="AccessIndicators")
    _sub(program, f"{{{AI}}}free_to_read", start_date=start)
    for applies_to in ("vor", "tdm"):
        _sub(
            program,
            f"{{{AI}}}license_ref",
            article.licence_url,
            applies_to=applies_to,
            start_date=start,
        )


def _doi_data(parent: etree._Element, article: ArticleRecord) -> None:
    doi_data = _sub(parent, "doi_data")
    _sub(doi_data, "doi", normalize_doi(article.doi))
    _sub(doi_data, "resource", article.landing_url)
    if article.pdf_url and clean_line(article.pdf_url):
        collection = _sub(doi_data, "collection", property="text-mining")
        _sub(_sub(collection, "item"), "resource", article.pdf_url, mime_type="application/pdf")


def _citations(parent: etree._Element, article: ArticleRecord) -> None:
    if not article.citations:
        return
    citation_list = _sub(parent, "citation_list")
    for citation in article.citations:
        element = _sub(citation_list, "citation", key=clean_line(citation.key))
        doi = normalize_doi(citation.doi)
        if doi:
            _sub(element, "doi", doi)
        if clean_line(citation.unstructured):
            _sub(element, "unstructured_citation", citation.unstructured)
