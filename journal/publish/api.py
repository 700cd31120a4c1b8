"""The read-only JSON API, ``/api/v1/``: issues, articles (filters, cursor pagination), one
article, full-text search, and its OpenAPI description at ``/api/v1/openapi.json``.

Every field that has two languages is an object ``{"vi": …, "en": …}``. Cursors are signed
(a tampered or foreign cursor answers 400) and bound to the filters they were made for.
Errors are JSON ``{"error": {"status": …, "message": …}}``. GET is open to every origin
(CORS); no cookies are read or set.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.exceptions import HTTPException

from ..errors import JournalError, NotFound
from ..provinces import province_by_code
from . import articles, issues
from .conditional import conditional, no_record
from .records import Article
from .urls import article_url, doi_url, issue_url, jats_url, pdf_url, public_url

bp = Blueprint("api", __name__, url_prefix="/api/v1")

LIMIT_DEFAULT = 20
LIMIT_MAX = 100
ID_MAX = 2**31 - 1  # the largest id a database column holds
LICENCE = "https://creativecommons.org/licenses/by/4.0/"


class BadRequest(JournalError):
    status = 400


@bp.before_request
def _no_cookies():
    g.cookieless = True


@bp.after_request
def _cors(response):
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
    response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    response.headers["Access-Control-Max-Age"] = "86400"
    return response


def json_error(status: int, message: str):
    """An error of the APIs under ``/api/``: ``{"error": {"status": …, "message": …}}``."""
    response = jsonify({"error": {"status": status, "message": str(message)}})
    response.status_code = status
    return response


@bp.errorhandler(JournalError)
def _journal_error(error: JournalError):
    return json_error(error.status, str(error.message))


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    return json_error(error.code or 500, error.description or error.name)


def _bilingual(obj, name: str) -> dict:
    return {"vi": getattr(obj, f"{name}_vi") or "", "en": getattr(obj, f"{name}_en") or ""}


def _time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def issue_json(issue) -> dict:
    return {
        "id": issue.id,
        "volume": issue.volume,
        "number": issue.number,
        "year": issue.year,
        "title": _bilingual(issue, "title"),
        "published": _time(issue.published_at),
        "url": issue_url(issue),
        "articles_url": public_url("api.articles_index", issue=issue.id),
    }


def article_json(article) -> dict:
    submission = article.submission
    issue = article.issue if article.issue is not None and article.issue.is_published else None
    task = submission.funded_task
    province = submission.province
    section = submission.section
    return {
        "id": article.id,
        "doi": article.doi,
        "doi_url": doi_url(article.doi),
        "url": article_url(article),
        "language": submission.language,
        "title": _bilingual(submission, "title"),
        "abstract": _bilingual(submission, "abstract"),
        "keywords": {"vi": submission.keywords("vi"), "en": submission.keywords("en")},
        "authors": [
            {"name": a.full_name, "affiliation": a.affiliation or "", "orcid": a.orcid or None}
            for a in submission.authors
        ],
        "section": {"code": section.code, "name": _bilingual(section, "name")} if section else None,
        "province": {"code": province.code, "name": _bilingual(province, "name")}
        if province
        else None,
        "funded_task": {
            "code": task.code,
            "title": _bilingual(task, "title"),
            "agency": task.agency,
            "programme": task.programme or "",
        }
        if task
        else None,
        "issue": {
            "id": issue.id,
            "volume": issue.volume,
            "number": issue.number,
            "year": issue.year,
        }
        if issue
        else None,
        "pages": {"first": article.first_page, "last": article.last_page}
        if issue and article.first_page
        else None,
        "published": _time(article.published_at),
        "updated": _time(article.updated_at),
        "galleys": {
            "html": article_url(article),
            "pdf": pdf_url(article),
            "jats": jats_url(article),
        },
        "licence": LICENCE,
    }


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="api-v1-cursor")


def _limit(raw: str | None) -> int:
    if raw is None:
        return LIMIT_DEFAULT
    if not re.fullmatch(r"[0-9]{1,3}", raw) or not 1 <= int(raw) <= LIMIT_MAX:
        raise BadRequest(_("limit must be a whole number from 1 to %(max)d.", max=LIMIT_MAX))
    return int(raw)


def _parse_filters(args) -> dict:
    """The filters of an article list; ``BadRequest`` for a malformed value (an empty one
    too), ``NotFound`` for a well-formed code or id that names nothing."""
    filters: dict = {}
    if "province" in args:
        code = args["province"]
        if not re.fullmatch(r"[A-Za-z]{2,8}", code):
            raise BadRequest(_("province must be a province code of 2 to 8 letters, e.g. CT."))
        filters["province"] = province_by_code(code)
        if filters["province"] is None:
            raise NotFound(_("There is no province with this code."))
    if "section" in args:
        code = args["section"]
        if not re.fullmatch(r"[a-z0-9_-]{1,32}", code):
            raise BadRequest(_("section must be a section code, e.g. research."))
        filters["section"] = issues.section_by_code(code)
        if filters["section"] is None:
            raise NotFound(_("There is no section with this code."))
    if "issue" in args:
        raw = args["issue"]
        if not re.fullmatch(r"[0-9]{1,9}", raw):
            raise BadRequest(_("issue must be the number of an issue (its id)."))
        filters["issue"] = issues.get_issue(int(raw))
    if "year" in args:
        raw = args["year"]
        if not (re.fullmatch(r"[0-9]{4}", raw) and 1900 <= int(raw) <= 2200):
            raise BadRequest(_("The year must be a number between 1900 and 2200."))
        filters["year"] = int(raw)
    if "language" in args:
        if args["language"] not in ("vi", "en"):
            raise BadRequest(_("The language must be vi or en."))
        filters["language"] = args["language"]
    if "updated_since" in args:
        filters["updated_since"] = _parse_time(args["updated_since"])
    return filters


def _parse_time(raw: str) -> datetime:
    try:
        if not raw.strip():
            raise ValueError(raw)
        value = datetime.fromisoformat(raw.upper().replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise BadRequest(
            _("updated_since must be a date or time in ISO 8601, e.g. 2025-06-01T00:00:00Z.")
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _fingerprint(args) -> str:
    wanted = "&".join(
        f"{k}={args.get(k, '')}"
        for k in ("province", "section", "issue", "year", "language", "updated_since")
    )
    return hashlib.sha256(wanted.encode()).hexdigest()[:16]


def _read_cursor(raw: str, fingerprint: str) -> tuple[datetime, int]:
    try:
        data = _serializer().loads(raw)
        if data["q"] != fingerprint:
            raise BadRequest(_("This cursor belongs to another query: start again without it."))
        return datetime.fromisoformat(data["p"]), int(data["i"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise BadRequest(
            _("The cursor is not valid: use the one the previous page gave.")
        ) from None


def checked_id(value: int) -> int:
    """An id from the path; beyond what the database holds, nothing has it."""
    if not 1 <= value <= ID_MAX:
        raise NotFound(_("There is nothing with this id."))
    return value


@bp.get("/")
def index():
    return conditional(
        lambda: jsonify(
            {
                "issues": public_url("api.issues_index"),
                "articles": public_url("api.articles_index"),
                "search": public_url("api.search"),
                "openapi": public_url("api.openapi"),
            }
        ),
        state=no_record,
    )


@bp.get("/issues")
def issues_index():
    def render():
        years = issues.archive()
        return jsonify({"data": [issue_json(i) for _year, found in years for i in found]})

    return conditional(render)


@bp.get("/issues/<int:issue_id>")
def issue_detail(issue_id: int):
    found = issues.get_issue(checked_id(issue_id))

    def render():
        contents = articles.issue_contents(found)
        data = issue_json(found)
        data["articles"] = [article_json(a) for _section, items in contents for a in items]
        return jsonify(data)

    return conditional(render)


@bp.get("/articles")
def articles_index():
    filters = _parse_filters(request.args)
    limit = _limit(request.args.get("limit"))
    fingerprint = _fingerprint(request.args)
    cursor = request.args.get("cursor")
    after = _read_cursor(cursor, fingerprint) if cursor else None  # empty: the first page

    def render():
        query = articles.filtered(articles.live(), **filters)
        if after is not None:
            published, article_id = after
            query = query.where(
                (Article.published_at < published)
                | ((Article.published_at == published) & (Article.id < article_id))
            )
        found = articles.load(articles.newest_first(query).limit(limit + 1))
        page, more = found[:limit], len(found) > limit
        body = {"data": [article_json(a) for a in page], "next_cursor": None, "next": None}
        if more:
            last = page[-1]
            token = _serializer().dumps(
                {"p": last.published_at.isoformat(), "i": last.id, "q": fingerprint}
            )
            args = {k: v for k, v in request.args.items() if k != "cursor"}
            body["next_cursor"] = token
            body["next"] = public_url("api.articles_index", **args, cursor=token)
        return jsonify(body)

    return conditional(render)


@bp.get("/articles/<int:article_id>")
def article_detail(article_id: int):
    found = articles.public_article(checked_id(article_id))
    if not found.is_live:
        response = jsonify(
            {
                "error": {"status": 410, "message": _("This article has been taken down.")},
                "article": {
                    "id": found.id,
                    "doi": found.doi,
                    "title": _bilingual(found.submission, "title"),
                    "unpublished": _time(found.unpublished_at),
                    "reason": found.unpublish_reason,
                },
            }
        )
        response.status_code = 410
        return response
    return conditional(lambda: jsonify(article_json(found)))


@bp.get("/counter/reports/ir")
def usage_item_report():
    """A COUNTER R5 item report in SUSHI's JSON shape (journal/usage/sushi.py)."""
    from ..models_base import utcnow
    from ..usage.sushi import InvalidItemReportRequest, item_report, parse_item_report_request
    from .discovery import journal

    try:
        wanted = parse_item_report_request(request.args)
    except InvalidItemReportRequest as error:
        response = jsonify(
            {
                "error": {"status": 400, "message": str(error.message)},
                "Exceptions": [error.as_exception()],
            }
        )
        response.status_code = 400
        return response
    report = item_report(
        wanted,
        platform=current_app.config["JOURNAL_ID"],
        publisher=journal().publisher,
        created=_time(utcnow()),
        article_url=article_url,
    )
    return jsonify(report)


