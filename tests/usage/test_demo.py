"""The demo's readers: figures on the article pages and in the yearly report, the same in
the item report; made once."""

from __future__ import annotations

from journal.extensions import db
from journal.reports.services import yearly_report
from journal.usage.aggregation import today
from journal.usage.demo import ensure_usage_demo
from journal.usage.queries import article_figures

from .conftest import daily, events, reader


def test_demo_readers_show_everywhere_and_are_made_once(app, article, second_article, users):
    made = ensure_usage_demo()
    assert made == len(events()) >= 4  # two readers at least per article, since published
    assert ensure_usage_demo() == 0 and len(events()) == made

    figures = article_figures(article.id)
    assert figures.views > 0 and figures.total_requests >= figures.views
    page = reader(app, "198.51.100.1").get(f"/articles/{article.id}").get_data(as_text=True)
    assert f'data-figure="views">{figures.views}<' in page

    year = today().year
    report = yearly_report(users["editor_in_chief"], year)
    views_in_year = sum(r.views for r in daily() if r.day.year == year)
    assert report.value("usage_views") == views_in_year
    month = today().strftime("%Y-%m")
    body = (
        app.test_client()
        .get(
            f"/api/v1/counter/reports/ir?begin_date={month}&end_date={month}"
            f"&item_id={article.id}&metric_type=Total_Item_Requests"
        )
        .json
    )
    expected = sum(r.total_requests for r in daily() if r.article_id == article.id
                   and r.day.strftime("%Y-%m") == month)  # fmt: skip
    (item,) = body["Report_Items"]
    assert item["Performance"][0]["Instance"][0]["Count"] == expected
    db.session.rollback()
