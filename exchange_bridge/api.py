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
from journal.publish.api import checked_id, json_error
from journal.publish.conditional import conditional

from . import demand, experts, offers, startups
from .errors import BridgeError
from .listings import listing_state
from .payloads import expert_object, offer_object, request_object, startup_object
from .views import PAGE_MAX, listing_filters
from .vocabulary import FIELD_CODES

bp = Blueprint("bridge_api", __name__, url_prefix="/api/v1")


@bp.before_request
def _no_cookies():
    g.cookieless = True


@bp.after_request
def _cors(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    return response


@bp.errorhandler(JournalError)
def _journal_error(error: JournalError):
    return json_error(error.status, str(error.message))


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return json_error(error.code or 500, error.description or error.name)


def _page(endpoint: str, find, to_json):
    for name in ("province", "field", "page"):
        if request.args.get(name) == "":
            raise BridgeError(_("%(name)s is empty: leave it out or give a value.", name=name))
    filters = listing_filters(request.args)
    size = current_app.config["BRIDGE_PAGE_SIZE"]

    def render():
        items, total = find(
            query=filters.query,
            province=filters.province,
            field=filters.field,
            page=filters.page,
            size=size,
        )
        pages = max(1, math.ceil(total / size))
        more = filters.page < pages
        following = filters.args(page=filters.page + 1)
        return jsonify(
            {
                "data": [to_json(item) for item in items],
                "total": total,
                "page": filters.page,
                "pages": pages,
                "next": external_url(endpoint, **following) if more else None,
            }
        )

    return conditional(render, state=listing_state)


def _not_found():
    return json_error(404, _("There is no such entry."))


@bp.get("/technologies")
def technologies():
    return _page("bridge_api.technologies", offers.listed_offers, offer_object)


@bp.get("/technologies/<int:offer_id>")
def technology(offer_id: int):
    offer = offers.get_offer(checked_id(offer_id))
    if offer is None or not offer.is_listed:
        return _not_found()
    return conditional(lambda: jsonify(offer_object(offer)), state=listing_state)


@bp.get("/startups")
def startups_index():
    return _page("bridge_api.startups_index", startups.listed_startups, startup_object)


@bp.get("/startups/<int:startup_id>")
def startup(startup_id: int):
    found = startups.get_startup(checked_id(startup_id))
    if found is None or found.status != "approved":
        return _not_found()
    return conditional(lambda: jsonify(startup_object(found)), state=listing_state)


def _expert_json(profile) -> dict:
    return expert_object(profile, experts.published_articles_of(profile.user))


@bp.get("/experts")
def experts_index():
    return _page("bridge_api.experts_index", experts.listed_experts, _expert_json)


@bp.get("/experts/<int:expert_id>")
def expert(expert_id: int):
    profile = experts.get_expert(checked_id(expert_id))
    if profile is None:
        return _not_found()
    return conditional(lambda: jsonify(_expert_json(profile)), state=listing_state)


@bp.get("/requests")
def requests_index():
    return _page("bridge_api.requests_index", demand.listed_requests, request_object)


@bp.get("/requests/<int:request_id>")
def request_detail(request_id: int):
    found = demand.get_request(checked_id(request_id))
    if found is None or found.status != "listed":
        return _not_found()
    return conditional(lambda: jsonify(request_object(found)), state=listing_state)


# ------------------------------------------------------------------ OpenAPI

LISTINGS = {
    "technologies": ("offer_id", "Technology offers listed on the exchange", "Technology"),
    "startups": ("startup_id", "Approved startups", "Startup"),
    "experts": ("expert_id", "Experts who agreed to be listed", "Expert"),
    "requests": ("request_id", "Technology requests (without contact details)", "Request"),
}


def openapi_part() -> dict:
    """The bridge's operations for the journal's OpenAPI document (journal/publish/openapi.py)."""
    from journal.publish.openapi import error_response, json_response, param, path_id

    filters = [
        param("q", "Words to look for (the first 200 characters)", {"type": "string"}),
        param(
            "province", "Province code (e.g. CT)", {"type": "string", "pattern": "^[A-Za-z]{2,8}$"}
        ),
        param(
            "field",
            "Field of science and technology",
            {"type": "string", "enum": list(FIELD_CODES)},
        ),
        param("page", "Page number", {"type": "integer", "minimum": 1, "maximum": PAGE_MAX}),
    ]
    paths, schemas = {}, {}
    for name, (id_name, summary, schema) in LISTINGS.items():
        ref = {"$ref": f"#/components/schemas/{schema}"}
        schemas[schema] = {
            "type": "object",
            "properties": {"id": {"type": "integer"}, "url": {"type": "string", "format": "uri"}},
            "required": ["id", "url"],
        }
        page = {
            "type": "object",
            "properties": {
                "data": {"type": "array", "items": ref},
                "total": {"type": "integer"},
                "page": {"type": "integer"},
                "pages": {"type": "integer"},
                "next": {"type": ["string", "null"], "format": "uri"},
            },
            "required": ["data", "total", "page", "pages", "next"],
        }
        paths[f"/{name}"] = {
            "get": {
                "summary": summary,
                "tags": ["exchange"],
                "parameters": filters,
                "responses": {
                    "200": json_response("A page of the listing", page),
                    "400": error_response("A malformed filter or page"),
                    "404": error_response("Unknown province"),
                },
            }
        }
        paths[f"/{name}/{{{id_name}}}"] = {
            "get": {
                "summary": f"One entry of: {summary.lower()}",
                "tags": ["exchange"],
                "parameters": [path_id(id_name)],
                "responses": {
                    "200": json_response("The entry", ref),
                    "404": error_response("No such entry, or not listed"),
                },
            }
        }
    return {"paths": paths, "schemas": schemas}
