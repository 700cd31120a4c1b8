"""Typesetting runs and galley versions: the contract between production and publishing.

A ``TypesetRun`` is one attempt of the pipeline on a manuscript version; a successful run
makes a ``GalleyVersion`` (JATS, HTML, PDF and media in the file store). Versions are never
overwritten; exactly the one an editor approved is used for publishing.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import UTCDateTime, utcnow

RUN_STATUSES = ("queued", "running", "succeeded", "failed")


class TypesetRun(db.Model):
    __tablename__ = "typeset_runs"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in RUN_STATUSES) + ")", name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    source_file_id: Mapped[int] = mapped_column(ForeignKey("submission_files.id"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Set for a run that makes the article's version of record (final DOI, volume, issue,
    # pages, publication date); None for a production run.
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", use_alter=True), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="queued")
    # The stage now running or the one that failed: converting, enriching, validating, html, pdf.
    stage: Mapped[str] = mapped_column(String(16), default="")
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    submission = relationship("Submission")
    source_file = relationship("SubmissionFile")
    article = relationship("Article")
    galley: Mapped[GalleyVersion | None] = relationship(back_populates="run")


class GalleyVersion(db.Model):
    __tablename__ = "galley_versions"
    __table_args__ = (UniqueConstraint("submission_id", "number", name="uq_galley_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("typeset_runs.id"), unique=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, … per submission
    jats_sha256: Mapped[str] = mapped_column(String(64))
    html_sha256: Mapped[str] = mapped_column(String(64))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    # {"fig1.png": "<sha256>", …}: the media the galleys refer to as media/<name>
    media: Mapped[dict] = mapped_column(JSON, default=dict)
    pdf_pages: Mapped[int] = mapped_column(Integer, default=0)
    # True: the JATS was validated against the official schema; False: the official schema
    # was not installed, so only the pipeline's structural checks ran.
    schema_validated: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # What was untidy in the manuscript and repaired: [{"vi": "…", "en": "…"}, …]
    repairs: Mapped[list] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    submission = relationship("Submission")
    run: Mapped[TypesetRun] = relationship(back_populates="galley")


def approved_galley(submission) -> GalleyVersion | None:
    """The galley version approved for publishing (the latest approval wins)."""
    return db.session.execute(
        db.select(GalleyVersion)
        .where(GalleyVersion.submission_id == submission.id, GalleyVersion.approved_at.is_not(None))
        .order_by(GalleyVersion.approved_at.desc(), GalleyVersion.id.desc())
        .limit(1)
    ).scalar_one_or_none()