SEARCH_LIMIT_MAX = 50


@bp.get("/search")
def search():
    """The public search (same query language, facets and engine as ``/search``).
    ``partial`` is true when the search stopped at its time limit: such an answer is never
    stored by caches."""
    from ..search import services
    from ..search.views import MAX_ARG_CHARS, filters_from_args

    text = request.args.get("q", "")
    if not text.strip() or len(text) > MAX_ARG_CHARS:
        raise BadRequest(_("Give the words to search for in q (at most 10,000 characters)."))
    page = request.args.get("page", "1")
    found = services.search_articles(
        text,
        filters=filters_from_args(),
        sort=request.args.get("sort", "relevance")[:32],
        page=int(page) if page.isdigit() and len(page) < 6 else 1,
        page_size=min(_clamp_limit(request.args.get("limit")), SEARCH_LIMIT_MAX),
    )
    partial = services.is_partial(found)
    response = jsonify(
        {
            "query": found.query,
            "total": found.total,
            "page": found.page,
            "pages": found.pages,
            "partial": partial,
            "error": found.error,
            "notices": found.notice_codes(),
            "suggestion": found.suggestion,
            "facets": {
                facet: [{"value": v.value, "count": v.count, "selected": v.selected} for v in vs]
                for facet, vs in found.facets.items()
            },
            "data": [_search_hit(hit) for hit in found.hits],
        }
    )
    response.headers["Cache-Control"] = "no-store" if partial else "public, no-cache"
    return response


def _search_hit(hit) -> dict:
    fields = hit.fields
    return {
        "id": int(hit.id),
        "rank": hit.rank,
        "score": round(hit.score, 4),
        "url": public_url("publish.article", article_id=int(hit.id)),
        "title": {"vi": fields.get("title_vi", ""), "en": fields.get("title_en", "")},
        "doi": fields.get("doi") or None,
        "published": fields.get("published"),
        "province": fields.get("province_code") or None,
        "section": fields.get("section") or None,
        "language": fields.get("language") or None,
        "year": fields.get("year"),
    }


@bp.get("/openapi.json")
def openapi():
    from .openapi import document

    return conditional(
        lambda: jsonify(document(public_url("api.index").rstrip("/"))), state=no_record
    )
