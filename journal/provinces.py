"""Provinces and their editorial board: data, seeded and editable."""

from __future__ import annotations

import enum
import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.exc import IntegrityError
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
        CheckConstraint("role IN ('province_editor', 'board_member')", name="board_role_known"),
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
    return db.session.execute(db.select(Province).filter_by(code=code.upper())).scalar_one_or_none()


def seed_provinces() -> None:
    """Add the four signatories if missing; never touches edited rows. Flushes, no commit."""
    for code, name_vi, name_en, coordinating in SIGNATORIES:
        if province_by_code(code) is None:
            db.session.add(
                Province(code=code, name_vi=name_vi, name_en=name_en, coordinating=coordinating)
            )
    db.session.flush()


PROVINCE_CODE = re.compile(r"^[A-Z]{2,8}$")
NAME_MAX = 120


class ProvinceError(JournalError):
    status = 400
    default_message = _l("The province could not be saved.")


class DuplicateProvince(ProvinceError):
    status = 409
    default_message = _l("A province with this code already exists.")


class BoardError(JournalError):
    status = 400
    default_message = _l("The board membership could not be changed.")


class UnknownUser(BoardError):
    default_message = _l(
        "No account uses this e-mail address. Ask the person to register first, then add them."
    )


def normalize_province_code(code: str) -> str:
    """Upper-cased code of 2 to 8 letters A–Z, or ProvinceError."""
    code = (code or "").strip().upper()
    if not PROVINCE_CODE.fullmatch(code):
        raise ProvinceError(_l("The province code must be 2 to 8 letters A–Z, e.g. CT."))
    return code


def _clean_name(value: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > NAME_MAX:
        raise ProvinceError(
            _l("Give the province's name in Vietnamese and in English (at most 120 characters).")
        )
    return value


def _make_sole_coordinator(province: Province) -> None:
    """Only one province coordinates: the flag moves to ``province``."""
    others = db.select(Province).where(Province.coordinating.is_(True))
    if province.id is not None:
        others = others.where(Province.id != province.id)
    for other in db.session.execute(others).scalars():
        other.coordinating = False
    province.coordinating = True


def add_province(code: str, name_vi: str, name_en: str, coordinating: bool = False) -> Province:
    """Add a province. Setting ``coordinating`` takes the flag from the current coordinator."""
    code = normalize_province_code(code)
    province = Province(
        code=code, name_vi=_clean_name(name_vi), name_en=_clean_name(name_en), coordinating=False
    )
    if province_by_code(code) is not None:
        raise DuplicateProvince()
    if coordinating:
        _make_sole_coordinator(province)
    db.session.add(province)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DuplicateProvince() from None
    return province


def update_province(province: Province, name_vi: str, name_en: str, coordinating: bool) -> Province:
    """Edit names and the coordinating flag. The code never changes: feeds, URLs and task
    codes refer to it."""
    name_vi, name_en = _clean_name(name_vi), _clean_name(name_en)
    province.name_vi = name_vi
    province.name_en = name_en
    if coordinating:
        _make_sole_coordinator(province)
    else:
        province.coordinating = False
    db.session.commit()
    return province


def _find_membership(user_id: int, province_id: int, role: str) -> BoardMembership | None:
    return db.session.execute(
        db.select(BoardMembership).filter_by(user_id=user_id, province_id=province_id, role=role)
    ).scalar_one_or_none()


def add_board_member(user, province: Province, role: str) -> BoardMembership:
    """Put ``user`` (a User or an e-mail address) on ``province``'s board in ``role``.

    Idempotent: an existing membership is returned as it is. An unknown e-mail address or
    role raises a BoardError and writes nothing.
    """
    if isinstance(user, str):
        from .accounts.services import user_by_email

        email = user.strip()
        user = user_by_email(email) if email else None
        if user is None:
            raise UnknownUser()
    try:
        role = BoardRole(role).value
    except ValueError:
        raise BoardError(_l("Choose the role: province editor or board member.")) from None
    existing = _find_membership(user.id, province.id, role)
    if existing is not None:
        return existing
    membership = BoardMembership(user_id=user.id, province_id=province.id, role=role)
    db.session.add(membership)
    try:
        db.session.commit()
    except IntegrityError:  # added at the same moment by someone else
        db.session.rollback()
        return _find_membership(user.id, province.id, role)
    return membership


def remove_board_member(membership: BoardMembership) -> None:
    """Remove a membership; removing one that is already gone is not an error."""
    db.session.execute(
        db.delete(BoardMembership)
        .where(BoardMembership.id == membership.id)
        .execution_options(synchronize_session="fetch")
    )
    db.session.commit()


def board_of(province: Province) -> list[BoardMembership]:
    """The province's board: province editors first, then members, by name."""
    from .accounts.models import User

    return list(
        db.session.execute(
            db.select(BoardMembership)
            .join(User)
            .where(BoardMembership.province_id == province.id)
            .order_by(BoardMembership.role.desc(), User.full_name, User.id)
        ).scalars()
    )


def board_sizes() -> dict[int, int]:
    """Number of board memberships per province id."""
    rows = db.session.execute(
        db.select(BoardMembership.province_id, db.func.count(BoardMembership.id)).group_by(
            BoardMembership.province_id
        )
    )
    return {province_id: count for province_id, count in rows}


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
