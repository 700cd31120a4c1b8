"""The SUSHI-style item report: the daily figures per article and month, filtered by dates,
metric types and item; malformed requests get a 400 with COUNTER's exception and a message
in the reader's language; the OpenAPI document describes it."""

from __future__ import annotations

from datetime import date

import pytest

from journal.extensions import db
from journal.usage.models import UsageDaily

URL = "/api/v1/counter/reports/ir"


def _day(article, day, **figures):
    values = dict.fromkeys(
        (
            "total_investigations",
            "unique_investigations",
            "total_requests",
            "unique_requests",
            "views",
            "downloads",
        ),
        0,
    )
    db.session.add(UsageDaily(day=day, article_id=article.id, country="", **values | figures))


@pytest.fixture
def usage(app, article, second_article):
    _day(
        article,
        date(2026, 3, 2),
        total_investigations=5,
        unique_investigations=3,
        total_requests=4,
        unique_requests=2,
        views=3,
        downloads=1,
    )
    _day(
        article,
        date(2026, 3, 20),
        total_investigations=2,
        unique_investigations=2,
        total_requests=2,
        unique_requests=2,
        views=2,
    )
    _day(article, date(2026, 5, 1), total_investigations=1, unique_investigations=1, views=1)
    _day(
        second_article,
        date(2026, 4, 30),
        total_investigations=7,
        unique_investigations=6,
        total_requests=7,
        unique_requests=6,
        downloads=7,
    )
    _day(second_article, date(2025, 12, 31), total_investigations=9, unique_investigations=9,
         total_requests=9, unique_requests=9, downloads=9)  # fmt: skip
    db.session.commit()
    return article, second_article


def _counts(item) -> dict:
    return {
        p["Period"]["Begin_Date"][:7]: {i["Metric_Type"]: i["Count"] for i in p["Instance"]}
        for p in item["Performance"]
    }


def test_the_report_gives_each_article_month_by_month(client, usage):
    article, second = usage
    body = client.get(f"{URL}?begin_date=2026-01&end_date=2026-05").json

    header = body["Report_Header"]
    assert (header["Report_ID"], header["Release"], header["Report_Name"]) == (
        "IR",
        "5",
        "Item Report",
    )
    filters = {f["Name"]: f["Value"] for f in header["Report_Filters"]}
    assert (filters["Begin_Date"], filters["End_Date"]) == ("2026-01-01", "2026-05-31")
    items = {item["Item_ID"][0]["Value"]: item for item in body["Report_Items"]}
    assert set(items) == {article.doi, second.doi}
    first = items[article.doi]
    submission = article.submission
    assert first["Item"] == getattr(submission, f"title_{submission.language}")
    assert {"Type": "URI", "Value": f"https://journal.example.org/articles/{article.id}"} in (
        first["Item_ID"]
    )
    assert (first["Data_Type"], first["Access_Type"], first["Platform"]) == (
        "Article",
        "Open",
        "mdjst",
    )
    assert _counts(first) == {
        "2026-03": {
            "Total_Item_Investigations": 7,
            "Unique_Item_Investigations": 5,
            "Total_Item_Requests": 6,
            "Unique_Item_Requests": 4,
        },
        "2026-05": {"Total_Item_Investigations": 1, "Unique_Item_Investigations": 1},
    }
    march = first["Performance"][0]["Period"]
    assert march == {"Begin_Date": "2026-03-01", "End_Date": "2026-03-31"}
    assert _counts(items[second.doi]) == {
        "2026-04": {
            "Total_Item_Investigations": 7,
            "Unique_Item_Investigations": 6,
            "Total_Item_Requests": 7,
            "Unique_Item_Requests": 6,
        }
    }


def test_metric_types_item_and_totals_filter_the_report(client, usage):
    article, second = usage
    body = client.get(
        f"{URL}?begin_date=2025-12&end_date=2026-12-15&metric_type=Total_Item_Requests"
        f"&item_id={second.doi}&granularity=Totals"
    ).json
    (item,) = body["Report_Items"]
    assert item["Item_ID"][0]["Value"] == second.doi
    (total,) = item["Performance"]
    assert total["Period"] == {"Begin_Date": "2025-12-01", "End_Date": "2026-12-31"}
    assert total["Instance"] == [{"Metric_Type": "Total_Item_Requests", "Count": 16}]

    by_id = client.get(
        f"{URL}?begin_date=2026-03&end_date=2026-03&item_id={article.id}"
        "&metric_type=Unique_Item_Requests|Total_Item_Investigations"
    ).json
    (item,) = by_id["Report_Items"]
    assert item["Performance"][0]["Instance"] == [
        {"Metric_Type": "Unique_Item_Requests", "Count": 4},
        {"Metric_Type": "Total_Item_Investigations", "Count": 7},
    ]
    nothing = client.get(f"{URL}?begin_date=2024-01&end_date=2024-12").json
    assert nothing["Report_Items"] == []


@pytest.mark.parametrize(
    ("query", "code", "english", "vietnamese"),
    [
        ("", 3020, "begin_date must be a month written YYYY-MM.", "begin_date phải là một tháng"),
        ("begin_date=2026-13&end_date=2026-12", 3020, "begin_date must be a month", "begin_date"),
        ("begin_date=2026-05&end_date=2026-01", 3020, "end_date comes before", "end_date nằm"),
        ("begin_date=2026-01&end_date=2026-02&metric_type=Searches_Platform", 3060,
         "Unknown metric type.", "Loại chỉ số không có"),
        ("begin_date=2026-01&end_date=2026-02&item_id=10.1/none", 3060,
         "There is no published article with this id or DOI.", "Không có bài báo"),
        ("begin_date=2026-01&end_date=2026-02&granularity=Day", 3062,
         "granularity is Month or Totals.", "granularity"),
        ("begin_date=2026-01&end_date=2026-02&item_id=99999999999999999999", 3060,
         "There is no published article", "Không có bài báo"),
    ],
)  # fmt: skip
def test_malformed_requests_get_a_400_with_the_counter_exception(
    app, usage, query, code, english, vietnamese
):
    for lang, expected in (("en", english), ("vi", vietnamese)):
        client = app.test_client()
        client.set_cookie("lang", lang)
        response = client.get(f"{URL}?{query}")
        assert response.status_code == 400
        assert response.json["error"]["status"] == 400
        assert expected in response.json["error"]["message"], (lang, response.json)
        (exception,) = response.json["Exceptions"]
        assert exception["Code"] == code and exception["Severity"] == "Error"


def test_the_openapi_document_describes_the_report(client):
    doc = client.get("/api/v1/openapi.json").json
    operation = doc["paths"]["/counter/reports/ir"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert set(params) == {"begin_date", "end_date", "metric_type", "item_id", "granularity"}
    assert params["begin_date"]["required"] and not params["item_id"]["required"]
    report = doc["components"]["schemas"]["CounterItemReport"]
    assert report["required"] == ["Report_Header", "Report_Items"]
    assert operation["responses"]["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CounterError"
    }
