"""Technology offers: drafted when an article reporting a funded task is published,
completed and approved by its corresponding author or the province editor, then listed
and delivered to the technology exchange.

Public functions are services (one transaction each, the actor an argument) or read-only
queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from journal.accounts.models import User
from journal.errors import PermissionDenied, StaleError, WorkflowError
from journal.extensions import db
from journal.mail import deliver_after_commit as deliver_mail_after_commit
from journal.mail import external_url, queue_mail
from journal.models_base import utcnow
from journal.provinces import province_editors
from journal.publish.urls import article_url
from journal.submissions.services import one_transaction

from .errors import AlreadyDone, IncompleteOffer
from .models import TechnologyOffer
from .outbox import deliver_after_commit, queue_delivery
from .payloads import offer_object
from .permissions import can_manage_offer, edits_province, is_editor_in_chief
from .text import clean, clean_email, clean_phone, folded, matches_terms, query_terms
from .vocabulary import FIELD_CODES, IP_STATUSES, TRANSFER_MODES, detect_fields

TITLE_MAX = 500
SUMMARY_MAX = 5000
NAME_MAX = 200
ORGANISATION_MAX = 300
REASON_MAX = 2000


@dataclass(frozen=True)
class OfferFields:
    title_vi: str
    title_en: str
    summary_vi: str
    summary_en: str
    field: str
    trl: int | None
    ip_status: str
    transfer_modes: tuple[str, ...]
    contact_name: str
    contact_organisation: str
    contact_email: str
    contact_phone: str


def _recipients(offer: TechnologyOffer) -> list:
    """The corresponding author (account or address) and the province's editors."""
    from journal.review.routing import editors_in_chief

    submission = offer.article.submission
    people: list = []
    author = submission.corresponding_author
    if author is not None:
        account = db.session.get(User, author.user_id) if author.user_id else None
        people.append(account if account is not None and account.active else author.email)
    if offer.province is not None:
        people.extend(province_editors(offer.province))
    if len(people) <= 1:
        people.extend(editors_in_chief())
    seen, unique = set(), []
    for person in people:
        key = getattr(person, "email", person)
        if key and key.casefold() not in seen:
            seen.add(key.casefold())
            unique.append(person)
    return unique


def _search_text(offer: TechnologyOffer) -> str:
    task = offer.funded_task
    return folded(
        offer.title_vi,
        offer.title_en,
        offer.summary_vi,
        offer.summary_en,
        task.code if task else "",
        offer.contact_organisation,
    )


def offer_for(article) -> TechnologyOffer | None:
    return db.session.execute(
        db.select(TechnologyOffer).filter_by(article_id=article.id)
    ).scalar_one_or_none()


def draft_offer(article) -> TechnologyOffer | None:
    """Draft the offer of a newly published article reporting a funded task (once per
    article; None for articles without a funded task), and tell the people who complete it.
    """
    submission = article.submission
    task = submission.funded_task
    if task is None or not article.is_live:
        return None
    existing = offer_for(article)
    if existing is not None:
        return existing
    author = submission.corresponding_author
    fields = detect_fields(
        submission.keywords_vi, submission.keywords_en, submission.title_vi, submission.title_en
    )
    offer = TechnologyOffer(
        article_id=article.id,
        funded_task_id=task.id,
        province_id=task.province_id or submission.province_id,
        title_vi=submission.title_vi,
        title_en=submission.title_en,
        summary_vi=submission.abstract_vi,
        summary_en=submission.abstract_en,
        field=fields[0] if fields else "",
        doi=article.doi,
        url=article_url(article),
        contact_name=author.full_name if author else "",
        contact_organisation=(author.affiliation or "") if author else "",
        contact_email=(author.email or "") if author else "",
    )
    db.session.add(offer)
    try:
        db.session.flush()
    except IntegrityError:  # drafted at the same moment by another listener
        db.session.rollback()
        return offer_for(article)
    offer.search_text = _search_text(offer)
    link = external_url("bridge.edit_technology", offer_id=offer.id)
    for person in _recipients(offer):
        queue_mail(person, "bridge_offer_drafted", offer=offer, task=task, link=link)
    db.session.commit()
    deliver_mail_after_commit()
    return offer


