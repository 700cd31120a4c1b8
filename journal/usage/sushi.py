"""A COUNTER R5 item report (IR) in the shape of SUSHI's JSON, article level: the monthly
figures of the journal's articles over a range of months, for the metric types asked for.

``GET /api/v1/counter/reports/ir?begin_date=2026-01&end_date=2026-06&metric_type=…&item_id=…``

* ``begin_date``, ``end_date``: ``YYYY-MM`` or ``YYYY-MM-DD`` (a day stands for its month);
* ``metric_type``: one or more of METRICS, joined by ``|`` (default: all four);
* ``item_id``: an article id or its DOI (default: every article);
* ``granularity``: ``Month`` (default) or ``Totals``.

Months and metrics with nothing counted are left out, as COUNTER asks. Figures are those of
the daily aggregation (journal/usage/aggregation.py): the current day is not in them yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..errors import JournalError
from ..extensions import db
from ..publish.records import Article
from .queries import METRICS, item_report_rows

FIRST_YEAR = 2000
LAST_YEAR = 2099  # months without events simply count nothing
_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


class InvalidItemReportRequest(JournalError):
    """A COUNTER exception: ``code`` and ``counter_message`` as SUSHI names them."""

    status = 400

    def __init__(self, code: int, counter_message: str, message, data: str = "", status: int = 400):
        super().__init__(message)
        self.status = status
        self.code = code
        self.counter_message = counter_message
        self.data = data

    def as_exception(self) -> dict:
        return {
            "Code": self.code,
            "Severity": "Error",
            "Message": self.counter_message,
            "Data": str(self.message) + (f" ({self.data})" if self.data else ""),
        }


@dataclass(frozen=True)
class ItemReportRequest:
    begin: date
    end: date  # the last day of the last month
    metrics: tuple[str, ...]
    article_id: int | None
    item_id: str | None
    granularity: str


def _month(text: str | None, name: str, *, end: bool) -> date:
    match = _MONTH.fullmatch(text or "")
    if not match:
        raise InvalidItemReportRequest(
            3020,
            "Invalid Date Arguments",
            _l("%(name)s must be a month written YYYY-MM.", name=name),
            name,
        )
    year, month = int(match.group(1)), int(match.group(2))
    if not (FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12):
        raise InvalidItemReportRequest(
            3020,
            "Invalid Date Arguments",
            _l("%(name)s must be a month written YYYY-MM.", name=name),
            name,
        )
    first = date(year, month, 1)
    if not end:
        return first
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def parse_item_report_request(args) -> ItemReportRequest:
    begin = _month(args.get("begin_date"), "begin_date", end=False)
    end = _month(args.get("end_date"), "end_date", end=True)
    if end < begin:
        raise InvalidItemReportRequest(
            3020, "Invalid Date Arguments", _l("end_date comes before begin_date.")
        )
    raw_metrics = args.get("metric_type", "|".join(METRICS))
    metrics = tuple(m.strip() for m in raw_metrics.split("|") if m.strip()) or tuple(METRICS)
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise InvalidItemReportRequest(
            3060,
            "Invalid Report Filter Value",
            _l(
                "Unknown metric type. Use: %(known)s.",
                known=", ".join(METRICS),
            ),
            "metric_type",
        )
    granularity = args.get("granularity", "Month")
    if granularity not in ("Month", "Totals"):
        raise InvalidItemReportRequest(
            3062,
            "Invalid Report Attribute Value",
            _l("granularity is Month or Totals."),
            "granularity",
        )
    item_id = (args.get("item_id") or "").strip() or None
    article_id = _article_of(item_id) if item_id else None
    return ItemReportRequest(
        begin, end, tuple(dict.fromkeys(metrics)), article_id, item_id, granularity
    )


def _article_of(item_id: str) -> int:
    if item_id.isascii() and item_id.isdigit() and len(item_id) < 10:
        found = db.session.get(Article, int(item_id))
    else:
        doi = item_id.removeprefix("https://doi.org/").removeprefix("doi:")
        found = db.session.execute(
            select(Article).where(Article.doi == doi[:255])
        ).scalar_one_or_none()
    if found is None or found.published_at is None:
        raise InvalidItemReportRequest(
            3060,
            "Invalid Report Filter Value",
            _l("There is no published article with this id or DOI."),
            "item_id",
            status=404,
        )
    return found.id


def _period(first: date, last: date) -> dict:
    return {"Begin_Date": first.isoformat(), "End_Date": last.isoformat()}


def _month_end(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1) - timedelta(days=1)


def item_report(
    wanted: ItemReportRequest, *, platform: str, publisher: str, created: str, article_url
) -> dict:
    """The report as SUSHI's JSON (``article_url(article)`` gives each item's address)."""
    ids = [wanted.article_id] if wanted.article_id is not None else None
    counts = item_report_rows(wanted.begin, wanted.end, list(wanted.metrics), ids)
    articles = {
        a.id: a
        for a in db.session.execute(
            select(Article).where(Article.id.in_(list(counts))).order_by(Article.id)
        ).scalars()
    }
    items = []
    for article_id in sorted(counts):
        article = articles[article_id]
        months = counts[article_id]
        if wanted.granularity == "Totals":
            totals: dict[str, int] = {}
            for figures in months.values():
                for metric, n in figures.items():
                    totals[metric] = totals.get(metric, 0) + n
            performance = [_performance(wanted.begin, wanted.end, wanted.metrics, totals)]
        else:
            performance = [
                _performance(month, _month_end(month), wanted.metrics, figures)
                for month, figures in months.items()
            ]
        submission = article.submission
        items.append(
            {
                "Item": submission.title(submission.language),
                "Item_ID": [
                    {"Type": "DOI", "Value": article.doi},
                    {"Type": "Proprietary", "Value": f"{platform}:{article.id}"},
                    {"Type": "URI", "Value": article_url(article)},
                ],
                "Platform": platform,
                "Publisher": publisher,
                "Data_Type": "Article",
                "YOP": str(article.published_at.year) if article.published_at else "0001",
                "Access_Type": "Open",
                "Access_Method": "Regular",
                "Performance": performance,
            }
        )
    filters = [
        {"Name": "Begin_Date", "Value": wanted.begin.isoformat()},
        {"Name": "End_Date", "Value": wanted.end.isoformat()},
        {"Name": "Metric_Type", "Value": "|".join(wanted.metrics)},
        {"Name": "Data_Type", "Value": "Article"},
        {"Name": "Access_Method", "Value": "Regular"},
    ]
    if wanted.item_id:
        filters.append({"Name": "Item_Id", "Value": wanted.item_id})
    return {
        "Report_Header": {
            "Report_Name": "Item Report",
            "Report_ID": "IR",
            "Release": "5",
            "Institution_Name": "The World",
            "Institution_ID": [],
            "Created": created,
            "Created_By": publisher,
            "Report_Filters": filters,
            "Report_Attributes": [{"Name": "Granularity", "Value": wanted.granularity}],
            "Exceptions": [],
        },
        "Report_Items": items,
    }


def _performance(first: date, last: date, metrics, figures: dict[str, int]) -> dict:
    return {
        "Period": _period(first, last),
        "Instance": [{"Metric_Type": m, "Count": figures[m]} for m in metrics if figures.get(m)],
    }
