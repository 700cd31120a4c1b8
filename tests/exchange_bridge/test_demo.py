"""The bridge's part of the demo journal (added through the ``demo_loaded`` signal)."""

from __future__ import annotations

from exchange_bridge.models import (
    ExpertProfile,
    RequestMatch,
    Startup,
    TechnologyOffer,
    TechnologyRequest,
)
from journal.extensions import db

from ..admin.clients import fast_password_hashing  # noqa: F401  (autouse: demo users hash fast)


def _count(model, *where) -> int:
    return db.session.execute(
        db.select(db.func.count()).select_from(model).where(*where)
    ).scalar_one()


def _state():
    return {
        "offers": _count(TechnologyOffer),
        "approved": _count(TechnologyOffer, TechnologyOffer.status == "approved"),
        "startups": _count(Startup, Startup.status == "approved"),
        "experts": _count(ExpertProfile),
        "requests": _count(TechnologyRequest, TechnologyRequest.status == "listed"),
        "matches": _count(RequestMatch),
    }


def test_the_demo_has_an_approved_offer_a_startup_experts_and_a_matched_request(app, client):
    """The journal's demo people, tasks and a published article of Cà Mau's shrimp–mangrove
    task (made here with the fast test factories; ``journal demo`` typesets its own), then
    the signal ``journal demo`` sends, twice."""
    from journal import demo, signals

    from .factories import publish_funded_article

    people, tasks = demo._ensure_people(), demo._ensure_tasks()
    db.session.commit()
    publish_funded_article(
        people["author2"],
        people["eic"],
        province="CM",
        task=tasks["CM.2022-03/ĐT"],
        title_vi="Mật độ thả giống tôm sú cho mô hình tôm – rừng",
        keywords_vi="tôm sú, tôm – rừng, rừng ngập mặn",
        keywords_en="black tiger shrimp, shrimp–mangrove, mangroves",
    )
    signals.demo_loaded.send(app, people=people, tasks=tasks)
    first = _state()
    signals.demo_loaded.send(app, people=people, tasks=tasks)  # idempotent
    db.session.expire_all()

    assert _state() == first
    assert first == {
        "offers": 1,
        "approved": 1,
        "startups": 1,
        "experts": 2,
        "requests": 1,
        "matches": first["matches"],
    }
    request = db.session.execute(db.select(TechnologyRequest)).scalar_one()
    assert {m.kind for m in request.matches} == {"offer", "article", "expert"}
    offer = db.session.execute(db.select(TechnologyOffer)).scalar_one()
    assert offer.title_vi in client.get("/technologies/").text
    assert "Châu Ngọc Diễm" in client.get("/experts/").text
    assert request.title in client.get("/requests/").text
