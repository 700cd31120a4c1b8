"""The widget for provincial web sites: ``/embed/province/<code>``, a small page made to be
framed, listing the province's latest articles.

No cookies are read or set; only the sites in ``EMBED_FRAME_ANCESTORS`` may frame it (CSP
``frame-ancestors``); ``lang`` is vi or en and ``count`` is clamped to 1–20, so nothing from
the address reaches the page but a known language and a number. The same list is offered
to scripts by the JSON API (``static/js/widget.js`` renders it).
"""

from __future__ import annotations

import re

from flask import Blueprint, current_app, g, render_template, request

from . import articles
from .conditional import conditional
from .views import _province_or_404

bp = Blueprint("embed", __name__)

COUNT_DEFAULT = 5
COUNT_MAX = 20
_SOURCE = re.compile(r"^(https?://)?(\*\.)?[A-Za-z0-9.-]+(:[0-9]{1,5})?$")


@bp.before_request
def _no_cookies():
    g.cookieless = True


def clamp_count(raw: str | None) -> int:
    if raw is None or not raw.strip().isdigit() or len(raw.strip()) > 6:
        return COUNT_DEFAULT
    return max(1, min(int(raw.strip()), COUNT_MAX))


def clamp_lang(raw: str | None) -> str:
    return raw if raw in ("vi", "en") else "vi"


def frame_ancestors() -> str:
    """The CSP source list from the setting; entries that are not plain origins are dropped
    (so the setting cannot inject other directives)."""
    sources = [s for s in current_app.config.get("EMBED_FRAME_ANCESTORS") or [] if _SOURCE.match(s)]
    return " ".join(["'self'", *sources])


def embed_csp() -> str:
    return (
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
        f"form-action 'none'; frame-ancestors {frame_ancestors()}"
    )


@bp.get("/embed/province/<code>")
def province(code: str):
    found = _province_or_404(code)
    lang, count = clamp_lang(request.args.get("lang")), clamp_count(request.args.get("count"))

    def render():
        items = articles.latest(count, province=found)
        return render_template("publish/embed.html", province=found, items=items, lang=lang)

    response = conditional(render)
    response.headers["Content-Security-Policy"] = embed_csp()
    response.headers["Referrer-Policy"] = "strict-origin"
    return response
