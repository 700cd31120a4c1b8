"""The production stage: an accepted manuscript is sent to production, typeset in the
background into versioned galleys (JATS, HTML, PDF), previewed and approved.

* ``send_to_production`` moves an accepted submission to ``production`` and queues the
  first typesetting run; ``start_typesetting`` queues another one (after corrections, or
  after a failure). The job itself is in ``production_job``; the front matter it typesets
  comes from ``production_meta``. A run never changes the submission's stage.
* A run still queued or running after ``TYPESET_STALE_AFTER`` seconds lost its worker
  (killed, restarted): it is shown as stopped, and starting a new run marks it failed.
* ``approve_galley`` approves one version; approving another moves the approval.
* Galley files are read from the file store; the HTML preview's images are reached with a
  token in the path (a sandboxed page sends no session cookie).

Who: the province editors of the submission's province and the editor-in-chief, never one
of its authors. Other people with an editorial role get 403; everyone else 404 (editorial
pages are not enumerable).
"""

from __future__ import annotations

import functools
import json
import logging
import os
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from markupsafe import escape
from sqlalchemy.orm.exc import StaleDataError

from .. import jobs, signals, workflow
from ..errors import (
    InvalidUpload,
    JournalError,
    NotFound,
    PermissionDenied,
    StaleError,
    TooLarge,
)
from ..events import record_event
from ..extensions import db
from ..filetypes import clean_filename, sniff_manuscript, sniff_supplementary
from ..models_base import utcnow
from ..provinces import BoardRole
from ..storage import StoredTooLarge, file_store
from ..submissions.models import Submission, SubmissionFile
from ..workflow import Stage
from .models import GalleyVersion, TypesetRun
from .production_job import (
    ACTIVE,
    FIGURE_TYPES,
    STAGE_LABELS,
    bilingual_text,
    fail_run,
    preview_pages_for,
    source_manuscript,
)
from .typeset import STAGES

log = logging.getLogger(__name__)

STATE_LABELS = {
    "queued": _l("Waiting"),
    "running": _l("Running"),
    "succeeded": _l("Finished"),
    "failed": _l("Failed"),
    "stale": _l("Stopped"),
}
STAGE_STATE_LABELS = {
    "done": _l("done"),
    "current": _l("in progress"),
    "failed": _l("failed here"),
    "pending": _l("not yet"),
}
# Stages in which the production page exists, and the one in which runs and approval happen.
VISIBLE_STAGES = frozenset({Stage.ACCEPTED, Stage.PRODUCTION, Stage.SCHEDULED, Stage.PUBLISHED})
UPLOAD_KINDS = ("manuscript", "figure")
PREVIEW_TOKEN_MAX_AGE = 3600
GALLEY_KINDS = {
    "jats": ("jats_sha256", "application/jats+xml", "xml"),
    "html": ("html_sha256", "text/html", "html"),
    "pdf": ("pdf_sha256", "application/pdf", "pdf"),
}

STALE_MESSAGE = _l(
    "This run stopped without finishing: its worker was probably stopped or restarted. "
    "Nothing was changed. Start typesetting again."
)


class ProductionError(JournalError):
    status = 409
    default_message = _l("This step is not possible in the production stage now.")


class RunInProgress(ProductionError):
    default_message = _l(
        "A typesetting run is already in progress. Wait until it finishes, then start again."
    )


class NotInProduction(ProductionError):
    default_message = _l("This is possible only while the submission is in production.")


class NoManuscript(ProductionError):
    default_message = _l(
        "There is no manuscript to typeset: upload one in Word (.docx), OpenDocument (.odt), "
        "Markdown (.md) or LaTeX (.tex)."
    )


# --- Who ----------------------------------------------------------------------------------


def _signed_in(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False)


def has_editorial_role(user) -> bool:
    """Someone on a board or with a global role: told "forbidden" rather than "not found"."""
    return _signed_in(user) and bool(user.is_editor_in_chief or user.is_admin or user.memberships)


def can_see_production(user) -> bool:
    """The production list: the editor-in-chief and every province editor."""
    return _signed_in(user) and (
        user.is_editor_in_chief or bool(user.province_ids(BoardRole.PROVINCE_EDITOR))
    )


