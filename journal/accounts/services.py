"""Account services: create users, roles, passwords, locale, registration, e-mail
confirmation, password reset, profile. Views, CLI and tests call these; none of them reads
the request."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError

from ..errors import JournalError
from ..extensions import db
from ..jobs import enqueue, job
from ..mail import deliver_after_commit, external_url, queue_mail
from ..models_base import utcnow
from ..provinces import Province
from ..signals import profile_changed
from . import tokens
from .models import GlobalRole, User, UserRole
from .orcid import MalformedOrcid, normalize_orcid
from .passwords import fingerprint, hash_password, is_common, needs_rehash, verify_password

log = logging.getLogger(__name__)

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 256
LOCALES = ("vi", "en")


class AccountError(JournalError):
    status = 400


class DuplicateEmail(AccountError):
    status = 409
    default_message = _l("An account with this e-mail address already exists.")


class WeakPassword(AccountError):
    pass


class InvalidProfile(AccountError):
    default_message = _l("The profile could not be saved: check the fields.")


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


# --- who may do what ---------------------------------------------------------------------


def can_submit(user) -> bool:
    """Only signed-in, active accounts with a confirmed e-mail address submit manuscripts."""
    return bool(
        getattr(user, "is_authenticated", False) and user.is_active and user.email_confirmed
    )


def load_session_user(user_id: str) -> User | None:
    """The user a session or remember cookie names, if it is still valid: the account is
    active, its password has not changed and it has not logged out since (see
    ``User.get_id``)."""
    raw_id, _, rest = str(user_id).partition(":")
    password_print, _, counter = rest.partition(":")
    if not raw_id.isdigit() or len(raw_id) > 18:
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or not user.active or password_print != fingerprint(user.password_hash):
        return None
    if counter != str(user.session_counter or 0):
        return None
    return user


def end_sessions(user: User) -> None:
    """End every session of ``user``: the one logging out, the other devices' and any
    copied session or remember-me cookie (their login id carries the old counter)."""
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_counter=User.session_counter + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(user)


# --- registration and e-mail confirmation ------------------------------------------------


def check_password_strength(
    password: str, *, email: str | None = None, full_name: str | None = None
) -> None:
    """NIST SP 800-63B: long enough, not a common password, not the account's own e-mail
    address or name (no composition rules, no forced changes)."""
    if len(password or "") < PASSWORD_MIN_LENGTH:
        raise WeakPassword(
            _l("The password must have at least %(n)d characters.", n=PASSWORD_MIN_LENGTH)
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise WeakPassword(
            _l("The password must have at most %(n)d characters.", n=PASSWORD_MAX_LENGTH)
        )
    if is_common(password):
        raise WeakPassword(
            _l(
                "This password is one of the most common ones and easy to guess: choose "
                "another, for example a phrase of several words."
            )
        )
    if _names_the_account(password, email, full_name):
        raise WeakPassword(_l("The password must not be your e-mail address or your name."))


# A name or e-mail local part this long is refused anywhere in a password; shorter ones
# ("fresh", "mai") only as the whole password (with digits around it).
CONTAINED_MIN_CHARS = 6


def _letters(text: str) -> str:
    from ..review.anonymise import fold

    return "".join(ch for ch in fold(text) if ch.isalnum())


def _names_the_account(password: str, email: str | None, full_name: str | None) -> bool:
    """The password is, or is built on, the e-mail address, its local part or the name
    (compared without case, accents, spaces or punctuation)."""
    folded = _letters(password)
    words = []
    if email:
        words += [email, email.split("@", 1)[0]]
    if full_name:
        words += [full_name]
    bare = "".join(ch for ch in folded if not ch.isdigit())
    for word in words:
        letters = _letters(word)
        if len(letters) < 4:
            continue
        if letters in (folded, bare) or folded in letters:
            return True
        if len(letters) >= CONTAINED_MIN_CHARS and letters in folded:
            return True
    return False


def _validity(config_key: str) -> timedelta:
    return timedelta(seconds=current_app.config[config_key])


def confirmation_token(user: User) -> str:
    return tokens.make_token(tokens.CONFIRM_SALT, {"u": user.id, "e": user.email})


def _queue_confirmation(user: User) -> None:
    queue_mail(
        user,
        "confirm_email",
        user=user,
        link=external_url("accounts.confirm", token=confirmation_token(user)),
        valid_for=_validity("CONFIRM_TOKEN_MAX_AGE"),
    )


def register_user(
    email: str, password: str, full_name: str, *, affiliation: str = "", locale: str = "vi"
) -> User | None:
    """A new unconfirmed account and the confirmation e-mail for it. When the address
    already has an account, nothing is created and its owner gets a message saying so
    (with the ways to log in or reset the password) instead: None. The work and the
    answer are the same either way, so the form does not tell who has an account."""
    check_password_strength(password, email=email, full_name=full_name)
    if not full_name.strip():
        raise InvalidProfile(_l("Enter your full name."))
    owner = user_by_email(email)
    if owner is not None:
        hash_password(password)  # the same work as a new account's
        _tell_the_owner(owner)
        return None
    try:
        user = create_user(
            email,
            password,
            full_name,
            affiliation=affiliation,
            locale=locale if locale in LOCALES else "vi",
            commit=False,
        )
        _queue_confirmation(user)
        db.session.commit()
    except IntegrityError:  # the same address registered at the same moment
        db.session.rollback()
        return None
    deliver_after_commit()
    return user


def _tell_the_owner(owner: User) -> None:
    if not owner.active:
        return
    queue_mail(
        owner,
        "account_exists",
        user=owner,
        login_link=external_url("accounts.login"),
        reset_link=external_url("accounts.forgot_password"),
    )
    db.session.commit()
    deliver_after_commit()


def resend_confirmation(email: str) -> None:
    """Queue a new confirmation link for ``email`` (sent if it belongs to an active,
    unconfirmed account). The request itself does the same for every address, so neither
    its answer nor its timing tells who has an account."""
    _queue_job("accounts.confirmation_mail", normalize_email(email))


def _queue_job(name: str, *args) -> None:
    try:
        enqueue(name, *args)
    except Exception:
        log.exception("could not queue %s", name)


@job("accounts.confirmation_mail")
def send_confirmation_link(email: str) -> None:
    """The job behind ``resend_confirmation``."""
    user = user_by_email(email)
    if user is None or not user.active or user.email_confirmed:
        return
    _queue_confirmation(user)
    db.session.commit()
    deliver_after_commit()


def confirm_email(token: str) -> User:
    payload = tokens.read_token(
        tokens.CONFIRM_SALT,
        token,
        current_app.config["CONFIRM_TOKEN_MAX_AGE"],
        {"u": int, "e": str},
    )
    user = db.session.get(User, payload["u"])
    if user is None or user.email != payload["e"]:
        raise tokens.InvalidToken()
    if user.email_confirmed:
        raise tokens.TokenUsed(
            _l("This confirmation link has already been used: your e-mail address is confirmed.")
        )
    user.email_confirmed_at = utcnow()
    db.session.commit()
    return user


# --- password reset ----------------------------------------------------------------------


def reset_token(user: User) -> str:
    return tokens.make_token(
        tokens.RESET_SALT, {"u": user.id, "p": fingerprint(user.password_hash)}
    )


def request_password_reset(email: str) -> None:
    """Queue a reset link for ``email`` (mailed if it belongs to an active account). The
    request does the same work for known and unknown addresses: the lookup, the token and
    the message happen in the job, so the answer's timing says nothing either."""
    _queue_job("accounts.reset_mail", normalize_email(email))


