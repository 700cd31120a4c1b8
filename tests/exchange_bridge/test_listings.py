"""The public listings in both languages: search, filters, Atom feeds and the JSON API."""

from __future__ import annotations

import feedparser
import pytest

from exchange_bridge import demand, experts, startups
from journal.extensions import db
from journal.provinces import province_by_code

from .factories import listed_offer, publish_funded_article, request_fields

LISTINGS = ("technologies", "startups", "experts", "requests")


@pytest.fixture
def listed(app, users):
    """One listed entry of each kind in Cần Thơ (agriculture) and an offer in An Giang."""
    chief = users["editor_in_chief"]
    rice = publish_funded_article(
        users["author"], chief, title_vi="Giống lúa chịu mặn OM18", keywords_vi="lúa, chịu mặn"
    )
    offer = listed_offer(rice, chief)
    water = publish_funded_article(
        users["other_author"],
        chief,
        province="AG",
        title_vi="Vận hành cống ngăn mặn",
        title_en="Operating sluices against saline intrusion",
        abstract_vi="Lịch vận hành cống cho vùng Tứ giác Long Xuyên.",
        abstract_en="A sluice schedule for the Long Xuyen Quadrangle.",
        keywords_vi="xâm nhập mặn",
        keywords_en="saline intrusion",
    )
    water_offer = listed_offer(water, chief, field="water")
    startup = startups.flag_startup(
        chief,
        startups.StartupFields(
            name="Hạt Giống Mặn",
            founders="Nguyễn Văn An",
            province_id=province_by_code("CT").id,
            field="agriculture",
            stage="idea",
            article_ids=(rice.id,),
        ),
    )
    startups.approve_startup(startup, chief)
    expert = users["author"]
    expert.expertise = "chọn giống lúa"
    expert.province = province_by_code("CT")
    db.session.commit()
    profile = experts.opt_in(expert, expert)
    found = demand.post_request(request_fields())
    demand.list_request(found, chief)
    return {
        "offer": offer,
        "water": water_offer,
        "startup": startup,
        "expert": profile,
        "request": found,
    }


def test_every_listing_answers_in_both_languages(app, client, listed):
    for listing in LISTINGS:
        for lang in ("vi", "en"):
            page = client.get(f"/{listing}/?lang={lang}")
            assert page.status_code == 200, listing
            assert f'<html lang="{lang}">' in page.text
            feed = client.get(f"/{listing}/feed.atom?lang={lang}")
            assert feed.status_code == 200, listing
            assert feed.headers["Content-Type"].startswith("application/atom+xml")
            parsed = feedparser.parse(feed.data)
            assert not parsed.bozo and len(parsed.entries) >= 1, listing
            assert all(e.id.startswith("https://journal.example.org/") for e in parsed.entries)
        api = client.get(f"/api/v1/{listing}")
        assert api.status_code == 200 and api.headers["Access-Control-Allow-Origin"] == "*"
        assert "Set-Cookie" not in api.headers
        assert api.get_json()["total"] >= 1, listing


def test_english_pages_use_english_labels(app, client, listed):
    page = client.get("/technologies/?lang=en").text
    assert "Technology offers" in page and "Agriculture and crop breeding" in page
    page = client.get(f"/technologies/{listed['offer'].id}?lang=en").text
    assert "Licence" in page and "Patent or utility solution applied for" in page
    assert "Nông nghiệp và giống cây trồng" in client.get("/technologies/?lang=vi").text


def test_filters_by_province_and_field_and_search_without_diacritics(app, client, listed):
    rice, water = listed["offer"], listed["water"]

    def titles(query):
        return [
            o["title"]["vi"] for o in client.get(f"/api/v1/technologies?{query}").get_json()["data"]
        ]

    assert set(titles("")) == {rice.title_vi, water.title_vi}
    assert titles("province=CT") == [rice.title_vi]
    assert titles("province=ag") == [water.title_vi]
    assert titles("field=water") == [water.title_vi]
    assert titles("q=giong+lua") == [rice.title_vi]
    assert titles("q=saline") == [water.title_vi]
    assert titles("q=nothing+like+this") == []
    page = client.get("/technologies/?province=CT&field=agriculture&q=lua").text
    assert rice.title_vi in page and water.title_vi not in page
    assert client.get("/experts/?province=AG").text.count(listed["expert"].user.full_name) == 0
    assert listed["startup"].name in client.get("/startups/?field=agriculture").text


BAD_FILTERS = [
    ("province=XX", 404),
    ("province=%3Cscript%3E", 404),
    ("field=astrology", 400),
    ("page=0", 400),
    ("page=abc", 400),
    ("page=99999999999", 400),
]


def test_bad_filters_get_a_clear_4xx(app, client):
    for query, status in BAD_FILTERS:
        assert client.get(f"/technologies/?{query}").status_code == status, query
        api = client.get(f"/api/v1/experts?{query}")
        assert api.status_code == status, query
        assert api.get_json()["error"]["status"] == status
        assert client.get(f"/requests/feed.atom?{query}").status_code == status, query


def test_the_api_pages_with_next_links(app, client, listed):
    app.config["BRIDGE_PAGE_SIZE"] = 1
    first = client.get("/api/v1/technologies").get_json()
    assert first["pages"] == 2 and first["next"].endswith("/api/v1/technologies?page=2")
    second = client.get("/api/v1/technologies?page=2").get_json()
    assert second["next"] is None
    assert {first["data"][0]["id"], second["data"][0]["id"]} == {
        listed["offer"].id,
        listed["water"].id,
    }


def test_single_objects_and_unlisted_ones(app, users, client, listed):
    assert client.get(f"/api/v1/technologies/{listed['offer'].id}").get_json()["trl"] == 6
    assert client.get(f"/api/v1/experts/{listed['expert'].id}").get_json()["keywords"][0] == (
        "chọn giống lúa"
    )
    assert client.get("/api/v1/technologies/999999").status_code == 404
    draft = publish_funded_article(users["author"], users["editor_in_chief"])
    from exchange_bridge.offers import offer_for

    assert client.get(f"/api/v1/technologies/{offer_for(draft).id}").status_code == 404
