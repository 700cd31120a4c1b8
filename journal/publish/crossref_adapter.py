"""From the journal's models to the ``crossref`` library's records, and the DOI deposits.

Deposits go issue by issue (a Crossref batch holds one issue; articles published online
first without an issue go in a batch of their own). Every article is checked before
anything is sent: a batch with a problem is refused whole, each problem naming its article,
and no status changes. The status of each DOI is kept in ``DoiDeposit``: ``pending`` (never
sent), ``submitted`` (in Crossref's queue), ``registered`` (Crossref's log said Success or
Warning) or ``failed`` (with Crossref's message). ``poll_deposits`` reads Crossref's logs;
it is the only way a DOI becomes registered, so the status never says "not deposited" for
a DOI Crossref has.

Every batch and DOAJ export is also validated against the official schema when it is
installed (SCHEMAS_DIR); without it, the library's own checks are all (``schema_missing``
tells the commands to say so), and nothing is blocked for want of a schema.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from crossref import (
    ArticleRecord,
    Citation,
    Contributor,
    CrossrefClient,
    DepositBatch,
    DepositError,
    Funding,
    IssueInfo,
    JournalInfo,
    MetadataError,
    build_deposit,
)
from crossref import validate as validate_against

from ..errors import JournalError
from ..extensions import db
from ..models_base import utcnow
from ..schemas import TITLES, installed_schema
from ..settings import journal_settings
from . import articles as article_queries
from . import galleys
from .doaj import build_doaj
from .records import Article, DoiDeposit, Issue
from .urls import article_url, pdf_url


class CrossrefNotConfigured(JournalError):
    status = 503
    default_message = _l("Crossref deposits are not configured (CROSSREF_LOGIN).")


def journal_info() -> JournalInfo:
    settings = journal_settings()
    return JournalInfo(
        title_vi=settings["JOURNAL_TITLE_VI"],
        title_en=settings["JOURNAL_TITLE_EN"],
        issn_print=settings["ISSN_PRINT"] or None,
        issn_electronic=settings["ISSN_ONLINE"] or None,
        abbrev_title=settings["JOURNAL_ABBREV_TITLE"] or None,
        publisher=settings["JOURNAL_PUBLISHER"],
        language="vi",
    )


def schema_missing(entry: str) -> bool:
    """True when the official schema of ``entry`` ("crossref", "doaj") is not installed:
    what is exported is then checked structurally only."""
    return installed_schema(entry) is None


def _check_against_schema(entry: str, xml: bytes) -> bytes:
    """``xml`` when it is valid against the installed schema (or none is installed); else
    ``MetadataError`` with the validator's words."""
    path = installed_schema(entry)
    problems = validate_against(xml, path) if path is not None else []
    if problems:
        raise MetadataError([f"{TITLES[entry]} schema: {p}" for p in problems[:10]])
    return xml


def issue_info(issue: Issue | None) -> IssueInfo | None:
    if issue is None or not issue.is_published:
        return None
    return IssueInfo(
        volume=issue.volume,
        number=issue.number,
        year=issue.year,
        publication_date=issue.published_on,
    )


def article_record(article: Article) -> ArticleRecord:
    submission = article.submission
    in_issue = issue_info(article.issue) is not None
    task = submission.funded_task
    funding = ()
    if task is not None:
        funding = (
            Funding(
                funder_name=task.agency, award_number=task.code, programme=task.programme or None
            ),
        )
    citations = tuple(
        Citation(key=ref.key, doi=ref.doi, unstructured=ref.text) for ref in _references(article)
    )
    return ArticleRecord(
        doi=article.doi,
        landing_url=article_url(article),
        language=submission.language,
        title_vi=submission.title_vi,
        title_en=submission.title_en,
        abstract_vi=submission.abstract_vi,
        abstract_en=submission.abstract_en,
        contributors=tuple(
            Contributor(
                full_name=a.full_name,
                orcid=a.orcid or None,
                affiliations=(a.affiliation,) if a.affiliation else (),
            )
            for a in submission.authors
        ),
        published_online=article.published_on,
        first_page=article.first_page if in_issue else None,
        last_page=article.last_page if in_issue else None,
        pdf_url=pdf_url(article) if article.is_live else None,
        funding=funding,
        citations=citations,
        keywords_vi=tuple(submission.keywords("vi")),
        keywords_en=tuple(submission.keywords("en")),
    )


def _references(article: Article):
    try:
        return galleys.references(article.galley)
    except FileNotFoundError:
        return ()


def issue_articles(issue: Issue) -> list[Article]:
    """The articles of an issue that were published (taken-down ones too: their DOIs keep
    resolving to the tombstone)."""
    from .issues import toc_key

    found = article_queries.load(
        article_queries.filtered(article_queries.ever_published(), issue=issue)
    )
    rank = {s.section_id: s.position for s in issue.sections}
    return sorted(found, key=lambda a: toc_key(a, rank))


def new_batch() -> DepositBatch:
    config = current_app.config
    return DepositBatch.new(
        config["CROSSREF_DEPOSITOR_NAME"],
        config["CROSSREF_DEPOSITOR_EMAIL"],
        config["CROSSREF_REGISTRANT"],
        prefix="mdj",
    )


def deposit_xml(
    issue: Issue | None, items: Sequence[Article], batch: DepositBatch | None = None
) -> bytes:
    """The ``doi_batch`` for ``items`` (all of ``issue``, or online first when None).
    Raises ``MetadataError`` naming every article with a problem."""
    xml = build_deposit(
        batch or new_batch(), journal_info(), issue_info(issue), [article_record(a) for a in items]
    )
    return _check_against_schema("crossref", xml)


