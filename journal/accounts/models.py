from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models_base import UTCDateTime, utcnow
from ..provinces import BoardMembership, BoardRole
from .passwords import fingerprint


class GlobalRole(enum.StrEnum):
    ADMIN = "admin"
    EDITOR_IN_CHIEF = "editor_in_chief"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("locale IN ('vi', 'en')", name="locale_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200))
    affiliation: Mapped[str] = mapped_column(String(300), default="")
    orcid: Mapped[str | None] = mapped_column(String(64))
    province_id: Mapped[int | None] = mapped_column(
        ForeignKey("provinces.id", ondelete="SET NULL"), index=True
    )
    # Comma-separated, as typed; see ``expertise_list``.
    expertise: Mapped[str] = mapped_column(Text, default="")
    locale: Mapped[str] = mapped_column(String(2), default="vi")
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the login id: raised on logout, so every copy of an earlier session or
    # remember-me cookie stops working (see ``get_id``).
    session_counter: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    province = relationship("Province")
    roles: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    memberships: Mapped[list[BoardMembership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login: what sessions and remember cookies carry
        """``<id>:<password fingerprint>:<session counter>``: changing the password or
        logging out ends every session, and every copy of its cookies."""
        return f"{self.id}:{fingerprint(self.password_hash)}:{self.session_counter or 0}"

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def expertise_list(self) -> list[str]:
        return [k.strip() for k in self.expertise.split(",") if k.strip()]

    def has_role(self, role: GlobalRole | str) -> bool:
        return any(r.role == role for r in self.roles)

    @property
    def is_admin(self) -> bool:
        return self.has_role(GlobalRole.ADMIN)

    @property
    def is_editor_in_chief(self) -> bool:
        return self.has_role(GlobalRole.EDITOR_IN_CHIEF)

    def province_ids(self, role: BoardRole | None = None) -> set[int]:
        """Provinces whose board this user sits on (optionally in one role)."""
        return {m.province_id for m in self.memberships if role is None or m.role == role}

    @property
    def is_board_member(self) -> bool:
        return bool(self.memberships)


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (
        UniqueConstraint("user_id", "role", name="uq_user_role"),
        CheckConstraint("role IN ('admin', 'editor_in_chief')", name="role_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))

    user: Mapped[User] = relationship(back_populates="roles")
