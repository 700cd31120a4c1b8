"""Signed invitation links.

The link carries the assignment's id and a random nonce stored with it, signed with the
app's SECRET_KEY and a salt of its own (an invitation link is no other kind of link). It
does not expire and is not used up by a click: it keeps working while the invitation is
open or the review is being written, and stops when the review is done, the invitation is
declined or withdrawn (the service says which).
"""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer

from ..accounts.tokens import InvalidToken
from ..extensions import db
from .models import ReviewAssignment

INVITATION_SALT = "journal.review.invitation"


class InvalidInvitation(InvalidToken):
    default_message = _l(
        "This invitation link is not valid. It may have been copied incompletely from the e-mail."
    )


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=INVITATION_SALT)


def invitation_token(assignment: ReviewAssignment) -> str:
    return _serializer().dumps({"a": assignment.id, "n": assignment.token_nonce})


def assignment_for_token(token: str) -> ReviewAssignment:
    """The assignment a link names, if the signature and the nonce are right."""
    if not token or len(token) > 500:
        raise InvalidInvitation()
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        raise InvalidInvitation() from None
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("a"), int)
        or not isinstance(payload.get("n"), str)
    ):
        raise InvalidInvitation()
    assignment = db.session.get(ReviewAssignment, payload["a"])
    if assignment is None or assignment.token_nonce != payload["n"]:
        raise InvalidInvitation()
    return assignment
