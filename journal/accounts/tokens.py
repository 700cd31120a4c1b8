"""Signed, expiring links for e-mail confirmation and password reset.

A token is an itsdangerous ``URLSafeTimedSerializer`` dump of a small dict, signed with the
app's SECRET_KEY and a salt per purpose (a confirmation token is not a reset token). The
payload binds the token to the state it may change, so it works once:

* confirmation: the user id and the e-mail address (refused once the address is confirmed);
* reset: the user id and a fingerprint of the current password hash (dead once it changes).
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..errors import JournalError

CONFIRM_SALT = "journal.accounts.confirm-email"
RESET_SALT = "journal.accounts.reset-password"


class InvalidToken(JournalError):
    status = 400
    default_message = _l(
        "This link is not valid. It may have been copied incompletely from the e-mail."
    )


class TokenExpired(InvalidToken):
    default_message = _l("This link has expired.")


class TokenUsed(InvalidToken):
    default_message = _l("This link has already been used.")


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def make_token(salt: str, payload: dict) -> str:
    return _serializer(salt).dumps(payload)


def read_token(salt: str, token: str, max_age: int, keys: dict[str, type]) -> dict:
    """The payload if the signature is good, recent enough and has ``keys`` of those types."""
    try:
        payload = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired:
        raise TokenExpired() from None
    except BadSignature:
        raise InvalidToken() from None
    if not isinstance(payload, dict) or any(
        not isinstance(payload.get(key), kind) for key, kind in keys.items()
    ):
        raise InvalidToken()
    return payload
