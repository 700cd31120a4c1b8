"""Usage figures for the people who read them: an article's over time (editors), the year's
per section and most read articles (the yearly report), its CSV. The actor is checked here."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from ..errors import NotFound, PermissionDenied
from ..extensions import db
from ..publish.records import Article
from ..reports.permissions import can_view_reports
from . import queries
from .aggregation import today
from .queries import ArticleUsage, Figures, SectionUsage

MONTHS_SHOWN = 12
MOST_READ = 10


@dataclass(frozen=True)
class ArticleUsageHistory:
    article: Article
    months: list[tuple[date, Figures]]
    totals: Figures


def article_usage(actor, article_id: int) -> ArticleUsageHistory:
    """An article's figures month by month: the last MONTHS_SHOWN months, or since it was
    published when that is sooner, through today."""
    if not can_view_reports(actor):
        raise PermissionDenied()
    article = db.session.get(Article, article_id)
    if article is None or article.published_at is None:
        raise NotFound()
    last = today()
    start = date(last.year, last.month, 1)
    for _ in range(MONTHS_SHOWN - 1):  # back to the first of the months shown
        start = date(start.year - (start.month == 1), (start.month - 2) % 12 + 1, 1)
    published = article.published_at.date()
    first = max(start, date(published.year, published.month, 1))
    return ArticleUsageHistory(
        article,
        queries.article_months(article.id, first, last),
        queries.article_figures(article.id),
    )


@dataclass(frozen=True)
class YearlyUsage:
    year: int
    sections: list[SectionUsage]
    most_read: list[ArticleUsage]

    @property
    def empty(self) -> bool:
        return not self.sections


def yearly_usage(year: int) -> YearlyUsage:
    """The year's usage per section and its most read articles (the report's service has
    checked the actor)."""
    return YearlyUsage(year, queries.by_section(year), queries.per_article(year, limit=MOST_READ))


CSV_COLUMNS = (
    ("total_investigations", "Total_Item_Investigations"),
    ("unique_investigations", "Unique_Item_Investigations"),
    ("total_requests", "Total_Item_Requests"),
    ("unique_requests", "Unique_Item_Requests"),
    ("views", "Lượt xem / Views"),
    ("downloads", "Lượt tải / Downloads"),
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def usage_csv(actor, year: int) -> str:
    """Every article read in ``year``, the most requested first: its figures, province and
    section (UTF-8 with a byte-order mark, for Excel)."""
    if not can_view_reports(actor):
        raise PermissionDenied()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "Năm / Year",
            "DOI",
            "Tiêu đề / Title",
            "Tỉnh / Province",
            "Chuyên mục / Section",
            *(heading for _key, heading in CSV_COLUMNS),
        ]
    )
    for row in queries.per_article(year):
        submission = row.article.submission
        writer.writerow(
            [
                year,
                row.article.doi,
                _safe(submission.title(submission.language)),
                submission.province.code if submission.province else "",
                submission.section.code if submission.section else "",
                *(getattr(row.figures, key) for key, _heading in CSV_COLUMNS),
            ]
        )
    return "\ufeff" + out.getvalue()
