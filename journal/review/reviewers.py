"""Reviewers: suggestions and conflicts of interest, invitations (a registered user or a
new person by e-mail), accepting and declining, the review itself, reminders.

Public functions are services (one transaction each, the actor an argument) or read-only
queries. Nothing sent to a reviewer names an author; nothing sent to an author names a
reviewer.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app, render_template
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, true, update

from .. import signals, workflow
from ..accounts.models import User
from ..accounts.services import (
    check_password_strength,
    create_user,
    normalize_email,
    user_by_email,
)
from ..dates import end_of_local_day, local_today
from ..errors import InvalidUpload, JournalError, PermissionDenied, TooLarge, WorkflowError
from ..events import record_event
from ..extensions import db
from ..filetypes import MANUSCRIPT_TYPES, sniff_manuscript, sniff_supplementary
from ..mail import deliver_after_commit, external_url, queue_mail, render_message
from ..models_base import utcnow
from ..provinces import BoardMembership
from ..settings import review_questions
from ..storage import file_store
from ..submissions.models import Submission, SubmissionAuthor, SubmissionFile
from ..submissions.services import check_upload, human_size, one_transaction, zip_limits
from .anonymise import Place, PlaceList, document_text, find_leaks, fold, make_needles, scrub
from .labels import recommendation_label
from .models import OPEN_STATUSES, AssignmentStatus, Rating, Recommendation, ReviewAssignment
from .permissions import (
    edits_province,
    handling_editor,
    is_author_of,
    require_handling,
    require_reviewer,
)
from .routing import editors_in_chief
from .services import assignments_of
from .tokens import invitation_token

# Due dates are the end of the day in Vietnam (UTC+7, no daylight saving time).
NAME_MAX = 200
EMAIL_MAX = 254
REASON_MAX = 2000
MESSAGE_MAX = 5000
COMPETING_INTERESTS_MAX = 5000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class InvitationError(JournalError):
    status = 400
    default_message = _l("The reviewer could not be invited.")


class ConflictOfInterest(JournalError):
    status = 409
    default_message = _l("This person cannot review this submission.")


class InvitationClosed(WorkflowError):
    """The invitation was declined, withdrawn, or the review is done."""


class WrongAccount(PermissionDenied):
    default_message = _l(
        "This invitation was sent to another person. Log out, then open the link again."
    )


class InvalidReview(JournalError):
    status = 400
    default_message = _l("The review could not be saved: check the fields.")


class ReviewLocked(WorkflowError):
    default_message = _l("You have already submitted this review; it can no longer be changed.")


def clean_text(value: str | None) -> str:
    """Stripped text without control characters (NUL bytes are refused by PostgreSQL)."""
    return _CONTROL.sub("", value or "").strip()


def _limited(value: str | None, maximum: int, message, error=InvalidReview) -> str:
    value = clean_text(value)
    if len(value) > maximum:
        raise error(message)
    return value


def due_at_end_of(day: date) -> datetime:
    """The end of ``day`` in Vietnam, as a UTC time."""
    return end_of_local_day(day)


def default_due_date() -> date:
    days = current_app.config["REVIEW_DUE_DAYS"]
    return local_today() + timedelta(days=days)


def _check_due(due_at: datetime, error=InvitationError) -> datetime:
    now = utcnow()
    if due_at <= now or due_at > now + timedelta(days=366):
        raise error(_l("The due date must be after today and within a year."))
    return due_at


def editors_to_notify(submission: Submission) -> list[User]:
    editor = handling_editor(submission)
    return [editor] if editor is not None else editors_in_chief()


def anonymous_title(submission: Submission) -> str:
    return submission.title_vi or submission.title_en


# --- conflicts and suggestions ------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    kind: str  # "author", "institution", "coauthor", "province_editor"
    message: object


def _same_institution(a: str, b: str) -> bool:
    fa, fb = " ".join(fold(a).split()), " ".join(fold(b).split())
    if not fa or not fb:
        return False
    if fa == fb:
        return True
    shorter, longer = sorted((fa, fb), key=len)
    return len(shorter) >= 8 and shorter in longer


def _author_keys(submission: Submission) -> tuple[set[int], set[str]]:
    ids = {submission.owner_id} | {a.user_id for a in submission.authors if a.user_id}
    emails = {a.email.strip().casefold() for a in submission.authors if a.email}
    emails.add(submission.owner.email.casefold())
    return ids, emails


def _coauthored(submission: Submission, user_id: int | None, email: str) -> bool:
    """Whether the person and an author of ``submission`` wrote another submission
    together (any earlier submission, in any stage but draft)."""
    email = email.strip().casefold()
    person = [db.func.lower(SubmissionAuthor.email) == email]
    if user_id is not None:
        person.append(SubmissionAuthor.user_id == user_id)
    theirs = db.select(SubmissionAuthor.submission_id).where(
        or_(*person), SubmissionAuthor.submission_id != submission.id
    )
    ids, emails = _author_keys(submission)
    shared = db.session.execute(
        db.select(SubmissionAuthor.id)
        .join(Submission, Submission.id == SubmissionAuthor.submission_id)
        .where(
            SubmissionAuthor.submission_id.in_(theirs),
            Submission.stage != workflow.Stage.DRAFT.value,
            or_(
                SubmissionAuthor.user_id.in_(ids),
                db.func.lower(SubmissionAuthor.email).in_(emails),
            ),
        )
        .limit(1)
    ).first()
    return shared is not None


def conflicts_for(submission: Submission, *, user: User | None, email: str) -> list[Conflict]:
    """What speaks against this person reviewing ``submission``. An author can never be
    invited; the others are flagged and need the editor's reason."""
    ids, emails = _author_keys(submission)
    email = (user.email if user else email).strip().casefold()
    if (user is not None and (user.id in ids or is_author_of(user, submission))) or email in emails:
        return [Conflict("author", _l("An author of this submission."))]
    found = []
    affiliation = user.affiliation if user is not None else ""
    for author in submission.authors:
        if affiliation and _same_institution(affiliation, author.affiliation or ""):
            found.append(
                Conflict(
                    "institution",
                    _l("Same institution as an author: %(name)s.", name=author.affiliation),
                )
            )
            break
    if _coauthored(submission, user.id if user else None, email):
        found.append(Conflict("coauthor", _l("Co-author of an author on another submission.")))
    if user is not None and edits_province(user, submission.province_id):
        found.append(
            Conflict(
                "province_editor",
                _l("Editor of this submission's province: sees the authors' names."),
            )
        )
    return found


