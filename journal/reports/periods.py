"""Years of the report and the SQL that sorts rows into them.

A year is a calendar year in the journal's time zone (``journal.dates``: Vietnam, UTC+7, no
daylight saving, by default): an event at 20:00 UTC on
31 December belongs to the next year. The database keeps UTC times; the boundaries are
compared as UTC times, so the same SQL runs on SQLite and PostgreSQL (no date functions,
no time zone in the session). Rows are first given their year by a CASE over the
boundaries, in a subquery, and counted outside it (PostgreSQL does not match a GROUP BY
on an expression with bound parameters to the same expression in the SELECT list).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, select

from ..dates import journal_timezone, local_year
from ..extensions import db
from ..models_base import utcnow

SECONDS_PER_DAY = 86400


def year_start(year: int) -> datetime:
    """The first instant of ``year`` in the journal's time zone."""
    return datetime(year, 1, 1, tzinfo=journal_timezone())


def year_of(moment: datetime) -> int:
    return local_year(moment)


def current_year() -> int:
    return year_of(utcnow())


def days_between(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / SECONDS_PER_DAY


# (province id or None, year) → a count, or the durations in days.
Counts = dict[tuple[int | None, int], int]
Durations = dict[tuple[int | None, int], list[float]]


@dataclass(frozen=True)
class Period:
    """The years ``first`` to ``last``, both included."""

    first: int
    last: int

    def __post_init__(self):
        if self.first > self.last:
            raise ValueError("a period ends after it starts")

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))

    def within(self, column):
        """``column`` falls in the period."""
        return and_(column >= year_start(self.first), column < year_start(self.last + 1))

    def year_of(self, column):
        """The year of ``column`` as an SQL expression (for rows ``within`` the period)."""
        return case(
            *[(column < year_start(year + 1), year) for year in self.years],
            else_=None,
        )

    def count(
        self, province, moment, *, source=None, joins=(), where: Iterable = (), distinct=None
    ) -> Counts:
        """Rows per (province, year of ``moment``). ``province`` and ``moment`` are columns;
        ``source`` the table to start from when ``joins`` ((entity, on clause) pairs) add
        others; ``where`` more conditions. With ``distinct`` (a column), the distinct values
        of that column are counted instead of the rows."""
        columns = [province.label("province_id"), self.year_of(moment).label("year")]
        if distinct is not None:
            columns.append(distinct.label("item"))
        inner = _joined(select(*columns), source, joins).where(self.within(moment), *where)
        if distinct is not None:
            inner = inner.distinct()
        rows = inner.subquery()
        outer = select(rows.c.province_id, rows.c.year, func.count()).group_by(
            rows.c.province_id, rows.c.year
        )
        return {(p, int(y)): n for p, y, n in db.session.execute(outer)}

    def durations(
        self, province, start, end, *, source=None, joins=(), where: Iterable = ()
    ) -> Durations:
        """Days from ``start`` to ``end`` of each row, per (province, year of ``end``) (the
        arguments as for ``count``). Medians are taken in Python over these values."""
        stmt = _joined(select(province, self.year_of(end), start, end), source, joins)
        stmt = stmt.where(self.within(end), start.is_not(None), *where)
        found: Durations = defaultdict(list)
        for province_id, year, began, ended in db.session.execute(stmt):
            found[(province_id, int(year))].append(days_between(began, ended))
        return dict(found)


def _joined(stmt, source, joins):
    if source is not None:
        stmt = stmt.select_from(source)
    for target, on in joins:
        stmt = stmt.join(target, on)
    return stmt
