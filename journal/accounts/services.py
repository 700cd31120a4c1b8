"""Account services: create users, roles, passwords, locale. Views, CLI and tests call
these; none of them reads the request."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from ..errors import JournalError
from ..extensions import db
from ..models_base import utcnow
from ..signals import profile_changed
from .models import GlobalRole, User, UserRole
from .passwords import hash_password, needs_rehash, verify_password


class AccountError(JournalError):
    status = 400


class DuplicateEmail(AccountError):
    status = 409
    default_message = _l("An account with this e-mail address already exists.")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    return db.session.execute(
        db.select(User).where(func.lower(User.email) == normalize_email(email))
    ).scalar_one_or_none()


def create_user(
    email: str,
    password: str | None,
    full_name: str,
    *,
    affiliation: str = "",
    orcid: str | None = None,
    province=None,
    expertise: str = "",
    locale: str = "vi",
    roles: tuple[str, ...] = (),
    confirmed: bool = False,
    commit: bool = True,
) -> User:
    email = normalize_email(email)
    if user_by_email(email) is not None:
        raise DuplicateEmail()
    user = User(
        email=email,
        password_hash=hash_password(password) if password else None,
        full_name=full_name.strip(),
        affiliation=affiliation.strip(),
        orcid=orcid,
        province=province,
        expertise=expertise,
        locale=locale,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    for role in roles:
        user.roles.append(UserRole(role=GlobalRole(role).value))
    db.session.add(user)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return user


def grant_role(user: User, role: str) -> None:
    role = GlobalRole(role).value
    if not user.has_role(role):
        user.roles.append(UserRole(role=role))
    db.session.commit()


def revoke_role(user: User, role: str) -> None:
    user.roles = [r for r in user.roles if r.role != role]
    db.session.commit()


def authenticate(email: str, password: str) -> User | None:
    """The user if the password matches and the account is active; timing-safe for unknowns."""
    user = user_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.commit()
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    db.session.commit()


def set_locale(user: User, locale: str) -> None:
    if locale in ("vi", "en") and user.locale != locale:
        user.locale = locale
        db.session.commit()
        profile_changed.send(user)
