"""Cross-cutting web concerns: language, security headers, request ids, error pages, and
the public home page."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Blueprint, Flask, g, has_request_context, render_template, request
from flask.globals import request_ctx
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.local import LocalProxy

from .errors import JournalError
from .settings import journal_settings

log = logging.getLogger("journal.requests")
bp = Blueprint("web", __name__)

LANG_COOKIE = "lang"
API_PREFIX = "/api/"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

ERROR_MESSAGES = {
    400: _l("The request could not be understood. Check the form and try again."),
    403: _l("You are not allowed to see this page."),
    404: _l("This page does not exist."),
    405: _l("This address does not accept that kind of request."),
    409: _l("This step is not possible in the current state."),
    413: _l("The file is larger than the allowed size."),
    429: _l("Too many attempts. Wait a minute and try again."),
    500: _l("Something went wrong on our side. The error has been logged."),
}
ERROR_TITLES = {
    400: _l("Bad request"),
    403: _l("Forbidden"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("File too large"),
    429: _l("Too many requests"),
    500: _l("Server error"),
}


def select_locale() -> str:
    if not has_request_context():
        return "vi"
    wanted = request.args.get("lang")
    if wanted in ("vi", "en"):
        return wanted
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in ("vi", "en"):
        return cookie
    if current_user and current_user.is_authenticated:
        return current_user.locale
    return "vi"


def _remember_language(response):
    if g.get("cookieless"):  # feeds, API, OAI-PMH, the embedded widget: no cookies
        return response
    wanted = request.args.get("lang")
    if wanted in ("vi", "en"):
        response.set_cookie(
            LANG_COOKIE, wanted, max_age=365 * 24 * 3600, samesite="Lax", httponly=True
        )
        if current_user and current_user.is_authenticated and current_user.locale != wanted:
            from .accounts.services import set_locale

            set_locale(current_user, wanted)
    return response


def init_app(app: Flask) -> None:
    def _start():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex[:16]
        g.started = time.perf_counter()

    # First of all: a request refused by the CSRF check or a rate limit has its id too.
    app.before_request_funcs.setdefault(None, []).insert(0, _start)

    @app.after_request
    def _finish(response):
        response = _remember_language(response)
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CSP)
        if "frame-ancestors 'none'" in headers["Content-Security-Policy"]:
            headers.setdefault("X-Frame-Options", "DENY")  # a page with its own list may be framed
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers["X-Content-Type-Options"] = "nosniff"
        headers["X-Request-ID"] = g.get("request_id", "-")
        if app.config["ENV"] == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        user_id = None
        if getattr(current_user, "is_authenticated", False):
            headers.setdefault("Cache-Control", "private, no-store")
            user_id = current_user.id
        _log_request(response.status_code, user_id)
        return response

    @app.context_processor
    def _globals():
        return {
            "current_locale": str(get_locale() or "vi"),
            "other_locale": "en" if str(get_locale()) == "vi" else "vi",
            "request_id": g.get("request_id"),
            "settings": LocalProxy(journal_settings),
        }

    @app.errorhandler(JournalError)
    def _domain_error(error: JournalError):
        return error_page(error.status, error.message)

    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        return error_page(
            400,
            _l(
                "The form expired or was sent from another site. "
                "Go back, reload the page and send it again: nothing has been saved yet."
            ),
        )

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if request_ctx.url_adapter is None:  # untrusted Host header: no URLs can be built
            return _plain_error(error.code)
        if request.path.startswith(API_PREFIX):  # no route matched: still the API's JSON
            from .publish.api import json_error

            response = json_error(error.code, error.description or error.name)
            response.headers.update({k: v for k, v in error.get_headers() if k == "Allow"})
            return response
        return error_page(error.code, None, error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error in request %s", g.get("request_id", "-"))
        from .extensions import db

        db.session.rollback()
        return error_page(500, None)


def _log_request(status: int, user_id: int | None) -> None:
    """One line per request, with its fields for JSON logs (request_id comes with every
    record: journal/logs.py)."""
    duration_ms = round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1)
    log.info(
        "%s %s %d %.1fms user=%s",
        request.method,
        request.path,
        status,
        duration_ms,
        user_id if user_id is not None else "-",
        extra={
            "method": request.method,
            "path": request.path,
            "status": status,
            "duration_ms": duration_ms,
            "user_id": user_id,
        },
    )


def _plain_error(status: int):
    lines = []
    for lang in ("vi", "en"):
        with force_locale(lang):
            lines.append(f"{ERROR_TITLES.get(status, ERROR_TITLES[400])}: {ERROR_MESSAGES[400]}")
    return "\n".join(lines) + "\n", status, {"Content-Type": "text/plain; charset=utf-8"}


def error_page(status: int, message=None, http_error: HTTPException | None = None):
    """The bilingual error page: the message in Vietnamese and in English."""
    code_for_text = status if status in ERROR_MESSAGES else (400 if status < 500 else 500)
    parts = []
    for lang in ("vi", "en"):
        with force_locale(lang):
            parts.append(
                {
                    "lang": lang,
                    "title": str(ERROR_TITLES[code_for_text]),
                    "message": str(
                        message if message is not None else ERROR_MESSAGES[code_for_text]
                    ),
                }
            )
    response = render_template("errors.html", status=status, parts=parts)
    headers = {}
    if http_error is not None and status == 429:
        headers["Retry-After"] = "60"
    if http_error is not None and status == 405:
        headers.update({k: v for k, v in http_error.get_headers() if k == "Allow"})
    return response, status, headers


@bp.get("/")
def home():
    from .publish.views import home_page

    return home_page()
