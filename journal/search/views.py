"""The public search page (/search) and staff search over submissions (/search/submissions)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, make_response, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..errors import JournalError, PermissionDenied
from ..workflow import STAGE_LABELS
from . import engine as codes
from . import services, staff
from .engine import FACETS, SORTS
from .labels import facet_labels

bp = Blueprint("search", __name__)

MAX_PAGE = 10_000
MAX_ARG_CHARS = 10_000

NOTICES = {
    codes.EMPTY_QUERY: _l("Type a few words to search the published articles."),
    codes.INDEX_UNAVAILABLE: _l("Search is not available at the moment."),
    services.INDEX_REBUILDING: _l(
        "The search index is being rebuilt. Try again in a minute; nothing has been lost."
    ),
    codes.ONLY_EXCLUSIONS: _l("Say what to look for, not only what to leave out."),
    codes.QUERY_TRUNCATED: _l("The search was too long: only its beginning was used."),
    codes.TOO_MANY_TERMS: _l("The search had too many words: only the first ones were used."),
    codes.UNBALANCED_QUOTE: _l(
        "A quotation mark was not closed: the words were searched as they are."
    ),
    codes.WILDCARDS_IGNORED: _l("Wildcards (*, ?) are not supported: they were ignored."),
    codes.UNKNOWN_FIELD: _l(
        "Unknown prefix “%(detail)s”: use author:, keyword:, title:, doi: or task:."
    ),
    codes.OPERATOR_IGNORED: _l("A lone operator was ignored: words are combined with AND."),
    codes.UNKNOWN_FACET: _l("An unknown filter was ignored."),
    codes.INVALID_FACET_VALUE: _l("A filter value was not valid and was ignored."),
    codes.PAGE_OUT_OF_RANGE: _l("There is no such page of results."),
    codes.UNKNOWN_SORT: _l("Unknown sort order: results are sorted by relevance."),
    codes.TIMED_OUT: _l(
        "These results are incomplete: the search stopped at its time limit. "
        "Try again, or add words or filters."
    ),
}


class BadSearch(JournalError):
    status = 400
    default_message = _l("This search could not be understood.")


def _arg(name: str) -> str:
    value = request.args.get(name, "")
    if len(value) > MAX_ARG_CHARS:
        raise BadSearch(_l("The search is too long."))
    return value


def _page() -> int:
    raw = request.args.get("page", "1").strip()
    try:
        return max(-1, min(int(raw), MAX_PAGE)) if len(raw) <= 8 else MAX_PAGE
    except ValueError:
        return 1


def filters_from_args() -> dict[str, list[str]]:
    return {f: request.args.getlist(f)[:20] for f in FACETS if request.args.getlist(f)}


def notice_messages(notices) -> list[str]:
    messages = []
    for notice in notices:
        message = NOTICES.get(notice.code)
        if message is not None:
            messages.append(str(message) % {"detail": notice.detail[:32]})
    return list(dict.fromkeys(messages))


def _problems(results) -> list:
    """The error (if any) first, then the notices."""
    error = [codes.Notice(results.error)] if results.error else []
    return error + list(results.notices)


def search_link(results, **change) -> str:
    """The address of the results with one thing changed (``toggle=(facet, value)``, ``sort``,
    ``page``, ``q``): filters are kept, the page goes back to 1 unless given."""
    params: list[tuple[str, str]] = [("q", change.get("q", results.query))]
    toggle = change.get("toggle")
    for facet in FACETS:
        values = list(results.filters.get(facet, ()))
        if toggle and toggle[0] == facet:
            value = str(toggle[1])
            values = [v for v in values if v != value] if value in values else [*values, value]
        params.extend((facet, v) for v in values)
    sort = change.get("sort", results.sort)
    if sort != "relevance":
        params.append(("sort", sort))
    page = change.get("page", 1)
    if page != 1:
        params.append(("page", str(page)))
    return url_for("search.results") + "?" + urlencode(params)


@bp.route("/search")
def results():
    text = _arg("q")
    found = None
    if text.strip():
        found = services.search_articles(
            text, filters=filters_from_args(), sort=_arg("sort") or "relevance", page=_page()
        )
    partial = services.is_partial(found)
    response = make_response(
        render_template(
            "search/results.html",
            query=text,
            results=found,
            partial=partial,
            messages=notice_messages(_problems(found)) if found else [],
            labels=facet_labels(str(get_locale() or "vi")),
            link=search_link,
            sorts=SORTS,
        )
    )
    if partial:
        response.headers["Cache-Control"] = "no-store"  # a complete answer may come next time
    return response


@bp.route("/search/submissions")
@login_required
def submissions():
    if not staff.can_search_submissions(current_user):
        raise PermissionDenied(_l("Staff search is for editors and board members."))
    text = _arg("q")
    found = staff.search_submissions(current_user, text, page=max(1, _page()))
    return render_template(
        "search/submissions.html",
        query=text,
        found=found,
        messages=notice_messages(found.notices),
        stage_labels=STAGE_LABELS,
    )