def export_issue(issue: Issue) -> bytes:
    items = issue_articles(issue)
    if not items:
        raise MetadataError([f"Issue {issue.volume}({issue.number}): no published article"])
    return deposit_xml(issue, items)


def doaj_export(issue: Issue) -> bytes:
    items = [a for a in issue_articles(issue) if a.is_live]
    xml = build_doaj(journal_info(), [article_record(a) for a in items], issue_info(issue))
    return _check_against_schema("doaj", xml)


def crossref_client() -> CrossrefClient:
    config = current_app.config
    if not config.get("CROSSREF_LOGIN"):
        raise CrossrefNotConfigured()
    return CrossrefClient(
        config["CROSSREF_DEPOSIT_URL"],
        config["CROSSREF_LOGIN"],
        config.get("CROSSREF_PASSWORD") or "",
        timeout=float(config.get("CROSSREF_TIMEOUT") or 30),
    )


@dataclass(frozen=True)
class DepositOutcome:
    dois: tuple[str, ...]
    submitted: bool
    message: str
    file_name: str = ""


def _deposit_of(article: Article) -> DoiDeposit:
    if article.deposit is None:
        article.deposit = DoiDeposit(doi=article.doi, status="pending")
        db.session.add(article.deposit)
    return article.deposit


def _groups(items: Iterable[Article]) -> list[tuple[Issue | None, list[Article]]]:
    groups: dict[int | None, list[Article]] = {}
    for article in items:
        key = article.issue_id if issue_info(article.issue) is not None else None
        groups.setdefault(key, []).append(article)
    return [(db.session.get(Issue, key) if key else None, found) for key, found in groups.items()]


def deposit_articles(
    items: Sequence[Article], client: CrossrefClient | None = None
) -> list[DepositOutcome]:
    """Send ``items`` to Crossref, one batch per issue. Every batch is built (and so
    checked) before the first is sent: ``MetadataError`` means nothing was sent."""
    items = [a for a in items if a.published_at is not None]
    built = []
    problems: list[str] = []
    for issue, found in _groups(items):
        batch = new_batch()
        try:
            built.append((batch, found, deposit_xml(issue, found, batch)))
        except MetadataError as error:
            problems += error.problems
    if problems:
        raise MetadataError(problems)
    client = client or crossref_client()
    outcomes = []
    for batch, found, xml in built:
        outcomes.append(_send(client, batch, found, xml))
    return outcomes


def _send(
    client: CrossrefClient, batch: DepositBatch, found: list[Article], xml: bytes
) -> DepositOutcome:
    now = utcnow()
    try:
        result = client.deposit(xml, f"{batch.batch_id}.xml")
    except DepositError as error:
        for article in found:
            deposit = _deposit_of(article)
            deposit.status, deposit.message = "failed", error.message
            deposit.attempts += 1
            deposit.updated_at = now
        db.session.commit()
        return DepositOutcome(tuple(a.doi for a in found), False, error.message)
    for article in found:
        deposit = _deposit_of(article)
        deposit.status, deposit.message = "submitted", ""
        deposit.batch_id, deposit.file_name = batch.batch_id, result.file_name
        deposit.attempts += 1
        deposit.submitted_at = deposit.updated_at = now
    db.session.commit()
    return DepositOutcome(tuple(a.doi for a in found), True, result.message, result.file_name)


def deposit_issue(issue: Issue, client: CrossrefClient | None = None) -> list[DepositOutcome]:
    return deposit_articles(issue_articles(issue), client)


def poll_deposits(client: CrossrefClient | None = None) -> dict[str, int]:
    """Read Crossref's submission log of every batch still in its queue; each DOI becomes
    registered or failed (with Crossref's message), or stays submitted."""
    client = client or crossref_client()
    pending = list(
        db.session.execute(db.select(DoiDeposit).filter_by(status="submitted")).scalars()
    )
    counts = {"registered": 0, "failed": 0, "submitted": 0}
    for file_name in sorted({d.file_name for d in pending}):
        batch = [d for d in pending if d.file_name == file_name]
        try:
            status = client.submission_status(file_name=file_name)
        except DepositError as error:
            for deposit in batch:
                deposit.message = error.message  # still submitted: try again later
            counts["submitted"] += len(batch)
            continue
        now = utcnow()
        for deposit in batch:
            outcome = status.for_doi(deposit.doi) if status.completed else None
            if outcome is None and status.completed and status.batch_errors:
                deposit.status, deposit.message = "failed", "; ".join(status.batch_errors)
            elif outcome is None:
                counts["submitted"] += 1
                continue
            elif outcome.registered:
                deposit.status, deposit.message = "registered", outcome.message
                deposit.registered_at = now
            else:
                deposit.status, deposit.message = "failed", outcome.message
            deposit.updated_at = now
            counts[deposit.status] += 1
    db.session.commit()
    return counts


def retry_failed(client: CrossrefClient | None = None) -> list[DepositOutcome]:
    """Deposit again every DOI whose last deposit failed (in new batches)."""
    failed = db.session.execute(
        db.select(Article)
        .join(DoiDeposit, DoiDeposit.article_id == Article.id)
        .where(DoiDeposit.status == "failed")
    ).scalars()
    return deposit_articles(list(failed), client)


def deposit_statuses(issue: Issue | None = None) -> list[tuple[str, str, str]]:
    """(DOI, status, message) of every article's DOI; articles never deposited are pending."""
    query = db.select(Article).where(Article.published_at.is_not(None)).order_by(Article.id)
    if issue is not None:
        query = query.where(Article.issue_id == issue.id)
    rows = []
    for article in db.session.execute(query).scalars():
        deposit = article.deposit
        rows.append(
            (
                article.doi,
                deposit.status if deposit else "pending",
                deposit.message if deposit else "",
            )
        )
    return rows
