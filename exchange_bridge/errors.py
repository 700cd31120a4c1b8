"""The bridge's domain errors (journal.errors subclasses: a translated message and a status)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from journal.errors import JournalError, WorkflowError


class BridgeError(JournalError):
    status = 400
    default_message = _l("The information given is not valid.")


class IncompleteOffer(WorkflowError):
    default_message = _l("Complete the offer before approving it.")


class AlreadyDone(WorkflowError):
    default_message = _l("This has already been done.")


class SpamRefused(BridgeError):
    default_message = _l("The form could not be accepted.")
