"""What the pages, the yearly report and the SUSHI-style endpoint read: sums over the
``usage_daily`` rows (never over raw events)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from ..extensions import db
from ..publish.records import Article
from ..reports.periods import Counts, Period
from ..submissions.models import Section, Submission
from .models import UsageDaily

# COUNTER R5 metric types → the summary column that holds them.
METRICS = {
    "Total_Item_Investigations": UsageDaily.total_investigations,
    "Unique_Item_Investigations": UsageDaily.unique_investigations,
    "Total_Item_Requests": UsageDaily.total_requests,
    "Unique_Item_Requests": UsageDaily.unique_requests,
}


@dataclass(frozen=True)
class Figures:
    total_investigations: int = 0
    unique_investigations: int = 0
    total_requests: int = 0
    unique_requests: int = 0
    views: int = 0
    downloads: int = 0


_SUMS = (
    UsageDaily.total_investigations,
    UsageDaily.unique_investigations,
    UsageDaily.total_requests,
    UsageDaily.unique_requests,
    UsageDaily.views,
    UsageDaily.downloads,
)


def _sums():
    return [func.coalesce(func.sum(c), 0) for c in _SUMS]


def article_figures(article_id: int) -> Figures:
    """Everything counted for one article so far."""
    row = db.session.execute(select(*_sums()).where(UsageDaily.article_id == article_id)).one()
    return Figures(*(int(v) for v in row))


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """The first day of every month from ``first``'s to ``last``'s."""
    months, month = [], _month_start(first)
    while month <= last:
        months.append(month)
        month = _next_month(month)
    return months


def article_months(article_id: int, first: date, last: date) -> list[tuple[date, Figures]]:
    """(first day of the month, its figures) for every month from ``first`` to ``last``."""
    rows = db.session.execute(
        select(UsageDaily.day, *_SUMS).where(
            UsageDaily.article_id == article_id, UsageDaily.day.between(first, last)
        )
    )
    totals: dict[date, list[int]] = defaultdict(lambda: [0] * len(_SUMS))
    for day, *values in rows:
        month = totals[_month_start(day)]
        for i, value in enumerate(values):
            month[i] += value
    return [(m, Figures(*totals[m])) for m in months_between(first, last)]


def _year_of_day(period: Period):
    return case(
        *[(UsageDaily.day < date(year + 1, 1, 1), year) for year in period.years], else_=None
    )


def by_province(period: Period, column) -> Counts:
    """``column`` (a UsageDaily figure) summed per (province of the article, year)."""
    inner = (
        select(
            Submission.province_id.label("province_id"),
            _year_of_day(period).label("year"),
            column.label("value"),
        )
        .select_from(UsageDaily)
        .join(Article, Article.id == UsageDaily.article_id)
        .join(Submission, Submission.id == Article.submission_id)
        .where(
            UsageDaily.day >= date(period.first, 1, 1),
            UsageDaily.day < date(period.last + 1, 1, 1),
        )
        .subquery()
    )
    stmt = select(inner.c.province_id, inner.c.year, func.sum(inner.c.value)).group_by(
        inner.c.province_id, inner.c.year
    )
    return {(p, int(y)): int(n) for p, y, n in db.session.execute(stmt)}


def _year_bounds(year: int):
    return UsageDaily.day >= date(year, 1, 1), UsageDaily.day < date(year + 1, 1, 1)


@dataclass(frozen=True)
class SectionUsage:
    section: Section | None
    figures: Figures


def by_section(year: int) -> list[SectionUsage]:
    """The year's figures per section of the articles (sections in their order)."""
    stmt = (
        select(Submission.section_id, *_sums())
        .select_from(UsageDaily)
        .join(Article, Article.id == UsageDaily.article_id)
        .join(Submission, Submission.id == Article.submission_id)
        .where(*_year_bounds(year))
        .group_by(Submission.section_id)
    )
    found = {
        section_id: Figures(*map(int, values)) for section_id, *values in db.session.execute(stmt)
    }
    sections = db.session.execute(select(Section).order_by(Section.position, Section.id)).scalars()
    rows = [SectionUsage(s, found[s.id]) for s in sections if s.id in found]
    if None in found:
        rows.append(SectionUsage(None, found[None]))
    return rows


@dataclass(frozen=True)
class ArticleUsage:
    article: Article
    figures: Figures


def per_article(year: int, *, limit: int | None = None) -> list[ArticleUsage]:
    """The year's figures per article, the most requested first (then the most
    investigated, then the newest id); ``limit`` the first so many."""
    requests = func.sum(UsageDaily.total_requests)
    investigations = func.sum(UsageDaily.total_investigations)
    stmt = (
        select(UsageDaily.article_id, *_sums())
        .where(*_year_bounds(year))
        .group_by(UsageDaily.article_id)
        .order_by(requests.desc(), investigations.desc(), UsageDaily.article_id.desc())
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = db.session.execute(stmt).all()
    articles = {
        a.id: a
        for a in db.session.execute(
            select(Article).where(Article.id.in_([r[0] for r in rows]))
        ).scalars()
    }
    return [ArticleUsage(articles[r[0]], Figures(*map(int, r[1:]))) for r in rows]


def item_report_rows(
    first: date, last: date, metrics: list[str], article_ids: list[int] | None
) -> dict[int, dict[date, dict[str, int]]]:
    """{article id: {first day of month: {metric: count}}} over the days, for the SUSHI-style
    item report; months and metrics with nothing counted are left out."""
    stmt = select(UsageDaily.article_id, UsageDaily.day, *(METRICS[m] for m in metrics)).where(
        UsageDaily.day.between(first, last)
    )
    if article_ids is not None:
        stmt = stmt.where(UsageDaily.article_id.in_(article_ids))
    found: dict[int, dict[date, dict[str, int]]] = defaultdict(
        lambda: defaultdict(lambda: dict.fromkeys(metrics, 0))
    )
    for article_id, day, *values in db.session.execute(stmt):
        month = found[article_id][_month_start(day)]
        for metric, value in zip(metrics, values, strict=True):
            month[metric] += value
    return {
        article_id: {
            month: {m: n for m, n in counts.items() if n}
            for month, counts in sorted(months.items())
            if any(counts.values())
        }
        for article_id, months in found.items()
    }
