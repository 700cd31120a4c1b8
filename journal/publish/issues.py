"""Publishing services: issues, scheduling, publishing, pages, unpublishing.

Each public function is one transaction: check, validate, change, ``workflow.transition``
when a submission's stage changes, commit once, then send the signals. The actor is passed
explicitly; nothing here reads the request.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from crossref.identifiers import is_doi

from .. import signals, workflow
from ..errors import JournalError, NotFound, PermissionDenied, StaleError, WorkflowError
from ..events import record_event
from ..extensions import db
from ..mail import deliver_after_commit, external_url, queue_mail
from ..models_base import utcnow
from ..settings import journal_settings
from ..submissions.models import Section, Submission
from .models import GalleyVersion, approved_galley
from .permissions import can_manage_issues, can_publish_submission, can_unpublish
from .records import Article, DoiDeposit, Issue, IssueSection
from .version_of_record import queue_record_runs, start_record_runs

REASON_MAX = 2000
TITLE_MAX = 300


class PublishingError(JournalError):
    status = 400
    default_message = _l("The change could not be made.")


class NoApprovedGalley(WorkflowError):
    default_message = _l(
        "No galley of this article has been approved yet: approve the typeset version first."
    )


class IssueAlreadyPublished(WorkflowError):
    default_message = _l("This issue is already published; its contents can no longer change.")


class DuplicateIssue(PublishingError):
    status = 409
    default_message = _l("An issue with this volume and number already exists.")


class DoiUnavailable(PublishingError):
    status = 409
    default_message = _l("The DOI this article would get is already taken. Check the DOI pattern.")


def _one_transaction(service):
    """Roll back on any failure; a concurrent change (stale version) becomes StaleError."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except StaleDataError:
            db.session.rollback()
            raise StaleError() from None
        except Exception:
            db.session.rollback()
            raise

    return wrapper


# ------------------------------------------------------------------ issues


def _issue_values(volume, number, year, title_vi, title_en) -> dict:
    try:
        volume, number, year = int(volume), int(number), int(year)
    except (TypeError, ValueError):
        raise PublishingError(_l("Volume, number and year must be whole numbers.")) from None
    if not (1 <= volume <= 9999 and 1 <= number <= 999):
        raise PublishingError(_l("Volume must be 1 to 9999 and number 1 to 999."))
    if not 1900 <= year <= 2200:
        raise PublishingError(_l("The year must be between 1900 and 2200."))
    title_vi, title_en = (title_vi or "").strip(), (title_en or "").strip()
    if len(title_vi) > TITLE_MAX or len(title_en) > TITLE_MAX:
        raise PublishingError(_l("An issue title has at most 300 characters."))
    return {
        "volume": volume,
        "number": number,
        "year": year,
        "title_vi": title_vi,
        "title_en": title_en,
    }


def _check_unique(volume: int, number: int, issue_id: int | None = None) -> None:
    query = db.select(Issue.id).filter_by(volume=volume, number=number)
    if issue_id is not None:
        query = query.where(Issue.id != issue_id)
    if db.session.execute(query).first() is not None:
        raise DuplicateIssue()


@_one_transaction
def create_issue(actor, *, volume, number, year, title_vi="", title_en="") -> Issue:
    if not can_manage_issues(actor):
        raise PermissionDenied()
    values = _issue_values(volume, number, year, title_vi, title_en)
    _check_unique(values["volume"], values["number"])
    issue = Issue(**values)
    db.session.add(issue)
    db.session.commit()
    return issue


@_one_transaction
def update_issue(issue: Issue, actor, *, volume, number, year, title_vi="", title_en="") -> Issue:
    """Titles can change at any time; volume, number and year only before publication."""
    if not can_manage_issues(actor):
        raise PermissionDenied()
    values = _issue_values(volume, number, year, title_vi, title_en)
    numbering = (values["volume"], values["number"], values["year"])
    if issue.is_published and numbering != (issue.volume, issue.number, issue.year):
        raise IssueAlreadyPublished(
            _l("The issue is published: its volume, number and year can no longer change.")
        )
    _check_unique(values["volume"], values["number"], issue.id)
    for name, value in values.items():
        setattr(issue, name, value)
    issue.updated_at = utcnow()
    db.session.commit()
    return issue


def _ensure_issue_section(issue: Issue, section_id: int | None) -> None:
    if section_id is None:
        return
    if any(s.section_id == section_id for s in issue.sections):
        return
    position = max((s.position for s in issue.sections), default=0) + 1
    issue.sections.append(IssueSection(section_id=section_id, position=position))


def _next_position(issue: Issue, section_id: int | None) -> int:
    highest = db.session.execute(
        db.select(db.func.max(Article.position))
        .join(Submission, Submission.id == Article.submission_id)
        .where(Article.issue_id == issue.id, Submission.section_id == section_id)
    ).scalar()
    return (highest or 0) + 1


