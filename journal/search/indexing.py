"""Published articles and submissions as search documents: the adapter between the
journal's models and the search engine (which knows neither)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from lxml import etree

from ..dates import local_date
from ..extensions import db
from ..publish.records import Article
from ..publish.typeset.safexml import parse_xml
from ..storage import file_store
from ..submissions.models import Submission
from ..workflow import Stage
from .documents import SearchDocument

log = logging.getLogger(__name__)

# Longest full text indexed per article (characters): a whole article, with room to spare.
FULL_TEXT_MAX_CHARS = 400_000
# Elements of the JATS body whose text is not prose (formula markup, figure file names).
_SKIPPED = {"graphic", "inline-graphic", "media", "object-id", "xref"}


def body_text(jats: bytes) -> str:
    """The text of the JATS ``<body>`` (empty when there is none or it does not parse)."""
    try:
        root = parse_xml(jats)
    except etree.XMLSyntaxError:
        log.warning("search: a JATS galley does not parse; its full text is not indexed")
        return ""
    body = next((e for e in root.iter() if _local(e) == "body"), None)
    if body is None:
        return ""
    parts: list[str] = []
    size = 0
    for element in body.iter():
        if _local(element) in _SKIPPED:
            continue
        for text in (element.text, *(child.tail for child in element)):
            if text and text.strip():
                parts.append(text.strip())
                size += len(text)
        if size > FULL_TEXT_MAX_CHARS:
            break
    return " ".join(" ".join(parts).split())[:FULL_TEXT_MAX_CHARS]


def _local(element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def galley_text(article: Article) -> str:
    galley = article.galley
    if galley is None or not galley.jats_sha256:
        return ""
    store = file_store()
    try:
        with store.open(galley.jats_sha256) as f:
            return body_text(f.read())
    except (OSError, ValueError):
        log.warning("search: the JATS galley of article %s is missing", article.id)
        return ""


def article_document(article: Article) -> SearchDocument:
    """The search document of a published article."""
    submission = article.submission
    province = submission.province
    task = submission.funded_task
    authors = submission.authors
    published = local_date(article.published_at)
    year = published.year if published else None
    if article.issue is not None:
        year = article.issue.year
    return SearchDocument(
        id=str(article.id),
        title_vi=submission.title_vi,
        title_en=submission.title_en,
        abstract_vi=submission.abstract_vi,
        abstract_en=submission.abstract_en,
        keywords_vi=tuple(submission.keywords("vi")),
        keywords_en=tuple(submission.keywords("en")),
        authors=tuple(a.full_name for a in authors),
        affiliations=tuple(dict.fromkeys(a.affiliation for a in authors if a.affiliation)),
        full_text=galley_text(article),
        province_code=province.code if province is not None else "",
        province_name_vi=province.name_vi if province is not None else "",
        province_name_en=province.name_en if province is not None else "",
        section=submission.section.code if submission.section is not None else "",
        year=year,
        language=submission.language or "",
        task_code=task.code if task is not None else "",
        doi=article.doi or "",
        published=published,
    )


def is_searchable(article: Article | None) -> bool:
    return article is not None and article.is_live


def live_articles(batch: int = 200) -> Iterator[Article]:
    """Every published article that is not taken down, in id order, a batch at a time."""
    last = 0
    while True:
        rows = list(
            db.session.execute(
                db.select(Article)
                .where(
                    Article.id > last,
                    Article.published_at.is_not(None),
                    Article.unpublished_at.is_(None),
                )
                .order_by(Article.id)
                .limit(batch)
            ).scalars()
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        db.session.expire_all()  # keep memory flat on a large archive


def live_documents() -> Iterator[SearchDocument]:
    for article in live_articles():
        yield article_document(article)


# --- submissions (the staff index) --------------------------------------------------------


def is_indexed_submission(submission: Submission | None) -> bool:
    """Every submission after the draft stage (drafts are their authors' own)."""
    return submission is not None and submission.stage != Stage.DRAFT.value


def submission_document(submission: Submission) -> SearchDocument:
    """The staff index's document of a submission: its number, titles, keywords, funded
    task, authors and their affiliations (never its files)."""
    province = submission.province
    task = submission.funded_task
    authors = submission.authors
    day = local_date(submission.submitted_at or submission.created_at)
    return SearchDocument(
        id=str(submission.id),
        reference=str(submission.id),
        title_vi=submission.title_vi or "",
        title_en=submission.title_en or "",
        keywords_vi=tuple(submission.keywords("vi")),
        keywords_en=tuple(submission.keywords("en")),
        authors=tuple(a.full_name for a in authors if a.full_name),
        affiliations=tuple(dict.fromkeys(a.affiliation for a in authors if a.affiliation)),
        province_code=province.code if province is not None else "",
        province_name_vi=province.name_vi if province is not None else "",
        province_name_en=province.name_en if province is not None else "",
        section=submission.section.code if submission.section is not None else "",
        year=day.year if day else None,
        language=submission.language or "",
        task_code=task.code if task is not None else "",
        published=day,
    )


def submission_documents(batch: int = 200) -> Iterator[SearchDocument]:
    """Every submission after the draft stage, in id order, a batch at a time."""
    last = 0
    while True:
        rows = list(
            db.session.execute(
                db.select(Submission)
                .where(Submission.id > last, Submission.stage != Stage.DRAFT.value)
                .order_by(Submission.id)
                .limit(batch)
            ).scalars()
        )
        if not rows:
            return
        for submission in rows:
            yield submission_document(submission)
        last = rows[-1].id
        db.session.expire_all()
