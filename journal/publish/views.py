"""Public pages: home, issue tables of contents, archive, sections, provinces, article
landing pages (with galleys and citations), tombstones. Every page answers conditional
requests (journal/publish/conditional.py)."""

from __future__ import annotations

import io
import re

from flask import Blueprint, Response, abort, render_template, request, send_file
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from ..errors import JournalError, NotFound
from ..provinces import all_provinces, province_by_code
from ..storage import file_store
from ..usage.queries import article_figures
from ..usage.recording import record_usage
from . import articles, citations, discovery, galleys, issues
from .conditional import conditional
from .urls import article_url

bp = Blueprint("publish", __name__)

PAGE_SIZE = 20
HOME_LATEST = 8
CITATION_FORMATS = {
    "bib": ("application/x-bibtex; charset=utf-8", citations.bibtex),
    "ris": ("application/x-research-info-systems; charset=utf-8", citations.ris),
}
_MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}


class Gone(JournalError):
    status = 410
    default_message = _l("This article has been taken down. Its page gives the citation.")


def _page_number() -> int:
    raw = request.args.get("page", "1")
    return max(1, min(int(raw), 10_000)) if raw.isdigit() else 1


def _province_or_404(code: str):
    province = province_by_code(code) if re.fullmatch(r"[A-Za-z]{2,8}", code) else None
    if province is None:
        raise NotFound(_l("There is no province with this code."))
    return province


def _section_or_404(code: str):
    section = issues.section_by_code(code) if re.fullmatch(r"[a-z0-9_-]{1,32}", code) else None
    if section is None:
        raise NotFound(_l("There is no section with this code."))
    return section


def cite(article) -> citations.CiteData:
    info = discovery.journal()
    return citations.cite_data(
        article,
        url=article_url(article),
        journal=info.title(article.submission.language),
        journal_abbrev=info.abbrev,
        publisher=info.publisher,
        issn=info.issns,
    )


def home_page():
    """The home page (``web.home``): current issue, latest articles, provinces."""

    def render():
        current = issues.current_issue()
        return render_template(
            "home.html",
            provinces=all_provinces(),
            current_issue=current,
            current_contents=articles.issue_toc(current, str(get_locale())) if current else [],
            latest=articles.latest(HOME_LATEST),
        )

    return conditional(render)


@bp.get("/issues/<int:issue_id>")
def issue(issue_id: int):
    def render():
        found = issues.get_issue(issue_id)
        contents = articles.issue_toc(found, str(get_locale()))
        return render_template("publish/issue.html", issue=found, contents=contents)

    return conditional(render)


@bp.get("/archive")
def archive():
    return conditional(lambda: render_template("publish/archive.html", years=issues.archive()))


def _listing(template: str, **filters):
    page = _page_number()
    found = articles.load(
        articles.newest_first(articles.filtered(articles.live(), **filters))
        .limit(PAGE_SIZE + 1)
        .offset((page - 1) * PAGE_SIZE)
    )
    return render_template(
        template, articles=found[:PAGE_SIZE], page=page, has_next=len(found) > PAGE_SIZE, **filters
    )


@bp.get("/sections/<code>")
def section(code: str):
    found = _section_or_404(code)
    return conditional(lambda: _listing("publish/section.html", section=found))


@bp.get("/provinces/<code>")
def province(code: str):
    found = _province_or_404(code)
    return conditional(lambda: _listing("publish/province.html", province=found))


@bp.get("/articles/<int:article_id>")
def article(article_id: int):
    usage = article_figures(article_id)
    shown = {"kind": "html"}  # the page carries the full text: a COUNTER request

    def render():
        found = articles.public_article(article_id)
        if not found.is_live:
            text = citations.formatted(cite(found))
            return render_template("publish/tombstone.html", article=found, citation_text=text), 410
        references = galleys.references(found.galley)
        full_text = galleys.inline_html(found.galley, galleys.media_url_base(found.id))
        if not full_text:
            shown["kind"] = "page"
        return render_template(
            "publish/article.html",
            article=found,
            citation_text=citations.formatted(cite(found)),
            highwire=discovery.highwire_tags(found, references),
            dublin_core=discovery.dublin_core_tags(found),
            json_ld=discovery.json_ld(found),
            full_text=full_text,
            usage=usage,
        )

    response = conditional(render, vary=f"{usage.views}|{usage.downloads}")
    return _recorded(response, article_id, shown["kind"])


def _recorded(response, article_id: int, kind: str):
    """Count a reader's GET that was answered (304 too: the reader has the page)."""
    if request.method == "GET" and response.status_code in (200, 304):
        record_usage(article_id, kind, ip=request.remote_addr, user_agent=request.user_agent.string)
    return response


def _live_article(article_id: int):
    found = articles.public_article(article_id)
    if not found.is_live:
        raise Gone()
    return found


def _download(sha256: str, mimetype: str, name: str, *, attachment: bool = False):
    with file_store().open(sha256) as stream:
        data = io.BytesIO(stream.read())
    response = send_file(
        data,
        mimetype=mimetype,
        download_name=name,
        as_attachment=attachment,
        conditional=True,
        etag=sha256,
    )
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def _file_stem(found) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", found.doi.split("/", 1)[-1]) or f"article-{found.id}"


@bp.get("/articles/<int:article_id>/pdf")
def article_pdf(article_id: int):
    found = _live_article(article_id)
    response = _download(found.galley.pdf_sha256, "application/pdf", f"{_file_stem(found)}.pdf")
    return _recorded(response, found.id, "pdf")


@bp.get("/articles/<int:article_id>/jats.xml")
def article_jats(article_id: int):
    found = _live_article(article_id)
    response = send_file(
        io.BytesIO(galleys.public_jats(found.galley)),
        mimetype="application/xml",
        download_name=f"{_file_stem(found)}.xml",
        conditional=True,
        etag=f"{found.galley.jats_sha256}-public",
    )
    response.headers["Cache-Control"] = "public, max-age=86400"
    return _recorded(response, found.id, "jats")


@bp.get("/articles/<int:article_id>/media/<name>")
def article_media(article_id: int, name: str):
    found = _live_article(article_id)
    sha256 = galleys.media_names(found.galley).get(name)
    suffix = name[name.rfind(".") :].lower() if "." in name else ""
    if sha256 is None or suffix not in _MEDIA_TYPES:
        abort(404)
    response = _download(sha256, _MEDIA_TYPES[suffix], name)
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"
    )
    return response


@bp.get("/articles/<int:article_id>/cite.<fmt>")
def article_citation(article_id: int, fmt: str):
    if fmt not in CITATION_FORMATS:
        abort(404)
    found = articles.public_article(article_id)
    mimetype, formatter = CITATION_FORMATS[fmt]

    def render():
        response = Response(formatter(cite(found)), mimetype=mimetype.split(";")[0])
        response.headers["Content-Type"] = mimetype
        response.headers["Content-Disposition"] = (
            f'attachment; filename="{_file_stem(found)}.{fmt}"'
        )
        return response

    return conditional(render)
