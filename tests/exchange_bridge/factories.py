"""Factories for the bridge's tests: funded articles published through the journal's own
service (so ``article_published`` is really sent), complete offer fields, requests."""

from __future__ import annotations

import itertools

from exchange_bridge import demand, offers
from journal.extensions import db
from journal.provinces import province_by_code
from journal.publish.issues import publish_online_first

from ..factories import make_funded_task
from ..publish.factories import make_ready_submission

_TASKS = itertools.count(1)


def publish_funded_article(owner, editor, *, province="CT", task=None, **kwargs):
    """A submission reporting a funded task, ready in production, published online first
    by ``editor`` through journal.publish.issues (the signal is sent)."""
    if task is None:
        task = make_funded_task(code=f"{province}-2024-{next(_TASKS):02d}", province_code=province)
    submission = make_ready_submission(owner, province=province, funded_task=task, **kwargs)
    return publish_online_first(submission, editor)


def complete_fields(offer, **changes) -> offers.OfferFields:
    values = {
        "title_vi": offer.title_vi,
        "title_en": offer.title_en,
        "summary_vi": offer.summary_vi,
        "summary_en": offer.summary_en,
        "field": "agriculture",
        "trl": 6,
        "ip_status": "patent_pending",
        "transfer_modes": ("licence", "joint_development"),
        "contact_name": "Nguyễn Văn An",
        "contact_organisation": "Đại học Cần Thơ",
        "contact_email": "an@example.org",
        "contact_phone": "+84 292 3 832 663",
    }
    values.update(changes)
    return offers.OfferFields(**values)


def listed_offer(article, actor, **changes):
    offer = offers.offer_for(article)
    offers.update_offer(offer, actor, complete_fields(offer, **changes))
    return offers.approve_offer(offer, actor)


def request_fields(**changes) -> demand.RequestFields:
    values = {
        "organisation": "Công ty TNHH Lúa Gạo Sông Hậu",
        "contact_name": "Lê Thị Thu",
        "contact_email": "thu@songhau.example.com",
        "contact_phone": "0292 3 555 000",
        "title": "Giống lúa chịu mặn cho vùng ven biển",
        "need": "Chúng tôi cần giống lúa chịu mặn và quy trình canh tác cho đất nhiễm mặn.",
        "field": "agriculture",
        "province_id": province_by_code("CT").id,
        "locale": "vi",
    }
    values.update(changes)
    return demand.RequestFields(**values)


def fresh(obj):
    """``obj`` as the database has it now."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def english(message) -> str:
    """A translatable message as English text (the catalogs translate the default, vi)."""
    from flask_babel import force_locale

    with force_locale("en"):
        return str(message)
