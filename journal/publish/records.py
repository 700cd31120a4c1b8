"""The published record: issues, the order of their sections, articles and DOI deposits.

An ``Article`` is the published version of a submission. It is created when the submission
is scheduled into an issue (or published online first) and gets its DOI then; the DOI never
changes and is never given to another article. An article stays at its URL forever: taking
it down sets ``unpublished_at`` and a reason, and its page becomes a tombstone that still
gives the citation.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import UTCDateTime, utcnow

DEPOSIT_STATUSES = ("pending", "submitted", "registered", "failed")


class Issue(db.Model):
    __tablename__ = "issues"
    __table_args__ = (
        UniqueConstraint("volume", "number", name="uq_issue_volume_number"),
        CheckConstraint("volume >= 1", name="volume_positive"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("year >= 1900 AND year <= 2200", name="year_plausible"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    volume: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer, index=True)
    title_vi: Mapped[str] = mapped_column(Text, default="")
    title_en: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    sections: Mapped[list[IssueSection]] = relationship(
        back_populates="issue", cascade="all, delete-orphan", order_by="IssueSection.position"
    )

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def title(self, locale: str) -> str:
        primary = self.title_en if locale == "en" else self.title_vi
        return primary or self.title_vi or self.title_en


class IssueSection(db.Model):
    """The place of a section in one issue's table of contents."""

    __tablename__ = "issue_sections"
    __table_args__ = (UniqueConstraint("issue_id", "section_id", name="uq_issue_section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    issue: Mapped[Issue] = relationship(back_populates="sections")
    section = relationship("Section")


class Article(db.Model):
    __tablename__ = "articles"
    __table_args__ = (
        CheckConstraint(
            "first_page IS NULL OR (first_page >= 1 AND last_page >= first_page)",
            name="pages_ordered",
        ),
        CheckConstraint(
            "unpublished_at IS NULL OR (published_at IS NOT NULL AND unpublish_reason <> '')",
            name="tombstone_has_reason",
        ),
        # Newest first (pages, feeds, API, widget): read backwards in index order, stopped at
        # the limit.
        Index("ix_articles_published_at_id", "published_at", "id"),
        # OAI-PMH lists: by datestamp, then id.
        Index("ix_articles_updated_at_id", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), unique=True)
    doi: Mapped[str] = mapped_column(String(255), unique=True)
    issue_id: Mapped[int | None] = mapped_column(ForeignKey("issues.id"), index=True)
    # Order within its section of the issue (1, 2, …).
    position: Mapped[int] = mapped_column(Integer, default=0)
    galley_version_id: Mapped[int] = mapped_column(ForeignKey("galley_versions.id"))
    first_page: Mapped[int | None] = mapped_column(Integer)
    last_page: Mapped[int | None] = mapped_column(Integer)
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    unpublished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    unpublish_reason: Mapped[str] = mapped_column(Text, default="")

    submission = relationship("Submission")
    issue: Mapped[Issue | None] = relationship()
    galley = relationship("GalleyVersion")
    deposit: Mapped[DoiDeposit | None] = relationship(back_populates="article")

    @property
    def is_live(self) -> bool:
        """Published and not taken down."""
        return self.published_at is not None and self.unpublished_at is None

    @property
    def pages(self) -> str:
        if self.first_page is None:
            return ""
        if self.last_page in (None, self.first_page):
            return str(self.first_page)
        return f"{self.first_page}–{self.last_page}"


class DoiDeposit(db.Model):
    """Where one DOI stands with Crossref: pending (not sent yet), submitted (in Crossref's
    queue), registered, or failed with Crossref's message."""

    __tablename__ = "doi_deposits"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in DEPOSIT_STATUSES) + ")",
            name="status_known",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"), unique=True)
    doi: Mapped[str] = mapped_column(String(255), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    message: Mapped[str] = mapped_column(Text, default="")
    batch_id: Mapped[str] = mapped_column(String(100), default="")
    file_name: Mapped[str] = mapped_column(String(120), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    article: Mapped[Article] = relationship(back_populates="deposit")
