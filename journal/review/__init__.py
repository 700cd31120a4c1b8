"""Editorial review: routing to the province board, anonymised double-blind review,
reviewers, decisions and revision rounds."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the blueprint, the ``reminders`` command and the listeners (routing a
    submitted manuscript, closing the reviews of a withdrawn one)."""
    from .. import signals
    from .commands import reminders_command
    from .labels import event_label, event_note
    from .permissions import TEMPLATE_PREDICATES
    from .routing import route_on_submit
    from .services import cancel_on_withdraw
    from .views import bp

    app.register_blueprint(bp)
    app.cli.add_command(reminders_command)
    app.context_processor(lambda: TEMPLATE_PREDICATES)
    app.context_processor(lambda: {"event_label": event_label, "event_note": event_note})
    # A module-level function: blinker keeps one connection however many apps are made.
    signals.submission_submitted.connect(route_on_submit)
    signals.submission_withdrawn.connect(cancel_on_withdraw)
