"""Startup listings: flagged by authors or editors, approved, listed, delivered."""

from __future__ import annotations

import pytest

from exchange_bridge import startups
from exchange_bridge.errors import BridgeError
from exchange_bridge.models import Startup
from journal.errors import PermissionDenied
from journal.extensions import db
from journal.mail import OutboxMessage
from journal.provinces import province_by_code
from journal.publish.issues import unpublish_article

from .factories import english, fresh, listed_offer, publish_funded_article


def _fields(**changes) -> startups.StartupFields:
    values = {
        "name": "Lúa Mặn Startup",
        "founders": "Nguyễn Văn An\n  \nTrần Thị Bình",
        "province_id": province_by_code("CT").id,
        "field": "agriculture",
        "stage": "prototype",
        "support_centre": "Trung tâm Hỗ trợ khởi nghiệp Cần Thơ",
        "website": "https://lua-man.example.vn",
        "description_vi": "Giống lúa chịu mặn cho nông hộ.",
        "description_en": "Salt-tolerant rice seed for farmers.",
    }
    values.update(changes)
    return startups.StartupFields(**values)


def _startups():
    db.session.expire_all()
    return list(db.session.execute(db.select(Startup)).scalars())


@pytest.fixture
def article(app, users):
    return publish_funded_article(users["author"], users["editor_in_chief"])


def test_an_author_flags_a_startup_on_their_article_and_the_editor_approves(
    app, users, article, receivers, client
):
    offer = listed_offer(article, users["author"])
    found = startups.flag_startup(
        users["author"], _fields(article_ids=(article.id,), offer_ids=(offer.id,))
    )

    assert found.status == "pending"
    assert found.founder_list == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert client.get(f"/startups/{found.id}").status_code == 404  # not public yet
    mails = db.session.execute(
        db.select(OutboxMessage.recipient).filter_by(template="bridge_startup_flagged")
    ).scalars()
    assert list(mails) == [users["province_editor"].email]
    assert receivers["startups"].payloads() == []

    startups.approve_startup(found, users["province_editor"])

    [payload] = receivers["startups"].payloads()
    obj = payload["object"]
    assert obj["name"] == "Lúa Mặn Startup" and obj["stage"] == "prototype"
    assert [a["doi"] for a in obj["articles"]] == [article.doi]
    assert [o["id"] for o in obj["offers"]] == [offer.id]
    assert "Lúa Mặn Startup" in client.get("/startups/").text
    assert client.get(f"/api/v1/startups/{found.id}").get_json()["founders"] == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
    ]


def test_authors_link_only_their_own_articles(app, users, article):
    with pytest.raises(PermissionDenied):
        startups.flag_startup(users["other_author"], _fields(article_ids=(article.id,)))
    assert _startups() == []


def test_a_startup_links_at_least_one_published_result(app, users, article):
    with pytest.raises(BridgeError) as refused:
        startups.flag_startup(users["province_editor"], _fields())
    assert "at least one" in english(refused.value.message)
    with pytest.raises(BridgeError):
        startups.flag_startup(users["province_editor"], _fields(article_ids=(999_999,)))
    assert _startups() == []


INVALID_STARTUPS = [
    ({"name": "  "}, "startup's name"),
    ({"founders": ""}, "founder"),
    ({"stage": "unicorn"}, "stage"),
    ({"field": ""}, "field"),
    ({"province_id": 999_999}, "province"),
    ({"website": "javascript:alert(1)"}, "web site"),
]


def test_invalid_startups_are_refused(app, users, article):
    for changes, message in INVALID_STARTUPS:
        with pytest.raises(BridgeError) as refused:
            startups.flag_startup(users["author"], _fields(article_ids=(article.id,), **changes))
        assert message in english(refused.value.message), changes
    assert _startups() == []


def test_only_the_province_editor_or_the_editor_in_chief_approves(app, users, article):
    found = startups.flag_startup(users["author"], _fields(article_ids=(article.id,)))
    for who in ("author", "board_member", "other_board", "admin"):
        with pytest.raises(PermissionDenied):
            startups.approve_startup(found, users[who])
    startups.approve_startup(found, users["editor_in_chief"])
    assert fresh(found).status == "approved"


def test_withdrawing_and_unpublishing_are_delivered(app, users, article, receivers):
    found = startups.flag_startup(users["author"], _fields(article_ids=(article.id,)))
    startups.approve_startup(found, users["province_editor"])

    unpublish_article(article, users["editor_in_chief"], "Trùng lặp.")
    startups.withdraw_startup(found, users["province_editor"])

    payloads = receivers["startups"].payloads()
    assert [p["action"] for p in payloads] == ["upsert", "upsert", "delete"]
    assert payloads[1]["object"]["articles"] == []  # the article was taken down


def test_the_form_flags_a_startup(app, users, article, login):
    author = login(users["author"])
    page = author.get("/startups/new")
    assert page.status_code == 200 and article.submission.title_vi in page.text

    data = {
        "name": "Tôm Xanh",
        "founders": "Nguyễn Văn An",
        "province_id": str(province_by_code("CT").id),
        "field": "aquaculture",
        "stage": "idea",
        "article_ids": [str(article.id)],
    }
    response = author.post("/startups/new", data=data)
    assert response.status_code == 302
    [found] = _startups()
    assert found.name == "Tôm Xanh" and [a.id for a in found.articles] == [article.id]

    bad = author.post("/startups/new", data={**data, "stage": "unicorn", "article_ids": ["x"]})
    assert bad.status_code == 400
    assert len(_startups()) == 1


def test_people_without_published_articles_cannot_flag(app, users, login):
    assert login(users["other_author"]).get("/startups/new").status_code == 403
