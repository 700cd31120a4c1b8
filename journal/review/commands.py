"""``journal reminders``: review reminders, safe to run from cron every hour."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("reminders")
@with_appcontext
def reminders_command():
    """Send review reminders that are due (each one once): unanswered invitations,
    reviews due soon, overdue reviews."""
    from .reviewers import send_reminders

    sent = send_reminders()
    click.echo(
        "Reminders sent: {invitation} invitation(s), {due} due soon, {overdue} overdue.".format(
            **sent
        )
    )
