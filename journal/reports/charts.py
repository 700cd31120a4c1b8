"""Small SVG charts drawn on the server: grouped bars and lines, no script, no style
attribute (colours are presentation attributes, allowed by the pages' CSP and understood by
WeasyPrint). Every text is escaped. The pages put the same numbers in a table next to them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from .figures import BY_PROVINCE_CHART, TEXT, Label

PALETTE = ("#0b6e4f", "#0b4f8a", "#e09f3e", "#9e2a2b", "#6d597a", "#2a9d8f")
FONT = "Noto Sans, DejaVu Sans, Arial, sans-serif"
CHAR_WIDTH = 6.6  # average width of a 12px character, for laying out the legend

Number = int | float | None
Format = Callable[[Number], str]


@dataclass(frozen=True)
class Chart:
    key: str
    title: Label
    svg: Markup


def nice_scale(largest: float) -> tuple[float, float]:
    """(top of the axis, step between grid lines): round numbers, four or five steps."""
    if largest <= 0:
        return 1.0, 1.0
    raw = largest / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    if largest >= 1 and step < 1:
        step = 1.0
    return step * math.ceil(largest / step), step


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _text(x, y, content, *, size=12, anchor="middle", weight="normal", fill="#222") -> str:
    return (
        f'<text x="{_number(x)}" y="{_number(y)}" font-family="{FONT}" font-size="{size}" '
        f'font-weight="{weight}" text-anchor="{anchor}" fill="{fill}">{escape(content)}</text>'
    )


def _legend(names: Sequence[str], width: float, left: float) -> tuple[list[str], float]:
    """The legend's marks, wrapped to the width; returns them and the height they take."""
    parts, x, y = [], left, 16
    for i, name in enumerate(names):
        item_width = 18 + len(name) * CHAR_WIDTH + 18
        if x + item_width > width and x > left:
            x, y = left, y + 18
        colour = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<rect x="{_number(x)}" y="{y - 10}" width="12" height="12" fill="{colour}"/>'
        )
        parts.append(_text(x + 17, y, name, anchor="start"))
        x += item_width
    return parts, y + 14


def _frame(chart_id: str, title: str, width: int, height: int, body: list[str]) -> Markup:
    title_id = f"{chart_id}-title"
    return Markup(  # noqa: S704  (every text inside went through escape)
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{escape(title_id)}"><title id="{escape(title_id)}">{escape(title)}'
        f"</title>{''.join(body)}</svg>"
    )


