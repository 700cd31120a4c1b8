"""The public site's pages and the editors' news pages."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from feedgen.feed import FeedGenerator
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..mail import external_url
from ..provinces import all_provinces
from ..settings import journal_settings
from . import services
from .forms import AnnouncementForm, DeleteAnnouncementForm
from .manuscript_template import manuscript_template as build_template

bp = Blueprint("site", __name__)

NEWS_PAGE = 20
FEED_SIZE = 30


@bp.app_context_processor
def _template_globals():
    return {"can_manage_news": services.can_manage_news}


def _locale() -> str:
    return str(get_locale() or "vi")


def _text_page(template: str, key: str, **context):
    locale = _locale()
    return render_template(
        template,
        text=services.render_text(services.page_text(key, locale)),
        text_lang=services.text_language(key, locale),
        **context,
    )


@bp.get("/about")
def about():
    locale = _locale()
    return _text_page(
        "site/about.html",
        "ABOUT",
        aims=services.render_text(services.page_text("AIMS_SCOPE", locale)),
        aims_lang=services.text_language("AIMS_SCOPE", locale),
        provinces=sorted(all_provinces(), key=lambda p: (not p.coordinating, p.name_vi)),
    )


@bp.get("/about/board")
def board():
    return render_template("site/board.html", boards=services.board_by_province())


@bp.get("/about/guidelines")
def guidelines():
    return _text_page("site/guidelines.html", "GUIDELINES")


@bp.get("/about/guidelines/manuscript-template-<any(vi, en):lang>.docx")
def manuscript_template(lang: str):
    response = Response(
        build_template(lang),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="manuscript-template-{lang}.docx"'
    )
    return response


@bp.get("/about/policies")
def policies():
    return _text_page("site/policies.html", "POLICIES")


@bp.get("/about/contact")
def contact():
    settings = journal_settings()
    coordinating = next((p for p in all_provinces() if p.coordinating), None)
    return render_template(
        "site/contact.html",
        email=settings["CONTACT_EMAIL"],
        address=settings["CONTACT_ADDRESS"],
        coordinating=coordinating,
    )


@bp.get("/favicon.ico")
def favicon():
    """The icon browsers ask for at the root (a few hundred bytes: read, not streamed, so no
    file stays open when a browser drops the request)."""
    icon = Path(current_app.static_folder, "img", "favicon.ico").read_bytes()
    response = current_app.response_class(icon, mimetype="image/vnd.microsoft.icon")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


# --- news ------------------------------------------------------------------------------------


@bp.get("/news")
def news():
    return render_template("site/news.html", items=services.latest_announcements(NEWS_PAGE))


@bp.get("/news/<int:announcement_id>")
def news_item(announcement_id: int):
    item = services.get_announcement(announcement_id)
    return render_template(
        "site/news_item.html", item=item, body=services.render_text(item.body(_locale()))
    )


@bp.get("/news/atom")
def news_feed():
    g.cookieless = True
    lang = request.args.get("lang") if request.args.get("lang") in ("vi", "en") else "vi"
    body = news_atom(services.latest_announcements(FEED_SIZE), lang)
    return Response(body, content_type="application/atom+xml; charset=utf-8")


def news_atom(items, lang: str) -> bytes:
    settings = journal_settings()
    other = "en" if lang == "vi" else "vi"
    feed = FeedGenerator()
    self_url = external_url("site.news_feed")
    feed.id(self_url)
    with force_locale(lang):
        title = _("News of the cooperation")
    feed.title(f"{title} · {settings[f'JOURNAL_TITLE_{lang.upper()}']}")
    feed.link(href=external_url("site.news"), rel="alternate")
    feed.link(href=self_url, rel="self")
    feed.language(lang)
    feed.author({"name": settings["JOURNAL_PUBLISHER"]})
    times = [item.updated_at for item in items]
    feed.updated(max(times) if times else datetime.fromtimestamp(0, UTC))
    for item in reversed(items):  # feedgen prepends: oldest first
        entry = feed.add_entry()
        url = external_url("site.news_item", announcement_id=item.id)
        entry.id(url)
        entry.title(f"{item.title(lang)} / {item.title(other)}")
        entry.link(href=url, rel="alternate")
        content = "".join(
            f'<div lang="{code}">{services.render_text(item.body(code))}</div>'
            for code in (lang, other)
            if item.body(code)
        )
        if content:
            entry.content(content, type="html")
        entry.published(item.published_at)
        entry.updated(item.updated_at)
    return feed.atom_str(pretty=True)


def _may_manage():
    if not services.can_manage_news(current_user):
        abort(403)


@bp.get("/news/manage")
@login_required
def news_manage():
    _may_manage()
    return render_template("site/news_manage.html", items=services.latest_announcements(200))


@bp.route("/news/new", methods=["GET", "POST"])
@login_required
def news_new():
    _may_manage()
    form = AnnouncementForm()
    if form.validate_on_submit():
        item = services.publish_announcement(current_user, form.data)
        flash(_("The announcement is published."), "success")
        return redirect(url_for("site.news_item", announcement_id=item.id))
    return render_template("site/news_form.html", form=form, item=None), 400 if form.errors else 200


@bp.route("/news/<int:announcement_id>/edit", methods=["GET", "POST"])
@login_required
def news_edit(announcement_id: int):
    _may_manage()
    item = services.get_announcement(announcement_id)
    form = AnnouncementForm(obj=item)
    if form.validate_on_submit():
        services.update_announcement(current_user, item, form.data)
        flash(_("The announcement is saved."), "success")
        return redirect(url_for("site.news_item", announcement_id=item.id))
    return render_template("site/news_form.html", form=form, item=item), 400 if form.errors else 200


@bp.route("/news/<int:announcement_id>/delete", methods=["GET", "POST"])
@login_required
def news_delete(announcement_id: int):
    _may_manage()
    item = services.get_announcement(announcement_id)
    form = DeleteAnnouncementForm()
    if form.validate_on_submit():
        services.delete_announcement(current_user, item)
        flash(_("The announcement is deleted."), "success")
        return redirect(url_for("site.news_manage"))
    return render_template("site/news_delete.html", form=form, item=item)
