"""Submission services: the wizard's steps, files, submitting and withdrawing.

Each public function is one transaction: check, validate, mutate, commit once, then side
effects. The acting user is always an argument; nothing here reads the request.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import BinaryIO

from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from .. import signals, workflow
from ..accounts.orcid import normalize_orcid
from ..errors import (
    InvalidUpload,
    JournalError,
    PermissionDenied,
    StaleError,
    TooLarge,
    WorkflowError,
)
from ..extensions import db
from ..filetypes import ZipLimits, clean_filename, sniff_manuscript, sniff_supplementary
from ..mail import deliver_after_commit, external_url, queue_mail
from ..models_base import utcnow
from ..provinces import Province
from ..storage import StoredTooLarge, file_store
from .models import Section, Submission, SubmissionAuthor, SubmissionFile
from .permissions import can_start_submission, require_edit, require_view

LANGUAGES = ("vi", "en")
TITLE_MAX = 500
ABSTRACT_MAX = 5000
KEYWORDS_MAX = 500
NAME_MAX = 200
EMAIL_MAX = 254
AFFILIATION_MAX = 300
COVER_LETTER_MAX = 10000
COMPETING_INTERESTS_MAX = 5000
UPLOAD_KINDS = ("manuscript", "supplementary")

# One message per field and language, so that each reads naturally once translated.
REQUIRED_MESSAGES = {
    ("title", "vi"): _l("Vietnamese title is required"),
    ("title", "en"): _l("English title is required"),
    ("abstract", "vi"): _l("Vietnamese abstract is required"),
    ("abstract", "en"): _l("English abstract is required"),
    ("keywords", "vi"): _l("Vietnamese keywords are required"),
    ("keywords", "en"): _l("English keywords are required"),
}
TOO_LONG_MESSAGES = {
    "title": _l("The title may be at most %(max)d characters long.", max=TITLE_MAX),
    "abstract": _l("The abstract may be at most %(max)d characters long.", max=ABSTRACT_MAX),
    "keywords": _l("The keywords may be at most %(max)d characters long.", max=KEYWORDS_MAX),
}
METADATA_MAX = {"title": TITLE_MAX, "abstract": ABSTRACT_MAX, "keywords": KEYWORDS_MAX}


class InvalidSubmissionData(JournalError):
    status = 400
    default_message = _l("Some of the information given is not valid.")


class _JoinedMessages:
    """Joins lazy messages in the language active when it is turned into text."""

    def __init__(self, messages):
        self.messages = list(messages)

    def __str__(self) -> str:
        return "; ".join(str(m) for m in self.messages)


class IncompleteSubmission(JournalError):
    status = 400

    def __init__(self, missing: list[Missing]):
        self.missing = missing
        super().__init__(
            _l(
                "The submission is not complete: %(missing)s.",
                missing=_JoinedMessages(m.message for m in missing),
            )
        )


@dataclass(frozen=True)
class Missing:
    """Something the submission still needs, and the wizard step where it is given."""

    step: str
    message: object


def _one_transaction(service):
    """Roll back on any failure; a concurrent change (stale version) becomes StaleError."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except StaleDataError:
            db.session.rollback()
            raise StaleError() from None
        except Exception:
            db.session.rollback()
            raise

    return wrapper


# The same guarantee for the services of other areas (review, production).
one_transaction = _one_transaction


def _touch(submission: Submission) -> None:
    """Every change bumps the submission's row, hence its version (optimistic lock)."""
    submission.updated_at = utcnow()


touch = _touch


def _check_length(value: str, maximum: int, message) -> str:
    value = (value or "").strip()
    if len(value) > maximum:
        raise InvalidSubmissionData(message)
    return value


def required_languages(submission: Submission | None = None) -> list[str]:
    """The languages title, abstract and keywords must be given in (config), in UI order."""
    configured = set(current_app.config.get("REQUIRED_METADATA_LANGUAGES") or ())
    wanted = [lang for lang in LANGUAGES if lang in configured]
    if not wanted and submission is not None:
        wanted = [submission.language]
    return wanted


def active_sections() -> list[Section]:
    return list(
        db.session.execute(
            db.select(Section).filter_by(active=True).order_by(Section.position, Section.id)
        ).scalars()
    )


def funded_tasks() -> list:
    from ..funded_tasks.models import FundedTask

    return list(
        db.session.execute(
            db.select(FundedTask).order_by(FundedTask.start_year.desc(), FundedTask.code)
        ).scalars()
    )


def submissions_of(user) -> list[Submission]:
    return list(
        db.session.execute(
            db.select(Submission)
            .filter_by(owner_id=user.id)
            .order_by(Submission.updated_at.desc(), Submission.id.desc())
        ).scalars()
    )


