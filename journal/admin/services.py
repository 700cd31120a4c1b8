"""Administration services: global roles and the user list."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_
from sqlalchemy.orm import selectinload

from ..accounts.models import GlobalRole, User, UserRole
from ..errors import JournalError, PermissionDenied
from ..extensions import db
from .permissions import can_manage_roles

USER_LIST_LIMIT = 100


class RoleError(JournalError):
    status = 400
    default_message = _l("Choose the role: administrator or editor-in-chief.")


class LastAdminError(JournalError):
    status = 409
    default_message = _l(
        "This is the last active administrator account. Grant the administrator role to "
        "someone else first, then give it up."
    )


def _active_admin_rows() -> list[UserRole]:
    """The active administrators' role rows, locked until the commit where the database can."""
    return list(
        db.session.execute(
            db.select(UserRole)
            .join(User)
            .where(UserRole.role == GlobalRole.ADMIN.value, User.active.is_(True))
            .with_for_update(of=UserRole)
        ).scalars()
    )


def set_global_role(actor, user: User, role: str, grant: bool) -> bool:
    """Grant or revoke ``role`` for ``user``. Idempotent; returns whether anything changed.

    The journal always keeps one active administrator: revoking the last one is refused.
    """
    if not can_manage_roles(actor):
        raise PermissionDenied()
    try:
        role = GlobalRole(role).value
    except ValueError:
        raise RoleError() from None
    has_it = user.has_role(role)
    if grant == has_it:
        return False
    if grant:
        user.roles.append(UserRole(role=role))
    else:
        if role == GlobalRole.ADMIN.value:
            others = [r for r in _active_admin_rows() if r.user_id != user.id]
            if not others:
                db.session.rollback()
                raise LastAdminError()
        user.roles = [r for r in user.roles if r.role != role]
    db.session.commit()
    return True


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_users(query: str | None = None, limit: int = USER_LIST_LIMIT) -> list[User]:
    """Users whose e-mail address or name contains ``query`` (all users when empty), by name.

    Case is ignored (for non-ASCII letters only on PostgreSQL: SQLite folds ASCII only).
    """
    select = db.select(User).options(selectinload(User.roles), selectinload(User.memberships))
    text = (query or "").strip().lower()
    if text:
        pattern = _like(text)
        select = select.where(
            or_(
                func.lower(User.email).like(pattern, escape="\\"),
                func.lower(User.full_name).like(pattern, escape="\\"),
            )
        )
    return list(db.session.execute(select.order_by(User.full_name, User.id).limit(limit)).scalars())