# ------------------------------------------------------------------ DOIs


def make_doi(submission: Submission, when=None) -> str:
    """The DOI the pattern settings give ``submission`` (not yet checked for reuse)."""
    settings = journal_settings()
    when = when or utcnow()
    try:
        suffix = settings["DOI_SUFFIX_TEMPLATE"].format(year=when.year, submission=submission.id)
    except (KeyError, IndexError, ValueError) as error:
        raise PublishingError(
            _l("The DOI pattern setting is not valid (DOI_SUFFIX_TEMPLATE).")
        ) from error
    doi = f"{settings['DOI_PREFIX'].rstrip('/')}/{suffix.strip()}"
    if not is_doi(doi):
        raise PublishingError(_l("The DOI pattern gives “%(doi)s”, which is not a DOI.", doi=doi))
    return doi


def _assign_doi(submission: Submission) -> str:
    doi = make_doi(submission)
    taken = db.session.execute(
        db.select(Article.id).where(db.func.lower(Article.doi) == doi.lower())
    ).first()
    if taken is not None:
        raise DoiUnavailable()
    return doi


def _article_of(submission: Submission) -> Article | None:
    return db.session.execute(
        db.select(Article).filter_by(submission_id=submission.id)
    ).scalar_one_or_none()


def _require_galley(submission: Submission) -> GalleyVersion:
    galley = approved_galley(submission)
    if galley is None:
        raise NoApprovedGalley()
    return galley


def _new_article(submission: Submission, galley: GalleyVersion) -> Article:
    article = Article(
        submission=submission,
        doi=_assign_doi(submission),
        galley_version_id=galley.id,
        scheduled_at=utcnow(),
    )
    db.session.add(article)
    return article


def _touch(submission: Submission) -> None:
    submission.updated_at = utcnow()  # bumps the version: concurrent changes collide


# ------------------------------------------------------------------ scheduling


@_one_transaction
def schedule_article(submission: Submission, issue: Issue, actor) -> Article:
    """Put an approved article into an issue that is not yet published (its DOI is assigned
    now), or move a scheduled article to another such issue."""
    if not can_publish_submission(actor, submission):
        raise PermissionDenied()
    if issue.is_published:
        raise IssueAlreadyPublished(
            _l(
                "This issue is already published. Publish the article online first, "
                "then place it in the issue."
            )
        )
    stage = workflow.Stage(submission.stage)
    if stage == workflow.Stage.SCHEDULED:
        article = _article_of(submission)
        if article.issue_id == issue.id:
            return article
        record_event("reschedule", submission=submission, actor=actor, note=f"issue {issue.id}")
    else:
        galley = _require_galley(submission)
        workflow.transition(submission, "schedule", actor, note=f"issue {issue.id}")
        article = _article_of(submission) or _new_article(submission, galley)
    article.issue = issue
    _ensure_issue_section(issue, submission.section_id)
    article.position = _next_position(issue, submission.section_id)
    _touch(submission)
    issue.updated_at = utcnow()
    db.session.flush()
    runs = queue_record_runs([article], actor)
    db.session.commit()
    start_record_runs(runs)
    return article


@_one_transaction
def order_issue(
    issue: Issue, actor, section_ids: Sequence[int], article_ids: Sequence[int]
) -> Issue:
    """Set the order of the issue's sections and of its articles (articles keep their
    section; the order given is read section by section)."""
    if not can_manage_issues(actor):
        raise PermissionDenied()
    if issue.is_published:
        raise IssueAlreadyPublished()
    sections = {s.section_id: s for s in issue.sections}
    if sorted(section_ids) != sorted(sections) or len(set(section_ids)) != len(section_ids):
        raise PublishingError(_l("Give every section of the issue exactly once."))
    articles = {a.id: a for a in issue_articles(issue)}
    if sorted(article_ids) != sorted(articles) or len(set(article_ids)) != len(article_ids):
        raise PublishingError(_l("Give every article of the issue exactly once."))
    for position, section_id in enumerate(section_ids, start=1):
        sections[section_id].position = position
    counters: dict[int | None, int] = {}
    for article_id in article_ids:
        article = articles[article_id]
        section_id = article.submission.section_id
        counters[section_id] = counters.get(section_id, 0) + 1
        article.position = counters[section_id]
    issue.updated_at = utcnow()
    db.session.commit()
    return issue


def issue_articles(issue: Issue) -> list[Article]:
    """Every article placed in ``issue`` (scheduled or published, taken down or not), in
    table-of-contents order: section order, then position."""
    section_rank = {s.section_id: s.position for s in issue.sections}
    articles = list(
        db.session.execute(
            db.select(Article)
            .join(Submission, Submission.id == Article.submission_id)
            .where(Article.issue_id == issue.id)
            .options(db.contains_eager(Article.submission))
        ).scalars()
    )
    return sorted(articles, key=lambda a: toc_key(a, section_rank))


