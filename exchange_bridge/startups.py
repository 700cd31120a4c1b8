"""Startup listings: spin-offs and startups built on results published in the journal.

An author of a published article, or an editor, flags one (linking the articles and
offers it builds on); the province editor of its province or the editor-in-chief approves
it, and it is listed and delivered to the startup portal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from journal.errors import PermissionDenied, WorkflowError
from journal.extensions import db
from journal.mail import deliver_after_commit as deliver_mail_after_commit
from journal.mail import external_url, queue_mail
from journal.models_base import utcnow
from journal.provinces import Province, province_editors
from journal.publish.records import Article
from journal.submissions.services import one_transaction

from .errors import AlreadyDone, BridgeError
from .models import Startup, TechnologyOffer
from .outbox import deliver_after_commit, queue_delivery
from .payloads import startup_object
from .permissions import (
    can_approve_startup,
    can_flag_startup,
    edits_province,
    is_author,
    is_bridge_editor,
    is_editor_in_chief,
)
from .text import clean, clean_url, folded, matches_terms, query_terms
from .vocabulary import FIELD_CODES, STARTUP_STAGES

NAME_MAX = 200
FOUNDERS_MAX = 2000
SUPPORT_MAX = 300
DESCRIPTION_MAX = 5000
LINKS_MAX = 20


@dataclass(frozen=True)
class StartupFields:
    name: str
    founders: str
    province_id: int | None
    field: str
    stage: str
    support_centre: str = ""
    website: str = ""
    description_vi: str = ""
    description_en: str = ""
    article_ids: Sequence[int] = field(default_factory=tuple)
    offer_ids: Sequence[int] = field(default_factory=tuple)


def _links(actor, fields: StartupFields) -> tuple[list[Article], list[TechnologyOffer]]:
    article_ids = sorted({int(i) for i in fields.article_ids})
    offer_ids = sorted({int(i) for i in fields.offer_ids})
    if len(article_ids) + len(offer_ids) > LINKS_MAX:
        raise BridgeError(_l("Link at most 20 articles and offers."))
    found_articles = list(
        db.session.execute(db.select(Article).where(Article.id.in_(article_ids))).scalars()
    )
    found_offers = list(
        db.session.execute(
            db.select(TechnologyOffer).where(TechnologyOffer.id.in_(offer_ids))
        ).scalars()
    )
    if len(found_articles) != len(article_ids) or any(not a.is_live for a in found_articles):
        raise BridgeError(_l("Link only articles published in the journal."))
    if len(found_offers) != len(offer_ids) or any(not o.is_listed for o in found_offers):
        raise BridgeError(_l("Link only listed technology offers."))
    if not found_articles and not found_offers:
        raise BridgeError(
            _l("Link at least one published article or technology offer the startup builds on.")
        )
    if not is_bridge_editor(actor):
        submissions = [a.submission for a in found_articles]
        submissions += [o.article.submission for o in found_offers]
        if not all(is_author(actor, s) for s in submissions):
            raise PermissionDenied(
                _l("Authors may link only their own articles and the offers made from them.")
            )
    return found_articles, found_offers


def _checked(fields: StartupFields) -> dict:
    too_long = _l("A text is too long.")
    name = clean(
        fields.name,
        NAME_MAX,
        _l("The name has at most 200 characters."),
        required=True,
        required_message=_l("Give the startup's name."),
    )
    founders = clean(
        fields.founders,
        FOUNDERS_MAX,
        _l("The list of founders is too long."),
        required=True,
        required_message=_l("Name at least one founder."),
    )
    province = db.session.get(Province, fields.province_id) if fields.province_id else None
    if province is None:
        raise BridgeError(_l("Choose a province from the list."))
    if fields.field not in FIELD_CODES:
        raise BridgeError(_l("Choose the field from the list."))
    if fields.stage not in STARTUP_STAGES:
        raise BridgeError(_l("Choose the stage from the list."))
    return {
        "name": name,
        "founders": "\n".join(line.strip() for line in founders.splitlines() if line.strip()),
        "province_id": province.id,
        "field": fields.field,
        "stage": fields.stage,
        "support_centre": clean(fields.support_centre, SUPPORT_MAX, too_long),
        "website": clean_url(
            fields.website, _l("The web site must be an address starting with https:// or http://.")
        ),
        "description_vi": clean(fields.description_vi, DESCRIPTION_MAX, too_long),
        "description_en": clean(fields.description_en, DESCRIPTION_MAX, too_long),
    }


def _approvers(startup: Startup) -> list:
    from journal.review.routing import editors_in_chief

    return province_editors(startup.province) or editors_in_chief()


@one_transaction
def flag_startup(actor, fields: StartupFields) -> Startup:
    """Propose a startup for the listing; the province's editors are told."""
    if not can_flag_startup(actor):
        raise PermissionDenied()
    values = _checked(fields)
    found_articles, found_offers = _links(actor, fields)
    startup = Startup(flagged_by_id=actor.id, status="pending", **values)
    startup.articles = found_articles
    startup.offers = found_offers
    db.session.add(startup)
    db.session.flush()
    startup.search_text = folded(
        startup.name,
        startup.founders,
        startup.support_centre,
        startup.description_vi,
        startup.description_en,
    )
    link = external_url("bridge.startup", startup_id=startup.id)
    for editor in _approvers(startup):
        if editor.id != actor.id:
            queue_mail(editor, "bridge_startup_flagged", startup=startup, actor=actor, link=link)
    db.session.commit()
    deliver_mail_after_commit()
    return startup