def _is_author(user, submission) -> bool:
    """The owner, or anyone listed as an author (by account or by e-mail address)."""
    email = (user.email or "").strip().lower()
    return submission.owner_id == user.id or any(
        a.user_id == user.id or (a.email or "").strip().lower() == email for a in submission.authors
    )


def can_manage_production(user, submission) -> bool:
    """The submission's handling editors: its province's editors, and the editor-in-chief;
    never one of its authors."""
    if not _signed_in(user) or _is_author(user, submission):
        return False
    return user.is_editor_in_chief or submission.province_id in user.province_ids(
        BoardRole.PROVINCE_EDITOR
    )


def _deny(user) -> JournalError:
    return PermissionDenied() if has_editorial_role(user) else NotFound()


def require_production_list(user) -> None:
    if not can_see_production(user):
        raise _deny(user)


def require_production(user, submission) -> None:
    """The production pages of ``submission``: 404/403 for others; 404 before acceptance."""
    if not can_manage_production(user, submission):
        raise _deny(user)
    if Stage(submission.stage) not in VISIBLE_STAGES:
        raise NotFound()


def _require_in_production(submission) -> None:
    if submission.stage != Stage.PRODUCTION:
        raise NotInProduction()


# --- Queries ------------------------------------------------------------------------------


def _handled_by(query, user):
    if user.is_editor_in_chief:
        return query
    provinces = user.province_ids(BoardRole.PROVINCE_EDITOR)
    return query.where(Submission.province_id.in_(provinces or {-1}))


def production_queue(user) -> list[Submission]:
    """Submissions accepted or in production that ``user`` handles, oldest first."""
    query = db.select(Submission).where(
        Submission.stage.in_([Stage.ACCEPTED.value, Stage.PRODUCTION.value])
    )
    return list(db.session.execute(_handled_by(query, user).order_by(Submission.id)).scalars())


def recently_produced(user, limit: int = 20) -> list[Submission]:
    """The latest scheduled or published submissions ``user`` handles (their production
    pages keep the runs and galleys)."""
    query = db.select(Submission).where(
        Submission.stage.in_([Stage.SCHEDULED.value, Stage.PUBLISHED.value])
    )
    query = _handled_by(query, user).order_by(Submission.updated_at.desc(), Submission.id.desc())
    return list(db.session.execute(query.limit(limit)).scalars())


def runs_of(submission) -> list[TypesetRun]:
    return list(
        db.session.execute(
            db.select(TypesetRun)
            .where(TypesetRun.submission_id == submission.id)
            .order_by(TypesetRun.id.desc())
        ).scalars()
    )


def galleys_of(submission) -> list[GalleyVersion]:
    return list(
        db.session.execute(
            db.select(GalleyVersion)
            .where(GalleyVersion.submission_id == submission.id)
            .order_by(GalleyVersion.number.desc())
        ).scalars()
    )


def galley_by_number(submission, number: int) -> GalleyVersion | None:
    return db.session.execute(
        db.select(GalleyVersion).filter_by(submission_id=submission.id, number=number)
    ).scalar_one_or_none()


# --- The state of a run -------------------------------------------------------------------


def run_state(run: TypesetRun, now: datetime | None = None) -> str:
    """queued, running, succeeded, failed, or stale (active for too long: its worker died)."""
    if run.status in ACTIVE:
        since = run.started_at or run.created_at
        limit = timedelta(seconds=current_app.config["TYPESET_STALE_AFTER"])
        if since is not None and (now or utcnow()) - since > limit:
            return "stale"
    return run.status


def stage_states(run: TypesetRun, state: str) -> list[tuple[str, str]]:
    """(stage, done | current | failed | pending) for each pipeline stage."""
    if state == "succeeded":
        return [(s, "done") for s in STAGES]
    position = STAGES.index(run.stage) if run.stage in STAGES else -1
    here = "current" if state == "running" else "failed"
    if state == "queued" or (position < 0 and state == "running"):
        return [(s, "pending") for s in STAGES]
    if position < 0:  # failed before the first stage (no manuscript, queue unavailable)
        return [(STAGES[0], "failed")] + [(s, "pending") for s in STAGES[1:]]
    return [
        (s, "done" if i < position else here if i == position else "pending")
        for i, s in enumerate(STAGES)
    ]


