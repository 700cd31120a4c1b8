"""The version of record: when an article is scheduled, published, or placed in an issue,
its galleys are typeset again from the approved manuscript version with the final DOI,
volume, issue, pages (continuous through the issue: the PDF is numbered from the article's
first page) and publication date in the journal's time zone, and with the citation line on
the first page.

The publishing services queue a ``TypesetRun`` per article in the same transaction
(``queue_record_runs``) and enqueue one job after their commit (``start_record_runs``).
The job (``publish.version_of_record``) works through an issue's articles in table-of-contents
order, one article per job, so that each first page follows the previous article's last
page; each run shows its stage on the production page like any other. The article keeps
its approved galley until its version of record is made; a run that fails leaves it there,
with the reason in the run.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from .. import jobs
from ..dates import local_date
from ..extensions import db
from ..models_base import utcnow
from .models import GalleyVersion, TypesetRun
from .production_job import (
    StageClock,
    execute_run,
    finish_run,
    front_matter,
    pdf_page_count,
    typeset_run,
)
from .records import Article

log = logging.getLogger(__name__)

JOB = "publish.version_of_record"


def queue_record_runs(articles: Sequence[Article], actor) -> list[TypesetRun]:
    """A queued version-of-record run for each article (in the order given), from the
    manuscript version its approved galley was made from. Added to the session; the caller
    commits, then calls ``start_record_runs``."""
    runs = []
    for article in articles:
        galley = db.session.get(GalleyVersion, article.galley_version_id)
        source = galley.run.source_file_id
        run = TypesetRun(
            submission_id=article.submission_id,
            source_file_id=source,
            requested_by_id=actor.id if actor is not None else None,
            article=article,
            status="queued",
            stage="",
            error="",
        )
        db.session.add(run)
        runs.append(run)
    return runs


def start_record_runs(runs: Sequence[TypesetRun]) -> None:
    """Enqueue the job for runs committed just now (one job: they run in order)."""
    if runs:
        jobs.enqueue(JOB, [run.id for run in runs])


@jobs.job(JOB)
def make_versions_of_record(run_ids: list[int]) -> str:
    """Make the first run's version of record, then queue the job again for the others (in
    order: each article's first page follows the one before; one job per article keeps each
    within a worker's time limit). Returns the first run's final status."""
    if not run_ids:
        return "skipped"
    status = _make_one(run_ids[0])
    if run_ids[1:]:
        jobs.enqueue(JOB, list(run_ids[1:]))
    return status


def _make_one(run_id: int) -> str:
    return execute_run(
        run_id, "version-of-record run", lambda clock: _typeset_record(run_id, clock)
    )


def first_page(article: Article) -> int | None:
    """Where ``article`` starts in its published issue: after the last page of the article
    before it in the table of contents (the first keeps its page). None outside a published
    issue."""
    from .issues import issue_articles

    if article.issue is None or not article.issue.is_published or article.first_page is None:
        return None
    before = None
    for other in issue_articles(article.issue):
        if other.id == article.id:
            break
        if other.unpublished_at is None and other.last_page is not None:
            before = other
    return before.last_page + 1 if before is not None else article.first_page


def record_meta(article: Article, fpage: int | None, pages: int):
    """The article's front matter with what is final now: DOI always; volume and issue
    once it is in an issue; pages (``pages`` long from ``fpage``) and the publication date
    (the journal's calendar day) once it is published."""
    issue = article.issue
    return front_matter(
        article.submission,
        doi=article.doi,
        pub_date=local_date(article.published_at),
        volume=str(issue.volume) if issue is not None else None,
        issue=str(issue.number) if issue is not None else None,
        fpage=str(fpage) if fpage is not None else None,
        lpage=str(fpage + max(pages, 1) - 1) if fpage is not None else None,
    )


def _typeset_record(run_id: int, clock: StageClock) -> str:
    run = db.session.get(TypesetRun, run_id)
    article = run.article
    fpage = first_page(article)
    expected = (article.last_page - article.first_page + 1) if fpage is not None else 1
    meta = record_meta(article, fpage, expected)
    galleys = typeset_run(run_id, clock, meta)
    pages = pdf_page_count(galleys.pdf)
    if fpage is not None and pages and pages != expected:
        # the final citation line changed the length: typeset again with the right range
        meta = replace(meta, lpage=str(fpage + pages - 1))
        galleys = typeset_run(run_id, clock, meta)
        pages = pdf_page_count(galleys.pdf)
    clock.start("saving")
    status = finish_run(run_id, galleys)
    if status == "succeeded":
        _adopt(run_id, fpage, pages)
    return status


def _adopt(run_id: int, fpage: int | None, pages: int) -> None:
    """The article's galleys become the run's, with its pages, unless a later version-of-
    record run of the same article was queued meanwhile (that one will be adopted)."""
    run = db.session.get(TypesetRun, run_id)
    article = db.session.execute(
        db.select(Article).where(Article.id == run.article_id).with_for_update()
    ).scalar_one()
    latest = db.session.execute(
        db.select(db.func.max(TypesetRun.id)).where(TypesetRun.article_id == article.id)
    ).scalar_one()
    if latest != run_id:
        db.session.rollback()
        return
    article.galley_version_id = run.galley.id
    if fpage is not None:
        article.first_page = fpage
        article.last_page = fpage + max(pages, 1) - 1
    article.updated_at = utcnow()
    db.session.commit()
