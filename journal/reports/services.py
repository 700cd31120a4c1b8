"""The yearly report: the figures of one year per province, with totals, and the last
years' trend. Read-only; the actor is checked here as in every service."""

from __future__ import annotations

import logging
import re
import statistics
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..dates import local_date
from ..errors import JournalError, PermissionDenied
from ..models_base import utcnow
from ..provinces import Province, all_provinces, province_by_code
from ..signals import report_figures_requested
from . import queries
from .figures import (
    COUNT,
    DAYS,
    FIGURES,
    PROGRAMME,
    RATE,
    SECTIONS,
    TREND_CHART,
    ExtraFigure,
    Figure,
)
from .periods import Period, current_year, year_of
from .permissions import can_view_reports

if TYPE_CHECKING:
    from ..usage.services import YearlyUsage

log = logging.getLogger(__name__)

FIRST_YEAR = 2000  # no report before the journal could have existed
TREND_YEARS = 5
_PROVINCE_CODE = re.compile(r"^[A-Za-z]{2,8}$")


class InvalidReportRequest(JournalError):
    status = 400
    default_message = _l("The report could not be made for this request.")


def _no_such_year() -> InvalidReportRequest:
    return InvalidReportRequest(
        _l("Choose a year between %(first)d and %(last)d.", first=FIRST_YEAR, last=current_year())
    )


def parse_year(text: str | None) -> int:
    """The year asked for (the current year when none), or InvalidReportRequest."""
    if text is None or not text.strip():
        return current_year()
    text = text.strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 4):
        raise _no_such_year()
    return int(text)


def parse_province(text: str | None) -> Province | None:
    """The province of the given code (None for all), or InvalidReportRequest."""
    if text is None or not text.strip():
        return None
    text = text.strip()
    province = province_by_code(text) if _PROVINCE_CODE.fullmatch(text) else None
    if province is None:
        raise InvalidReportRequest(_l("There is no province with this code."))
    return province


def report_years() -> list[int]:
    """The years a report can be asked for: from the first activity to this year, newest
    first."""
    last = current_year()
    first_moment = queries.first_activity()
    first = year_of(first_moment) if first_moment is not None else last
    return list(range(last, max(FIRST_YEAR, min(first, last)) - 1, -1))


@dataclass(frozen=True)
class Column:
    """A province, or the rows that have none (``province`` None)."""

    province: Province | None

    @property
    def province_id(self) -> int | None:
        return self.province.id if self.province is not None else None

    @property
    def code(self) -> str:
        return self.province.code if self.province is not None else ""


@dataclass(frozen=True)
class Row:
    figure: Figure
    values: tuple  # one per column: an int, a float, or None (no data)
    total: int | float | None


@dataclass(frozen=True)
class Series:
    figure: Figure
    values: tuple  # one per year of the trend


@dataclass(frozen=True)
class YearlyReport:
    year: int
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    trend_years: tuple[int, ...]
    trend: tuple[Series, ...]
    trend_province: Province | None
    generated_at: datetime
    years: tuple[int, ...]  # the years one may ask for, newest first
    usage: YearlyUsage  # the year's usage per section, its most read articles

    @property
    def generated_on(self) -> str:
        """The day the figures were taken, in Vietnam (ISO: read alike in both languages)."""
        return local_date(self.generated_at).isoformat()

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.figure.key == key)

    def value(self, key: str, code: str | None = None):
        """One figure of one province (by code; "" for the rows without one), or the
        total (``code`` None)."""
        row = self.row(key)
        if code is None:
            return row.total
        for column, value in zip(self.columns, row.values, strict=True):
            if column.code == code:
                return value
        raise KeyError(code)

    def sections(self) -> list[tuple[object, list[Row]]]:
        """(section label, its rows) in the report's order."""
        return [
            (label, rows)
            for key, label in SECTIONS.items()
            if (rows := [r for r in self.rows if r.figure.section == key])
        ]

    def programme_rows(self) -> list[Row]:
        return [r for r in self.rows if r.figure.section == PROGRAMME]


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _rate(accepted: int, refused: int) -> float | None:
    decided = accepted + refused
    return accepted / decided if decided else None