def _axis(left, right, top, bottom, scale_top, step, fmt: Format) -> list[str]:
    parts = []
    ticks = round(scale_top / step)
    for i in range(ticks + 1):
        value = step * i
        y = bottom - (bottom - top) * value / scale_top
        parts.append(
            f'<line x1="{_number(left)}" y1="{_number(y)}" x2="{_number(right)}" '
            f'y2="{_number(y)}" stroke="#d5dbe3" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y + 4, fmt(value), size=11, anchor="end", fill="#555"))
    parts.append(
        f'<line x1="{_number(left)}" y1="{_number(bottom)}" x2="{_number(right)}" '
        f'y2="{_number(bottom)}" stroke="#555" stroke-width="1"/>'
    )
    return parts


def bar_chart(
    chart_id: str,
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    fmt: Format,
    *,
    width: int = 720,
    height: int = 320,
) -> Markup:
    """Grouped bars: one group per category, one bar per series."""
    left, right, bottom = 52, width - 12, height - 40
    body, legend_height = _legend([name for name, _ in series], right, left)
    top = legend_height + 24  # room for the tallest value
    largest = max((v for _, values in series for v in values if v is not None), default=0)
    scale_top, step = nice_scale(largest)
    body += _axis(left, right, top, bottom, scale_top, step, fmt)
    group = (right - left) / max(1, len(categories))
    inner = group * 0.76
    bar = inner / max(1, len(series))
    for c, category in enumerate(categories):
        x0 = left + c * group + (group - inner) / 2
        for s, (name, values) in enumerate(series):
            value = values[c]
            h = 0 if value is None else (bottom - top) * value / scale_top
            x = x0 + s * bar
            body.append(
                f'<rect x="{_number(x + 1)}" y="{_number(bottom - h)}" '
                f'width="{_number(max(bar - 2, 1))}" height="{_number(h)}" '
                f'fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(category)}, {escape(name)}: '
                f"{escape(fmt(value))}</title></rect>"
            )
            body.append(_text(x + bar / 2, bottom - h - 4, fmt(value), size=10))
        body.append(_text(left + c * group + group / 2, bottom + 18, category))
    return _frame(chart_id, title, width, height, body)


def line_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[Number]]],
    fmt: Format,
    *,
    width: int = 720,
    height: int = 300,
) -> Markup:
    """One line per series over the labels (years); missing values (None) are skipped."""
    left, right, bottom = 52, width - 24, height - 36
    body, legend_height = _legend([name for name, _ in series], right, left)
    top = legend_height + 24  # room for the tallest value
    largest = max((v for _, values in series for v in values if v is not None), default=0)
    scale_top, step = nice_scale(largest)
    body += _axis(left, right, top, bottom, scale_top, step, fmt)
    span = (right - left - 40) / max(1, len(labels) - 1)

    def x_of(i):
        return left + 20 + i * span

    for i, label in enumerate(labels):
        body.append(_text(x_of(i), bottom + 18, label))
    labelled = set()  # where lines meet, the value is written once
    for s, (name, values) in enumerate(series):
        colour = PALETTE[s % len(PALETTE)]
        points = [
            (x_of(i), bottom - (bottom - top) * v / scale_top)
            for i, v in enumerate(values)
            if v is not None
        ]
        if len(points) > 1:
            path = " ".join(f"{_number(x)},{_number(y)}" for x, y in points)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
            )
        shown = [(i, v) for i, v in enumerate(values) if v is not None]
        for (i, value), (x, y) in zip(shown, points, strict=True):
            body.append(
                f'<circle cx="{_number(x)}" cy="{_number(y)}" r="4" fill="{colour}">'
                f"<title>{escape(labels[i])}, {escape(name)}: {escape(fmt(value))}</title>"
                "</circle>"
            )
            if (round(x), round(y)) not in labelled:
                labelled.add((round(x), round(y)))
                body.append(_text(x, y - 8, fmt(value), size=10, fill=colour))
    return _frame(chart_id, title, width, height, body)


def charts_for(
    report, locale: str, fmt: Format, *, bar_height: int = 320, line_height: int = 300
) -> list[Chart]:
    """The report's charts, their words in ``locale``: the selected year by province, the
    programme's figures by province (when a listener gave some), the trend."""
    names = [
        c.province.name(locale) if c.province is not None else TEXT["no_province"](locale)
        for c in report.columns
    ]
    charts = []
    title = TEXT["by_province_chart"].format(year=report.year)
    series = [
        (r.figure.label(locale), r.values) for r in report.rows if r.figure.key in BY_PROVINCE_CHART
    ]
    svg = bar_chart("chart-by-province", title(locale), names, series, fmt, height=bar_height)
    charts.append(Chart("by-province", title, svg))
    programme = report.programme_rows()
    if programme:
        title = TEXT["programme_chart"].format(year=report.year)
        series = [(r.figure.label(locale), r.values) for r in programme]
        svg = bar_chart("chart-programme", title(locale), names, series, fmt, height=bar_height)
        charts.append(Chart("programme", title, svg))
    scope = (
        Label(report.trend_province.name_vi, report.trend_province.name_en)
        if report.trend_province is not None
        else TEXT["all_provinces"]
    )
    title = TEXT["trend_chart"].format(
        first=report.trend_years[0], last=report.trend_years[-1], scope=scope
    )
    series = [(s.figure.label(locale), s.values) for s in report.trend]
    years = [str(y) for y in report.trend_years]
    svg = line_chart("chart-trend", title(locale), years, series, fmt, height=line_height)
    charts.append(Chart("trend", title, svg))
    return charts
