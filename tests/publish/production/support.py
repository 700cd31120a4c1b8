"""Helpers of the production tests (plain functions, also used by the browser test):
accepted submissions with manuscript files, and finished galleys made from a pipeline result
computed once per session."""

from __future__ import annotations

from pathlib import Path

from journal.extensions import db
from journal.filetypes import DOCX, LATEX, MARKDOWN
from journal.models_base import utcnow
from journal.publish.models import GalleyVersion, TypesetRun
from journal.storage import file_store
from journal.submissions.models import SubmissionAuthor, SubmissionFile

from ...conftest import SCHEMAS_DIR
from ...factories import make_funded_task, make_submission
from ..typeset import samples

SCHEMAS = SCHEMAS_DIR
MEDIA_TYPES = {"md": MARKDOWN, "docx": DOCX, "tex": LATEX, "png": "image/png"}

# Reads a file outside the manuscript: refused before pandoc runs.
HOSTILE_TEX = (
    "\\documentclass{article}\n\\begin{document}\nLúa chịu mặn.\n"
    "\\input{/etc/passwd}\n\\end{document}\n"
)


def figure_bytes(tmp_path: Path) -> bytes:
    return samples.figure_png(tmp_path / "figure.png").read_bytes()


def markdown_bytes(lang: str = "vi") -> bytes:
    return samples.markdown(lang).encode("utf-8")


def docx_bytes(tmp_path: Path, lang: str = "vi") -> bytes:
    figure = samples.figure_png(tmp_path / "docx-figure.png")
    return samples.docx(lang, tmp_path, figure).read_bytes()


def add_file(submission, kind: str, name: str, data: bytes, user=None) -> SubmissionFile:
    """Store ``data`` and record it as a new file version of ``submission``."""
    blob = file_store().put_bytes(data)
    record = SubmissionFile(
        kind=kind,
        round=submission.round,
        original_name=name,
        media_type=MEDIA_TYPES[name.rsplit(".", 1)[-1]],
        size=blob.size,
        sha256=blob.sha256,
        uploaded_by_id=(user or submission.owner).id,
    )
    submission.files.append(record)
    db.session.commit()
    return record


def accepted_submission(owner, tmp_path: Path, *, fmt: str = "md", stage: str = "accepted"):
    """An accepted submission of Cần Thơ with a funded task, a co-author, a manuscript and,
    for Markdown, the figure it refers to."""
    from journal.funded_tasks.models import FundedTask

    number = db.session.execute(db.select(db.func.count(FundedTask.id))).scalar_one() + 1
    task = make_funded_task(code=f"CT-2024-{number:02d}")
    submission = make_submission(
        owner,
        stage=stage,
        funded_task=task,
        title_vi=samples.TEXT["vi"]["title"],
        title_en=samples.TEXT["en"]["title"],
    )
    submission.authors.append(
        SubmissionAuthor(
            position=2,
            full_name="John Smith",
            email="john.smith@example.org",
            affiliation="University of Queensland",
            orcid="https://orcid.org/0000-0002-1825-0097",
        )
    )
    db.session.commit()
    if fmt == "md":
        add_file(submission, "manuscript", "bản thảo.md", markdown_bytes())
        add_file(submission, "figure", "figure.png", figure_bytes(tmp_path))
    elif fmt == "docx":
        add_file(submission, "manuscript", "ban-thao.docx", docx_bytes(tmp_path))
    elif fmt == "tex":
        add_file(submission, "manuscript", "hostile.tex", HOSTILE_TEX.encode())
    return submission


def finished_galley(submission, galleys, editor, *, number: int = 1) -> GalleyVersion:
    """A succeeded run and its galley version, from an already typeset result (no pipeline
    run): for the tests of pages and permissions."""
    store = file_store()
    now = utcnow()
    run = TypesetRun(
        submission_id=submission.id,
        source_file_id=submission.manuscript.id,
        requested_by_id=editor.id,
        status="succeeded",
        stage="pdf",
        error="",
        started_at=now,
        finished_at=now,
    )
    db.session.add(run)
    db.session.flush()
    galley = GalleyVersion(
        submission_id=submission.id,
        run_id=run.id,
        number=number,
        jats_sha256=store.put_bytes(galleys.jats).sha256,
        html_sha256=store.put_bytes(galleys.html.encode()).sha256,
        pdf_sha256=store.put_bytes(galleys.pdf).sha256,
        media={name: store.put_bytes(data).sha256 for name, data in galleys.media.items()},
        pdf_pages=2,
    )
    db.session.add(galley)
    db.session.commit()
    return galley


def fetch(client, url: str, **kwargs):
    """GET ``url`` and close the response, as a WSGI server does (files are streamed)."""
    response = client.get(url, **kwargs)
    response.get_data()
    response.close()
    return response


def instant_typeset(result, calls: list | None = None):
    """A stand-in for the pipeline: reports every stage and returns ``result`` at once."""
    from journal.publish.typeset import STAGES

    def instant(manuscript, fmt, meta, workdir, *, progress, **kwargs):
        if calls is not None:
            calls.append((fmt, meta))
        for stage in STAGES:
            progress(stage)
        return result

    return instant