def _tokens(text: str) -> frozenset[str]:
    return frozenset(t for t in re.split(r"[\W_]+", fold(text)) if t)


def _keywords_match(expertise: str, keywords: list[frozenset[str]]) -> bool:
    mine = _tokens(expertise)
    return bool(mine) and any(mine <= k or k <= mine for k in keywords if k)


@dataclass
class Suggestion:
    user: User
    matched: list[str] = field(default_factory=list)
    board: bool = False
    conflicts: list[Conflict] = field(default_factory=list)
    status: str | None = None  # their assignment in this round, if any

    @property
    def can_invite(self) -> bool:
        return self.status is None and not any(c.kind == "author" for c in self.conflicts)


SUGGESTIONS_MAX = 30


def listener_expertise(submission: Submission) -> dict[int, list[str]]:
    """More people to consider and their keywords, from the listeners of
    ``signals.reviewer_expertise`` (the exchange bridge's public experts, with the keywords
    of their published articles)."""
    extra: dict[int, list[str]] = {}
    for _receiver, found in signals.reviewer_expertise.send(submission):
        for user_id, words in (found or {}).items():
            extra.setdefault(user_id, []).extend(words)
    return extra


def suggest_reviewers(submission: Submission) -> list[Suggestion]:
    """Board members and users whose expertise matches the submission's keywords, with
    their conflicts; the best matches first, people who cannot be invited last."""
    keywords = [_tokens(k) for k in submission.keywords("vi") + submission.keywords("en")]
    board_ids = set(db.session.execute(db.select(BoardMembership.user_id)).scalars())
    extra = listener_expertise(submission)
    candidates = db.session.execute(
        db.select(User).where(
            User.active.is_(True),
            or_(User.id.in_(board_ids), User.expertise != "", User.id.in_(extra)),
        )
    ).scalars()
    editor = handling_editor(submission)
    current = {
        a.reviewer_id: a.status
        for a in assignments_of(submission, submission.round)
        if a.reviewer_id and a.status != AssignmentStatus.CANCELLED
    }
    suggestions = []
    for user in candidates:
        if editor is not None and user.id == editor.id:
            continue
        expertise = dict.fromkeys(user.expertise_list + extra.get(user.id, []))
        matched = [k for k in expertise if _keywords_match(k, keywords)]
        if not matched and user.id not in board_ids:
            continue
        suggestions.append(
            Suggestion(
                user=user,
                matched=matched,
                board=user.id in board_ids,
                conflicts=conflicts_for(submission, user=user, email=user.email),
                status=current.get(user.id),
            )
        )
    suggestions.sort(
        key=lambda s: (not s.can_invite, bool(s.conflicts), -len(s.matched), s.user.full_name)
    )
    return suggestions[:SUGGESTIONS_MAX]


