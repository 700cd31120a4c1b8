"""Reading published articles: one loader for every list (pages, feeds, API, OAI-PMH,
sitemap), with a fixed number of SQL queries whatever the number of articles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, joinedload
from sqlalchemy.sql.util import find_tables

from ..accounts.models import User
from ..errors import NotFound
from ..extensions import db
from ..funded_tasks.models import FundedTask
from ..provinces import Province
from ..submissions.models import Section, Submission, SubmissionAuthor
from .records import Article, Issue


def listing_options(*, submission_joined: bool = False):
    """Everything a list shows: submission, section, province, funded task, issue, authors
    (two queries: one joined, one for the authors). ``submission_joined``: the query joins
    the submissions already (``with_submission``), which then fills ``Article.submission``."""
    submission = (
        contains_eager(Article.submission) if submission_joined else joinedload(Article.submission)
    )
    return (
        submission.joinedload(Submission.section),
        submission.joinedload(Submission.province),
        submission.joinedload(Submission.funded_task).joinedload(FundedTask.province),
        submission.selectinload(Submission.authors),
        joinedload(Article.issue),
    )


def ever_published():
    """Articles that were published (live or taken down)."""
    return db.select(Article).where(Article.published_at.is_not(None))


def live():
    """Articles published and not taken down."""
    return ever_published().where(Article.unpublished_at.is_(None))


def with_submission(query):
    return query.join(Submission, Submission.id == Article.submission_id)


def province_condition(province: Province):
    """Articles of a province: its funded tasks, its routing, and its authors. Each part is
    a probe by key (EXISTS), so a newest-first list walks the articles' index and stops at
    its limit instead of collecting the province's submissions first."""
    task_in_province = (
        db.select(FundedTask.id)
        .where(FundedTask.id == Submission.funded_task_id, FundedTask.province_id == province.id)
        .exists()
    )
    author_in_province = (
        db.select(SubmissionAuthor.id)
        .join(User, User.id == SubmissionAuthor.user_id)
        .where(SubmissionAuthor.submission_id == Submission.id, User.province_id == province.id)
        .exists()
    )
    return db.or_(Submission.province_id == province.id, task_in_province, author_in_province)


def filtered(
    query,
    *,
    province: Province | None = None,
    section: Section | None = None,
    issue: Issue | None = None,
    year: int | None = None,
    language: str | None = None,
    updated_since: datetime | None = None,
):
    query = with_submission(query)
    if province is not None:
        query = query.where(province_condition(province))
    if section is not None:
        query = query.where(Submission.section_id == section.id)
    if issue is not None:
        query = query.where(Article.issue_id == issue.id)
    if year is not None:
        start = datetime(year, 1, 1, tzinfo=UTC)
        end = datetime(year + 1, 1, 1, tzinfo=UTC)
        query = query.where(Article.published_at >= start, Article.published_at < end)
    if language is not None:
        query = query.where(Submission.language == language)
    if updated_since is not None:
        query = query.where(Article.updated_at >= updated_since)
    return query


def newest_first(query):
    return query.order_by(Article.published_at.desc(), Article.id.desc())


def _joins_submission(query) -> bool:
    return any(
        getattr(table, "name", None) == Submission.__tablename__
        for selectable in query.get_final_froms()
        for table in find_tables(selectable, include_joins=True)
    )


def load(query) -> list[Article]:
    """The articles of ``query`` with everything a list shows, the submissions joined once."""
    options = listing_options(submission_joined=_joins_submission(query))
    return list(db.session.execute(query.options(*options)).unique().scalars())


def latest(limit: int, **filters) -> list[Article]:
    return load(newest_first(filtered(live(), **filters)).limit(limit))