def run_error(run: TypesetRun, locale: str, state: str | None = None) -> str:
    """The run's error in ``locale`` (plain words); the stale notice for a stopped run."""
    if (state or run_state(run)) == "stale":
        return str(STALE_MESSAGE)
    if not run.error:
        return ""
    try:
        texts = json.loads(run.error)
    except ValueError:
        return run.error
    if not isinstance(texts, dict):
        return run.error
    return str(texts.get(locale) or texts.get("en") or next(iter(texts.values()), ""))


def status_of(submission, locale: str) -> dict:
    """What the production page polls: each run's state and stages, newest first."""
    now = utcnow()
    runs = []
    for run in runs_of(submission):
        state = run_state(run, now)
        runs.append(
            {
                "id": run.id,
                "state": state,
                "state_label": str(STATE_LABELS[state]),
                "stage": run.stage,
                "stages": [
                    {
                        "name": s,
                        "label": str(STAGE_LABELS[s]),
                        "state": st,
                        "state_label": str(STAGE_STATE_LABELS[st]),
                    }
                    for s, st in stage_states(run, state)
                ],
                "error": run_error(run, locale, state),
                "galley": run.galley.number if run.galley else None,
            }
        )
    return {"runs": runs, "active": any(r["state"] in ACTIVE for r in runs)}


# --- Services -----------------------------------------------------------------------------


def _one_transaction(service):
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


def _lock(submission) -> None:
    """Serialise run starts per submission (a row lock on PostgreSQL)."""
    db.session.execute(
        db.select(Submission.id).where(Submission.id == submission.id).with_for_update()
    )


def _new_run(submission, actor) -> TypesetRun:
    source = source_manuscript(submission)
    if source is None:
        raise NoManuscript()
    run = TypesetRun(
        submission_id=submission.id,
        source_file_id=source.id,
        requested_by_id=actor.id,
        status="queued",
        stage="",
        error="",
    )
    db.session.add(run)
    return run


def _enqueue(run: TypesetRun) -> TypesetRun:
    """Hand the committed run to the job queue; an unreachable queue fails the run."""
    run_id = run.id
    try:
        jobs.enqueue("typeset.run", run_id)
    except Exception:
        log.exception("typesetting run %s could not be queued", run_id)
        fail_run(
            run_id,
            _l(
                "The typesetting job could not be queued: the job queue is not reachable. "
                "Try again in a few minutes."
            ),
        )
    return db.session.get(TypesetRun, run_id)


@_one_transaction
def send_to_production(submission, actor) -> TypesetRun:
    """accepted → production, and the first typesetting run queued."""
    require_production(actor, submission)
    _lock(submission)
    signal = workflow.transition(submission, "send_to_production", actor)
    submission.updated_at = utcnow()
    run = _new_run(submission, actor)
    db.session.commit()
    signals.submission_transitioned.send(submission, action="send_to_production", signal=signal)
    return _enqueue(run)


@_one_transaction
def start_typesetting(submission, actor) -> TypesetRun:
    """Queue a new run on the latest manuscript version. Runs whose worker died (stale)
    are marked failed; a live run in progress refuses a second one."""
    require_production(actor, submission)
    _require_in_production(submission)
    _lock(submission)
    now = utcnow()
    for earlier in runs_of(submission):
        state = run_state(earlier, now)
        if state in ACTIVE:
            raise RunInProgress()
        if state == "stale":
            earlier.status = "failed"
            earlier.error = bilingual_text(STALE_MESSAGE)
            earlier.finished_at = now
    run = _new_run(submission, actor)
    db.session.commit()
    return _enqueue(run)