# --- invitations --------------------------------------------------------------------------


def invitation_texts(submission: Submission) -> dict[str, str]:
    """The invitation's own paragraph in both languages, as the editor may edit it."""
    texts = {}
    for lang in ("vi", "en"):
        with force_locale(lang):
            texts[lang] = render_template(
                "review/letters/invitation.txt", round=submission.round
            ).strip()
    return texts


def _invitation_mail(
    assignment: ReviewAssignment, submission: Submission, messages=None, link=None
) -> dict:
    return {
        "recipient": assignment.reviewer or assignment.invitee_email,
        "template": "review_invitation",
        "locale": None if assignment.reviewer else submission.language,
        "assignment": assignment,
        "submission": submission,
        "name": assignment.reviewer_name,
        "messages": messages,
        "link": link or external_url("review.invitation", token=invitation_token(assignment)),
    }


def _queue_invitation(assignment: ReviewAssignment, submission: Submission, messages=None):
    message = _invitation_mail(assignment, submission, messages)
    queue_mail(message.pop("recipient"), message.pop("template"), **message)


def _messages(message_vi: str, message_en: str) -> dict[str, str] | None:
    """The editor's edited paragraph, each language checked; None: the journal's own."""
    texts = {
        "vi": _limited(message_vi, MESSAGE_MAX, _l("The message is too long."), InvitationError),
        "en": _limited(message_en, MESSAGE_MAX, _l("The message is too long."), InvitationError),
    }
    if not texts["vi"] and not texts["en"]:
        return None
    return {"vi": texts["vi"] or texts["en"], "en": texts["en"] or texts["vi"]}


def _new_assignment(submission, actor, *, user, email, name, due_at, note) -> ReviewAssignment:
    now = utcnow()
    assignment = ReviewAssignment(
        submission_id=submission.id,
        round=submission.round,
        reviewer_id=user.id if user is not None else None,
        invitee_email=user.email if user is not None else email,
        invitee_name=user.full_name if user is not None else name,
        status=AssignmentStatus.INVITED.value,
        invited_by_id=actor.id,
        invited_at=now,
        response_due_at=now + timedelta(days=current_app.config["REVIEW_RESPONSE_DAYS"]),
        due_at=due_at,
        conflict_note=note,
        token_nonce=secrets.token_urlsafe(24),
    )
    db.session.add(assignment)
    db.session.flush()
    return assignment


def _require_in_review(submission: Submission) -> None:
    if submission.stage != workflow.Stage.IN_REVIEW:
        raise WorkflowError(
            _l("Reviewers are invited once the submission has been sent to review.")
        )


def _already_invited(submission: Submission, user: User | None, email: str) -> bool:
    for a in assignments_of(submission, submission.round):
        if a.status in (AssignmentStatus.CANCELLED, AssignmentStatus.DECLINED):
            continue
        if (user is not None and a.reviewer_id == user.id) or a.invitee_email.casefold() == email:
            return True
    return False


@one_transaction
def invite_reviewer(
    submission: Submission,
    actor,
    *,
    email: str,
    full_name: str = "",
    due_at: datetime | None = None,
    conflict_reason: str = "",
    message_vi: str = "",
    message_en: str = "",
) -> ReviewAssignment:
    """Invite a registered user (found by e-mail address) or a new person, whose account
    is created when they accept. Authors cannot be invited; other conflicts need
    ``conflict_reason``. ``message_vi``/``message_en``: the editor's own wording of the
    invitation's paragraph (else the journal's)."""
    checked = check_invitation(
        submission,
        actor,
        email=email,
        full_name=full_name,
        due_at=due_at,
        conflict_reason=conflict_reason,
        message_vi=message_vi,
        message_en=message_en,
    )
    assignment = _new_assignment(
        submission,
        actor,
        user=checked.user,
        email=checked.email,
        name=checked.name,
        due_at=checked.due_at,
        note=checked.note,
    )
    record_event(
        "invite_reviewer",
        submission=submission,
        actor=actor,
        note=f"{assignment.invitee_name} <{assignment.invitee_email}>, round {submission.round}",
    )
    _queue_invitation(assignment, submission, checked.messages)
    db.session.commit()
    deliver_after_commit()
    return assignment


