"""The editors' usage pages: one article's figures month by month (an SVG chart and its
table), and the year's figures per article as CSV. Board members, the editor-in-chief and
administrators, as for the yearly report."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..admin.permissions import permission_required
from ..reports.charts import line_chart
from ..reports.numbers import format_value
from ..reports.permissions import can_view_reports
from ..reports.services import parse_year
from .services import article_usage, usage_csv

bp = Blueprint("usage", __name__, url_prefix="/usage")


@bp.get("/articles/<int:article_id>")
@permission_required(can_view_reports)
def article(article_id: int):
    history = article_usage(current_user, article_id)
    locale = str(get_locale() or "vi")
    labels = [format_date(month, "MM/yyyy") for month, _figures in history.months]
    chart = line_chart(
        "chart-usage",
        _("Views and downloads per month"),
        labels,
        [
            (_("Views"), [f.views for _m, f in history.months]),
            (_("Downloads"), [f.downloads for _m, f in history.months]),
        ],
        lambda v: format_value(v, "count", locale),
    )
    return render_template("usage/article.html", history=history, labels=labels, chart=chart)


@bp.get("/export.csv")
@permission_required(can_view_reports)
def export_csv():
    year = parse_year(request.args.get("year"))
    return Response(
        usage_csv(current_user, year).encode("utf-8"),
        mimetype="text/csv",
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="luot-doc-{year}.csv"',
        },
    )
