"""The demand side: technology requests posted by enterprises.

A request is matched at once against the listed offers, the published articles and the
public experts (exchange_bridge/matching.py); the best matches are shown to the requester
and mailed to them (with a private link) and to the editors of the request's province.
A new request is seen by those people only; an editor lists it publicly or closes it.
The requester's e-mail address and phone number are never shown publicly (the listing
names the organisation and the contact person).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from journal.accounts.models import User
from journal.errors import PermissionDenied
from journal.extensions import db
from journal.mail import deliver_after_commit as deliver_mail_after_commit
from journal.mail import external_url, queue_mail
from journal.models_base import utcnow
from journal.provinces import Province, province_editors
from journal.submissions.services import one_transaction

from .errors import AlreadyDone, BridgeError, SpamRefused
from .matching import Candidate, rank
from .models import ExpertProfile, RequestMatch, TechnologyOffer, TechnologyRequest
from .permissions import can_moderate_request, is_editor_in_chief
from .text import clean, clean_email, clean_phone, folded, matches_terms, query_terms
from .vocabulary import FIELD_CODES, detect_fields

ORGANISATION_MAX = 300
NAME_MAX = 200
TITLE_MAX = 300
NEED_MAX = 5000
ARTICLES_CONSIDERED = 2000


@dataclass(frozen=True)
class RequestFields:
    organisation: str
    contact_name: str
    contact_email: str
    contact_phone: str
    title: str
    need: str
    field: str
    province_id: int | None
    locale: str = "vi"


def _checked(fields: RequestFields) -> dict:
    too_long = _l("A text is too long.")
    province = db.session.get(Province, fields.province_id) if fields.province_id else None
    if province is None:
        raise BridgeError(_l("Choose a province from the list."))
    if fields.field not in FIELD_CODES:
        raise BridgeError(_l("Choose the field from the list."))
    return {
        "organisation": clean(
            fields.organisation,
            ORGANISATION_MAX,
            too_long,
            required=True,
            required_message=_l("Give the name of your enterprise or organisation."),
        ),
        "contact_name": clean(
            fields.contact_name,
            NAME_MAX,
            too_long,
            required=True,
            required_message=_l("Give the name of the contact person."),
        ),
        "contact_email": clean_email(
            fields.contact_email, _l("Enter a valid e-mail address, such as name@example.org.")
        ),
        "contact_phone": clean_phone(
            fields.contact_phone,
            _l("The phone number may contain only digits, spaces and + ( ) - ."),
        ),
        "title": clean(
            fields.title,
            TITLE_MAX,
            _l("The title has at most 300 characters."),
            required=True,
            required_message=_l("Give your need a short title."),
        ),
        "need": clean(
            fields.need,
            NEED_MAX,
            _l("The description has at most 5000 characters."),
            required=True,
            required_message=_l("Describe the technology you need."),
        ),
        "field": fields.field,
        "province_id": province.id,
        "locale": fields.locale if fields.locale in ("vi", "en") else "vi",
    }


def candidates() -> list[Candidate]:
    """Every listed offer, published article (the newest 2000) and public expert."""
    from journal.publish import articles

    found = [
        Candidate(
            "offer",
            o.id,
            " ".join((o.title_vi, o.title_en, o.summary_vi, o.summary_en)),
            o.field,
            o.province_id,
        )
        for o in db.session.execute(
            db.select(TechnologyOffer).where(TechnologyOffer.status == "approved")
        ).scalars()
    ]
    for article in articles.load(articles.newest_first(articles.live()).limit(ARTICLES_CONSIDERED)):
        s = article.submission
        keywords = ", ".join(s.keywords("vi") + s.keywords("en"))
        found.append(
            Candidate(
                "article",
                article.id,
                " ".join((s.title_vi, s.title_en, s.abstract_vi, s.abstract_en, keywords)),
                tuple(detect_fields(keywords, s.title_vi, s.title_en)),
                s.province_id,
            )
        )
    experts = db.session.execute(
        db.select(ExpertProfile)
        .join(User, User.id == ExpertProfile.user_id)
        .where(User.active.is_(True))
    ).scalars()
    for profile in experts:
        found.append(
            Candidate(
                "expert",
                profile.id,
                profile.keywords,
                tuple(profile.field_list),
                profile.user.province_id,
            )
        )
    return found


def _match(request: TechnologyRequest) -> None:
    per_kind = current_app.config["BRIDGE_MATCHES_PER_KIND"]
    found = rank(
        f"{request.title} {request.need}",
        candidates(),
        field=request.field,
        province_id=request.province_id,
        per_kind=per_kind,
    )
    ranks: dict[str, int] = {}
    for match in found:
        kind = match.candidate.kind
        ranks[kind] = ranks.get(kind, 0) + 1
        request.matches.append(
            RequestMatch(
                kind=kind,
                score=match.score,
                rank=ranks[kind],
                **{f"{kind}_id": match.candidate.id},
            )
        )


@dataclass(frozen=True)
class MatchView:
    kind: str
    title_vi: str
    title_en: str
    url: str
    score: float

    def title(self, locale: str) -> str:
        primary = self.title_en if locale == "en" else self.title_vi
        return primary or self.title_vi or self.title_en


def describe(matches) -> list[MatchView]:
    """What a page or a message shows of each match: titles and public address."""
    shown = []
    for m in matches:
        if m.kind == "offer":
            o = m.offer
            url = external_url("bridge.technology", offer_id=o.id)
            shown.append(MatchView("offer", o.title_vi, o.title_en, url, m.score))
        elif m.kind == "article":
            s = m.article.submission
            url = external_url("publish.article", article_id=m.article_id)
            shown.append(MatchView("article", s.title_vi, s.title_en, url, m.score))
        elif m.expert is not None:
            user = m.expert.user
            label = f"{user.full_name} ({user.affiliation})" if user.affiliation else user.full_name
            url = external_url("bridge.expert", expert_id=m.expert_id)
            shown.append(MatchView("expert", label, label, url, m.score))
    return shown


def _editors(request: TechnologyRequest) -> list[User]:
    from journal.review.routing import editors_in_chief

    return province_editors(request.province) or editors_in_chief()


@one_transaction
def post_request(fields: RequestFields, *, honeypot: str = "") -> TechnologyRequest:
    """Record a request, match it, and mail the matches to the requester and the
    province's editors. A filled-in honeypot field is refused (and nothing is kept)."""
    if (honeypot or "").strip():
        raise SpamRefused(_l("The form could not be accepted: leave the last field empty."))
    values = _checked(fields)
    request = TechnologyRequest(token=secrets.token_urlsafe(32), status="new", **values)
    request.search_text = folded(request.title, request.need, request.organisation)
    db.session.add(request)
    db.session.flush()
    _match(request)
    db.session.flush()
    private_link = external_url("bridge.my_request", token=request.token)
    queue_mail(
        request.contact_email,
        "bridge_request_matches",
        locale=request.locale,
        tech_request=request,
        matches=describe(request.matches),
        link=private_link,
    )
    for editor in _editors(request):
        queue_mail(
            editor,
            "bridge_request_editor",
            tech_request=request,
            matches=describe(request.matches),
            link=external_url("bridge.request", request_id=request.id),
        )
    db.session.commit()
    deliver_mail_after_commit()
    return request


