"""Technology offers: drafted on publication, completed, approved, listed, delivered."""

from __future__ import annotations

import json

import pytest

from exchange_bridge import offers
from exchange_bridge.errors import BridgeError, IncompleteOffer
from exchange_bridge.models import Delivery, TechnologyOffer
from journal.errors import PermissionDenied, StaleError, WorkflowError
from journal.extensions import db
from journal.mail import OutboxMessage
from journal.publish.issues import unpublish_article

from ..publish.factories import make_ready_submission
from .factories import complete_fields, english, fresh, listed_offer, publish_funded_article


def _offers():
    return list(db.session.execute(db.select(TechnologyOffer)).scalars())


def test_publishing_a_funded_article_drafts_a_prefilled_offer(app, users):
    author, chief = users["author"], users["editor_in_chief"]
    article = publish_funded_article(author, chief, keywords_en="rice, salinity, Mekong Delta")

    [offer] = _offers()
    submission = article.submission
    assert offer.status == "draft"
    assert offer.article_id == article.id
    assert offer.funded_task_id == submission.funded_task_id
    assert offer.province.code == "CT"
    assert (offer.title_vi, offer.title_en) == (submission.title_vi, submission.title_en)
    assert (offer.summary_vi, offer.summary_en) == (submission.abstract_vi, submission.abstract_en)
    assert offer.field == "agriculture"  # "lúa", "rice" in the keywords
    assert offer.doi == article.doi
    assert offer.url == f"https://journal.example.org/articles/{article.id}"
    assert (offer.contact_name, offer.contact_email) == (author.full_name, author.email)
    assert offer.trl is None and offer.ip_status == "" and offer.transfer_modes == []
    # The corresponding author and Cần Thơ's editor are asked to complete it.
    mails = db.session.execute(
        db.select(OutboxMessage).filter_by(template="bridge_offer_drafted")
    ).scalars()
    assert {m.recipient for m in mails} == {author.email, users["province_editor"].email}


def test_an_article_without_a_funded_task_drafts_nothing(app, users):
    from journal.publish.issues import publish_online_first

    submission = make_ready_submission(users["author"])
    publish_online_first(submission, users["editor_in_chief"])

    assert _offers() == []


def test_publishing_again_or_placing_in_an_issue_drafts_no_second_offer(app, users):
    from journal.publish.issues import place_in_issue

    from ..publish.factories import make_issue

    article = publish_funded_article(users["author"], users["editor_in_chief"])
    place_in_issue(article, make_issue(), users["editor_in_chief"])  # sends the signal again

    assert len(_offers()) == 1


def test_approving_lists_the_offer_and_a_receiver_gets_a_signed_delivery(
    app, users, receivers, client
):
    article = publish_funded_article(users["author"], users["editor_in_chief"])
    offer = listed_offer(article, users["author"])  # the corresponding author approves

    assert fresh(offer).status == "approved"
    [payload] = receivers["exchange"].payloads()
    assert payload["schema"] == "mekong-journal-bridge" and payload["version"] == 1
    assert (payload["type"], payload["action"]) == ("technology_offer", "upsert")
    obj = payload["object"]
    assert obj["id"] == offer.id
    assert obj["trl"] == 6
    assert obj["transfer_modes"] == ["licence", "joint_development"]
    assert obj["article"]["doi"] == article.doi
    assert obj["funded_task"]["code"] == article.submission.funded_task.code
    assert obj["province"] == {"code": "CT", "name": {"vi": "Cần Thơ", "en": "Can Tho"}}
    [request] = receivers["exchange"].requests
    assert request.headers["Idempotency-Key"] == payload["id"]
    assert receivers["exchange"].refused == []
    delivery = db.session.execute(db.select(Delivery)).scalar_one()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    # Listed: on the public page and in the list.
    page = client.get("/technologies/")
    assert page.status_code == 200 and offer.title_vi in page.text
    assert client.get(f"/technologies/{offer.id}").status_code == 200


def test_a_draft_is_not_public_and_cannot_be_approved_incomplete(app, users, client):
    article = publish_funded_article(users["author"], users["editor_in_chief"])
    offer = offers.offer_for(article)

    assert client.get(f"/technologies/{offer.id}").status_code == 404
    assert offer.title_vi not in client.get("/technologies/").text
    with pytest.raises(IncompleteOffer) as refused:
        offers.approve_offer(offer, users["author"])
    assert "readiness level" in english(refused.value.message)
    assert fresh(offer).status == "draft"


def test_only_the_corresponding_author_and_the_province_editors_manage_an_offer(app, users):
    article = publish_funded_article(users["author"], users["editor_in_chief"])
    offer = offers.offer_for(article)

    for who in ("other_author", "board_member", "other_board", "admin"):
        with pytest.raises(PermissionDenied):
            offers.update_offer(offer, users[who], complete_fields(offer))
        with pytest.raises(PermissionDenied):
            offers.approve_offer(offer, users[who])
    assert fresh(offer).trl is None


def test_the_province_editor_completes_and_approves(app, users):
    article = publish_funded_article(users["author"], users["editor_in_chief"])
    offer = listed_offer(article, users["province_editor"])

    assert fresh(offer).approved_by_id == users["province_editor"].id


INVALID_OFFERS = [
    ({"trl": 10}, "readiness level"),
    ({"trl": 0}, "readiness level"),
    ({"field": "astrology"}, "field of application"),
    ({"ip_status": "stolen"}, "intellectual property"),
    ({"transfer_modes": ("gift",)}, "transfer modes"),
    ({"contact_email": "not an address"}, "e-mail"),
    ({"contact_phone": "call me <maybe>"}, "phone"),
    ({"title_vi": "x" * 501}, "500 characters"),
]


