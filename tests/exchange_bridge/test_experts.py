"""The expert database: opt-in, the profile, withdrawing consent everywhere, reviewer
suggestions."""

from __future__ import annotations

import pytest

from exchange_bridge import demand, experts
from exchange_bridge.errors import AlreadyDone
from exchange_bridge.models import Delivery, ExpertProfile, RequestMatch
from exchange_bridge.outbox import deliver_pending
from journal.accounts.services import update_profile
from journal.errors import PermissionDenied
from journal.extensions import db

from .factories import fresh, publish_funded_article, request_fields
from .receivers import closed_port_url


def _profiles():
    db.session.expire_all()
    return list(db.session.execute(db.select(ExpertProfile)).scalars())


@pytest.fixture
def expert_user(app, users):
    user = users["author"]
    user.expertise = "chọn giống lúa, salinity tolerance"
    user.orcid = "0000-0002-1825-0097"
    db.session.commit()
    return user


def test_profiles_are_off_by_default(app, users, login):
    assert _profiles() == []
    page = login(users["author"]).get("/experts/me?lang=en")
    assert page.status_code == 200
    assert "You have no public expert profile" in page.text
    assert "I agree: publish my expert profile" in page.text


def test_opting_in_publishes_name_orcid_affiliation_keywords_and_publications(
    app, users, expert_user, receivers, client
):
    article = publish_funded_article(
        expert_user,
        users["editor_in_chief"],
        keywords_vi="lúa, chịu mặn",
        keywords_en="rice, salinity",
    )
    profile = experts.opt_in(expert_user, expert_user)

    assert profile.keyword_list == [
        "chọn giống lúa",
        "salinity tolerance",
        "lúa",
        "chịu mặn",
        "rice",
        "salinity",
    ]
    assert "agriculture" in profile.field_list
    [payload] = receivers["experts"].payloads()
    obj = payload["object"]
    assert obj["name"] == expert_user.full_name
    assert obj["orcid"] == "0000-0002-1825-0097"
    assert obj["affiliation"] == "Đại học Cần Thơ"
    assert [p["doi"] for p in obj["publications"]] == [article.doi]
    page = client.get(f"/experts/{profile.id}")
    assert page.status_code == 200 and article.doi in page.text
    # Searchable without diacritics.
    assert expert_user.full_name in client.get("/experts/?q=chon+giong").text
    with pytest.raises(AlreadyDone):
        experts.opt_in(expert_user, expert_user)


def test_only_the_person_opts_in_or_withdraws(app, users, expert_user):
    with pytest.raises(PermissionDenied):
        experts.opt_in(expert_user, users["admin"])
    experts.opt_in(expert_user, expert_user)
    with pytest.raises(PermissionDenied):
        experts.withdraw_consent(expert_user, users["editor_in_chief"])
    assert len(_profiles()) == 1


def test_a_profile_change_is_delivered_once(app, users, expert_user, receivers):
    experts.opt_in(expert_user, expert_user)

    update_profile(
        expert_user,
        full_name=expert_user.full_name,
        affiliation="Viện Lúa Đồng bằng sông Cửu Long",
        orcid=expert_user.orcid,
        expertise=expert_user.expertise,
    )
    update_profile(  # nothing the expert database knows changes
        expert_user,
        full_name=expert_user.full_name,
        affiliation="Viện Lúa Đồng bằng sông Cửu Long",
        orcid=expert_user.orcid,
        expertise=expert_user.expertise,
        locale="en",
    )

    affiliations = [p["object"]["affiliation"] for p in receivers["experts"].payloads()]
    assert affiliations == ["Đại học Cần Thơ", "Viện Lúa Đồng bằng sông Cửu Long"]


