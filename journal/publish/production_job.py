"""The typesetting job (``typeset.run``): one queued run of the pure pipeline
(``journal.publish.typeset``) on the run's manuscript version.

The job claims the run (queued → running, once), commits each stage into the run row as the
pipeline starts it, stores the JATS, HTML, PDF and media in the file store, records the next
``GalleyVersion`` and warms the PDF preview cache. A manuscript that cannot be typeset, or
any other failure, ends in a failed run whose message is stored in Vietnamese and English.
It never changes the submission's stage; a worker killed midway leaves the run "running"
until it is seen as stale (journal/publish/production.py).
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from .. import jobs
from ..extensions import db
from ..filetypes import DOCX, LATEX, MARKDOWN, ODT
from ..models_base import utcnow
from ..schemas import installed_schema
from ..storage import file_store
from ..submissions.models import SubmissionFile
from .models import GalleyVersion, TypesetRun
from .production_meta import article_meta
from .typeset import ArticleMeta, TypesetError, pdf_preview_pngs, typeset

log = logging.getLogger(__name__)

STAGE_LABELS = {
    "converting": _l("Converting"),
    "enriching": _l("Front matter"),
    "validating": _l("Validating"),
    "html": _l("HTML galley"),
    "pdf": _l("PDF galley"),
}
ACTIVE = ("queued", "running")
FORMAT_OF = {DOCX: "docx", ODT: "odt", MARKDOWN: "md", LATEX: "tex"}
FIGURE_TYPES = ("image/png", "image/jpeg")
PREVIEW_PAGES = 2
PREVIEW_DPI = 80


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


def bilingual_text(message) -> str:
    """A lazy message as stored in the run: its Vietnamese and English text, as JSON."""
    texts = {}
    for lang in ("vi", "en"):
        with force_locale(lang):
            texts[lang] = str(message)
    return json.dumps(texts, ensure_ascii=False)


@jobs.job("typeset.run")
def run_typesetting(run_id: int) -> str:
    """Typeset one queued run; returns its final status. A manuscript that cannot be
    typeset is no error here: the run records why, in plain words."""

    def work(clock: StageClock) -> str:
        galleys = typeset_run(run_id, clock)
        clock.start("saving")  # files, page count, previews: logged, not a stage of the run
        return finish_run(run_id, galleys)

    return execute_run(run_id, "typesetting run", work)


def execute_run(run_id: int, kind: str, work) -> str:
    """Claim a queued run, do ``work(clock)`` and record how it ended: a manuscript that
    cannot be typeset fails the run with its plain reason, anything else with a generic
    one (logged); the stages' times are logged either way."""
    if not claim_run(run_id):
        log.info("%s %s is not queued any more; skipped", kind, run_id)
        return "skipped"
    clock = StageClock()
    try:
        status = work(clock)
    except TypesetError as error:
        fail_run(run_id, error.message)
        status = "failed"
    except Exception as error:
        log.exception("%s %s failed", kind, run_id)
        fail_run(run_id, unexpected_failure(run_id, error))
        status = "failed"
    clock.stop()
    log.info("%s %s %s: %s", kind, run_id, status, clock)
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


def claim_run(run_id: int) -> bool:
    """queued → running, once: a job delivered twice runs once."""
    result = db.session.execute(
        db.update(TypesetRun)
        .where(TypesetRun.id == run_id, TypesetRun.status == "queued")
        .values(status="running", started_at=utcnow(), stage="")
    )
    db.session.commit()
    return result.rowcount == 1


def front_matter(submission, **final) -> ArticleMeta:
    """The submission's front matter; ``final`` adds the version of record's DOI, volume,
    issue, pages and date. Incomplete front matter is a plain ``TypesetError``."""
    try:
        return article_meta(submission, **final)
    except ValueError as error:
        raise TypesetError(
            _l("The submission's front matter is incomplete: %(detail)s", detail=str(error))
        ) from None


def typeset_run(run_id: int, clock: StageClock, meta: ArticleMeta | None = None):
    """Run the pipeline for ``run_id`` on its manuscript version, with ``meta`` (the
    submission's front matter when None), within the configured limits."""
    run = db.session.get(TypesetRun, run_id)
    submission = run.submission
    meta = meta or front_matter(submission)
    if not (meta.journal.issn or meta.journal.eissn):
        raise TypesetError(
            _l(
                "The journal's ISSN is not set (ISSN_PRINT or ISSN_ONLINE), and a valid JATS "
                "article needs one. Ask the site's administrator to set it."
            )
        )
    schema = installed_schema("jats")  # None: the structural checks only
    if schema is None:
        log.info("typesetting run %s: no JATS schema installed, structural checks only", run_id)
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
            **typeset_limits(),
        )


def typeset_limits() -> dict:
    """The configured bounds of pandoc and of WeasyPrint for one run."""
    config = current_app.config
    return {
        "time_limit": float(config["TYPESET_TIME_LIMIT"]),
        "memory_limit": int(config["TYPESET_MEMORY_LIMIT"]),
        "pdf_time_limit": float(config["TYPESET_PDF_TIME_LIMIT"]),
        "pdf_memory_limit": int(config["TYPESET_PDF_MEMORY_LIMIT"]),
    }


def unexpected_failure(run_id: int, error: Exception):
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


def finish_run(run_id: int, galleys) -> str:
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
                schema_validated=galleys.schema_validated,
                repairs=[json.loads(bilingual_text(r.message)) for r in galleys.repairs],
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


def fail_run(run_id: int, message) -> None:
    db.session.rollback()
    run = db.session.get(TypesetRun, run_id)
    if run is None or run.status not in ACTIVE:
        return
    run.status = "failed"
    run.error = bilingual_text(message)
    run.finished_at = utcnow()
    db.session.commit()


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