def toc_key(article: Article, section_rank: dict[int, int]) -> tuple:
    section_id = article.submission.section_id
    return (section_rank.get(section_id, 10_000), section_id or 0, article.position, article.id)


@dataclass(frozen=True)
class PageRange:
    first: int
    last: int


def page_ranges(page_counts: Sequence[int], start: int = 1) -> list[PageRange]:
    """Consecutive page ranges for PDFs of ``page_counts`` pages, from page ``start``
    (a PDF with no known page count takes one page)."""
    ranges, page = [], start
    for count in page_counts:
        last = page + max(int(count or 0), 1) - 1
        ranges.append(PageRange(page, last))
        page = last + 1
    return ranges


def _galley_pages(article: Article) -> int:
    galley = db.session.get(GalleyVersion, article.galley_version_id)
    return galley.pdf_pages if galley is not None else 0


def _assign_pages(articles: Sequence[Article], start: int = 1) -> None:
    for article, pages in zip(
        articles, page_ranges([_galley_pages(a) for a in articles], start), strict=True
    ):
        article.first_page, article.last_page = pages.first, pages.last


# ------------------------------------------------------------------ publishing


def _go_live(article: Article, actor, when) -> None:
    submission = article.submission
    if article.published_at is None:
        article.galley_version_id = _require_galley(submission).id  # the latest approval
        workflow.transition(submission, "publish", actor)
        article.published_at = when
        _touch(submission)
        _announce(article)
    if article.deposit is None:
        db.session.add(DoiDeposit(article=article, doi=article.doi, status="pending"))
    article.updated_at = when


def _send_published(articles: Sequence[Article]) -> None:
    if articles:
        deliver_after_commit()
    for article in articles:
        signals.article_published.send(article)


def _announce(article: Article) -> None:
    """Queue the news of publication to every author of the article (each address once):
    its DOI and its address. Sent after the commit (``_send_published``)."""
    from ..accounts.models import User

    submission = article.submission
    link = external_url("publish.article", article_id=article.id)
    seen = set()
    for author in submission.authors:
        address = (author.email or "").strip()
        if not address or address.lower() in seen:
            continue
        seen.add(address.lower())
        user = db.session.get(User, author.user_id) if author.user_id else None
        queue_mail(
            user or address,
            "article_published",
            locale=None if user else submission.language,
            article=article,
            submission=submission,
            name=author.full_name,
            link=link,
        )


@_one_transaction
def publish_issue(issue: Issue, actor) -> list[Article]:
    """Publish the issue and every article scheduled into it, at once, in one transaction.
    Pages are numbered in table-of-contents order from the PDFs' page counts."""
    if not can_manage_issues(actor):
        raise PermissionDenied()
    if issue.is_published:
        raise IssueAlreadyPublished(_l("This issue is already published."))
    articles = [a for a in issue_articles(issue) if a.unpublished_at is None]
    if not articles:
        raise WorkflowError(_l("The issue has no articles: schedule articles into it first."))
    when = utcnow()
    newly = [a for a in articles if a.published_at is None]
    for article in articles:
        _go_live(article, actor, when)
    _assign_pages(articles)
    issue.published_at = when
    issue.updated_at = when
    runs = queue_record_runs(articles, actor)
    db.session.commit()
    _send_published(newly)
    start_record_runs(runs)
    return articles


@_one_transaction
def publish_online_first(submission: Submission, actor) -> Article:
    """Publish one approved article now, before (or without) an issue. An article already
    scheduled keeps its place in its issue; pages come when the issue is published."""
    if not can_publish_submission(actor, submission):
        raise PermissionDenied()
    stage = workflow.Stage(submission.stage)
    if stage not in (workflow.Stage.PRODUCTION, workflow.Stage.SCHEDULED):
        raise WorkflowError(
            _l(
                "This step is not possible: the submission is now “%(stage)s”.",
                stage=workflow.STAGE_LABELS[stage],
            )
        )
    galley = _require_galley(submission)
    article = _article_of(submission) or _new_article(submission, galley)
    db.session.flush()
    _go_live(article, actor, utcnow())
    runs = queue_record_runs([article], actor)
    db.session.commit()
    _send_published([article])
    start_record_runs(runs)
    return article


