"""The JSON the bridge publishes: delivered payloads (schema ``mekong-journal-bridge``,
version 1, see exchange_bridge/README.md) and the public JSON API use the same objects.

Text fields are data: they are passed as they were typed (never HTML-escaped); consumers
escape them where they display them.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from flask import current_app

from journal.mail import external_url
from journal.publish.urls import doi_url

from .vocabulary import FIELDS_BY_CODE

SCHEMA = "mekong-journal-bridge"
SCHEMA_VERSION = 1
KIND_TARGET = {"technology_offer": "exchange", "startup": "startups", "expert": "experts"}


def _time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def _bilingual(obj, name: str) -> dict:
    return {"vi": getattr(obj, f"{name}_vi") or "", "en": getattr(obj, f"{name}_en") or ""}


def _province(province) -> dict | None:
    if province is None:
        return None
    return {"code": province.code, "name": _bilingual(province, "name")}


def _field(code: str) -> dict | None:
    found = FIELDS_BY_CODE.get(code)
    if found is None:
        return None
    return {"code": found.code, "name": {"vi": found.name_vi, "en": found.name_en}}


def _article(article) -> dict:
    submission = article.submission
    return {
        "id": article.id,
        "doi": article.doi,
        "doi_url": doi_url(article.doi),
        "url": external_url("publish.article", article_id=article.id),
        "title": _bilingual(submission, "title"),
        "published": _time(article.published_at),
    }


def offer_object(offer) -> dict:
    task = offer.funded_task
    return {
        "id": offer.id,
        "url": external_url("bridge.technology", offer_id=offer.id),
        "title": _bilingual(offer, "title"),
        "summary": _bilingual(offer, "summary"),
        "field": _field(offer.field),
        "province": _province(offer.province),
        "funded_task": {
            "code": task.code,
            "title": _bilingual(task, "title"),
            "agency": task.agency,
            "programme": task.programme or "",
        }
        if task
        else None,
        "article": _article(offer.article),
        "doi": offer.doi,
        "trl": offer.trl,
        "ip_status": offer.ip_status,
        "transfer_modes": offer.transfer_modes,
        "contact": {
            "name": offer.contact_name,
            "organisation": offer.contact_organisation,
            "email": offer.contact_email,
            "phone": offer.contact_phone,
        },
        "approved": _time(offer.approved_at),
        "updated": _time(offer.updated_at),
    }


def startup_object(startup) -> dict:
    return {
        "id": startup.id,
        "url": external_url("bridge.startup", startup_id=startup.id),
        "name": startup.name,
        "founders": startup.founder_list,
        "province": _province(startup.province),
        "field": _field(startup.field),
        "stage": startup.stage,
        "support_centre": startup.support_centre,
        "website": startup.website,
        "description": _bilingual(startup, "description"),
        "articles": [_article(a) for a in startup.articles if a.is_live],
        "offers": [
            {"id": o.id, "url": external_url("bridge.technology", offer_id=o.id)}
            for o in startup.offers
            if o.is_listed
        ],
        "approved": _time(startup.approved_at),
        "updated": _time(startup.updated_at),
    }


def expert_object(profile, publications) -> dict:
    user = profile.user
    return {
        "id": profile.id,
        "url": external_url("bridge.expert", expert_id=profile.id),
        "name": user.full_name,
        "orcid": user.orcid or None,
        "affiliation": user.affiliation or "",
        "province": _province(user.province),
        "keywords": profile.keyword_list,
        "fields": [_field(code) for code in profile.field_list],
        "publications": [_article(a) for a in publications],
        "consented": _time(profile.consented_at),
        "updated": _time(profile.updated_at),
    }


def request_object(request, *, with_contact: bool = False) -> dict:
    data = {
        "id": request.id,
        "url": external_url("bridge.request", request_id=request.id),
        "title": request.title,
        "need": request.need,
        "organisation": request.organisation,
        "field": _field(request.field),
        "province": _province(request.province),
        "listed": _time(request.listed_at),
    }
    if with_contact:
        data["contact"] = {
            "name": request.contact_name,
            "email": request.contact_email,
            "phone": request.contact_phone,
        }
    return data


def envelope(kind: str, action: str, subject_id: int, obj: dict | None) -> tuple[str, str]:
    """(idempotency key, body) of a delivery: the JSON text sent as it is, every time."""
    key = str(uuid.uuid4())
    body = {
        "schema": SCHEMA,
        "version": SCHEMA_VERSION,
        "id": key,
        "type": kind,
        "action": action,
        "subject_id": subject_id,
        "source": current_app.config["BASE_URL"].rstrip("/"),
        "created": _time(datetime.now(UTC)),
        "object": obj,
    }
    return key, json.dumps(body, ensure_ascii=False, sort_keys=True)
