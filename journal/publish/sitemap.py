"""``/sitemap.xml`` (home, archive, the journal's pages, news, provinces, sections, every
published issue and live article, each announcement) and ``/robots.txt`` (the editorial and
personal areas are kept out)."""

from __future__ import annotations

from flask import Blueprint, Response, g
from lxml import etree

from ..extensions import db
from ..provinces import all_provinces
from ..site.models import Announcement
from ..submissions.models import Section
from .conditional import conditional
from .records import Article, Issue
from .urls import public_url

bp = Blueprint("sitemap", __name__)

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
# The areas behind a login (tests/publish/test_pages.py checks each against the routes).
PRIVATE = (
    "/account/",
    "/admin/",
    "/dashboard",
    "/submissions/",
    "/editorial/",
    "/reviews/",
    "/revisions/",
    "/production/",
    "/reports/",
    "/tasks/",
    "/usage/",
    "/search/submissions",
    "/bridge/",
    "/technologies/manage",
    "/startups/manage",
    "/startups/new",
    "/requests/manage",
    "/requests/mine/",
    "/requests/new",
    "/experts/me",
    "/news/manage",
    "/news/new",
)

SITE_PAGES = (
    "site.about",
    "site.board",
    "site.guidelines",
    "site.policies",
    "site.contact",
    "site.news",
)


@bp.before_request
def _no_cookies():
    g.cookieless = True


def _url(root, loc: str, lastmod=None) -> None:
    url = etree.SubElement(root, f"{{{SITEMAP}}}url")
    etree.SubElement(url, f"{{{SITEMAP}}}loc").text = loc
    if lastmod is not None:
        etree.SubElement(url, f"{{{SITEMAP}}}lastmod").text = lastmod.strftime("%Y-%m-%d")


def build_sitemap() -> bytes:
    root = etree.Element(f"{{{SITEMAP}}}urlset", nsmap={None: SITEMAP})
    _url(root, public_url("web.home"))
    _url(root, public_url("publish.archive"))
    for endpoint in SITE_PAGES:
        _url(root, public_url(endpoint))
    for province in all_provinces():
        _url(root, public_url("publish.province", code=province.code))
    for section in db.session.execute(db.select(Section).filter_by(active=True)).scalars():
        _url(root, public_url("publish.section", code=section.code))
    for issue in db.session.execute(
        db.select(Issue).where(Issue.published_at.is_not(None)).order_by(Issue.id)
    ).scalars():
        _url(root, public_url("publish.issue", issue_id=issue.id), issue.updated_at)
    rows = db.session.execute(
        db.select(Article.id, Article.updated_at)
        .where(Article.published_at.is_not(None), Article.unpublished_at.is_(None))
        .order_by(Article.id)
    )
    for article_id, updated_at in rows:
        _url(root, public_url("publish.article", article_id=article_id), updated_at)
    for item_id, updated_at in db.session.execute(
        db.select(Announcement.id, Announcement.updated_at).order_by(Announcement.id)
    ):
        _url(root, public_url("site.news_item", announcement_id=item_id), updated_at)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@bp.get("/sitemap.xml")
def sitemap():
    return conditional(lambda: Response(build_sitemap(), content_type="application/xml"))


@bp.get("/robots.txt")
def robots():
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in PRIVATE), "Allow: /"]
    lines += ["", f"Sitemap: {public_url('sitemap.sitemap')}", ""]
    return Response("\n".join(lines), content_type="text/plain; charset=utf-8")
