"""The bridge's read-only JSON API beside the journal's, under ``/api/v1/``:
``technologies``, ``startups``, ``experts`` and ``requests`` (lists with ``q``,
``province``, ``field`` and ``page``; one object by id). The objects are those delivered
to the external systems (exchange_bridge/payloads.py), except that requests never carry
contact details. Errors are JSON ``{"error": {"status": …, "message": …}}``. GET is open
to every origin; no cookies are read or set.
"""

from __future__ import annotations

import math

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from journal.errors import JournalError
from journal.mail import external_url

from . import demand, experts, offers, startups
from .payloads import expert_object, offer_object, request_object, startup_object
from .views import listing_filters

bp = Blueprint("bridge_api", __name__, url_prefix="/api/v1")


@bp.before_request
def _no_cookies():
    g.cookieless = True


@bp.after_request
def _cors(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    return response


def _error(status: int, message: str):
    response = jsonify({"error": {"status": status, "message": message}})
    response.status_code = status
    return response


@bp.errorhandler(JournalError)
def _journal_error(error: JournalError):
    return _error(error.status, str(error.message))


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return _error(error.code or 500, error.description or error.name)


def _page(endpoint: str, find, to_json):
    filters = listing_filters(request.args)
    size = current_app.config["BRIDGE_PAGE_SIZE"]
    items, total = find(
        query=filters.query,
        province=filters.province,
        field=filters.field,
        page=filters.page,
        size=size,
    )
    pages = max(1, math.ceil(total / size))
    more = filters.page < pages
    return jsonify(
        {
            "data": [to_json(item) for item in items],
            "total": total,
            "page": filters.page,
            "pages": pages,
            "next": external_url(endpoint, **filters.args(page=filters.page + 1)) if more else None,
        }
    )


def _not_found():
    return _error(404, _("There is no such entry."))


@bp.get("/technologies")
def technologies():
    return _page("bridge_api.technologies", offers.listed_offers, offer_object)


@bp.get("/technologies/<int:offer_id>")
def technology(offer_id: int):
    offer = offers.get_offer(offer_id)
    if offer is None or not offer.is_listed:
        return _not_found()
    return jsonify(offer_object(offer))


@bp.get("/startups")
def startups_index():
    return _page("bridge_api.startups_index", startups.listed_startups, startup_object)


@bp.get("/startups/<int:startup_id>")
def startup(startup_id: int):
    found = startups.get_startup(startup_id)
    if found is None or found.status != "approved":
        return _not_found()
    return jsonify(startup_object(found))


def _expert_json(profile) -> dict:
    return expert_object(profile, experts.published_articles_of(profile.user))


@bp.get("/experts")
def experts_index():
    return _page("bridge_api.experts_index", experts.listed_experts, _expert_json)


@bp.get("/experts/<int:expert_id>")
def expert(expert_id: int):
    profile = experts.get_expert(expert_id)
    if profile is None:
        return _not_found()
    return jsonify(_expert_json(profile))


@bp.get("/requests")
def requests_index():
    return _page("bridge_api.requests_index", demand.listed_requests, request_object)


@bp.get("/requests/<int:request_id>")
def request_detail(request_id: int):
    found = demand.get_request(request_id)
    if found is None or found.status != "listed":
        return _not_found()
    return jsonify(request_object(found))
