"""The public site's services: the texts of its pages (from the journal settings), the board
by province, and the announcements editors publish."""

from __future__ import annotations

from dataclasses import dataclass

import nh3
from flask_babel import lazy_gettext as _l
from markdown_it import MarkdownIt
from markupsafe import Markup

from ..accounts.models import User
from ..errors import JournalError, NotFound, PermissionDenied
from ..extensions import db
from ..models_base import utcnow
from ..provinces import BoardMembership, Province, all_provinces
from ..review.permissions import is_editor
from ..settings import journal_settings
from .models import Announcement

NEWS_ON_HOME = 3
TITLE_MAX = 300
BODY_MAX = 20_000

# Markdown without raw HTML (CommonMark's html option off), links kept to http(s) and mail.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False})


def render_text(text: str | None) -> Markup:
    """A page text an administrator or editor wrote (Markdown, no HTML) as safe HTML."""
    html = _markdown.render(text or "")
    return Markup(nh3.clean(html, url_schemes={"http", "https", "mailto"}))  # noqa: S704


def page_text(key: str, locale: str) -> str:
    """The setting ``KEY_VI`` / ``KEY_EN`` for ``locale`` (the other language when empty)."""
    settings = journal_settings()
    first, second = ("EN", "VI") if locale == "en" else ("VI", "EN")
    return settings.get(f"{key}_{first}") or settings.get(f"{key}_{second}") or ""


def text_language(key: str, locale: str) -> str:
    """The language :func:`page_text` answers in (for the ``lang`` attribute)."""
    wanted = "en" if locale == "en" else "vi"
    if journal_settings().get(f"{key}_{wanted.upper()}"):
        return wanted
    return "vi" if wanted == "en" else "en"


@dataclass(frozen=True)
class BoardSeat:
    full_name: str
    affiliation: str
    orcid: str | None
    role: str


@dataclass(frozen=True)
class ProvinceBoard:
    province: Province
    seats: list[BoardSeat]


def board_by_province() -> list[ProvinceBoard]:
    """Each department and its representatives on the board (two queries)."""
    rows = db.session.execute(
        db.select(BoardMembership.province_id, BoardMembership.role, User)
        .join(User, User.id == BoardMembership.user_id)
        .where(User.active.is_(True))
        .order_by(BoardMembership.role.desc(), User.full_name, User.id)
    ).all()
    seats: dict[int, list[BoardSeat]] = {}
    for province_id, role, user in rows:
        seats.setdefault(province_id, []).append(
            BoardSeat(user.full_name, user.affiliation or "", user.orcid, role)
        )
    provinces = sorted(all_provinces(), key=lambda p: (not p.coordinating, p.name_vi))
    return [ProvinceBoard(p, seats.get(p.id, [])) for p in provinces]


# --- announcements --------------------------------------------------------------------------


class AnnouncementError(JournalError):
    status = 400
    default_message = _l("The announcement was not saved.")


def can_manage_news(user) -> bool:
    """Editors (the editor-in-chief, province editors) and administrators."""
    return bool(getattr(user, "is_authenticated", False)) and (is_editor(user) or user.is_admin)


def latest_announcements(limit: int) -> list[Announcement]:
    return list(
        db.session.execute(
            db.select(Announcement)
            .order_by(Announcement.published_at.desc(), Announcement.id.desc())
            .limit(limit)
        ).scalars()
    )


def get_announcement(announcement_id: int) -> Announcement:
    found = db.session.get(Announcement, announcement_id)
    if found is None:
        raise NotFound(_l("There is no such announcement."))
    return found


def _checked(values: dict) -> dict[str, str]:
    clean = {
        k: (values.get(k) or "").strip() for k in ("title_vi", "title_en", "body_vi", "body_en")
    }
    if not clean["title_vi"] or not clean["title_en"]:
        raise AnnouncementError(_l("An announcement needs a title in Vietnamese and in English."))
    if any(len(clean[k]) > TITLE_MAX for k in ("title_vi", "title_en")):
        raise AnnouncementError(_l("A title has at most %(n)d characters.", n=TITLE_MAX))
    if any(len(clean[k]) > BODY_MAX for k in ("body_vi", "body_en")):
        raise AnnouncementError(_l("A text has at most %(n)d characters.", n=BODY_MAX))
    if any("\x00" in v for v in clean.values()):
        raise AnnouncementError(_l("This text holds a character that cannot be stored (NUL)."))
    return clean


def publish_announcement(actor, values: dict) -> Announcement:
    if not can_manage_news(actor):
        raise PermissionDenied()
    announcement = Announcement(**_checked(values), author_id=actor.id, published_at=utcnow())
    db.session.add(announcement)
    db.session.commit()
    return announcement


def update_announcement(actor, announcement: Announcement, values: dict) -> Announcement:
    if not can_manage_news(actor):
        raise PermissionDenied()
    for key, value in _checked(values).items():
        setattr(announcement, key, value)
    announcement.updated_at = utcnow()
    db.session.commit()
    return announcement


def delete_announcement(actor, announcement: Announcement) -> None:
    if not can_manage_news(actor):
        raise PermissionDenied()
    db.session.delete(announcement)
    db.session.commit()
