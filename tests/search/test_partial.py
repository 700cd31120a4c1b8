"""A search stopped by its time limit says so: on the page, in the API (a flag), in the log,
and is never stored by a cache."""

from __future__ import annotations

import logging

import pytest

from journal.search import services

from ..publish.factories import make_published_article


@pytest.fixture
def articles(app):
    made = [make_published_article(title_vi=f"Lúa thơm ST25 vụ {n}") for n in range(3)]
    services.reindex()
    return made


@pytest.fixture
def no_time(app):
    """Searches get no time at all: every one stops at its limit."""
    app.config["SEARCH_TIME_LIMIT"] = 0.0
    services.close_engine(app)  # opened again with the new limit
    yield
    services.close_engine(app)


def test_complete_results_are_not_flagged(client, articles):
    page = client.get("/search?q=lua+thom&lang=en")
    assert page.status_code == 200
    assert "incomplete" not in page.get_data(as_text=True)
    assert page.headers.get("Cache-Control") != "no-store"
    api = client.get("/api/v1/search?q=lua+thom")
    assert api.status_code == 200
    assert api.json["partial"] is False
    assert api.json["total"] == 3
    assert {hit["id"] for hit in api.json["data"]} == {a.id for a in articles}
    assert api.headers["Cache-Control"] == "public, no-cache"


def test_partial_results_are_flagged_never_cached_and_logged(client, articles, no_time, caplog):
    with caplog.at_level(logging.WARNING, logger="journal.search.services"):
        page = client.get("/search?q=lua+thom&lang=en")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'data-partial="true"' in body
    assert "These results are incomplete" in body
    assert page.headers["Cache-Control"] == "no-store"
    assert any("partial results" in r.getMessage() for r in caplog.records)

    vi = client.get("/search?q=lua+thom&lang=vi").get_data(as_text=True)
    assert "chưa đầy đủ" in vi

    api = client.get("/api/v1/search?q=lua+thom")
    assert api.status_code == 200
    assert api.json["partial"] is True
    assert "timed_out" in api.json["notices"]
    assert api.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("query", ["", "   ", "x" * 10_001])
def test_api_search_without_words_is_a_clear_400(client, query):
    response = client.get("/api/v1/search", query_string={"q": query})
    assert response.status_code == 400
    assert "q" in response.json["error"]["message"]
