"""The yearly report's pages: /reports/ (a year, a column per province, charts), its CSV
and its PDF. Board members, the editor-in-chief and administrators only."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import get_locale
from flask_login import current_user

from ..admin.permissions import permission_required
from .charts import charts_for
from .export import report_csv, report_pdf
from .figures import TEXT
from .numbers import format_value
from .permissions import TEMPLATE_PREDICATES, can_view_reports
from .services import parse_province, parse_year, yearly_report

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.app_context_processor
def _template_globals():
    return TEMPLATE_PREDICATES


def _locale() -> str:
    return str(get_locale() or "vi")


@bp.get("/")
@permission_required(can_view_reports)
def index():
    year = parse_year(request.args.get("year"))
    province = parse_province(request.args.get("province"))
    report = yearly_report(current_user, year, trend_province=province)
    locale = _locale()
    return render_template(
        "reports/index.html",
        report=report,
        charts=charts_for(report, locale, lambda v: format_value(v, "count", locale)),
        text=TEXT,
        value=lambda v, kind: format_value(v, kind, locale),
    )


@bp.get("/export.csv")
@permission_required(can_view_reports)
def export_csv():
    report = yearly_report(current_user, parse_year(request.args.get("year")))
    return Response(
        report_csv(report).encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="bao-cao-{report.year}.csv"',
        },
    )


@bp.get("/report.pdf")
@permission_required(can_view_reports)
def export_pdf():
    report = yearly_report(current_user, parse_year(request.args.get("year")))
    return Response(
        report_pdf(report),
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="bao-cao-{report.year}.pdf"'},
    )
