from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import UTCDateTime, utcnow
from ..workflow import Stage

STAGE_VALUES = ", ".join(f"'{s.value}'" for s in Stage)

FILE_KINDS = (
    "manuscript",
    "anonymised_manuscript",
    "revision",
    "response_letter",
    "review_attachment",
    "galley",
    "figure",
    "supplementary",
)


class Section(db.Model):
    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi


SECTIONS = [
    ("research", "Nghiên cứu", "Research articles", 1),
    ("review", "Tổng quan", "Reviews", 2),
    ("short", "Thông tin ngắn", "Short communications", 3),
    ("results", "Kết quả nhiệm vụ KH&CN", "Funded task results", 4),
]


def seed_sections() -> None:
    for code, name_vi, name_en, position in SECTIONS:
        exists = db.session.execute(db.select(Section).filter_by(code=code)).scalar_one_or_none()
        if exists is None:
            db.session.add(Section(code=code, name_vi=name_vi, name_en=name_en, position=position))
    db.session.flush()


class Submission(db.Model):
    __tablename__ = "submissions"
    __table_args__ = (
        CheckConstraint(f"stage IN ({STAGE_VALUES})", name="stage_known"),
        CheckConstraint("language IN ('vi', 'en')", name="language_known"),
        CheckConstraint("round >= 1", name="round_positive"),
        # Leaving the draft stage requires the submission date.
        CheckConstraint(
            "stage IN ('draft', 'withdrawn') OR submitted_at IS NOT NULL", name="submitted_has_date"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    stage: Mapped[str] = mapped_column(String(32), default=Stage.DRAFT.value, index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    section_id: Mapped[int | None] = mapped_column(ForeignKey("sections.id"), index=True)
    language: Mapped[str] = mapped_column(String(2), default="vi")
    title_vi: Mapped[str] = mapped_column(Text, default="")
    title_en: Mapped[str] = mapped_column(Text, default="")
    abstract_vi: Mapped[str] = mapped_column(Text, default="")
    abstract_en: Mapped[str] = mapped_column(Text, default="")
    keywords_vi: Mapped[str] = mapped_column(Text, default="")
    keywords_en: Mapped[str] = mapped_column(Text, default="")

    funded_task_id: Mapped[int | None] = mapped_column(ForeignKey("funded_tasks.id"), index=True)
    province_id: Mapped[int | None] = mapped_column(ForeignKey("provinces.id"), index=True)

    cover_letter: Mapped[str] = mapped_column(Text, default="")
    declares_originality: Mapped[bool] = mapped_column(Boolean, default=False)
    competing_interests: Mapped[str] = mapped_column(Text, default="")
    licence_consent: Mapped[bool] = mapped_column(Boolean, default=False)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    owner = relationship("User")
    section: Mapped[Section | None] = relationship()
    funded_task = relationship("FundedTask")
    province = relationship("Province")
    authors: Mapped[list[SubmissionAuthor]] = relationship(
        back_populates="submission",
        cascade="all, delete-orphan",
        order_by="SubmissionAuthor.position",
    )
    files: Mapped[list[SubmissionFile]] = relationship(
        back_populates="submission", order_by="SubmissionFile.id"
    )

    __mapper_args__ = {"version_id_col": version}

    def title(self, locale: str) -> str:
        primary = self.title_en if locale == "en" else self.title_vi
        return primary or self.title_vi or self.title_en

    def keywords(self, lang: str) -> list[str]:
        raw = self.keywords_en if lang == "en" else self.keywords_vi
        return [k.strip() for k in raw.replace(";", ",").split(",") if k.strip()]

    @property
    def corresponding_author(self) -> SubmissionAuthor | None:
        return next((a for a in self.authors if a.corresponding), None)

    def files_of(self, kind: str) -> list[SubmissionFile]:
        return [f for f in self.files if f.kind == kind]

    @property
    def manuscript(self) -> SubmissionFile | None:
        """The latest manuscript version."""
        versions = self.files_of("manuscript")
        return versions[-1] if versions else None


class SubmissionAuthor(db.Model):
    __tablename__ = "submission_authors"
    __table_args__ = (UniqueConstraint("submission_id", "position", name="uq_author_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    affiliation: Mapped[str] = mapped_column(String(300), default="")
    orcid: Mapped[str | None] = mapped_column(String(64))
    corresponding: Mapped[bool] = mapped_column(Boolean, default=False)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    submission: Mapped[Submission] = relationship(back_populates="authors")


class SubmissionFile(db.Model):
    """One stored version of a file. Rows are never updated or deleted."""

    __tablename__ = "submission_files"
    __table_args__ = (
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{k}'" for k in FILE_KINDS) + ")", name="kind_known"
        ),
        CheckConstraint("size >= 0", name="size_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    round: Mapped[int] = mapped_column(Integer, default=1)
    original_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="files")