@job("accounts.reset_mail")
def send_reset_link(email: str) -> None:
    """The job behind ``request_password_reset``."""
    user = user_by_email(email)
    if user is None or not user.active:
        return
    queue_mail(
        user,
        "reset_password",
        user=user,
        link=external_url("accounts.reset_password", token=reset_token(user)),
        valid_for=_validity("RESET_TOKEN_MAX_AGE"),
    )
    db.session.commit()
    deliver_after_commit()


def check_reset_token(token: str) -> User:
    """The account a reset link is for, if the link is still good."""
    payload = tokens.read_token(
        tokens.RESET_SALT,
        token,
        current_app.config["RESET_TOKEN_MAX_AGE"],
        {"u": int, "p": str},
    )
    user = db.session.get(User, payload["u"])
    if user is None or not user.active:
        raise tokens.InvalidToken()
    if payload["p"] != fingerprint(user.password_hash):
        raise tokens.TokenUsed(
            _l("This link has already been used, or the password was changed since it was sent.")
        )
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password through a reset link; the link (and every session) dies with the
    old password. Following the link proves the address, so it is confirmed too."""
    user = check_reset_token(token)
    check_password_strength(new_password, email=user.email, full_name=user.full_name)
    old_hash = user.password_hash
    values = {"password_hash": hash_password(new_password)}
    if not user.email_confirmed:
        values["email_confirmed_at"] = utcnow()
    changed = db.session.execute(
        update(User)
        .where(User.id == user.id, _same_hash(old_hash))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:  # another request used the link first
        db.session.rollback()
        raise tokens.TokenUsed()
    db.session.refresh(user)
    queue_mail(user, "password_changed", user=user, link=external_url("accounts.forgot_password"))
    db.session.commit()
    deliver_after_commit()
    return user


def _same_hash(old_hash: str | None):
    return User.password_hash.is_(None) if old_hash is None else User.password_hash == old_hash


# --- profile -----------------------------------------------------------------------------


def normalize_expertise(text: str) -> str:
    """Comma-separated keywords, trimmed, without empties or repeats (case-insensitive)."""
    seen: dict[str, str] = {}
    for keyword in (text or "").split(","):
        keyword = " ".join(keyword.split())
        if keyword and keyword.casefold() not in seen:
            seen[keyword.casefold()] = keyword
    return ", ".join(seen.values())


def update_profile(
    user: User,
    *,
    full_name: str,
    affiliation: str = "",
    orcid: str | None = None,
    province_id: int | None = None,
    expertise: str = "",
    locale: str = "vi",
) -> User:
    """Save the user's own profile (the e-mail address is not changed here)."""
    full_name = " ".join(full_name.split())
    if not full_name:
        raise InvalidProfile(_l("Enter your full name."))
    try:
        orcid = normalize_orcid(orcid)
    except MalformedOrcid:
        raise InvalidProfile(_l("The ORCID iD is malformed.")) from None
    except ValueError:
        raise InvalidProfile(_l("The ORCID iD's check digit does not match.")) from None
    province = None
    if province_id is not None:
        province = db.session.get(Province, province_id)
        if province is None:
            raise InvalidProfile(_l("Choose a province from the list."))
    if locale not in LOCALES:
        raise InvalidProfile(_l("Choose Vietnamese or English."))
    user.full_name = full_name
    user.affiliation = affiliation.strip()
    user.orcid = orcid
    user.province = province
    user.expertise = normalize_expertise(expertise)
    user.locale = locale
    db.session.commit()
    profile_changed.send(user)
    return user