def _section(section_id: int | None) -> Section:
    section = db.session.get(Section, section_id) if section_id else None
    if section is None or not section.active:
        raise InvalidSubmissionData(_l("Choose a section."))
    return section


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise InvalidSubmissionData(_l("Choose the language of the manuscript."))
    return language


# --- Step 1: start ------------------------------------------------------------------------


@_one_transaction
def create_draft(owner, *, section_id: int, language: str) -> Submission:
    """A new draft owned by ``owner``, who becomes its first (corresponding) author."""
    if not can_start_submission(owner):
        raise PermissionDenied(_l("Confirm your e-mail address before submitting a manuscript."))
    submission = Submission(owner=owner, section=_section(section_id), language=_language(language))
    submission.authors.append(
        SubmissionAuthor(
            position=1,
            full_name=owner.full_name,
            email=owner.email,
            affiliation=owner.affiliation or "",
            orcid=owner.orcid,
            corresponding=True,
            user_id=owner.id,
        )
    )
    db.session.add(submission)
    db.session.commit()
    return submission


@_one_transaction
def save_start(submission: Submission, actor, *, section_id: int, language: str) -> None:
    require_edit(actor, submission)
    submission.section = _section(section_id)
    submission.language = _language(language)
    _touch(submission)
    db.session.commit()


# --- Step 2: title, abstract, keywords ----------------------------------------------------


@_one_transaction
def save_metadata(submission: Submission, actor, **values: str) -> None:
    """``values``: title_vi, title_en, abstract_vi, abstract_en, keywords_vi, keywords_en.

    Missing languages are reported by ``missing_items`` (the form reports them at once)."""
    require_edit(actor, submission)
    for field, maximum in METADATA_MAX.items():
        for lang in LANGUAGES:
            name = f"{field}_{lang}"
            if name in values:
                clean = _check_length(values[name], maximum, TOO_LONG_MESSAGES[field])
                setattr(submission, name, clean)
    _touch(submission)
    db.session.commit()


# --- Step 3: authors ----------------------------------------------------------------------


def _author_values(full_name, email, affiliation, orcid) -> dict:
    full_name = _check_length(full_name, NAME_MAX, _l("The name is too long."))
    email = _check_length(email, EMAIL_MAX, _l("The e-mail address is too long."))
    if not full_name:
        raise InvalidSubmissionData(_l("The author's name is required."))
    if "@" not in email:
        raise InvalidSubmissionData(_l("The author's e-mail address is required."))
    try:
        orcid = normalize_orcid(orcid)
    except ValueError:
        raise InvalidSubmissionData(_l("This is not a valid ORCID iD.")) from None
    return {
        "full_name": full_name,
        "email": email,
        "affiliation": _check_length(
            affiliation, AFFILIATION_MAX, _l("The affiliation is too long.")
        ),
        "orcid": orcid,
        "user_id": _user_id_for(email),
    }


def _user_id_for(email: str) -> int | None:
    from ..accounts.services import user_by_email

    user = user_by_email(email)
    return user.id if user is not None else None


def _own_author(submission: Submission, author: SubmissionAuthor) -> SubmissionAuthor:
    if author.submission_id != submission.id:
        raise InvalidSubmissionData(_l("This author is not on this submission."))
    return author


def _renumber(authors: list[SubmissionAuthor]) -> None:
    """Give ``authors`` positions 1..n in this order (two steps: positions are unique)."""
    for index, author in enumerate(authors):
        author.position = -(index + 1)
    db.session.flush()
    for index, author in enumerate(authors):
        author.position = index + 1


@_one_transaction
def add_author(
    submission: Submission,
    actor,
    *,
    full_name: str,
    email: str,
    affiliation: str = "",
    orcid: str | None = None,
) -> SubmissionAuthor:
    require_edit(actor, submission)
    values = _author_values(full_name, email, affiliation, orcid)
    position = max((a.position for a in submission.authors), default=0) + 1
    author = SubmissionAuthor(position=position, corresponding=False, **values)
    submission.authors.append(author)
    _touch(submission)
    db.session.commit()
    return author


@_one_transaction
def update_author(
    submission: Submission,
    actor,
    author: SubmissionAuthor,
    *,
    full_name: str,
    email: str,
    affiliation: str = "",
    orcid: str | None = None,
) -> None:
    require_edit(actor, submission)
    _own_author(submission, author)
    for name, value in _author_values(full_name, email, affiliation, orcid).items():
        setattr(author, name, value)
    _touch(submission)
    db.session.commit()