@dataclass
class CheckedInvitation:
    user: User | None
    email: str
    name: str
    due_at: datetime
    note: str
    messages: dict[str, str] | None


def check_invitation(
    submission: Submission,
    actor,
    *,
    email: str,
    full_name: str = "",
    due_at: datetime | None = None,
    conflict_reason: str = "",
    message_vi: str = "",
    message_en: str = "",
) -> CheckedInvitation:
    """Everything ``invite_reviewer`` checks, changing nothing."""
    require_handling(actor, submission)
    _require_in_review(submission)
    email = normalize_email(clean_text(email))
    if len(email) > EMAIL_MAX or not _EMAIL.match(email):
        raise InvitationError(_l("Enter a valid e-mail address, such as name@example.org."))
    user = user_by_email(email)
    name = _limited(full_name, NAME_MAX, _l("The name is too long."), InvitationError)
    if user is None and not name:
        raise InvitationError(_l("Give the name of the person to invite."))
    if user is not None and not user.active:
        raise InvitationError(_l("This account is deactivated."))
    conflicts = conflicts_for(submission, user=user, email=email)
    if any(c.kind == "author" for c in conflicts):
        raise ConflictOfInterest(_l("An author of the submission cannot review it."))
    if _already_invited(submission, user, email):
        raise ConflictOfInterest(_l("This person has already been invited to this round."))
    reason = _limited(
        conflict_reason,
        REASON_MAX,
        _l("The reason is too long (at most 2000 characters)."),
        InvitationError,
    )
    if conflicts and not reason:
        raise ConflictOfInterest(
            _l(
                "Possible conflict of interest: %(conflicts)s Give a reason to invite anyway.",
                conflicts=" ".join(str(c.message) for c in conflicts),
            )
        )
    note = " ".join(str(c.message) for c in conflicts) + (f" — {reason}" if conflicts else "")
    due_at = _check_due(due_at or due_at_end_of(default_due_date()))
    return CheckedInvitation(user, email, name, due_at, note, _messages(message_vi, message_en))


def preview_invitation(submission: Submission, actor, **values) -> tuple[str, str, str]:
    """(recipient, subject, body) of the invitation as it would be sent, after every check
    ``invite_reviewer`` makes. Changes nothing."""
    checked = check_invitation(submission, actor, **values)
    now = utcnow()
    draft = ReviewAssignment(  # never added to the session
        round=submission.round,
        reviewer=checked.user,
        invitee_email=checked.email,
        invitee_name=checked.user.full_name if checked.user else checked.name,
        invited_at=now,
        response_due_at=now + timedelta(days=current_app.config["REVIEW_RESPONSE_DAYS"]),
        due_at=checked.due_at,
    )
    link = external_url("review.my_reviews") + "invitations/…"  # made when sent
    message = _invitation_mail(draft, submission, checked.messages, link=link)
    recipient = message.pop("recipient")
    subject, body = render_message(recipient, message.pop("template"), **message)
    return getattr(recipient, "email", recipient), subject, body


def earlier_reviewers(submission: Submission) -> list[User]:
    """Reviewers who completed a review in an earlier round and are not in this one."""
    in_round = {
        a.reviewer_id
        for a in assignments_of(submission, submission.round)
        if a.reviewer_id and a.status not in (AssignmentStatus.CANCELLED,)
    }
    found: dict[int, User] = {}
    for a in assignments_of(submission):
        if (
            a.round < submission.round
            and a.status == AssignmentStatus.COMPLETED
            and a.reviewer_id not in in_round
            and a.reviewer.active
            and not is_author_of(a.reviewer, submission)
        ):
            found[a.reviewer_id] = a.reviewer
    return list(found.values())


@one_transaction
def reinvite_reviewers(
    submission: Submission, actor, *, due_at: datetime | None = None
) -> list[ReviewAssignment]:
    """Invite every reviewer of the earlier rounds to the current one, in one step."""
    require_handling(actor, submission)
    _require_in_review(submission)
    reviewers = earlier_reviewers(submission)
    if not reviewers:
        raise WorkflowError(_l("There are no earlier reviewers left to invite to this round."))
    due_at = _check_due(due_at or due_at_end_of(default_due_date()))
    created = []
    for user in reviewers:
        assignment = _new_assignment(
            submission,
            actor,
            user=user,
            email=user.email,
            name=user.full_name,
            due_at=due_at,
            note="",
        )
        record_event(
            "invite_reviewer",
            submission=submission,
            actor=actor,
            note=f"{user.full_name} <{user.email}>, round {submission.round} (again)",
        )
        _queue_invitation(assignment, submission)
        created.append(assignment)
    db.session.commit()
    deliver_after_commit()
    return created


