"""The expert database: public profiles of people who opted in (off by default).

A profile shows the person's name, ORCID iD, affiliation and province (from their
account), their expertise keywords (their own plus the keywords of their published
articles) and their publications in the journal. Withdrawing consent deletes the profile
and its request matches, cancels its deliveries still waiting (their payload is never
sent), blanks the payloads kept in the delivery log and delivers a deletion instead.
"""

from __future__ import annotations

import json

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, update

from journal.accounts.models import User
from journal.errors import PermissionDenied
from journal.extensions import db
from journal.models_base import utcnow
from journal.submissions.models import SubmissionAuthor
from journal.submissions.services import one_transaction

from .errors import AlreadyDone
from .models import Delivery, ExpertProfile, RequestMatch
from .outbox import configured_targets, deliver_after_commit, queue_delivery
from .payloads import expert_object
from .permissions import can_be_expert
from .text import folded, matches_terms, query_terms
from .vocabulary import detect_fields

KEYWORDS_MAX = 60
WITHDRAWN_NOTE = "consent withdrawn: payload removed"


def published_articles_of(user: User) -> list:
    """Live articles the person is an author of (by account or e-mail address)."""
    from journal.publish import articles

    authored = db.select(SubmissionAuthor.submission_id).where(
        or_(
            SubmissionAuthor.user_id == user.id,
            db.func.lower(SubmissionAuthor.email) == user.email.casefold(),
        )
    )
    query = articles.live().where(articles.Article.submission_id.in_(authored))
    return articles.load(articles.newest_first(query))


def expert_keywords(user: User, publications) -> list[str]:
    """The person's own expertise, then the keywords of their articles (no repeats:
    "Lúa" and "lua" are one keyword)."""
    seen, keywords = set(), []
    candidates = list(user.expertise_list)
    for article in publications:
        candidates += article.submission.keywords("vi") + article.submission.keywords("en")
    for keyword in candidates:
        key = folded(keyword)
        if key and key not in seen:
            seen.add(key)
            keywords.append(keyword.strip())
    return keywords[:KEYWORDS_MAX]


def profile_of(user) -> ExpertProfile | None:
    if user is None or getattr(user, "id", None) is None:
        return None
    return db.session.execute(
        db.select(ExpertProfile).filter_by(user_id=user.id)
    ).scalar_one_or_none()


def get_expert(expert_id: int) -> ExpertProfile | None:
    """A public profile (None when there is none, or its account is deactivated)."""
    profile = db.session.get(ExpertProfile, expert_id)
    if profile is None or not profile.user.active:
        return None
    return profile


def _refresh(profile: ExpertProfile, publications) -> bool:
    """Recompute the stored keywords, fields and search text; whether anything changed."""
    user = profile.user
    keywords = expert_keywords(user, publications)
    fields = detect_fields(", ".join(keywords))
    values = {
        "keywords": ", ".join(keywords),
        "fields": ("," + ",".join(fields) + ",") if fields else "",
        "search_text": folded(
            user.full_name, user.affiliation, ", ".join(keywords), user.orcid or ""
        ),
    }
    changed = any(getattr(profile, name) != value for name, value in values.items())
    for name, value in values.items():
        setattr(profile, name, value)
    return changed


def _deliver_profile(profile: ExpertProfile, publications) -> None:
    profile.updated_at = utcnow()
    db.session.flush()
    queue_delivery("expert", "upsert", profile.id, expert_object(profile, publications))


def _require_self(user, actor) -> None:
    if actor is None or getattr(actor, "id", None) != user.id or not can_be_expert(actor):
        raise PermissionDenied()


@one_transaction
def opt_in(user: User, actor) -> ExpertProfile:
    """Publish ``user``'s expert profile (only they can) and deliver it."""
    _require_self(user, actor)
    if profile_of(user) is not None:
        raise AlreadyDone(_l("Your expert profile is already public."))
    profile = ExpertProfile(user_id=user.id, consented_at=utcnow())
    profile.user = user
    db.session.add(profile)
    publications = published_articles_of(user)
    _refresh(profile, publications)
    _deliver_profile(profile, publications)
    db.session.commit()
    deliver_after_commit()
    return profile