def _modes(values) -> tuple[bool, bool, bool]:
    chosen = set(values or ())
    if chosen - set(TRANSFER_MODES):
        from .errors import BridgeError

        raise BridgeError(_l("Choose transfer modes from the list."))
    return ("licence" in chosen, "transfer" in chosen, "joint_development" in chosen)


def _checked(fields: OfferFields) -> dict:
    from .errors import BridgeError

    if fields.field not in ("", *FIELD_CODES):
        raise BridgeError(_l("Choose the field of application from the list."))
    if fields.ip_status not in ("", *IP_STATUSES):
        raise BridgeError(_l("Choose the intellectual property status from the list."))
    if fields.trl is not None and not (isinstance(fields.trl, int) and 1 <= fields.trl <= 9):
        raise BridgeError(_l("The readiness level is a whole number from 1 to 9."))
    licence, transfer, joint = _modes(fields.transfer_modes)
    too_long = _l("A text is too long.")
    return {
        "title_vi": clean(fields.title_vi, TITLE_MAX, _l("The title has at most 500 characters.")),
        "title_en": clean(fields.title_en, TITLE_MAX, _l("The title has at most 500 characters.")),
        "summary_vi": clean(fields.summary_vi, SUMMARY_MAX, _l("The summary is too long.")),
        "summary_en": clean(fields.summary_en, SUMMARY_MAX, _l("The summary is too long.")),
        "field": fields.field,
        "trl": fields.trl,
        "ip_status": fields.ip_status,
        "licence": licence,
        "transfer": transfer,
        "joint_development": joint,
        "contact_name": clean(fields.contact_name, NAME_MAX, too_long),
        "contact_organisation": clean(fields.contact_organisation, ORGANISATION_MAX, too_long),
        "contact_email": clean_email(
            fields.contact_email,
            _l("Enter a valid contact e-mail address, such as name@example.org."),
            required=False,
        ),
        "contact_phone": clean_phone(
            fields.contact_phone,
            _l("The phone number may contain only digits, spaces and + ( ) - ."),
        ),
    }


def missing_for_approval(offer: TechnologyOffer) -> list:
    """What an offer still lacks before it can be listed (translated labels)."""
    missing = []
    if not (offer.title_vi and offer.title_en):
        missing.append(_l("the title in both languages"))
    if not (offer.summary_vi and offer.summary_en):
        missing.append(_l("the summary in both languages"))
    if not offer.field:
        missing.append(_l("the field of application"))
    if offer.trl is None:
        missing.append(_l("the readiness level (TRL)"))
    if not offer.ip_status:
        missing.append(_l("the intellectual property status"))
    if not offer.transfer_modes:
        missing.append(_l("at least one transfer mode"))
    if not (offer.contact_name and offer.contact_email):
        missing.append(_l("a contact name and e-mail address"))
    return missing


class _Joined:
    def __init__(self, items):
        self.items = list(items)

    def __str__(self) -> str:
        return "; ".join(str(i) for i in self.items)


def _require_manage(actor, offer: TechnologyOffer) -> None:
    if not can_manage_offer(actor, offer):
        raise PermissionDenied()


def _deliver(offer: TechnologyOffer, action: str) -> None:
    db.session.flush()
    obj = offer_object(offer) if action == "upsert" else {"id": offer.id}
    queue_delivery("technology_offer", action, offer.id, obj)


@one_transaction
def update_offer(
    offer: TechnologyOffer, actor, fields: OfferFields, *, version: int | None = None
) -> TechnologyOffer:
    """Save the offer's details. A listed offer stays complete, and the change is
    delivered. ``version`` is the one the form was made from (a stale form is refused)."""
    _require_manage(actor, offer)
    if offer.status == "withdrawn":
        raise WorkflowError(_l("This offer has been withdrawn; it can no longer change."))
    if version is not None and version != offer.version:
        raise StaleError(
            _l("Someone else changed this offer while you were working. Reload the page.")
        )
    for name, value in _checked(fields).items():
        setattr(offer, name, value)
    if offer.is_listed:
        missing = missing_for_approval(offer)
        if missing:
            raise IncompleteOffer(
                _l(
                    "A listed offer must stay complete. Missing: %(missing)s.",
                    missing=_Joined(missing),
                )
            )
    offer.updated_at = utcnow()
    offer.search_text = _search_text(offer)
    if offer.is_listed:
        _deliver(offer, "upsert")
    db.session.commit()
    deliver_after_commit()
    return offer