@_one_transaction
def remove_author(submission: Submission, actor, author: SubmissionAuthor) -> None:
    require_edit(actor, submission)
    _own_author(submission, author)
    remaining = [a for a in submission.authors if a.id != author.id]
    submission.authors.remove(author)
    _renumber(remaining)
    _touch(submission)
    db.session.commit()


@_one_transaction
def move_author(submission: Submission, actor, author: SubmissionAuthor, direction: str) -> None:
    """``direction`` "up" or "down"; moving past either end changes nothing."""
    require_edit(actor, submission)
    _own_author(submission, author)
    if direction not in ("up", "down"):
        raise InvalidSubmissionData()
    authors = sorted(submission.authors, key=lambda a: a.position)
    index = authors.index(author)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(authors):
        authors[index], authors[other] = authors[other], authors[index]
        _renumber(authors)
    _touch(submission)
    db.session.commit()


@_one_transaction
def set_corresponding_author(submission: Submission, actor, author: SubmissionAuthor) -> None:
    """``author`` becomes the one corresponding author."""
    require_edit(actor, submission)
    _own_author(submission, author)
    for each in submission.authors:
        each.corresponding = each.id == author.id
    _touch(submission)
    db.session.commit()


# --- Step 4: funding ----------------------------------------------------------------------


@_one_transaction
def save_funding(
    submission: Submission, actor, *, funded_task_id: int | None, province_id: int | None
) -> None:
    """A funded task sets the province to the task's; without one, the province is required."""
    from ..funded_tasks.models import FundedTask

    require_edit(actor, submission)
    if funded_task_id:
        task = db.session.get(FundedTask, funded_task_id)
        if task is None:
            raise InvalidSubmissionData(_l("Choose a funded task from the list."))
        submission.funded_task = task
        submission.province_id = task.province_id
    else:
        province = db.session.get(Province, province_id) if province_id else None
        if province is None:
            raise InvalidSubmissionData(
                _l("Choose the province (required when there is no funded task).")
            )
        submission.funded_task = None
        submission.province = province
    _touch(submission)
    db.session.commit()


# --- Step 5: files ------------------------------------------------------------------------


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{format_decimal(round(size / (1024 * 1024), 1))} MB"
    return f"{format_decimal(round(size / 1024, 1))} KB"


def _too_large_message(max_bytes: int):
    return _l("The file is larger than the allowed %(size)s.", size=human_size(max_bytes))


def zip_limits() -> ZipLimits:
    cfg = current_app.config
    return ZipLimits(
        cfg["ZIP_MAX_ENTRIES"], cfg["ZIP_MAX_UNCOMPRESSED_BYTES"], cfg["ZIP_MAX_RATIO"]
    )


def check_upload(
    stream: BinaryIO, filename: str | None, sniff, max_bytes: int | None = None
) -> tuple[str, str]:
    """The clean display name and the media type of an upload, checked by its content
    with ``sniff`` (``sniff_manuscript``, ``sniff_supplementary`` …) and its size. Raises
    InvalidUpload or TooLarge; leaves ``stream`` at its start."""
    name = clean_filename(filename)
    max_bytes = max_bytes or current_app.config["UPLOAD_MAX_BYTES"]
    stream.seek(0, os.SEEK_END)
    if stream.tell() > max_bytes:
        raise TooLarge(_too_large_message(max_bytes))
    stream.seek(0)
    media_type = sniff(stream, name, zip_limits())
    stream.seek(0)
    return name, media_type


def store_upload(stream: BinaryIO, max_bytes: int | None = None):
    """Put a checked upload into the file store; returns its StoredBlob."""
    max_bytes = max_bytes or current_app.config["UPLOAD_MAX_BYTES"]
    try:
        return file_store().put(stream, max_bytes=max_bytes)
    except StoredTooLarge:
        raise TooLarge(_too_large_message(max_bytes)) from None


@_one_transaction
def upload_file(
    submission: Submission, actor, *, kind: str, stream: BinaryIO, filename: str | None
) -> SubmissionFile:
    """Check ``stream`` (a seekable binary file, as Werkzeug hands uploads over) by its
    content, store it under its sha256 and record a new version.

    Nothing is recorded when the file is refused (InvalidUpload, TooLarge); earlier files
    and the rest of the draft stay as they were.
    """
    require_edit(actor, submission)
    if kind not in UPLOAD_KINDS:
        raise InvalidUpload(_l("Unknown kind of file."))
    sniff = sniff_manuscript if kind == "manuscript" else sniff_supplementary
    name, media_type = check_upload(stream, filename, sniff)
    blob = store_upload(stream)
    record = SubmissionFile(
        kind=kind,
        round=submission.round,
        original_name=name,
        media_type=media_type,
        size=blob.size,
        sha256=blob.sha256,
        uploaded_by_id=actor.id,
    )
    submission.files.append(record)
    _touch(submission)
    db.session.commit()
    return record