def _require_open(assignment: ReviewAssignment) -> None:
    if assignment.status == AssignmentStatus.COMPLETED:
        raise InvitationClosed(_l("This review has been completed; it can no longer change."))
    if assignment.status not in OPEN_STATUSES:
        raise InvitationClosed(_l("This invitation has already ended."))


@one_transaction
def revoke_invitation(assignment: ReviewAssignment, actor, *, reason: str = "") -> None:
    """Withdraw an invitation (or an accepted review not yet sent): its link stops working."""
    submission = assignment.submission
    require_handling(actor, submission)
    _require_open(assignment)
    reason = _limited(
        reason,
        REASON_MAX,
        _l("The reason is too long (at most 2000 characters)."),
        InvitationError,
    )
    assignment.status = AssignmentStatus.CANCELLED.value
    assignment.cancelled_at = utcnow()
    assignment.cancel_reason = reason or "revoked"
    record_event(
        "revoke_invitation",
        submission=submission,
        actor=actor,
        note=f"{assignment.reviewer_name}" + (f": {reason}" if reason else ""),
    )
    queue_mail(
        assignment.reviewer or assignment.invitee_email,
        "review_cancelled",
        locale=None if assignment.reviewer else submission.language,
        assignment=assignment,
        submission=submission,
        title=anonymous_title(submission),
        why="revoked",
    )
    db.session.commit()
    deliver_after_commit()


@one_transaction
def change_due_date(assignment: ReviewAssignment, actor, *, due_at: datetime) -> None:
    """A new due date; the reminders start again from it."""
    submission = assignment.submission
    require_handling(actor, submission)
    _require_open(assignment)
    assignment.due_at = _check_due(due_at)
    assignment.reminded_due_at = None
    assignment.reminded_overdue_at = None
    record_event(
        "change_due_date",
        submission=submission,
        actor=actor,
        note=f"{assignment.reviewer_name}: {due_at.date().isoformat()}",
    )
    db.session.commit()


# --- answering an invitation --------------------------------------------------------------


def invitation_state(assignment: ReviewAssignment) -> None:
    """Raise InvitationClosed with the reason when the invitation link no longer works."""
    if assignment.status == AssignmentStatus.COMPLETED:
        raise InvitationClosed(_l("This review has been completed. Thank you!"))
    if assignment.status == AssignmentStatus.DECLINED:
        raise InvitationClosed(_l("This invitation has been declined."))
    if assignment.status == AssignmentStatus.CANCELLED:
        if assignment.cancel_reason == "withdrawn":
            raise InvitationClosed(
                _l("The manuscript has been withdrawn by its authors: no review is needed.")
            )
        if assignment.cancel_reason == "decision":
            raise InvitationClosed(
                _l("The editors have made their decision: this review is no longer needed.")
            )
        raise InvitationClosed(_l("This invitation has been withdrawn by the editor."))


def invitee_account(assignment: ReviewAssignment) -> User | None:
    """The account the invitation is for, if there is one (an invitee may have registered
    since they were invited)."""
    return assignment.reviewer or user_by_email(assignment.invitee_email)


def _check_actor(assignment: ReviewAssignment, actor) -> User | None:
    """The invitee's account; WrongAccount if someone else is signed in."""
    account = invitee_account(assignment)
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    if signed_in and (account is None or account.id != actor.id):
        raise WrongAccount()
    return account


class LoginRequired(PermissionDenied):
    status = 401
    default_message = _l("Log in with the invited account to accept the invitation.")


@one_transaction
def accept_invitation(
    assignment: ReviewAssignment,
    actor,
    *,
    full_name: str | None = None,
    password: str | None = None,
    locale: str = "vi",
) -> tuple[User, bool]:
    """Accept: returns the reviewer and whether their account was created now.

    A registered invitee must be signed in; a new person chooses a name and a password
    and their account is created (confirmed: the link proves the address)."""
    invitation_state(assignment)
    account = _check_actor(assignment, actor)
    submission = assignment.submission
    signed_in = actor is not None and getattr(actor, "is_authenticated", False)
    if account is not None and not signed_in:
        raise LoginRequired()
    if assignment.status == AssignmentStatus.ACCEPTED:
        return account, False  # the link clicked again
    created = False
    if account is None:
        check_password_strength(password or "")
        name = _limited(full_name, NAME_MAX, _l("The name is too long."), InvitationError)
        if not name:
            raise InvitationError(_l("Enter your full name."))
        account = create_user(
            assignment.invitee_email,
            password,
            name,
            locale=locale if locale in ("vi", "en") else "vi",
            confirmed=True,
            commit=False,
        )
        created = True
    if is_author_of(account, submission):
        raise ConflictOfInterest(_l("An author of the submission cannot review it."))
    assignment.reviewer_id = account.id
    assignment.status = AssignmentStatus.ACCEPTED.value
    assignment.responded_at = utcnow()
    record_event("accept_invitation", submission=submission, actor=account, note=account.full_name)
    for editor in editors_to_notify(submission):
        queue_mail(
            editor,
            "review_invitation_accepted",
            submission=submission,
            assignment=assignment,
            reviewer=account,
            link=external_url("review.submission", submission_id=submission.id),
        )
    db.session.commit()
    deliver_after_commit()
    return account, created


