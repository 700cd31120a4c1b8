"""The production stage: an accepted manuscript is sent to production, typeset in the
background into versioned galleys (JATS, HTML, PDF), previewed and approved.

* ``send_to_production`` moves an accepted submission to ``production`` and queues the
  first typesetting run; ``start_typesetting`` queues another one (after corrections, or
  after a failure). A run never changes the submission's stage.
* The job ``typeset.run`` runs the pure pipeline (``journal.publish.typeset``) on the run's
  manuscript version, commits each stage into the run row as it starts, stores the galleys
  in the file store and records the next ``GalleyVersion``. Any failure marks the run
  failed with its message in plain words, in Vietnamese and in English.
* A run still queued or running after ``TYPESET_STALE_AFTER`` seconds lost its worker
  (killed, restarted): it is shown as stopped, and starting a new run marks it failed.
* ``approve_galley`` approves one version; approving another moves the approval.

Who: the province editors of the submission's province and the editor-in-chief. Other
people with an editorial role get 403; everyone else 404 (editorial pages are not
enumerable).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import subprocess
import tempfile
import time
import unicodedata
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from .. import PROJECT_ROOT, jobs, signals, workflow
from ..errors import (
    InvalidUpload,
    JournalError,
    NotFound,
    PermissionDenied,
    StaleError,
    TooLarge,
)
from ..events import events_for, record_event
from ..extensions import db
from ..filetypes import (
    DOCX,
    LATEX,
    MARKDOWN,
    ODT,
    clean_filename,
    sniff_manuscript,
    sniff_supplementary,
)
from ..models_base import utcnow
from ..provinces import BoardRole
from ..storage import StoredTooLarge, file_store
from ..submissions.models import Submission, SubmissionAuthor, SubmissionFile
from ..workflow import Stage
from .models import GalleyVersion, TypesetRun
from .typeset import (
    STAGES,
    ArticleMeta,
    Author,
    Funding,
    History,
    JournalIdentity,
    TypesetError,
    pdf_preview_pngs,
    typeset,
)

log = logging.getLogger(__name__)

STAGE_LABELS = {
    "converting": _l("Converting"),
    "enriching": _l("Front matter"),
    "validating": _l("Validating"),
    "html": _l("HTML galley"),
    "pdf": _l("PDF galley"),
}
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
ACTIVE = ("queued", "running")
# Stages in which the production page exists, and the one in which runs and approval happen.
VISIBLE_STAGES = frozenset({Stage.ACCEPTED, Stage.PRODUCTION, Stage.SCHEDULED, Stage.PUBLISHED})
FORMAT_OF = {DOCX: "docx", ODT: "odt", MARKDOWN: "md", LATEX: "tex"}
FIGURE_TYPES = ("image/png", "image/jpeg")
UPLOAD_KINDS = ("manuscript", "figure")
PREVIEW_PAGES = 2
PREVIEW_DPI = 80
PREVIEW_TOKEN_MAX_AGE = 3600
VIETNAM = timezone(timedelta(hours=7))  # no daylight saving time
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


def can_manage_production(user, submission) -> bool:
    """The submission's handling editors: its province's editors, and the editor-in-chief."""
    if not _signed_in(user):
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


def production_queue(user) -> list[Submission]:
    """Submissions accepted or in production that ``user`` handles, oldest first."""
    query = db.select(Submission).where(
        Submission.stage.in_([Stage.ACCEPTED.value, Stage.PRODUCTION.value])
    )
    if not user.is_editor_in_chief:
        provinces = user.province_ids(BoardRole.PROVINCE_EDITOR)
        query = query.where(Submission.province_id.in_(provinces or {-1}))
    return list(db.session.execute(query.order_by(Submission.id)).scalars())


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


def source_manuscript(submission) -> SubmissionFile | None:
    """The latest manuscript version in a format the pipeline reads."""
    versions = [
        f
        for f in submission.files
        if f.kind in ("manuscript", "revision") and f.media_type in FORMAT_OF
    ]
    return max(versions, key=lambda f: f.id) if versions else None


def figure_files(submission) -> dict[str, Path]:
    """Images a Markdown or LaTeX manuscript refers to by name; the latest of a name wins."""
    store = file_store()
    return {
        f.original_name: store.path_for(f.sha256)
        for f in sorted(submission.files, key=lambda f: f.id)
        if f.kind in ("figure", "supplementary") and f.media_type in FIGURE_TYPES
    }


def xsd_path() -> Path:
    path = Path(current_app.config["JATS_XSD"])
    return path if path.is_absolute() else (PROJECT_ROOT / path).resolve()


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


def _bilingual(message) -> str:
    """A lazy message as stored in the run: its Vietnamese and English text, as JSON."""
    texts = {}
    for lang in ("vi", "en"):
        with force_locale(lang):
            texts[lang] = str(message)
    return json.dumps(texts, ensure_ascii=False)


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


# --- From the submission to the article's front matter ------------------------------------


def journal_identity() -> JournalIdentity:
    cfg = current_app.config
    return JournalIdentity(
        journal_id=cfg["JOURNAL_ID"],
        title_vi=cfg["JOURNAL_TITLE_VI"],
        title_en=cfg["JOURNAL_TITLE_EN"],
        issn=cfg.get("ISSN_PRINT") or None,
        eissn=cfg.get("ISSN_ONLINE") or None,
        publisher=cfg["JOURNAL_PUBLISHER"],
        publisher_loc=cfg.get("JOURNAL_PUBLISHER_LOC") or "",
        abbrev_title=cfg.get("JOURNAL_ABBREV_TITLE") or None,
    )


# Family names that mark a name as written family name first (compared without diacritics).
_SURNAMES = (
    "au bach bui cao chau chu dang danh diep dinh do doan duong giang ha han ho "
    "hoang hua huynh khuu kieu la lai lam le lu luong luu ly mac mai ngo nghiem "
    "nguyen ong phan pham phung quach quan son ta tang thach thai tieu to tong tran "
    "trieu trinh truong vo vu vuong"
)
VIETNAMESE_SURNAMES = frozenset(_SURNAMES.split())


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def is_eastern_name(full_name: str) -> bool:
    """Vietnamese names are written family name first; "John Smith" is not."""
    parts = full_name.split()
    if not parts:
        return True
    return _fold(parts[0]) in VIETNAMESE_SURNAMES or not full_name.isascii()


def _author(author: SubmissionAuthor) -> Author:
    orcid = (author.orcid or "").strip() or None
    if orcid and not orcid.startswith("http"):
        orcid = f"https://orcid.org/{orcid}"
    return Author.from_full_name(
        author.full_name,
        eastern=is_eastern_name(author.full_name),
        affiliation=author.affiliation or "",
        orcid=orcid,
        email=author.email or None,
        corresponding=author.corresponding,
    )


def _local_date(moment: datetime | None) -> date | None:
    return moment.astimezone(VIETNAM).date() if moment is not None else None


def article_history(submission) -> History:
    """Received (first submission), revised (the last resubmission), accepted, from the
    event log; received falls back on the submission date."""
    events = events_for(submission)
    submitted = [e for e in events if e.to_stage == Stage.SUBMITTED]
    resubmitted = [e for e in submitted if e.from_stage != Stage.DRAFT]
    accepted = [e for e in events if e.to_stage == Stage.ACCEPTED]
    received = submitted[0].created_at if submitted else submission.submitted_at
    return History(
        received=_local_date(received),
        revised=_local_date(resubmitted[-1].created_at) if resubmitted else None,
        accepted=_local_date(accepted[-1].created_at) if accepted else None,
    )


def _funding(submission) -> Funding | None:
    task = submission.funded_task
    if task is None:
        return None
    return Funding(
        agency=task.agency,
        task_code=task.code,
        programme=task.programme or "",
        province=task.province.name(submission.language) if task.province else "",
        task_title=task.title(submission.language),
    )


def article_meta(
    submission,
    *,
    doi: str | None = None,
    pub_date: date | None = None,
    volume: str | None = None,
    issue: str | None = None,
    fpage: str | None = None,
    lpage: str | None = None,
) -> ArticleMeta:
    """The front matter of ``submission`` as the typesetting pipeline takes it. DOI, issue
    and pages are known only once the article is scheduled; production leaves them out."""
    return ArticleMeta(
        journal=journal_identity(),
        language=submission.language,
        title_vi=submission.title_vi,
        title_en=submission.title_en,
        abstract_vi=submission.abstract_vi,
        abstract_en=submission.abstract_en,
        authors=tuple(_author(a) for a in submission.authors),
        keywords_vi=tuple(submission.keywords("vi")),
        keywords_en=tuple(submission.keywords("en")),
        doi=doi,
        pub_date=pub_date,
        volume=volume,
        issue=issue,
        fpage=fpage,
        lpage=lpage,
        history=article_history(submission),
        funding=_funding(submission),
        section=submission.section.name(submission.language) if submission.section else "",
    )


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
        _fail(
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
            earlier.error = _bilingual(STALE_MESSAGE)
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


# --- The job ------------------------------------------------------------------------------


@jobs.job("typeset.run")
def run_typesetting(run_id: int) -> str:
    """Typeset one queued run; returns its final status. A manuscript that cannot be
    typeset is no error here: the run records why, in plain words."""
    if not _claim(run_id):
        log.info("typesetting run %s is not queued any more; skipped", run_id)
        return "skipped"
    clock = StageClock()
    try:
        status = _finish(run_id, _typeset(run_id, clock))
    except TypesetError as error:
        _fail(run_id, error.message)
        status = "failed"
    except Exception as error:
        log.exception("typesetting run %s failed", run_id)
        _fail(run_id, _unexpected(run_id, error))
        status = "failed"
    clock.stop()
    log.info("typesetting run %s %s: %s", run_id, status, clock)
    return status


class StageClock:
    """Seconds spent in each pipeline stage (logged with every run)."""

    def __init__(self):
        self.seconds: dict[str, float] = {}
        self._stage: str | None = None
        self._since = 0.0

    def start(self, stage: str) -> None:
        self.stop()
        self._stage, self._since = stage, time.perf_counter()

    def stop(self) -> None:
        if self._stage is not None:
            self.seconds[self._stage] = time.perf_counter() - self._since
            self._stage = None

    def __str__(self) -> str:
        return ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in self.seconds.items())


def _claim(run_id: int) -> bool:
    """queued → running, once: a job delivered twice runs once."""
    result = db.session.execute(
        db.update(TypesetRun)
        .where(TypesetRun.id == run_id, TypesetRun.status == "queued")
        .values(status="running", started_at=utcnow(), stage="")
    )
    db.session.commit()
    return result.rowcount == 1


def _typeset(run_id: int, clock: StageClock):
    run = db.session.get(TypesetRun, run_id)
    submission = run.submission
    try:
        meta = article_meta(submission)
    except ValueError as error:
        raise TypesetError(
            _l("The submission's front matter is incomplete: %(detail)s", detail=str(error))
        ) from None
    if not (meta.journal.issn or meta.journal.eissn):
        raise TypesetError(
            _l(
                "The journal's ISSN is not set (ISSN_PRINT or ISSN_ONLINE), and a valid JATS "
                "article needs one. Ask the site's administrator to set it."
            )
        )
    schema = xsd_path()
    if not schema.is_file():
        raise TypesetError(
            _l(
                "The JATS schema is not installed (%(path)s), so the article cannot be "
                "validated. Ask the site's administrator to set JATS_XSD.",
                path=str(schema),
            )
        )
    source = run.source_file

    def report(stage: str) -> None:
        clock.start(stage)
        db.session.execute(
            db.update(TypesetRun)
            .where(TypesetRun.id == run_id, TypesetRun.status == "running")
            .values(stage=stage)
        )
        db.session.commit()

    with tempfile.TemporaryDirectory(prefix=f"typeset-{run_id}-") as workdir:
        return typeset(
            file_store().path_for(source.sha256),
            FORMAT_OF[source.media_type],
            meta,
            workdir,
            xsd_path=schema,
            progress=report,
            figures=figure_files(submission),
        )


def _unexpected(run_id: int, error: Exception):
    db.session.rollback()
    run = db.session.get(TypesetRun, run_id)
    stage = run.stage if run is not None else ""
    if stage not in STAGE_LABELS:
        return _l(
            "Typesetting could not start because of an unexpected error (%(kind)s). It has "
            "been logged; try again, or tell the site's administrator.",
            kind=type(error).__name__,
        )
    return _l(
        "Typesetting stopped at the “%(stage)s” step because of an unexpected error "
        "(%(kind)s). It has been logged; try again, or tell the site's administrator.",
        stage=STAGE_LABELS[stage],
        kind=type(error).__name__,
    )


def pdf_page_count(pdf: bytes) -> int:
    """Pages of a PDF (poppler's ``pdfinfo``); 0 when it cannot tell."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        try:
            result = subprocess.run(  # noqa: S603 - fixed program, our own file
                ["/usr/bin/pdfinfo", handle.name], capture_output=True, timeout=30, check=True
            )
        except (OSError, subprocess.SubprocessError):
            return 0
    match = re.search(rb"^Pages:\s+(\d+)", result.stdout, re.M)
    return int(match.group(1)) if match else 0


def _finish(run_id: int, galleys) -> str:
    store = file_store()
    jats = store.put_bytes(galleys.jats).sha256
    html = store.put_bytes(galleys.html.encode("utf-8")).sha256
    pdf = store.put_bytes(galleys.pdf).sha256
    media = {name: store.put_bytes(data).sha256 for name, data in sorted(galleys.media.items())}
    pages = pdf_page_count(galleys.pdf)
    try:
        preview_pages_for(pdf)  # warm the preview cache while we are here
    except TypesetError:
        log.warning("no preview images for run %s (they are made when first shown)", run_id)
    for _attempt in range(3):
        run = db.session.execute(
            db.select(TypesetRun).where(TypesetRun.id == run_id).with_for_update()
        ).scalar_one()
        if run.status != "running":  # given up on (stale) while we worked: keep nothing
            db.session.rollback()
            return run.status
        number = (
            db.session.execute(
                db.select(db.func.max(GalleyVersion.number)).where(
                    GalleyVersion.submission_id == run.submission_id
                )
            ).scalar_one()
            or 0
        ) + 1
        db.session.add(
            GalleyVersion(
                submission_id=run.submission_id,
                run_id=run.id,
                number=number,
                jats_sha256=jats,
                html_sha256=html,
                pdf_sha256=pdf,
                media=media,
                pdf_pages=pages,
            )
        )
        run.status = "succeeded"
        run.finished_at = utcnow()
        try:
            db.session.commit()
            return "succeeded"
        except IntegrityError:  # another run took the same number at the same moment
            db.session.rollback()
    raise RuntimeError("no free galley number")


def _fail(run_id: int, message) -> None:
    db.session.rollback()
    run = db.session.get(TypesetRun, run_id)
    if run is None or run.status not in ACTIVE:
        return
    run.status = "failed"
    run.error = _bilingual(message)
    run.finished_at = utcnow()
    db.session.commit()


# --- Galley files and previews ------------------------------------------------------------


def galley_file(galley: GalleyVersion, kind: str) -> tuple[Path, str, str]:
    """(path in the store, media type, download name) of one galley file."""
    column, media_type, extension = GALLEY_KINDS[kind]
    name = f"{current_app.config['JOURNAL_ID']}-{galley.submission_id}-v{galley.number}"
    return file_store().path_for(getattr(galley, column)), media_type, f"{name}.{extension}"


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


def _preview_dir() -> Path:
    return Path(current_app.config["STORAGE_DIR"]) / "previews"


def preview_pages_for(pdf_sha256: str) -> list[Path]:
    """The PDF's first pages as PNG files, made once and kept next to the file store
    (``previews/<pdf sha256>-<page>.png``, written last page first, each atomically: page 1
    present means all are)."""
    file_store().path_for(pdf_sha256)  # a sha256, or ValueError
    folder = _preview_dir()
    if not (folder / f"{pdf_sha256}-1.png").is_file():
        with file_store().open(pdf_sha256) as handle:
            images = pdf_preview_pngs(handle.read(), pages=PREVIEW_PAGES, dpi=PREVIEW_DPI)
        folder.mkdir(parents=True, exist_ok=True)
        for number in range(len(images), 0, -1):
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".preview-")
            with os.fdopen(fd, "wb") as out:
                out.write(images[number - 1])
            os.replace(tmp, folder / f"{pdf_sha256}-{number}.png")
    pages = []
    while (page := folder / f"{pdf_sha256}-{len(pages) + 1}.png").is_file():
        pages.append(page)
    return pages


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