@_one_transaction
def place_in_issue(article: Article, issue: Issue, actor) -> Article:
    """Place an article published online first into an issue. In an issue already
    published it goes last, with the pages after the issue's last page."""
    if not can_manage_issues(actor):
        raise PermissionDenied()
    if article.published_at is None:
        raise WorkflowError(_l("Only a published article can be placed this way."))
    if article.issue_id is not None and article.issue.is_published:
        raise WorkflowError(_l("This article already belongs to a published issue."))
    if article.issue_id == issue.id:
        return article
    submission = article.submission
    article.issue = issue
    _ensure_issue_section(issue, submission.section_id)
    article.position = _next_position(issue, submission.section_id)
    if issue.is_published:
        last = db.session.execute(
            db.select(db.func.max(Article.last_page)).where(
                Article.issue_id == issue.id, Article.id != article.id
            )
        ).scalar()
        _assign_pages([article], start=(last or 0) + 1)
    record_event("place_in_issue", submission=submission, actor=actor, note=f"issue {issue.id}")
    now = utcnow()
    article.updated_at = now
    issue.updated_at = now
    runs = queue_record_runs([article], actor)
    db.session.commit()
    signals.article_published.send(article)  # its citation changed: listeners refresh it
    start_record_runs(runs)
    return article


@_one_transaction
def unpublish_article(article: Article, actor, reason: str) -> Article:
    """Take an article down. Its page stays, as a tombstone with the reason and the
    citation; its DOI keeps resolving there; harvesters see a deleted record."""
    if not can_unpublish(actor):
        raise PermissionDenied()
    reason = " ".join((reason or "").split())
    if not reason:
        raise PublishingError(_l("Give the reason the article is taken down; readers will see it."))
    if len(reason) > REASON_MAX:
        raise PublishingError(_l("The reason has at most 2000 characters."))
    if not article.is_live:
        raise WorkflowError(_l("This article is not published, or was already taken down."))
    workflow.transition(article.submission, "unpublish", actor, note=reason)
    now = utcnow()
    article.unpublished_at = now
    article.unpublish_reason = reason
    article.updated_at = now
    _touch(article.submission)
    db.session.commit()
    signals.article_unpublished.send(article)
    return article


# ------------------------------------------------------------------ reading


def get_issue(issue_id: int, *, published_only: bool = True) -> Issue:
    issue = db.session.get(Issue, issue_id)
    if issue is None or (published_only and not issue.is_published):
        raise NotFound(_l("There is no such issue."))
    return issue


def current_issue() -> Issue | None:
    """The latest published issue."""
    return db.session.execute(
        db.select(Issue)
        .where(Issue.published_at.is_not(None))
        .order_by(Issue.year.desc(), Issue.volume.desc(), Issue.number.desc())
        .limit(1)
    ).scalar_one_or_none()


def archive() -> list[tuple[int, list[Issue]]]:
    """Published issues grouped by year, newest first."""
    issues = db.session.execute(
        db.select(Issue)
        .where(Issue.published_at.is_not(None))
        .order_by(Issue.year.desc(), Issue.volume.desc(), Issue.number.desc())
    ).scalars()
    years: dict[int, list[Issue]] = {}
    for issue in issues:
        years.setdefault(issue.year, []).append(issue)
    return list(years.items())


def all_issues() -> list[Issue]:
    return list(
        db.session.execute(
            db.select(Issue).order_by(Issue.year.desc(), Issue.volume.desc(), Issue.number.desc())
        ).scalars()
    )


def open_issues() -> list[Issue]:
    """Issues not yet published (where articles can be scheduled)."""
    return [i for i in all_issues() if not i.is_published]


def section_by_code(code: str) -> Section | None:
    return db.session.execute(db.select(Section).filter_by(code=code)).scalar_one_or_none()


def publishing_queue(actor) -> dict:
    """What ``actor`` may publish: submissions in production (with or without an approved
    galley), scheduled articles, and articles published online first without an issue."""
    from .permissions import visible_province_ids

    provinces = visible_province_ids(actor)

    def visible(query):
        return query if provinces is None else query.where(Submission.province_id.in_(provinces))

    in_production = list(
        db.session.execute(
            visible(
                db.select(Submission)
                .where(Submission.stage == workflow.Stage.PRODUCTION.value)
                .order_by(Submission.id)
            )
        ).scalars()
    )
    approved = {
        submission_id
        for (submission_id,) in db.session.execute(
            db.select(GalleyVersion.submission_id).where(
                GalleyVersion.submission_id.in_([s.id for s in in_production]),
                GalleyVersion.approved_at.is_not(None),
            )
        )
    }
    placed = visible(
        db.select(Article).join(Submission, Submission.id == Article.submission_id)
    ).options(db.contains_eager(Article.submission))
    scheduled = list(
        db.session.execute(
            placed.where(Article.published_at.is_(None)).order_by(Article.id)
        ).scalars()
    )
    online_first = list(
        db.session.execute(
            placed.where(
                Article.published_at.is_not(None),
                Article.unpublished_at.is_(None),
                Article.issue_id.is_(None),
            ).order_by(Article.published_at.desc())
        ).scalars()
    )
    return {
        "in_production": in_production,
        "approved": approved,
        "scheduled": scheduled,
        "online_first": online_first,
    }