def _usage_data(period: Period) -> dict:
    from ..usage.models import UsageDaily
    from ..usage.queries import by_province

    return {
        "usage_views": by_province(period, UsageDaily.views),
        "usage_downloads": by_province(period, UsageDaily.downloads),
        "usage_total_requests": by_province(period, UsageDaily.total_requests),
        "usage_unique_requests": by_province(period, UsageDaily.unique_requests),
    }


def _journal_data(period: Period) -> dict:
    return _usage_data(period) | {
        "submissions": queries.submissions(period),
        "desk_rejections": queries.decisions(period, "desk_reject"),
        "acceptances": queries.decisions(period, "accept"),
        "rejections": queries.decisions(period, "reject"),
        "days_to_first_decision": queries.days_to_first_decision(period),
        "days_to_publication": queries.days_to_publication(period),
        "reviews_completed": queries.reviews_completed(period),
        "reviewer_turnaround": queries.reviewer_turnaround(period),
        "articles_published": queries.articles_published(period),
        "tasks_registered": queries.tasks_registered(period),
        "tasks_with_results": queries.tasks_with_results(period),
    }


def _extra_figures(period: Period) -> list[ExtraFigure]:
    """What listeners (the exchange bridge) add, in the order they answer."""
    found: list[ExtraFigure] = []
    taken = {f.key for f in FIGURES}
    app = current_app._get_current_object()
    for receiver, answer in report_figures_requested.send(app, period=period):
        for extra in answer or ():
            if not isinstance(extra, ExtraFigure) or extra.key in taken:
                log.warning("report: %r from %r ignored", extra, receiver)
                continue
            taken.add(extra.key)
            found.append(extra)
    return found


ALL = object()  # every province, and the rows without one


def _cell(figure: Figure, data: dict, year: int, province_id=ALL):
    """One figure of one province (an id, or None for the rows without one) or of ALL."""

    def values(name):
        return [
            value
            for (p, y), value in data[name].items()
            if y == year and (province_id is ALL or p == province_id)
        ]

    if figure.kind == COUNT:
        return sum(values(figure.key))
    if figure.kind == DAYS:
        return _median([days for durations in values(figure.key) for days in durations])
    if figure.kind == RATE:
        refused = sum(values("rejections")) + sum(values("desk_rejections"))
        return _rate(sum(values("acceptances")), refused)
    raise ValueError(figure.kind)


def _has_rows_without_province(data: dict, year: int) -> bool:
    return any(
        province_id is None and y == year and value
        for values in data.values()
        for (province_id, y), value in values.items()
    )


def yearly_report(actor, year: int, *, trend_province: Province | None = None) -> YearlyReport:
    """The report of ``year`` (from FIRST_YEAR to this year) and the trend of the
    ``TREND_YEARS`` years up to it, for all provinces or ``trend_province``."""
    from ..usage.services import yearly_usage

    if not can_view_reports(actor):
        raise PermissionDenied()
    if not FIRST_YEAR <= year <= current_year():
        raise _no_such_year()
    period = Period(max(FIRST_YEAR, year - TREND_YEARS + 1), year)
    data = _journal_data(period)
    figures = list(FIGURES)
    for extra in _extra_figures(period):
        data[extra.key] = extra.counts
        figures.append(extra.as_figure())
    columns = [Column(p) for p in sorted(all_provinces(), key=lambda p: p.code)]
    if _has_rows_without_province(data, year):
        columns.append(Column(None))
    rows = tuple(
        Row(
            figure,
            tuple(_cell(figure, data, year, c.province_id) for c in columns),
            _cell(figure, data, year),
        )
        for figure in figures
    )
    scope = trend_province.id if trend_province is not None else ALL
    trend = tuple(
        Series(figure, tuple(_cell(figure, data, y, scope) for y in period.years))
        for figure in figures
        if figure.key in TREND_CHART
    )
    return YearlyReport(
        year=year,
        columns=tuple(columns),
        rows=rows,
        trend_years=tuple(period.years),
        trend=trend,
        trend_province=trend_province,
        generated_at=utcnow(),
        years=tuple(report_years()),
        usage=yearly_usage(year),
    )
