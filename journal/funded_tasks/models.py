from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import UTCDateTime, utcnow


class FundedTask(db.Model):
    __tablename__ = "funded_tasks"
    __table_args__ = (
        CheckConstraint("end_year >= start_year", name="years_ordered"),
        CheckConstraint("budget_vnd IS NULL OR budget_vnd >= 0", name="budget_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title_vi: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    province_id: Mapped[int] = mapped_column(ForeignKey("provinces.id"), index=True)
    agency: Mapped[str] = mapped_column(String(300))
    programme: Mapped[str] = mapped_column(String(300), default="")
    start_year: Mapped[int]
    end_year: Mapped[int]
    budget_vnd: Mapped[int | None] = mapped_column(BigInteger)
    principal_investigator: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    province = relationship("Province")

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_vi