@one_transaction
def decline_invitation(assignment: ReviewAssignment, actor, *, reason: str = "") -> None:
    """Decline (also after accepting, while the review is not sent), with a reason."""
    invitation_state(assignment)
    account = _check_actor(assignment, actor)
    reason = _limited(
        reason,
        REASON_MAX,
        _l("The reason is too long (at most 2000 characters)."),
        InvitationError,
    )
    submission = assignment.submission
    assignment.status = AssignmentStatus.DECLINED.value
    assignment.decline_reason = reason
    assignment.responded_at = utcnow()
    record_event(
        "decline_invitation",
        submission=submission,
        actor=account,
        note=assignment.reviewer_name + (f": {reason}" if reason else ""),
    )
    for editor in editors_to_notify(submission):
        queue_mail(
            editor,
            "review_invitation_declined",
            submission=submission,
            assignment=assignment,
            reason=reason,
            link=external_url("review.submission", submission_id=submission.id),
        )
    db.session.commit()
    deliver_after_commit()


# --- the review ---------------------------------------------------------------------------

ATTACHMENT_TYPES = (*MANUSCRIPT_TYPES, ".txt")


def _sniff_attachment(stream, filename, limits) -> str:
    ext = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
    if ext in MANUSCRIPT_TYPES:
        return sniff_manuscript(stream, filename, limits)
    if ext == ".txt":
        return sniff_supplementary(stream, filename, limits)
    raise InvalidUpload(
        _l(
            "Attachments must be .docx, .odt, .md, .tex or .txt files (their metadata is "
            "removed so that the authors cannot see who wrote them)."
        )
    )


class ReviewerNamed(InvalidUpload):
    pass


def _store_attachment(assignment: ReviewAssignment, reviewer: User, stream, filename):
    max_bytes = current_app.config["REVIEW_ATTACHMENT_MAX_BYTES"]
    try:
        _name, media_type = check_upload(stream, filename, _sniff_attachment, max_bytes)
    except TooLarge:
        raise TooLarge(
            _l("The attachment is larger than the allowed %(size)s.", size=human_size(max_bytes))
        ) from None
    data = scrub(stream.read(), media_type, zip_limits())
    ext = "." + _name.rsplit(".", 1)[-1].lower()
    name = f"review-{assignment.submission_id}-r{assignment.round}-{assignment.id}{ext}"
    places = [
        Place(_l("File name"), name),
        *document_text(data, media_type, zip_limits(), name),
    ]
    findings = find_leaks(
        places, make_needles([(reviewer.full_name, reviewer.email, reviewer.orcid)])
    )
    if findings:
        raise ReviewerNamed(
            _l(
                "The attachment names you (%(places)s): the authors must not learn who "
                "reviewed their manuscript. Remove your name and upload it again.",
                places=PlaceList(findings),
            )
        )
    blob = file_store().put_bytes(data)
    record = SubmissionFile(
        submission_id=assignment.submission_id,
        kind="review_attachment",
        round=assignment.round,
        original_name=name,
        media_type=media_type,
        size=blob.size,
        sha256=blob.sha256,
        uploaded_by_id=reviewer.id,
    )
    db.session.add(record)
    db.session.flush()
    return record


def _check_reviewable(assignment: ReviewAssignment) -> None:
    if assignment.status == AssignmentStatus.COMPLETED:
        raise ReviewLocked()
    if assignment.status == AssignmentStatus.INVITED:
        raise WorkflowError(_l("Accept the invitation before writing the review."))
    if assignment.status != AssignmentStatus.ACCEPTED:
        raise InvitationClosed(_l("This review is no longer needed."))
    submission = assignment.submission
    if submission.stage != workflow.Stage.IN_REVIEW or assignment.round != submission.round:
        raise InvitationClosed(_l("This review is no longer needed."))


