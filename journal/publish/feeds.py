"""Atom and RSS 2.0 feeds (feedgen): all articles, each province, each section, each issue.

Entries are bilingual: the title in both languages (``?lang=en`` puts English first), the
summary holds both abstracts, each in a block marked with its ``lang``. Entry ids are the
articles' DOI URLs: they never change, whatever the site's address. Feeds answer
conditional requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator
from flask import Blueprint, current_app, g, request
from flask_babel import lazy_gettext as _l
from markupsafe import escape

from ..errors import NotFound
from . import articles, issues
from .conditional import conditional
from .discovery import journal
from .urls import article_url, doi_url, public_url
from .views import _province_or_404, _section_or_404

bp = Blueprint("feeds", __name__)

MEDIA_TYPES = {"atom": "application/atom+xml", "rss": "application/rss+xml"}


@bp.before_request
def _no_cookies():
    g.cookieless = True


@dataclass(frozen=True)
class FeedSpec:
    feed_id: str
    title: str
    self_url: str
    page_url: str
    lang: str


def _other(lang: str) -> str:
    return "en" if lang == "vi" else "vi"


def entry_title(submission, lang: str) -> str:
    first = getattr(submission, f"title_{lang}") or submission.title(lang)
    second = getattr(submission, f"title_{_other(lang)}")
    return f"{first} / {second}" if second and second != first else first


def entry_summary(submission, lang: str) -> str:
    """Both abstracts as HTML, each block with its ``lang`` (text escaped)."""
    blocks = []
    for code in (lang, _other(lang)):
        text = getattr(submission, f"abstract_{code}") or ""
        paragraphs = [p for p in (" ".join(x.split()) for x in text.split("\n\n")) if p]
        if paragraphs:
            inner = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
            blocks.append(f'<div lang="{code}">{inner}</div>')
    return "".join(blocks)


def build_feed(fmt: str, spec: FeedSpec, items, updated: datetime | None) -> bytes:
    """The feed document for ``items`` (published articles, newest first)."""
    info = journal()
    feed = FeedGenerator()
    feed.load_extension("dc", atom=False, rss=True)  # RSS names authors as dc:creator
    feed.id(spec.feed_id)
    feed.title(spec.title)
    feed.subtitle(f"{info.title_vi} · {info.title_en}")
    feed.link(href=spec.self_url, rel="self")
    feed.link(href=spec.page_url, rel="alternate")  # the last link is RSS's <link>: the page
    feed.language(spec.lang)
    feed.author({"name": info.publisher})
    feed.generator(info.title(spec.lang))
    feed.rights("CC BY 4.0")
    times = [a.updated_at for a in items] + ([updated] if updated else [])
    feed.updated(max(times) if times else datetime.fromtimestamp(0).astimezone())
    for article in reversed(items):  # feedgen prepends: add oldest first
        submission = article.submission
        entry = feed.add_entry()
        entry.id(doi_url(article.doi))
        entry.guid(doi_url(article.doi), permalink=True)
        entry.title(entry_title(submission, spec.lang))
        entry.link(href=article_url(article), rel="alternate")
        entry.summary(entry_summary(submission, spec.lang), type="html")
        entry.published(article.published_at)
        entry.updated(article.updated_at)
        for author in submission.authors:
            entry.author({"name": author.full_name})
            entry.dc.dc_creator(author.full_name)
        if submission.section is not None:
            entry.category(term=submission.section.code, label=submission.section.name(spec.lang))
    if fmt == "atom":
        return feed.atom_str(pretty=True)
    return feed.rss_str(pretty=True)


def _lang() -> str:
    return request.args.get("lang") if request.args.get("lang") in ("vi", "en") else "vi"


def _scope(scope: str, key: str, lang: str):
    """(filters, title, page URL) of a feed; NotFound for unknown provinces, sections, issues."""
    info = journal()
    if scope == "all":
        return {}, info.title(lang), public_url("web.home")
    if scope == "province":
        province = _province_or_404(key)
        title = f"{info.title(lang)} · {province.name(lang)}"
        return {"province": province}, title, public_url("publish.province", code=province.code)
    if scope == "section":
        section = _section_or_404(key)
        title = f"{info.title(lang)} · {section.name(lang)}"
        return {"section": section}, title, public_url("publish.section", code=section.code)
    issue = issues.get_issue(int(key)) if key.isdigit() and len(key) < 10 else None
    if issue is None:
        raise NotFound(_l("There is no such issue."))
    label = f"{issue.volume}({issue.number}), {issue.year}"
    return (
        {"issue": issue},
        f"{info.title(lang)} · {label}",
        public_url("publish.issue", issue_id=issue.id),
    )


@bp.get("/feeds/<any(atom, rss):fmt>", defaults={"scope": "all", "key": "all"})
@bp.get("/feeds/<any(province, section, issue):scope>/<key>/<any(atom, rss):fmt>")
def feed(scope: str, key: str, fmt: str):
    lang = _lang()
    filters, title, page_url = _scope(scope, key, lang)

    def render():
        items = articles.latest(current_app.config["FEED_SIZE"], **filters)
        # Each language is a feed of its own: its own address and id.
        extra = {"lang": "en"} if lang == "en" else {}
        self_url = public_url("feeds.feed", scope=scope, key=key, fmt=fmt, **extra)
        spec = FeedSpec(self_url, title, self_url, page_url, lang)
        body = build_feed(fmt, spec, items, None)
        return body, 200, {"Content-Type": f"{MEDIA_TYPES[fmt]}; charset=utf-8"}

    return conditional(render)
