"""Who may do what in the bridge. Views answer 403 with these, templates show or hide
links with them, and the services check them again.

- Technology offers: the corresponding author of the article, the province editor of the
  offer's province and the editor-in-chief complete, approve and withdraw them.
- Startups: an author of a published article, a province editor or the editor-in-chief
  flags one; the province editor of its province or the editor-in-chief approves or
  withdraws it.
- Expert profiles: every signed-in person with a confirmed address manages their own.
- Technology requests: anyone may post one; the province editor of its province and the
  editor-in-chief see it in full, list it or close it.
- The delivery log and retrying deliveries: administrators.
"""

from __future__ import annotations

from journal.extensions import db
from journal.provinces import BoardRole
from journal.submissions.models import SubmissionAuthor


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def is_editor_in_chief(user) -> bool:
    return _signed_in(user) and user.is_editor_in_chief


def edits_province(user, province_id: int | None) -> bool:
    return (
        _signed_in(user)
        and province_id is not None
        and province_id in user.province_ids(BoardRole.PROVINCE_EDITOR)
    )


def is_bridge_editor(user) -> bool:
    """The editor-in-chief or a province editor of some province."""
    return is_editor_in_chief(user) or (
        _signed_in(user) and bool(user.province_ids(BoardRole.PROVINCE_EDITOR))
    )


def _same_email(a: str | None, b: str | None) -> bool:
    return bool(a and b) and a.strip().casefold() == b.strip().casefold()


def is_corresponding_author(user, submission) -> bool:
    if not _signed_in(user):
        return False
    author = submission.corresponding_author
    if author is None:
        return submission.owner_id == user.id
    return author.user_id == user.id or _same_email(author.email, user.email)


def is_author(user, submission) -> bool:
    if not _signed_in(user):
        return False
    return submission.owner_id == user.id or any(
        a.user_id == user.id or _same_email(a.email, user.email) for a in submission.authors
    )


def can_manage_offer(user, offer) -> bool:
    """Complete, approve or withdraw this offer."""
    if is_editor_in_chief(user) or edits_province(user, offer.province_id):
        return True
    return is_corresponding_author(user, offer.article.submission)


def can_view_offer(user, offer) -> bool:
    return offer.is_listed or can_manage_offer(user, offer)


def can_see_offer_queue(user) -> bool:
    """The list of offers to complete (an author sees their own)."""
    return _signed_in(user)


def can_flag_startup(user) -> bool:
    """Editors, and authors of at least one published article."""
    if is_bridge_editor(user):
        return True
    if not _signed_in(user):
        return False
    from journal.publish.records import Article

    found = db.session.execute(
        db.select(Article.id)
        .join(SubmissionAuthor, SubmissionAuthor.submission_id == Article.submission_id)
        .where(
            Article.published_at.is_not(None),
            Article.unpublished_at.is_(None),
            db.or_(
                SubmissionAuthor.user_id == user.id,
                db.func.lower(SubmissionAuthor.email) == user.email.casefold(),
            ),
        )
        .limit(1)
    ).first()
    return found is not None


def can_approve_startup(user, startup) -> bool:
    return is_editor_in_chief(user) or edits_province(user, startup.province_id)


def can_view_startup(user, startup) -> bool:
    if startup.status == "approved" or can_approve_startup(user, startup):
        return True
    return _signed_in(user) and startup.flagged_by_id == user.id


def can_be_expert(user) -> bool:
    return _signed_in(user) and user.is_active and user.email_confirmed


def can_moderate_request(user, request) -> bool:
    return is_editor_in_chief(user) or edits_province(user, request.province_id)


def can_see_request_queue(user) -> bool:
    return is_bridge_editor(user)


def can_view_deliveries(user) -> bool:
    return _signed_in(user) and user.is_admin


TEMPLATE_PREDICATES = {
    "bridge_can_manage_offer": can_manage_offer,
    "bridge_can_flag_startup": can_flag_startup,
    "bridge_can_approve_startup": can_approve_startup,
    "bridge_can_be_expert": can_be_expert,
    "bridge_can_moderate_request": can_moderate_request,
    "bridge_is_editor": is_bridge_editor,
    "bridge_can_view_deliveries": can_view_deliveries,
}