def test_withdrawing_consent_removes_the_profile_everywhere(
    app, users, expert_user, receivers, client
):
    profile = experts.opt_in(expert_user, expert_user)
    profile_id = profile.id
    found = demand.post_request(request_fields(need="Cần chuyên gia chọn giống lúa chịu mặn."))
    assert [m.kind for m in found.matches] == ["expert"]

    experts.withdraw_consent(expert_user, expert_user)

    assert _profiles() == []
    assert db.session.execute(db.select(RequestMatch)).scalars().all() == []
    assert client.get(f"/experts/{profile_id}").status_code == 404
    assert expert_user.full_name not in client.get("/experts/").text
    assert expert_user.full_name not in client.get("/experts/feed.atom").text
    assert client.get(f"/api/v1/experts/{profile_id}").status_code == 404
    assert client.get("/api/v1/experts").get_json()["data"] == []
    actions = [p["action"] for p in receivers["experts"].payloads()]
    assert actions == ["upsert", "delete"]
    assert receivers["experts"].payloads(action="delete")[0]["object"] == {"id": profile_id}
    # The delivery log keeps no personal data of theirs.
    bodies = db.session.execute(
        db.select(Delivery.body).where(Delivery.kind == "expert", Delivery.action == "upsert")
    ).scalars()
    assert list(bodies) == [""]
    with pytest.raises(AlreadyDone):
        experts.withdraw_consent(expert_user, expert_user)


def test_consent_withdrawn_while_a_delivery_is_queued(app, users, expert_user, receivers):
    experts_receiver = receivers["experts"]
    url = experts_receiver.url
    app.config["BRIDGE_EXPERTS_URL"] = closed_port_url()  # the expert database is down
    experts.opt_in(expert_user, expert_user)
    [queued] = db.session.execute(db.select(Delivery)).scalars().all()
    assert queued.status == "pending"

    experts.withdraw_consent(expert_user, expert_user)
    app.config["BRIDGE_EXPERTS_URL"] = url  # back up
    from datetime import timedelta

    from journal.models_base import utcnow

    deliver_pending(now=utcnow() + timedelta(hours=1))

    # The queued profile was never sent; the deletion was.
    assert [p["action"] for p in experts_receiver.payloads()] == ["delete"]
    assert expert_user.full_name.encode() not in b"".join(r.body for r in experts_receiver.requests)
    queued = fresh(queued)
    assert queued.status == "cancelled" and queued.body == ""


def test_a_profile_update_queued_before_a_withdrawal_is_not_sent_even_if_picked_up_late(
    app, users, expert_user, receivers
):
    """The sender checks consent again just before sending."""
    experts.opt_in(expert_user, expert_user)
    profile = experts.profile_of(expert_user)
    from exchange_bridge.outbox import queue_delivery

    late = queue_delivery("expert", "upsert", profile.id, {"name": expert_user.full_name})
    db.session.delete(profile)  # consent gone between queueing and sending
    db.session.commit()

    deliver_pending()

    late = fresh(late)
    assert late.status == "cancelled" and late.body == ""
    assert len(receivers["experts"].payloads()) == 1  # only the opt-in


def test_publications_of_an_expert_refresh_their_profile(app, users, expert_user, receivers):
    experts.opt_in(expert_user, expert_user)
    publish_funded_article(
        expert_user, users["editor_in_chief"], keywords_vi="tôm", keywords_en="shrimp"
    )

    profile = experts.profile_of(expert_user)
    assert "shrimp" in profile.keyword_list and "aquaculture" in profile.field_list
    last = receivers["experts"].payloads()[-1]["object"]
    assert len(last["publications"]) == 1


def test_public_experts_are_suggested_as_reviewers_with_their_articles_keywords(app, users):
    from journal.review.reviewers import suggest_reviewers

    from ..factories import make_submission, make_user

    expert = make_user("chuyen.gia@example.org", "Trần Văn Chuyên", password=None)
    publish_funded_article(
        expert, users["editor_in_chief"], keywords_vi="rừng ngập mặn", keywords_en="mangroves"
    )
    submission = make_submission(
        users["other_author"],
        stage="in_review",
        keywords_vi="rừng ngập mặn, Cà Mau",
        keywords_en="mangroves, Ca Mau",
    )

    def suggested():
        return {s.user.id: s.matched for s in suggest_reviewers(submission)}

    assert expert.id not in suggested()  # no expertise of their own, not public
    experts.opt_in(expert, expert)
    assert suggested()[expert.id] == ["rừng ngập mặn", "mangroves"]
    experts.withdraw_consent(expert, expert)
    assert expert.id not in suggested()