def issue_contents(issue: Issue) -> list[tuple[Section | None, list[Article]]]:
    """The live articles of ``issue`` grouped by section in table-of-contents order."""
    from .issues import toc_key

    section_rank = {s.section_id: s.position for s in issue.sections}
    articles = load(filtered(live(), issue=issue))
    articles.sort(key=lambda a: toc_key(a, section_rank))
    groups: list[tuple[Section | None, list[Article]]] = []
    for article in articles:
        section = article.submission.section
        if groups and groups[-1][0] is section:
            groups[-1][1].append(article)
        else:
            groups.append((section, [article]))
    return groups


def public_article(article_id: int) -> Article:
    """A published article (live or a tombstone) with everything its page shows."""
    article = (
        db.session.execute(
            ever_published()
            .where(Article.id == article_id)
            .options(*listing_options(), joinedload(Article.galley), joinedload(Article.deposit))
        )
        .unique()
        .scalar_one_or_none()
    )
    if article is None:
        raise NotFound(_l("There is no such article."))
    return article


def published_years() -> list[int]:
    return sorted(
        {
            y
            for (y,) in db.session.execute(
                db.select(Issue.year).where(Issue.published_at.is_not(None)).distinct()
            )
        },
        reverse=True,
    )


@dataclass(slots=True)
class TocEntry:
    """One line of a table of contents, read as plain rows (no ORM objects) with its titles
    already ordered for the reader: a large issue renders fast, in a fixed number of
    queries."""

    id: int
    lang: str  # of ``title``, shown first
    title: str
    other_lang: str
    other_title: str  # empty when the article has no title in the other language
    authors: str
    first_page: int | None
    last_page: int | None
    doi: str

    @property
    def pages(self) -> str:
        if self.first_page is None:
            return ""
        if self.last_page in (None, self.first_page):
            return str(self.first_page)
        return f"{self.first_page}–{self.last_page}"


def ordered_titles(title_vi: str, title_en: str, locale: str) -> tuple[str, str, str, str]:
    """(lang, title, other lang, other title): the reader's language first when it exists."""
    first, second = ("en", "vi") if locale == "en" else ("vi", "en")
    by_lang = {"vi": title_vi, "en": title_en}
    if not by_lang[first]:
        return second, by_lang[second], first, ""
    return first, by_lang[first], second, by_lang[second]


def issue_toc(issue: Issue, locale: str) -> list[tuple[Section | None, list[TocEntry]]]:
    """The live articles of ``issue`` by section, in order: three queries in all."""
    section_rank = {s.section_id: s.position for s in issue.sections}
    rows = db.session.execute(
        db.select(
            Article.id,
            Article.position,
            Article.first_page,
            Article.last_page,
            Article.doi,
            Submission.id,
            Submission.section_id,
            Submission.title_vi,
            Submission.title_en,
        )
        .join(Submission, Submission.id == Article.submission_id)
        .where(
            Article.issue_id == issue.id,
            Article.published_at.is_not(None),
            Article.unpublished_at.is_(None),
        )
    ).all()
    names: dict[int, list[str]] = {}
    if rows:
        authors = db.session.execute(
            db.select(SubmissionAuthor.submission_id, SubmissionAuthor.full_name)
            .join(Article, Article.submission_id == SubmissionAuthor.submission_id)
            .where(Article.issue_id == issue.id)
            .order_by(SubmissionAuthor.submission_id, SubmissionAuthor.position)
        )
        for submission_id, name in authors:
            names.setdefault(submission_id, []).append(name)
    sections = {s.id: s for s in db.session.execute(db.select(Section)).scalars()}
    rows = sorted(rows, key=lambda r: (section_rank.get(r[6], 10_000), r[6] or 0, r[1], r[0]))
    groups: list[tuple[Section | None, list[TocEntry]]] = []
    current = object()
    for article_id, _position, first, last, doi, submission_id, section_id, vi, en in rows:
        entry = TocEntry(
            article_id,
            *ordered_titles(vi, en, locale),
            ", ".join(names.get(submission_id, ())),
            first,
            last,
            doi,
        )
        if section_id != current:
            groups.append((sections.get(section_id), []))
            current = section_id
        groups[-1][1].append(entry)
    return groups
