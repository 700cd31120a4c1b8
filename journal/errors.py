"""Domain errors raised by services; views and error handlers turn them into messages."""

from flask_babel import lazy_gettext as _l


class JournalError(Exception):
    """Base: carries a translatable message and the HTTP status a view should answer with."""

    status = 400
    default_message = _l("The request could not be processed.")

    def __init__(self, message=None):
        self.message = message if message is not None else self.default_message
        super().__init__(str(self.message))


class PermissionDenied(JournalError):
    status = 403
    default_message = _l("You are not allowed to do this.")


class NotFound(JournalError):
    status = 404
    default_message = _l("This page does not exist.")


class WorkflowError(JournalError):
    """An illegal or repeated transition."""

    status = 409
    default_message = _l("This step is not possible in the submission's current state.")


class StaleError(WorkflowError):
    default_message = _l(
        "Someone else changed this submission while you were working. "
        "Reload the page and try again."
    )


class InvalidUpload(JournalError):
    status = 400
    default_message = _l("The uploaded file was not accepted.")


class TooLarge(InvalidUpload):
    status = 413