@_one_transaction
def approve_galley(galley: GalleyVersion, actor) -> GalleyVersion:
    """Approve ``galley`` for publishing; any other approved version of the submission
    loses its approval (exactly one is approved)."""
    submission = galley.submission
    require_production(actor, submission)
    _require_in_production(submission)
    for other in galleys_of(submission):
        if other.id != galley.id and other.approved_at is not None:
            other.approved_at = None
            other.approved_by_id = None
    if galley.approved_at is None:
        galley.approved_at = utcnow()
        galley.approved_by_id = actor.id
        record_event("approve_galley", submission=submission, actor=actor, note=f"v{galley.number}")
    db.session.commit()
    return galley


@_one_transaction
def add_production_file(
    submission, actor, *, kind: str, stream: BinaryIO, filename: str | None
) -> SubmissionFile:
    """A corrected manuscript (a new version; earlier ones stay) or a figure file that a
    Markdown or LaTeX manuscript refers to by its name."""
    require_production(actor, submission)
    if submission.stage not in (Stage.ACCEPTED, Stage.PRODUCTION):
        raise NotInProduction()
    if kind not in UPLOAD_KINDS:
        raise InvalidUpload(_l("Unknown kind of file."))
    from ..submissions.services import zip_limits

    name = clean_filename(filename)
    max_bytes = current_app.config["UPLOAD_MAX_BYTES"]
    stream.seek(0, os.SEEK_END)
    if stream.tell() > max_bytes:
        raise TooLarge()
    stream.seek(0)
    if kind == "manuscript":
        media_type = sniff_manuscript(stream, name, zip_limits())
    else:
        media_type = sniff_supplementary(stream, name, zip_limits())
        if media_type not in FIGURE_TYPES:
            raise InvalidUpload(_l("Figures must be PNG or JPEG images."))
    stream.seek(0)
    try:
        blob = file_store().put(stream, max_bytes=max_bytes)
    except StoredTooLarge:
        raise TooLarge() from None
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
    submission.updated_at = utcnow()
    db.session.commit()
    return record


# --- Galley files and previews ------------------------------------------------------------


def galley_file(galley: GalleyVersion, kind: str) -> tuple[Path, str, str]:
    """(path in the store, media type, download name) of one galley file."""
    column, media_type, extension = GALLEY_KINDS[kind]
    name = f"{current_app.config['JOURNAL_ID']}-{galley.submission_id}-v{galley.number}"
    return file_store().path_for(getattr(galley, column)), media_type, f"{name}.{extension}"


def preview_document(galley: GalleyVersion, stylesheet_href: str) -> str:
    """The HTML galley as the editor previews it: styled by the public site's stylesheet, as
    readers will see its text on the article's page."""
    path, _media_type, _name = galley_file(galley, "html")
    html = path.read_text(encoding="utf-8")
    link = f'<link rel="stylesheet" href="{escape(stylesheet_href)}">'
    return html.replace("</head>", f"{link}\n</head>", 1)


def galley_media(galley: GalleyVersion, name: str) -> tuple[Path, str] | None:
    """One image of this galley (by the name the HTML uses), or None."""
    sha = (galley.media or {}).get(name)
    if not isinstance(sha, str):
        return None
    suffix = Path(name).suffix.lower()
    media_type = {
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".gif": "image/gif",
        ".webp": "image/webp",
    }.get(suffix)
    if media_type is None:
        return None
    return file_store().path_for(sha), media_type


def preview_page(galley: GalleyVersion, page: int) -> Path | None:
    pages = preview_pages_for(galley.pdf_sha256)
    return pages[page - 1] if 1 <= page <= len(pages) else None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="galley-preview")


def preview_token(galley: GalleyVersion, user) -> str:
    """The HTML preview is sandboxed (an opaque origin): its image requests carry no
    session cookie. The path carries this token instead: one galley, one user, one hour."""
    return _serializer().dumps([galley.id, user.id])


def preview_token_valid(token: str, galley: GalleyVersion) -> bool:
    from ..accounts.models import User

    try:
        galley_id, user_id = _serializer().loads(token, max_age=PREVIEW_TOKEN_MAX_AGE)
    except (BadSignature, TypeError, ValueError):
        return False
    if galley_id != galley.id:
        return False
    user = db.session.get(User, user_id)
    return user is not None and user.is_active and can_manage_production(user, galley.submission)
