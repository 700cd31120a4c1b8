"""``journal bridge …``: send the outbox, retry failed deliveries, queue everything again."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from .models import TARGETS


@click.group("bridge")
def bridge_group():
    """The exchange bridge's deliveries to the external systems."""


@bridge_group.command("deliver")
@with_appcontext
def deliver_command():
    """Send every delivery that is due."""
    from .outbox import deliver_pending

    click.echo(f"Delivered {deliver_pending()} item(s).")


@bridge_group.command("retry")
@click.option("--target", type=click.Choice(TARGETS), help="Only this external system.")
@with_appcontext
def retry_command(target):
    """Make dead-lettered and waiting deliveries due now, then send them."""
    from .outbox import deliver_pending, retry_deliveries

    count = retry_deliveries(target)
    click.echo(f"{count} delivery(ies) due again; delivered {deliver_pending()}.")


@bridge_group.command("resync")
@click.option("--target", type=click.Choice(TARGETS), help="Only this external system.")
@with_appcontext
def resync_command(target):
    """Queue the current state of every listed offer, startup and expert (for an external
    system added later, or one that lost its data), then send."""
    from .outbox import deliver_pending
    from .resync import queue_everything

    count = queue_everything(target)
    click.echo(f"Queued {count} delivery(ies); delivered {deliver_pending()}.")


@bridge_group.command("listen")
@click.option("--port", type=int, default=8765, show_default=True)
@click.option("--secret", required=True, help="The secret the deliveries are signed with.")
def listen_command(port, secret):
    """Run a local receiver that checks and prints deliveries (demos, development).

    Point a target at it, e.g. JOURNAL_BRIDGE_EXCHANGE_URL=http://127.0.0.1:8765/ and
    JOURNAL_BRIDGE_EXCHANGE_SECRET=<the same secret>."""
    from .listen import make_server

    server = make_server(secret, port=port, echo=click.echo)
    click.echo(f"Listening on http://127.0.0.1:{port}/ (Ctrl+C to stop).")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
