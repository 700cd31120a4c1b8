"""Technology requests: matching, mails, spam (rate limit, honeypot), moderation."""

from __future__ import annotations

from exchange_bridge import demand, experts
from exchange_bridge.matching import Candidate, rank, terms
from exchange_bridge.models import TechnologyRequest
from journal.extensions import db
from journal.mail import OutboxMessage
from journal.provinces import province_by_code

from .factories import listed_offer, publish_funded_article, request_fields

FORM = {
    "organisation": "Công ty TNHH Lúa Gạo Sông Hậu",
    "contact_name": "Lê Thị Thu",
    "contact_email": "thu@songhau.example.com",
    "contact_phone": "0292 3 555 000",
    "title": "Giống lúa chịu mặn",
    "need": "Cần giống lúa chịu mặn cho đất nhiễm mặn ven biển.",
    "field": "agriculture",
    "website": "",
}


def _form(**changes):
    return {**FORM, "province_id": str(province_by_code("CT").id), **changes}


def _requests():
    db.session.expire_all()
    return list(db.session.execute(db.select(TechnologyRequest)).scalars())


def test_terms_fold_vietnamese_and_pair_neighbouring_words():
    assert terms("Lúa chịu MẶN và tôm") == [
        "lua",
        "chiu",
        "man",
        "tom",
        "lua chiu",
        "chiu man",
        "man tom",
    ]


def test_ranking_prefers_shared_rare_terms_then_field_and_province():
    candidates = [
        Candidate("offer", 1, "Giống lúa chịu mặn OM18", "agriculture", 3),
        Candidate("offer", 2, "Nuôi tôm sú trong rừng ngập mặn", "aquaculture", 3),
        Candidate("article", 3, "Rice salinity tolerance", "agriculture", 1),
        Candidate("expert", 4, "kinh tế biển", "socioeconomic", 1),
        Candidate(  # "lúa" in passing, in a long text about something else
            "article",
            5,
            "Đánh giá hiệu quả kinh tế của hợp tác xã nông nghiệp kiểu mới tại các huyện ven "
            "biển, quản lý nguồn nước, đào tạo nông dân, chuỗi giá trị gạo và lúa",
            "socioeconomic",
            1,
        ),
    ]
    found = rank("cần giống lua chiu man", candidates, field="agriculture", province_id=3)

    assert [(m.candidate.kind, m.candidate.id) for m in found] == [("offer", 1), ("offer", 2)]
    assert found[0].score > found[1].score > 0
    assert rank("", candidates) == [] and rank("và của the", candidates) == []


def test_a_request_is_matched_and_the_matches_are_shown_and_mailed(app, users, receivers, client):
    article = publish_funded_article(
        users["author"],
        users["editor_in_chief"],
        title_vi="Giống lúa chịu mặn OM18 cho vùng ven biển",
        keywords_vi="lúa, chịu mặn",
    )
    offer = listed_offer(article, users["author"])
    expert = users["other_author"]
    expert.expertise = "lúa chịu mặn, đất nhiễm mặn"
    db.session.commit()
    experts.opt_in(expert, expert)

    response = client.post("/requests/new", data=_form())
    assert response.status_code == 302
    [found] = _requests()
    assert response.headers["Location"].endswith(f"/requests/mine/{found.token}")
    assert [(m.kind, m.rank) for m in found.matches] == [
        ("article", 1),
        ("expert", 1),
        ("offer", 1),
    ]
    assert {m.offer_id for m in found.matches if m.offer_id} == {offer.id}
    page = client.get(f"/requests/mine/{found.token}")
    assert page.status_code == 200
    assert offer.title_vi in page.text and expert.full_name in page.text
    assert "thu@songhau.example.com" in page.text  # the requester sees their own contact
    mails = {
        m.recipient: m
        for m in db.session.execute(
            db.select(OutboxMessage).where(OutboxMessage.template.like("bridge_request_%"))
        ).scalars()
    }
    assert set(mails) == {"thu@songhau.example.com", users["province_editor"].email}
    assert f"/technologies/{offer.id}" in mails["thu@songhau.example.com"].body
    assert found.token in mails["thu@songhau.example.com"].body
    assert "thu@songhau.example.com" in mails[users["province_editor"].email].body


