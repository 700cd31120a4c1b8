"""Atom feeds (feedgen) of the four listings: the newest entries first, each entry's text
escaped by the XML writer (a title with markup stays text). Entry ids are the entries'
public addresses, built from BASE_URL."""

from __future__ import annotations

from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from flask import Blueprint, current_app, g, request
from flask_babel import gettext as _

from journal.mail import external_url
from journal.publish.conditional import conditional
from journal.settings import journal_settings

from . import demand, experts, offers, startups
from .listings import listing_state
from .views import listing_filters

bp = Blueprint("bridge_feeds", __name__)

ATOM = "application/atom+xml; charset=utf-8"
EPOCH = datetime.fromtimestamp(0, UTC)


@bp.before_request
def _no_cookies():
    g.cookieless = True


def _lang() -> str:
    return request.args.get("lang") if request.args.get("lang") in ("vi", "en") else "vi"


def _feed(endpoint: str, page_endpoint: str, title: str, entries):
    """``entries``: (id URL, title, summary text, updated time) newest first; read only
    when the reader's copy is not current."""
    return conditional(lambda: _build(endpoint, page_endpoint, title, entries), state=listing_state)


def _build(endpoint: str, page_endpoint: str, title: str, entries) -> tuple:
    lang = _lang()
    self_url = external_url(endpoint, **request.args.to_dict())
    feed = FeedGenerator()
    feed.id(self_url)
    journal_title = journal_settings()["JOURNAL_TITLE_EN" if lang == "en" else "JOURNAL_TITLE_VI"]
    feed.title(f"{title} · {journal_title}")
    feed.link(href=external_url(page_endpoint), rel="alternate")
    feed.link(href=self_url, rel="self")
    feed.language(lang)
    feed.author({"name": journal_settings()["JOURNAL_PUBLISHER"]})
    entries = list(entries)
    feed.updated(max((e[3] for e in entries), default=EPOCH))
    for url, entry_title, summary, updated in reversed(entries):  # feedgen prepends
        entry = feed.add_entry()
        entry.id(url)
        entry.title(entry_title)
        entry.link(href=url, rel="alternate")
        entry.summary(summary, type="text")
        entry.updated(updated)
    return feed.atom_str(pretty=True), 200, {"Content-Type": ATOM}


def _listed(find):
    """The entries of a listing, read when first iterated (after the validators)."""
    yield from _items(find)


def _items(find):
    filters = listing_filters(request.args)
    items, _total = find(
        query=filters.query,
        province=filters.province,
        field=filters.field,
        page=1,
        size=current_app.config["BRIDGE_PAGE_SIZE"],
    )
    return items


def _both(vi: str, en: str, lang: str) -> str:
    first, second = (en, vi) if lang == "en" else (vi, en)
    return f"{first} / {second}" if first and second and first != second else first or second


@bp.get("/technologies/feed.atom")
def technologies():
    lang = _lang()
    entries = (
        (
            external_url("bridge.technology", offer_id=o.id),
            _both(o.title_vi, o.title_en, lang),
            _both(o.summary_vi, o.summary_en, lang),
            o.updated_at,
        )
        for o in _listed(offers.listed_offers)
    )
    return _feed(
        "bridge_feeds.technologies", "bridge.technologies", _("Technology offers"), entries
    )


@bp.get("/startups/feed.atom")
def startups_feed():
    lang = _lang()
    entries = (
        (
            external_url("bridge.startup", startup_id=s.id),
            s.name,
            _both(s.description_vi, s.description_en, lang),
            s.updated_at,
        )
        for s in _listed(startups.listed_startups)
    )
    return _feed("bridge_feeds.startups_feed", "bridge.startups", _("Startups"), entries)


@bp.get("/experts/feed.atom")
def experts_feed():
    entries = (
        (
            external_url("bridge.expert", expert_id=p.id),
            p.user.full_name,
            f"{p.user.affiliation} — {p.keywords}" if p.user.affiliation else p.keywords,
            p.updated_at,
        )
        for p in _listed(experts.listed_experts)
    )
    return _feed("bridge_feeds.experts_feed", "bridge.experts", _("Experts"), entries)


@bp.get("/requests/feed.atom")
def requests_feed():
    entries = (
        (
            external_url("bridge.request", request_id=r.id),
            r.title,
            f"{r.organisation}: {r.need}",
            r.updated_at,
        )
        for r in _listed(demand.listed_requests)
    )
    return _feed("bridge_feeds.requests_feed", "bridge.requests", _("Technology requests"), entries)
