"""The report as files: CSV (UTF-8 with a byte-order mark, so that Excel reads the
Vietnamese correctly) and a PDF for the yearly meeting (WeasyPrint, both languages, the
charts inline as SVG).

WeasyPrint fetches through a fetcher that refuses everything: the document needs no file
and no network (its charts are inline, its fonts come from the system).
"""

from __future__ import annotations

import csv
import io
import logging
from functools import cache
from pathlib import Path

from flask import render_template

from .charts import charts_for
from .figures import TEXT, Label
from .numbers import format_value, plain_value
from .services import YearlyReport

PDF_LOCALE = "vi"  # the charts' words and the numbers' format in the printed report
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(text: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _with_unit(label: Label, unit: Label | None, lang: str) -> str:
    return f"{label(lang)} ({unit(lang)})" if unit is not None else label(lang)


def _column_heading(column) -> str:
    if column.province is None:
        return f"{TEXT['no_province'].vi} / {TEXT['no_province'].en}"
    return f"{column.province.name_vi} ({column.code})"


def report_csv(report: YearlyReport) -> str:
    """One row per figure: the year, its key, its names in both languages, a value per
    province and the total."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(
        [
            "Năm / Year",
            "Mã / Key",
            TEXT["figure"].vi,
            TEXT["figure"].en,
            *(_safe(_column_heading(c)) for c in report.columns),
            f"{TEXT['total'].vi} / {TEXT['total'].en}",
        ]
    )
    for row in report.rows:
        figure = row.figure
        writer.writerow(
            [
                report.year,
                figure.key,
                _safe(_with_unit(figure.label, figure.unit, "vi")),
                _safe(_with_unit(figure.label, figure.unit, "en")),
                *(plain_value(v, figure.kind) for v in row.values),
                plain_value(row.total, figure.kind),
            ]
        )
    return "\ufeff" + out.getvalue()


def _fetcher_class():
    from weasyprint import URLFetcher

    class RefusingFetcher(URLFetcher):
        """The report needs nothing from outside: every fetch is refused (and noted)."""

        def __init__(self):
            super().__init__(timeout=1, allowed_protocols=())
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            self.refused.append(url[:200])
            raise ValueError(f"the report fetches nothing: {url[:200]}")

    return RefusingFetcher


@cache
def _stylesheet():
    from weasyprint import CSS

    print_css = Path(__file__).resolve().parent.parent / "templates" / "reports" / "print.css"
    return CSS(string=print_css.read_text("utf-8"))


def report_html(report: YearlyReport) -> str:
    """The printed report as HTML (what WeasyPrint typesets)."""

    def fmt(value):
        return format_value(value, "count", PDF_LOCALE)

    return render_template(
        "reports/print.html",
        report=report,
        charts=charts_for(report, PDF_LOCALE, fmt, bar_height=250, line_height=230),
        text=TEXT,
        value=lambda v, kind: format_value(v, kind, PDF_LOCALE),
    )


def report_pdf(report: YearlyReport) -> bytes:
    from weasyprint import HTML

    fetcher = _fetcher_class()()
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.CRITICAL)  # a refused fetch is expected, and counted
    try:
        document = HTML(string=report_html(report), url_fetcher=fetcher).render(
            stylesheets=[_stylesheet()]
        )
        stamp = report.generated_at.isoformat()
        document.metadata.created = stamp
        document.metadata.modified = stamp
        return document.write_pdf(pdf_identifier=None)
    finally:
        logger.setLevel(level)