@one_transaction
def list_request(request: TechnologyRequest, actor) -> TechnologyRequest:
    """Show the request on the public list (without its contact details)."""
    if not can_moderate_request(actor, request):
        raise PermissionDenied()
    if request.status == "listed":
        raise AlreadyDone(_l("This request is already listed."))
    now = utcnow()
    request.status = "listed"
    request.listed_at = now
    request.closed_at = None
    request.reviewed_by_id = actor.id
    request.updated_at = now
    db.session.commit()
    return request


@one_transaction
def close_request(request: TechnologyRequest, actor) -> TechnologyRequest:
    """Close a request (answered, out of date, or spam): it leaves the public list."""
    if not can_moderate_request(actor, request):
        raise PermissionDenied()
    if request.status == "closed":
        raise AlreadyDone(_l("This request is already closed."))
    now = utcnow()
    request.status = "closed"
    request.closed_at = now
    request.reviewed_by_id = actor.id
    request.updated_at = now
    db.session.commit()
    return request


# ------------------------------------------------------------------ reading


def get_request(request_id: int) -> TechnologyRequest | None:
    return db.session.get(TechnologyRequest, request_id)


def request_by_token(token: str) -> TechnologyRequest | None:
    if not token or len(token) > 64:
        return None
    found = db.session.execute(
        db.select(TechnologyRequest).filter_by(token=token)
    ).scalar_one_or_none()
    if found is None or not secrets.compare_digest(found.token, token):
        return None
    return found


def listed_requests(
    *, query: str = "", province=None, field: str = "", page: int = 1, size: int = 20
):
    select = db.select(TechnologyRequest).where(TechnologyRequest.status == "listed")
    select = select.where(*matches_terms(TechnologyRequest.search_text, query_terms(query)))
    if province is not None:
        select = select.where(TechnologyRequest.province_id == province.id)
    if field:
        select = select.where(TechnologyRequest.field == field)
    total = db.session.execute(
        db.select(db.func.count()).select_from(select.subquery())
    ).scalar_one()
    items = db.session.execute(
        select.order_by(TechnologyRequest.listed_at.desc(), TechnologyRequest.id.desc())
        .offset((page - 1) * size)
        .limit(size)
    ).scalars()
    return list(items), total


def requests_to_moderate(user) -> list[TechnologyRequest]:
    new = db.session.execute(
        db.select(TechnologyRequest)
        .where(TechnologyRequest.status == "new")
        .order_by(TechnologyRequest.created_at.desc())
        .limit(500)
    ).scalars()
    if is_editor_in_chief(user):
        return list(new)
    return [r for r in new if can_moderate_request(user, r)]