def test_invalid_offer_details_are_refused_and_nothing_is_written(app, users):
    article = publish_funded_article(users["author"], users["editor_in_chief"])
    offer = offers.offer_for(article)

    for changes, message in INVALID_OFFERS:
        with pytest.raises(BridgeError) as err:
            offers.update_offer(offer, users["author"], complete_fields(offer, **changes))
        assert message in english(err.value.message), changes
        assert err.value.status == 400
        assert fresh(offer).trl is None


def test_a_stale_form_is_refused(app, users):
    article = publish_funded_article(users["author"], users["editor_in_chief"])
    offer = offers.offer_for(article)
    version = offer.version
    offers.update_offer(offer, users["author"], complete_fields(offer), version=version)

    with pytest.raises(StaleError):
        offers.update_offer(offer, users["author"], complete_fields(offer, trl=2), version=version)
    assert fresh(offer).trl == 6


def test_editing_a_listed_offer_delivers_the_change_and_keeps_it_complete(app, users, receivers):
    article = publish_funded_article(users["author"], users["editor_in_chief"])
    offer = listed_offer(article, users["author"])

    offers.update_offer(offer, users["author"], complete_fields(offer, trl=8))
    with pytest.raises(IncompleteOffer):
        offers.update_offer(offer, users["author"], complete_fields(offer, transfer_modes=()))

    payloads = receivers["exchange"].payloads()
    assert [p["object"]["trl"] for p in payloads] == [6, 8]
    assert fresh(offer).transfer_modes == ["licence", "joint_development"]


def test_withdrawing_delivers_a_deletion(app, users, receivers, client):
    article = publish_funded_article(users["author"], users["editor_in_chief"])
    offer = listed_offer(article, users["author"])

    offers.withdraw_offer(offer, users["province_editor"], "Đã chuyển giao xong.")

    assert fresh(offer).status == "withdrawn"
    deletion = receivers["exchange"].payloads(action="delete")
    assert [p["object"] for p in deletion] == [{"id": offer.id}]
    assert client.get(f"/technologies/{offer.id}").status_code == 404
    with pytest.raises(WorkflowError):
        offers.approve_offer(offer, users["author"])


def test_unpublishing_the_article_withdraws_its_offer(app, users, receivers):
    article = publish_funded_article(users["author"], users["editor_in_chief"])
    offer = listed_offer(article, users["author"])

    unpublish_article(article, users["editor_in_chief"], "Sai số liệu.")

    offer = fresh(offer)
    assert offer.status == "withdrawn"
    assert "Sai số liệu." in offer.withdraw_reason
    assert [p["action"] for p in receivers["exchange"].payloads()] == ["upsert", "delete"]


SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_script_in_an_offer_is_inert_in_html_and_passed_as_data_in_json(
    app, users, receivers, client
):
    article = publish_funded_article(users["author"], users["editor_in_chief"])
    offer = listed_offer(
        article,
        users["author"],
        title_vi=f"Lúa {SCRIPT}",
        contact_organisation=SCRIPT,
    )

    for path in ("/technologies/", f"/technologies/{offer.id}", "/technologies/feed.atom"):
        body = client.get(path).text
        assert "<script>" not in body and "<img src=x" not in body, path
        assert "&lt;script&gt;" in body, path
    data = client.get(f"/api/v1/technologies/{offer.id}").get_json()
    assert data["title"]["vi"] == f"Lúa {SCRIPT}"
    assert data["contact"]["organisation"] == SCRIPT
    [payload] = receivers["exchange"].payloads()
    assert payload["object"]["title"]["vi"] == f"Lúa {SCRIPT}"
    raw = receivers["exchange"].requests[0].body.decode()
    assert json.loads(raw)["object"]["contact"]["organisation"] == SCRIPT
    assert "&lt;" not in raw


def test_the_author_completes_and_approves_through_the_pages(app, users, receivers, login):
    article = publish_funded_article(users["author"], users["editor_in_chief"])
    offer = offers.offer_for(article)
    author = login(users["author"])
    form = author.get(f"/technologies/{offer.id}/edit?lang=en")
    assert form.status_code == 200
    assert (
        offer.title_vi in form.text
        and f'name="version" type="hidden" value="{offer.version}"' in form.text
    )
    data = {
        "version": str(offer.version),
        "title_vi": offer.title_vi,
        "title_en": offer.title_en,
        "summary_vi": offer.summary_vi,
        "summary_en": offer.summary_en,
        "field": "agriculture",
        "trl": "5",
        "ip_status": "plant_variety",
        "transfer_modes": ["licence", "transfer"],
        "contact_name": "Nguyễn Văn An",
        "contact_organisation": "Đại học Cần Thơ",
        "contact_email": "an@example.org",
        "contact_phone": "0292 3 832 663",
    }

    bad = author.post(f"/technologies/{offer.id}/edit?lang=en", data={**data, "trl": "12"})
    assert bad.status_code == 400 and "whole number from 1 to 9" in bad.text
    assert author.post(f"/technologies/{offer.id}/edit", data=data).status_code == 302
    stale = author.post(f"/technologies/{offer.id}/edit?lang=en", data={**data, "trl": "6"})
    assert stale.status_code == 409 and "Reload the page" in stale.text
    assert author.post(f"/technologies/{offer.id}/approve").status_code == 302

    offer = fresh(offer)
    assert (offer.status, offer.trl, offer.transfer_modes) == (
        "approved",
        5,
        ["licence", "transfer"],
    )
    assert [p["object"]["ip_status"] for p in receivers["exchange"].payloads()] == ["plant_variety"]
    page = author.get(f"/technologies/{offer.id}?lang=en")
    assert (
        "Plant variety protection" in page.text
        and "5 – Validated in a relevant environment" in page.text
    )