def forget_expert_deliveries(profile_id: int) -> None:
    """Cancel the expert's deliveries still waiting and blank every payload kept of them
    (a delivery being sent right now is blanked by the sender when it finishes)."""
    now = utcnow()
    db.session.execute(
        update(Delivery)
        .where(
            Delivery.kind == "expert",
            Delivery.subject_id == profile_id,
            Delivery.status == "pending",
            or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
        )
        .values(status="cancelled", finished_at=now, note=WITHDRAWN_NOTE)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Delivery)
        .where(
            Delivery.kind == "expert",
            Delivery.subject_id == profile_id,
            Delivery.action == "upsert",
            Delivery.status != "pending",
        )
        .values(body="")
        .execution_options(synchronize_session=False)
    )


@one_transaction
def withdraw_consent(user: User, actor) -> None:
    """Remove ``user``'s expert profile everywhere: the listing, the matches, the feeds
    and API, and the expert database (a deletion is delivered; nothing queued is sent)."""
    _require_self(user, actor)
    profile = profile_of(user)
    if profile is None:
        raise AlreadyDone(_l("You have no public expert profile."))
    profile_id = profile.id
    forget_expert_deliveries(profile_id)
    db.session.execute(db.delete(RequestMatch).where(RequestMatch.expert_id == profile_id))
    db.session.delete(profile)
    db.session.flush()
    queue_delivery("expert", "delete", profile_id, {"id": profile_id})
    db.session.commit()
    deliver_after_commit()


def _last_delivered_object(profile_id: int) -> dict | None:
    body = db.session.execute(
        db.select(Delivery.body)
        .where(
            Delivery.kind == "expert",
            Delivery.subject_id == profile_id,
            Delivery.status.in_(("pending", "sent", "dead")),
        )
        .order_by(Delivery.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    try:
        return json.loads(body)["object"] if body else None
    except (ValueError, KeyError, TypeError):
        return None


def _without_time(obj: dict | None) -> dict | None:
    return None if obj is None else {k: v for k, v in obj.items() if k != "updated"}


@one_transaction
def refresh_expert(user: User) -> bool:
    """Bring the profile up to date after a change of the account or of the person's
    publications, and deliver it if what the expert database knows has changed.
    Whether the profile changed."""
    profile = profile_of(user)
    if profile is None:
        return False
    publications = published_articles_of(profile.user)
    changed = _refresh(profile, publications)
    current = expert_object(profile, publications)
    stale = "experts" in configured_targets() and _without_time(current) != _without_time(
        _last_delivered_object(profile.id)
    )
    if changed or stale:
        changed = True
        _deliver_profile(profile, publications)
    db.session.commit()
    deliver_after_commit()
    return changed


# ------------------------------------------------------------------ reading


def listed_experts(
    *, query: str = "", province=None, field: str = "", page: int = 1, size: int = 20
):
    """(profiles on this page, total), by name."""
    select = (
        db.select(ExpertProfile)
        .join(User, User.id == ExpertProfile.user_id)
        .where(User.active.is_(True))
        .where(*matches_terms(ExpertProfile.search_text, query_terms(query)))
    )
    if province is not None:
        select = select.where(User.province_id == province.id)
    if field:
        select = select.where(ExpertProfile.fields.contains(f",{field},", autoescape=True))
    total = db.session.execute(
        db.select(db.func.count()).select_from(select.subquery())
    ).scalar_one()
    items = db.session.execute(
        select.order_by(User.full_name, ExpertProfile.id).offset((page - 1) * size).limit(size)
    ).scalars()
    return list(items), total


def expertise_for_review() -> dict[int, list[str]]:
    """{user id: keywords} of every public expert with an active account: what the
    reviewer suggestions match submissions against (their publications' keywords too)."""
    rows = db.session.execute(
        db.select(ExpertProfile.user_id, ExpertProfile.keywords)
        .join(User, User.id == ExpertProfile.user_id)
        .where(User.active.is_(True))
    )
    return {
        user_id: [k.strip() for k in keywords.split(",") if k.strip()] for user_id, keywords in rows
    }
