"""Crossref deposits for the journal, as a library: plain dataclasses in, XML out.

Knows no Flask and no database: ``journal.publish`` adapts its models to these records.

    from crossref import (ArticleRecord, Contributor, DepositBatch, IssueInfo, JournalInfo,
                          build_deposit, check_required, validate, CrossrefClient)

    problems = [p for a in articles for p in check_required(a)]   # report before depositing
    xml = build_deposit(batch, journal, issue, articles)          # MetadataError if invalid
    assert not validate(xml, "…/crossref/crossref5.4.0.xsd")
    result = CrossrefClient(url, login_id, login_passwd, timeout=30).deposit(xml)

See ``crossref.deposit`` for how the record is laid out, ``crossref.names`` for how
Vietnamese and Western names are split, ``crossref.client`` for the HTTP exchange.
"""

from .checks import (
    MetadataError,
    check_batch,
    check_deposit,
    check_issue,
    check_journal,
    check_required,
)
from .client import (
    CrossrefClient,
    DepositError,
    DepositResult,
    RecordDiagnostic,
    SubmissionStatus,
    parse_submission_log,
)
from .deposit import SCHEMA_VERSION, build_deposit
from .identifiers import normalize_doi, normalize_issn, normalize_orcid
from .models import (
    CC_BY_4,
    ArticleRecord,
    Citation,
    Contributor,
    DepositBatch,
    Funding,
    IssueInfo,
    JournalInfo,
)
from .names import split_name
from .validation import load_schema, validate

__all__ = [
    "CC_BY_4",
    "SCHEMA_VERSION",
    "ArticleRecord",
    "Citation",
    "Contributor",
    "CrossrefClient",
    "DepositBatch",
    "DepositError",
    "DepositResult",
    "Funding",
    "IssueInfo",
    "JournalInfo",
    "MetadataError",
    "RecordDiagnostic",
    "SubmissionStatus",
    "build_deposit",
    "check_batch",
    "check_deposit",
    "check_issue",
    "check_journal",
    "check_required",
    "load_schema",
    "normalize_doi",
    "normalize_issn",
    "normalize_orcid",
    "parse_submission_log",
    "split_name",
    "validate",
]