class QuestionList(list):
    """Questions named in the language of whoever reads the message."""

    def __str__(self) -> str:
        return ", ".join(q.text(get_locale()) for q in self)


def _checked_answers(answers, *, complete: bool) -> dict[str, str]:
    """The ratings of the journal's current questions (other keys are dropped); all of
    them when ``complete``."""
    questions = review_questions()
    given = {str(k): v for k, v in (answers or {}).items() if v}
    if any(v not in {r.value for r in Rating} for v in given.values()):
        raise InvalidReview(_l("Rate each question with one of the choices given."))
    kept = {q.key: given[q.key] for q in questions if q.key in given}
    if complete:
        missing = QuestionList(q for q in questions if q.key not in kept)
        if missing:
            raise InvalidReview(
                _l("Answer every question of the form: %(questions)s.", questions=missing)
            )
    return kept


@one_transaction
def save_review_draft(
    assignment: ReviewAssignment,
    actor,
    *,
    recommendation: str | None = None,
    comments_to_author: str = "",
    comments_to_editor: str = "",
    competing_interests: str = "",
    answers: dict | None = None,
) -> ReviewAssignment:
    """Keep what the reviewer has written so far (nothing is required yet); the editors do
    not see it until the review is sent."""
    require_reviewer(actor, assignment)
    _check_reviewable(assignment)
    if recommendation:
        try:
            recommendation = Recommendation(recommendation).value
        except ValueError:
            raise InvalidReview(_l("Choose a recommendation.")) from None
    maximum = current_app.config["REVIEW_COMMENT_MAX_CHARS"]
    assignment.recommendation = recommendation or None
    assignment.comments_to_author = _limited(
        comments_to_author,
        maximum,
        _l("The comments to the authors may be at most %(max)d characters long.", max=maximum),
    )
    assignment.comments_to_editor = _limited(
        comments_to_editor,
        maximum,
        _l("The comments to the editor may be at most %(max)d characters long.", max=maximum),
    )
    assignment.competing_interests = _limited(
        competing_interests,
        COMPETING_INTERESTS_MAX,
        _l("The competing interests statement is too long."),
    )
    assignment.answers = _checked_answers(answers, complete=False)
    assignment.draft_saved_at = utcnow()
    db.session.commit()
    return assignment


@one_transaction
def submit_review(
    assignment: ReviewAssignment,
    actor,
    *,
    recommendation: str,
    comments_to_author: str,
    comments_to_editor: str = "",
    competing_interests: str,
    answers: dict | None = None,
    attachment=None,
    attachment_name: str | None = None,
) -> ReviewAssignment:
    """Send the review: it is locked from now on (the reviewer can read it back). Every
    question the journal asks (``review_questions``) must be rated in ``answers``."""
    require_reviewer(actor, assignment)
    _check_reviewable(assignment)
    try:
        recommendation = Recommendation(recommendation).value
    except ValueError:
        raise InvalidReview(_l("Choose a recommendation.")) from None
    checked_answers = _checked_answers(answers, complete=True)
    maximum = current_app.config["REVIEW_COMMENT_MAX_CHARS"]
    to_author = _limited(
        comments_to_author,
        maximum,
        _l("The comments to the authors may be at most %(max)d characters long.", max=maximum),
    )
    if not to_author:
        raise InvalidReview(_l("Write your comments to the authors."))
    to_editor = _limited(
        comments_to_editor,
        maximum,
        _l("The comments to the editor may be at most %(max)d characters long.", max=maximum),
    )
    interests = _limited(
        competing_interests,
        COMPETING_INTERESTS_MAX,
        _l("The competing interests statement is too long."),
    )
    if not interests:
        raise InvalidReview(_l("State any competing interests (or write “None”)."))
    if attachment is not None:
        assignment.attachment = _store_attachment(assignment, actor, attachment, attachment_name)
    assignment.recommendation = recommendation
    assignment.answers = checked_answers
    assignment.comments_to_author = to_author
    assignment.comments_to_editor = to_editor
    assignment.competing_interests = interests
    assignment.status = AssignmentStatus.COMPLETED.value
    assignment.completed_at = utcnow()
    submission = assignment.submission
    record_event(
        "submit_review",
        submission=submission,
        actor=actor,
        note=f"{actor.full_name}: {recommendation}",
    )
    for editor in editors_to_notify(submission):
        queue_mail(
            editor,
            "review_completed",
            submission=submission,
            assignment=assignment,
            recommendation_text=recommendation_label(recommendation),
            link=external_url("review.assignment", assignment_id=assignment.id),
        )
    db.session.commit()
    deliver_after_commit()
    return assignment


