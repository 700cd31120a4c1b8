"""Provinces and their editorial board: data, seeded and editable."""

from __future__ import annotations

import enum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .errors import JournalError
from .extensions import db

SIGNATORIES = [
    # code, name_vi, name_en, coordinating
    ("AG", "An Giang", "An Giang", False),
    ("CM", "Cà Mau", "Ca Mau", False),
    ("CT", "Cần Thơ", "Can Tho", True),
    ("KG", "Kiên Giang", "Kien Giang", False),
]


class BoardRole(enum.StrEnum):
    PROVINCE_EDITOR = "province_editor"
    BOARD_MEMBER = "board_member"


class Province(db.Model):
    __tablename__ = "provinces"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name_vi: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(120))
    coordinating: Mapped[bool] = mapped_column(Boolean, default=False)

    memberships: Mapped[list[BoardMembership]] = relationship(
        back_populates="province", cascade="all, delete-orphan"
    )

    def name(self, locale: str) -> str:
        return self.name_en if locale == "en" else self.name_vi


class BoardMembership(db.Model):
    __tablename__ = "board_memberships"
    __table_args__ = (
        UniqueConstraint("user_id", "province_id", "role", name="uq_board_membership"),
        CheckConstraint(
            "role IN ('province_editor', 'board_member')", name="board_role_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    province_id: Mapped[int] = mapped_column(
        ForeignKey("provinces.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(32))

    user = relationship("User", back_populates="memberships")
    province: Mapped[Province] = relationship(back_populates="memberships")


def all_provinces() -> list[Province]:
    return list(db.session.execute(db.select(Province).order_by(Province.name_vi)).scalars())


def province_by_code(code: str) -> Province | None:
    return db.session.execute(
        db.select(Province).filter_by(code=code.upper())
    ).scalar_one_or_none()


def seed_provinces() -> None:
    """Add the four signatories if missing; never touches edited rows. Flushes, no commit."""
    for code, name_vi, name_en, coordinating in SIGNATORIES:
        if province_by_code(code) is None:
            db.session.add(
                Province(code=code, name_vi=name_vi, name_en=name_en, coordinating=coordinating)
            )
    db.session.flush()


class DuplicateProvince(JournalError):
    status = 409


def add_province(code: str, name_vi: str, name_en: str, coordinating: bool = False) -> Province:
    from flask_babel import lazy_gettext as _l

    code = code.strip().upper()
    if province_by_code(code) is not None:
        raise DuplicateProvince(_l("A province with this code already exists."))
    province = Province(
        code=code, name_vi=name_vi.strip(), name_en=name_en.strip(), coordinating=coordinating
    )
    db.session.add(province)
    db.session.commit()
    return province


def add_board_member(user, province: Province, role: str) -> BoardMembership:
    """Idempotent: an existing membership is returned as it is."""
    role = BoardRole(role).value
    existing = db.session.execute(
        db.select(BoardMembership).filter_by(user_id=user.id, province_id=province.id, role=role)
    ).scalar_one_or_none()
    if existing is not None:
        return existing
    membership = BoardMembership(user_id=user.id, province_id=province.id, role=role)
    db.session.add(membership)
    db.session.commit()
    return membership


def remove_board_member(membership: BoardMembership) -> None:
    db.session.delete(membership)
    db.session.commit()


def province_editors(province: Province) -> list:
    from .accounts.models import User

    return list(
        db.session.execute(
            db.select(User)
            .join(BoardMembership)
            .where(
                BoardMembership.province_id == province.id,
                BoardMembership.role == BoardRole.PROVINCE_EDITOR.value,
            )
            .order_by(User.id)
        ).scalars()
    )