# --- Step 6: letter and declarations ------------------------------------------------------


@_one_transaction
def save_letter(
    submission: Submission,
    actor,
    *,
    cover_letter: str,
    declares_originality: bool,
    competing_interests: str,
    licence_consent: bool,
) -> None:
    require_edit(actor, submission)
    submission.cover_letter = _check_length(
        cover_letter, COVER_LETTER_MAX, _l("The cover letter is too long.")
    )
    submission.competing_interests = _check_length(
        competing_interests,
        COMPETING_INTERESTS_MAX,
        _l("The competing interests statement is too long."),
    )
    submission.declares_originality = bool(declares_originality)
    submission.licence_consent = bool(licence_consent)
    _touch(submission)
    db.session.commit()


# --- Step 7: review and submit ------------------------------------------------------------


def missing_items(submission: Submission) -> list[Missing]:
    """What still has to be given before the submission can be sent, step by step."""
    missing = []
    if submission.section_id is None:
        missing.append(Missing("start", _l("Choose a section.")))
    for field in METADATA_MAX:
        for lang in required_languages(submission):
            if not (getattr(submission, f"{field}_{lang}") or "").strip():
                missing.append(Missing("metadata", REQUIRED_MESSAGES[(field, lang)]))
    if not submission.authors:
        missing.append(Missing("authors", _l("Add at least one author.")))
    elif sum(1 for a in submission.authors if a.corresponding) != 1:
        missing.append(Missing("authors", _l("Choose the corresponding author.")))
    if submission.province_id is None:
        missing.append(Missing("funding", _l("Choose the funded task or the province.")))
    if submission.manuscript is None:
        missing.append(Missing("files", _l("Upload the manuscript.")))
    if not submission.declares_originality:
        missing.append(Missing("letter", _l("Declare that the manuscript is original.")))
    if not (submission.competing_interests or "").strip():
        missing.append(Missing("letter", _l("State any competing interests (or write “None”).")))
    if not submission.licence_consent:
        missing.append(Missing("letter", _l("Accept the CC BY 4.0 licence.")))
    return missing


def author_recipients(submission: Submission) -> list[tuple[object, str | None, bool, str]]:
    """(User or address, locale, is the owner, name) for the owner and every co-author with
    an e-mail address, each address once (an address without an account gets the
    manuscript's language first)."""
    from ..accounts.models import User

    owner = submission.owner
    recipients, seen = [(owner, None, True, owner.full_name)], {owner.email.casefold()}
    for author in submission.authors:
        address = (author.email or "").strip()
        if not address or address.casefold() in seen:
            continue
        seen.add(address.casefold())
        user = db.session.get(User, author.user_id) if author.user_id else None
        recipients.append(
            (user or address, None if user else submission.language, False, author.full_name)
        )
    return recipients


def _queue_confirmations(submission: Submission) -> None:
    """The receipt to the owner, copied to every co-author (who cannot open the owner's
    page: no link for them)."""
    corresponding = submission.corresponding_author
    for recipient, locale, is_owner, name in author_recipients(submission):
        address = getattr(recipient, "email", recipient)
        queue_mail(
            recipient,
            "submission_received",
            locale=locale,
            submission=submission,
            name=name,
            link=external_url("submissions.detail", submission_id=submission.id)
            if is_owner
            else None,
            copy=not is_owner,
            corresponding=corresponding is not None
            and (corresponding.email or "").strip().casefold() == address.casefold(),
        )


@_one_transaction
def submit_manuscript(
    submission: Submission, actor, *, expected_version: int | None = None
) -> Submission:
    """Send a complete draft to the journal: stage ``submitted``, one event, confirmations.

    ``expected_version`` is the version the author reviewed; a newer one means the draft
    changed in the meantime (another tab, another session) and StaleError is raised.
    """
    require_view(actor, submission)
    if submission.stage != workflow.Stage.DRAFT and submission.submitted_at is not None:
        raise WorkflowError(
            _l("This manuscript has already been submitted; it was not sent again.")
        )
    if expected_version is not None and expected_version != submission.version:
        raise StaleError()
    missing = missing_items(submission)
    if missing:
        raise IncompleteSubmission(missing)
    workflow.transition(submission, "submit", actor)
    _touch(submission)
    _queue_confirmations(submission)
    db.session.commit()
    deliver_after_commit()
    signals.submission_submitted.send(submission)
    return submission


@_one_transaction
def withdraw_submission(submission: Submission, actor) -> Submission:
    require_view(actor, submission)
    workflow.transition(submission, "withdraw", actor)
    _touch(submission)
    db.session.commit()
    signals.submission_withdrawn.send(submission)
    return submission