def assignments_of_reviewer(user: User) -> list[ReviewAssignment]:
    return list(
        db.session.execute(
            db.select(ReviewAssignment)
            .where(ReviewAssignment.reviewer_id == user.id)
            .order_by(ReviewAssignment.invited_at.desc(), ReviewAssignment.id.desc())
        ).scalars()
    )


def invitations_for(user: User) -> list[ReviewAssignment]:
    """Open invitations sent to the user's address before they had an account too."""
    return list(
        db.session.execute(
            db.select(ReviewAssignment)
            .where(
                ReviewAssignment.status == AssignmentStatus.INVITED.value,
                or_(
                    ReviewAssignment.reviewer_id == user.id,
                    db.func.lower(ReviewAssignment.invitee_email) == user.email.casefold(),
                ),
            )
            .order_by(ReviewAssignment.invited_at.desc())
        ).scalars()
    )


# --- reminders ----------------------------------------------------------------------------


def _claim(assignment_id: int, column, condition) -> bool:
    """Mark a reminder as sent unless another run did it first (each reminder once)."""
    return bool(
        db.session.execute(
            update(ReviewAssignment)
            .where(ReviewAssignment.id == assignment_id, column.is_(None), condition)
            .values({column.key: utcnow()})
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def send_reminders(now: datetime | None = None) -> dict[str, int]:
    """Remind reviewers of unanswered invitations, of reviews due soon and of overdue
    ones (telling the editor too). Safe to run every hour, even twice at once: each
    reminder is claimed in the same transaction as its message, and sent once."""
    now = now or utcnow()
    before = timedelta(days=current_app.config["REVIEW_REMINDER_DAYS_BEFORE"])
    invited = AssignmentStatus.INVITED.value
    accepted = AssignmentStatus.ACCEPTED.value
    kinds = {
        "invitation": (
            ReviewAssignment.reminded_invitation_at,
            (ReviewAssignment.status == invited) & (ReviewAssignment.response_due_at <= now),
            "review_reminder_invitation",
        ),
        "overdue": (
            ReviewAssignment.reminded_overdue_at,
            (ReviewAssignment.status == accepted) & (ReviewAssignment.due_at <= now),
            "review_reminder_overdue",
        ),
        "due": (
            ReviewAssignment.reminded_due_at,
            (ReviewAssignment.status == accepted)
            & (ReviewAssignment.due_at > now)
            & (ReviewAssignment.due_at <= now + before),
            "review_reminder_due",
        ),
    }
    sent = dict.fromkeys(kinds, 0)
    for kind, (column, condition, template) in kinds.items():
        ids = (
            db.session.execute(
                db.select(ReviewAssignment.id)
                .join(Submission, Submission.id == ReviewAssignment.submission_id)
                .where(
                    column.is_(None),
                    condition,
                    Submission.stage == workflow.Stage.IN_REVIEW.value,
                    ReviewAssignment.round == Submission.round,
                )
                .order_by(ReviewAssignment.id)
            )
            .scalars()
            .all()
        )
        for assignment_id in ids:
            if not _claim(assignment_id, column, condition):
                db.session.rollback()
                continue
            if kind == "overdue":  # no "due soon" reminder after this one
                _claim(assignment_id, ReviewAssignment.reminded_due_at, true())
            _queue_reminder(db.session.get(ReviewAssignment, assignment_id), template, kind)
            db.session.commit()
            sent[kind] += 1
    if any(sent.values()):
        deliver_after_commit()
    return sent


def _queue_reminder(assignment: ReviewAssignment, template: str, kind: str) -> None:
    submission = assignment.submission
    link = (
        external_url("review.invitation", token=invitation_token(assignment))
        if kind == "invitation"
        else external_url("review.review", assignment_id=assignment.id)
    )
    queue_mail(
        assignment.reviewer or assignment.invitee_email,
        template,
        locale=None if assignment.reviewer else submission.language,
        assignment=assignment,
        submission=submission,
        title=anonymous_title(submission),
        name=assignment.reviewer_name,
        link=link,
    )
    if kind == "overdue":
        for editor in editors_to_notify(submission):
            queue_mail(
                editor,
                "review_overdue_editor",
                submission=submission,
                assignment=assignment,
                link=external_url("review.submission", submission_id=submission.id),
            )
