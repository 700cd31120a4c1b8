"""The JSON API: issues, articles with filters and signed cursors, one article, OpenAPI."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from journal.publish import issues

from ..factories import make_funded_task
from .factories import make_issue, make_published_article

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def catalogue(app, users):
    issue = make_issue(5, 1, 2025, published=True, title_vi="Số 1", title_en="No. 1")
    task = make_funded_task("AG.2023-04/ĐT", "AG")
    made = [
        make_published_article(
            users["author"],
            issue=issue,
            when=T0 + timedelta(days=i),
            first_page=i * 5 + 1,
            last_page=i * 5 + 5,
            title_vi=f"Bài {i}",
            title_en=f"Article {i}",
        )
        for i in range(5)
    ]
    made.append(
        make_published_article(
            users["author"],
            funded_task=task,
            language="en",
            section="short",
            when=datetime(2024, 6, 1, tzinfo=UTC),
            title_en="Rice seed",
            title_vi="Lúa giống",
        )
    )
    return {"issue": issue, "articles": made}


def test_issues(client, catalogue):
    response = client.get("/api/v1/issues")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    (issue,) = response.json["data"]
    assert issue["title"] == {"vi": "Số 1", "en": "No. 1"}
    assert (issue["volume"], issue["number"], issue["year"]) == (5, 1, 2025)
    detail = client.get(f"/api/v1/issues/{issue['id']}").json
    assert [a["title"]["en"] for a in detail["articles"]] == [f"Article {i}" for i in range(5)]
    assert client.get("/api/v1/issues/999").status_code == 404
    assert client.get("/api/v1/issues/999").json["error"]["status"] == 404


def test_one_article_is_bilingual(client, catalogue):
    article = catalogue["articles"][-1]
    body = client.get(f"/api/v1/articles/{article.id}").json
    assert body["title"] == {"vi": "Lúa giống", "en": "Rice seed"}
    assert body["language"] == "en"
    assert body["abstract"]["vi"] and body["abstract"]["en"]
    assert body["keywords"]["en"] == ["rice", "salinity", "Mekong Delta"]
    assert body["funded_task"]["code"] == "AG.2023-04/ĐT"
    assert body["section"]["code"] == "short"
    assert body["doi_url"] == f"https://doi.org/{article.doi}"
    assert body["galleys"]["pdf"].endswith(f"/articles/{article.id}/pdf")
    assert body["issue"] is None and body["pages"] is None


def test_filters(client, catalogue):
    def ids(query):
        response = client.get("/api/v1/articles" + query)
        assert response.status_code == 200, response.json
        return [a["id"] for a in response.json["data"]]

    made = catalogue["articles"]
    assert ids("?year=2024") == [made[5].id]
    assert ids("?province=AG") == [made[5].id]
    assert ids("?section=short") == [made[5].id]
    assert ids("?language=en") == [made[5].id]
    assert ids(f"?issue={catalogue['issue'].id}") == [a.id for a in reversed(made[:5])]
    assert ids("?updated_since=2025-03-04T00:00:00Z") == [made[4].id, made[3].id]
    assert ids("?updated_since=2025-03-04") == [made[4].id, made[3].id]


BAD_FILTERS = [
    ("?province=ZZ", 404),
    ("?province=%3Cscript%3E", 400),
    ("?province=", 400),
    ("?section=", 400),
    ("?section=nope", 404),
    ("?issue=12345", 404),
    ("?year=20x5", 400),
    ("?year=3000", 400),
    ("?language=fr", 400),
    ("?updated_since=yesterday", 400),
    ("?updated_since=", 400),
    ("?issue=abc", 400),
    ("?issue=", 400),
    ("?issue=-3", 400),
    ("?limit=abc", 400),
    ("?limit=", 400),
    ("?limit=0", 400),
    ("?limit=101", 400),
    ("?limit=-5", 400),
]


def test_bad_filters(client, catalogue):
    for query, status in BAD_FILTERS:
        response = client.get("/api/v1/articles" + query)
        assert response.status_code == status, query
        assert response.json["error"]["message"], query


def test_cursor_pagination_and_limits(client, catalogue):
    seen, url = [], "/api/v1/articles?limit=2"
    while url:
        body = client.get(url).json
        seen += [a["id"] for a in body["data"]]
        url = body["next"] and body["next"].replace("https://journal.example.org", "")
        assert len(body["data"]) <= 2
    assert len(seen) == len(set(seen)) == 6
    assert len(client.get("/api/v1/articles?limit=100").json["data"]) == 6
    assert len(client.get("/api/v1/articles?limit=1").json["data"]) == 1
    assert len(client.get("/api/v1/articles").json["data"]) == 6  # default 20


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nowhere",
        "/api/v1/articles/abc",
        "/api/v1/issues/1.5",
        "/api/v1/articles/99999999999999999999",
        "/api/v1/technologies/abc",
        "/api/v1/startups/4294967296",
    ],
)
def test_errors_under_the_api_are_json(client, catalogue, path):
    response = client.get(path + "?lang=en")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.json["error"]["status"] == 404 and response.json["error"]["message"]


def test_a_method_the_api_does_not_take_is_json_too(client, catalogue):
    response = client.delete("/api/v1/articles/1")
    assert response.status_code == 405
    assert response.json["error"]["status"] == 405
    assert "GET" in response.headers["Allow"]


def test_cursor_tampering_is_400(client, catalogue):
    body = client.get("/api/v1/articles?limit=2").json
    cursor = body["next_cursor"]
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    for bad in (tampered, "garbage", "", "x" * 500):
        response = client.get(f"/api/v1/articles?limit=2&lang=en&cursor={bad}")
        if bad == "":
            assert response.status_code == 200
            continue
        assert response.status_code == 400
        assert "cursor" in response.json["error"]["message"]
    # a cursor made for other filters is refused too
    response = client.get(f"/api/v1/articles?limit=2&year=2025&cursor={cursor}")
    assert response.status_code == 400


def test_unpublished_article_is_410_in_the_api_and_absent_from_lists(client, catalogue, users):
    article = catalogue["articles"][0]
    issues.unpublish_article(article, users["editor_in_chief"], "Sai sót dữ liệu.")
    response = client.get(f"/api/v1/articles/{article.id}")
    assert response.status_code == 410
    assert response.json["article"]["reason"] == "Sai sót dữ liệu."
    ids = [a["id"] for a in client.get("/api/v1/articles").json["data"]]
    assert article.id not in ids


def test_conditional_get_cors_and_no_cookies(client, catalogue):
    first = client.get("/api/v1/articles?lang=en")
    assert "Set-Cookie" not in first.headers
    assert "ETag" in first.headers["Access-Control-Expose-Headers"]
    again = client.get("/api/v1/articles?lang=en", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    preflight = client.options(
        "/api/v1/articles",
        headers={"Origin": "https://sokhcn.gov.vn", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert client.post("/api/v1/articles").status_code == 405


def test_openapi_document(client, app):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.1")
    assert set(doc["paths"]) == {
        "/",
        "/openapi.json",
        "/issues",
        "/issues/{issue_id}",
        "/articles",
        "/articles/{article_id}",
        "/counter/reports/ir",
        "/search",
        "/technologies",
        "/technologies/{offer_id}",
        "/startups",
        "/startups/{startup_id}",
        "/experts",
        "/experts/{expert_id}",
        "/requests",
        "/requests/{request_id}",
    }
    params = {p["name"] for p in doc["paths"]["/articles"]["get"]["parameters"]}
    assert params == {
        "province",
        "section",
        "issue",
        "year",
        "language",
        "updated_since",
        "limit",
        "cursor",
    }
    assert doc["servers"] == [{"url": "https://journal.example.org/api/v1"}]
    for path in doc["paths"].values():
        for op in path.values():
            for response in op["responses"].values():
                ref = (
                    response.get("content", {})
                    .get("application/json", {})
                    .get("schema", {})
                    .get("$ref")
                )
                if ref:
                    assert ref.split("/")[-1] in doc["components"]["schemas"]


def test_the_openapi_document_covers_every_route_under_the_api(app, client):
    doc = client.get("/api/v1/openapi.json").json
    documented = {(path, method.upper()) for path, item in doc["paths"].items() for method in item}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule[len("/api/v1") :])
            served |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == documented