@one_transaction
def approve_startup(startup: Startup, actor) -> Startup:
    if not can_approve_startup(actor, startup):
        raise PermissionDenied()
    if startup.status == "approved":
        raise AlreadyDone(_l("This startup is already listed."))
    if startup.status == "withdrawn":
        raise WorkflowError(_l("This startup has been withdrawn."))
    now = utcnow()
    startup.status = "approved"
    startup.approved_at = now
    startup.approved_by_id = actor.id
    startup.updated_at = now
    db.session.flush()
    queue_delivery("startup", "upsert", startup.id, startup_object(startup))
    db.session.commit()
    deliver_after_commit()
    return startup


@one_transaction
def withdraw_startup(startup: Startup, actor) -> Startup:
    if not can_approve_startup(actor, startup):
        raise PermissionDenied()
    if startup.status == "withdrawn":
        raise AlreadyDone(_l("This startup has already been withdrawn."))
    was_listed = startup.status == "approved"
    now = utcnow()
    startup.status = "withdrawn"
    startup.withdrawn_at = now
    startup.updated_at = now
    if was_listed:
        queue_delivery("startup", "delete", startup.id, {"id": startup.id})
    db.session.commit()
    deliver_after_commit()
    return startup


@one_transaction
def refresh_startups_of(article) -> int:
    """Deliver again the listed startups that link ``article`` (taken down: their payload
    no longer names it). Returns how many."""
    listed = list(
        db.session.execute(
            db.select(Startup).where(
                Startup.status == "approved", Startup.articles.any(Article.id == article.id)
            )
        ).scalars()
    )
    for startup in listed:
        startup.updated_at = utcnow()
        queue_delivery("startup", "upsert", startup.id, startup_object(startup))
    db.session.commit()
    if listed:
        deliver_after_commit()
    return len(listed)


# ------------------------------------------------------------------ reading


def get_startup(startup_id: int) -> Startup | None:
    return db.session.get(Startup, startup_id)


def listed_startups(
    *, query: str = "", province=None, field: str = "", page: int = 1, size: int = 20
):
    select = db.select(Startup).where(Startup.status == "approved")
    select = select.where(*matches_terms(Startup.search_text, query_terms(query)))
    if province is not None:
        select = select.where(Startup.province_id == province.id)
    if field:
        select = select.where(Startup.field == field)
    total = db.session.execute(
        db.select(db.func.count()).select_from(select.subquery())
    ).scalar_one()
    items = db.session.execute(
        select.order_by(Startup.approved_at.desc(), Startup.id.desc())
        .offset((page - 1) * size)
        .limit(size)
    ).scalars()
    return list(items), total


def startups_to_approve(user) -> list[Startup]:
    pending = db.session.execute(
        db.select(Startup).where(Startup.status == "pending").order_by(Startup.created_at)
    ).scalars()
    if is_editor_in_chief(user):
        return list(pending)
    return [s for s in pending if edits_province(user, s.province_id)]


def linkable_articles(actor) -> list[Article]:
    """Live articles the actor may link: their own; editors, the newest 200."""
    from journal.publish import articles

    from .experts import published_articles_of

    if is_bridge_editor(actor):
        return articles.load(articles.newest_first(articles.live()).limit(200))
    return published_articles_of(actor)