@one_transaction
def approve_offer(offer: TechnologyOffer, actor) -> TechnologyOffer:
    """List a complete draft offer publicly and deliver it to the exchange."""
    _require_manage(actor, offer)
    if offer.status == "approved":
        raise AlreadyDone(_l("This offer is already listed."))
    if offer.status == "withdrawn":
        raise WorkflowError(_l("This offer has been withdrawn; it can no longer be approved."))
    if not offer.article.is_live:
        raise WorkflowError(_l("The article of this offer is no longer published."))
    missing = missing_for_approval(offer)
    if missing:
        raise IncompleteOffer(
            _l(
                "Complete the offer before approving it. Missing: %(missing)s.",
                missing=_Joined(missing),
            )
        )
    now = utcnow()
    offer.status = "approved"
    offer.approved_at = now
    offer.approved_by_id = actor.id
    offer.updated_at = now
    _deliver(offer, "upsert")
    db.session.commit()
    deliver_after_commit()
    return offer


def _withdraw(offer: TechnologyOffer, reason: str) -> None:
    was_listed = offer.is_listed
    now = utcnow()
    offer.status = "withdrawn"
    offer.withdrawn_at = now
    offer.withdraw_reason = reason
    offer.updated_at = now
    if was_listed:
        _deliver(offer, "delete")


@one_transaction
def withdraw_offer(offer: TechnologyOffer, actor, reason: str) -> TechnologyOffer:
    """Take an offer off the listing (and out of the exchange); it stays on record."""
    _require_manage(actor, offer)
    if offer.status == "withdrawn":
        raise AlreadyDone(_l("This offer has already been withdrawn."))
    reason = clean(reason, REASON_MAX, _l("The reason has at most 2000 characters."))
    _withdraw(offer, reason)
    db.session.commit()
    deliver_after_commit()
    return offer


@one_transaction
def withdraw_offer_of_unpublished(article) -> TechnologyOffer | None:
    """The article was taken down: so is its offer (listener of article_unpublished)."""
    offer = offer_for(article)
    if offer is None or offer.status == "withdrawn":
        return offer
    _withdraw(offer, f"article taken down: {article.unpublish_reason}"[:REASON_MAX])
    db.session.commit()
    deliver_after_commit()
    return offer


# ------------------------------------------------------------------ reading


def get_offer(offer_id: int) -> TechnologyOffer | None:
    return db.session.get(TechnologyOffer, offer_id)


def listed_offers(
    *, query: str = "", province=None, field: str = "", page: int = 1, size: int = 20
):
    """(offers on this page, total) of listed offers, newest approval first."""
    select = db.select(TechnologyOffer).where(TechnologyOffer.status == "approved")
    select = select.where(*matches_terms(TechnologyOffer.search_text, query_terms(query)))
    if province is not None:
        select = select.where(TechnologyOffer.province_id == province.id)
    if field:
        select = select.where(TechnologyOffer.field == field)
    total = db.session.execute(
        db.select(db.func.count()).select_from(select.subquery())
    ).scalar_one()
    items = db.session.execute(
        select.order_by(TechnologyOffer.approved_at.desc(), TechnologyOffer.id.desc())
        .offset((page - 1) * size)
        .limit(size)
    ).scalars()
    return list(items), total


def offers_to_manage(user) -> list[TechnologyOffer]:
    """Offers ``user`` may complete or approve that are not withdrawn: drafts first."""
    candidates = db.session.execute(
        db.select(TechnologyOffer)
        .where(TechnologyOffer.status != "withdrawn")
        .order_by(TechnologyOffer.status.desc(), TechnologyOffer.created_at.desc())
    ).scalars()
    if is_editor_in_chief(user):
        return list(candidates)
    return [
        o for o in candidates if edits_province(user, o.province_id) or can_manage_offer(user, o)
    ]
