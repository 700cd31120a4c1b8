"""The one error the typesetting pipeline raises."""

from flask_babel import lazy_gettext as _l

from ...errors import JournalError


class TypesetError(JournalError):
    """The manuscript could not be typeset; the message says why in plain words."""

    status = 422
    default_message = _l("The manuscript could not be typeset.")