def test_new_requests_are_not_public_until_an_editor_lists_them(app, users, client, login):
    found = demand.post_request(request_fields())
    assert client.get(f"/requests/{found.id}").status_code == 404
    assert found.title not in client.get("/requests/").text

    editor = login(users["province_editor"])
    assert found.title in editor.get("/requests/manage").text
    assert editor.post(f"/requests/{found.id}/list").status_code == 302

    page = client.get(f"/requests/{found.id}")
    assert page.status_code == 200 and found.title in page.text
    assert found.contact_email not in page.text  # contact details stay private
    assert found.contact_email not in client.get("/api/v1/requests").text
    assert client.get("/api/v1/requests").get_json()["data"][0]["title"] == found.title
    assert editor.post(f"/requests/{found.id}/close").status_code == 302
    assert client.get(f"/requests/{found.id}").status_code == 404


def test_the_honeypot_refuses_robots_and_keeps_nothing(app, client):
    response = client.post("/requests/new?lang=en", data=_form(website="http://spam.example"))

    assert response.status_code == 400
    assert "leave the last field empty" in response.text
    assert _requests() == []
    assert db.session.execute(db.select(db.func.count(OutboxMessage.id))).scalar_one() == 0


def test_posting_is_rate_limited(app, client):
    app.config["BRIDGE_RATELIMIT_REQUESTS"] = "2 per minute"
    assert client.post("/requests/new", data=_form()).status_code == 302
    assert client.post("/requests/new", data=_form(title="Khác")).status_code == 302
    response = client.post("/requests/new", data=_form(title="Thứ ba"))
    assert response.status_code == 429
    assert len(_requests()) == 2
    assert client.get("/requests/new").status_code == 200  # only POST is limited


HOSTILE = [
    ({"contact_email": "not an address"}, 400),
    ({"title": ""}, 400),
    ({"need": "x" * 5001}, 400),
    ({"field": "astrology"}, 400),
    ({"province_id": "999999"}, 400),
    ({"province_id": "abc"}, 400),
    ({"contact_phone": "<script>"}, 400),
    ({"need": "NUL \x00 byte"}, 302),  # stripped, not a 500
]


def test_hostile_requests_get_a_clear_4xx_and_write_nothing(app, client):
    app.config["BRIDGE_RATELIMIT_REQUESTS"] = "100 per minute"
    for changes, status in HOSTILE:
        before = len(_requests())
        response = client.post("/requests/new", data=_form(**changes))
        assert response.status_code == status, changes
        assert len(_requests()) == before + (status == 302), changes
    [kept] = _requests()
    assert kept.need == "NUL  byte"


def test_unknown_tokens_are_404(app, client):
    demand.post_request(request_fields())
    assert client.get("/requests/mine/not-the-token").status_code == 404
    assert client.get("/requests/mine/" + "x" * 500).status_code == 404


def test_the_request_form_needs_its_csrf_token(app, app_config):
    import re

    from journal import create_app

    csrf_app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    with csrf_app.app_context():
        try:
            client = csrf_app.test_client()
            assert client.post("/requests/new", data=_form()).status_code == 400
            page = client.get("/requests/new")
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
            response = client.post("/requests/new", data={**_form(), "csrf_token": token.group(1)})
            assert response.status_code == 302
            assert len(_requests()) == 1
        finally:
            db.session.remove()
            db.engine.dispose()  # its own engine: close its connections now, not at GC time


def test_line_breaks_in_a_title_or_name_are_dropped_and_the_mails_go_out(app, users, client):
    from journal.mail import deliver_pending

    title = "Máy sấy lúa\r\nBcc: victim@example.org"
    response = client.post("/requests/new", data=_form(title=title, contact_name="Lê Thị\nThu\x00"))
    assert response.status_code == 302
    [found] = _requests()
    assert (found.title, found.contact_name) == (
        "Máy sấy lúa Bcc: victim@example.org",
        "Lê Thị Thu",
    )
    deliver_pending()
    db.session.expire_all()
    mails = list(db.session.execute(db.select(OutboxMessage)).scalars())
    assert len(mails) == 2
    assert all(m.sent_at is not None and "\n" not in m.subject for m in mails)
