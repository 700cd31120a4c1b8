"""``journal usage …``: the daily aggregation (from cron or a systemd timer), writing what
waits in Redis, and refreshing the COUNTER robots list."""

from __future__ import annotations

from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext

from ..errors import JournalError


@click.group("usage")
def usage_group():
    """Usage statistics (COUNTER)."""


def _day(_ctx, _param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("a day is written YYYY-MM-DD") from None


@usage_group.command("aggregate")
@click.option("--from", "first", callback=_day, help="First day (YYYY-MM-DD).")
@click.option("--to", "last", callback=_day, help="Last day (YYYY-MM-DD).")
@with_appcontext
def aggregate_command(first, last):
    """Count the days' events into the daily figures (default: the days not yet counted,
    through yesterday) and delete the events past USAGE_KEEP_DAYS. Safe to run again."""
    from .aggregation import aggregate_job

    try:
        result = aggregate_job(
            first.isoformat() if first else None, last.isoformat() if last else None
        )
    except JournalError as error:
        raise click.ClickException(str(error.message)) from None
    if result.first is None:
        click.echo("No events to count.")
    else:
        click.echo(
            f"Counted {result.first} to {result.last}: {result.rows} rows; "
            f"{result.events_deleted} old events deleted."
        )


@usage_group.command("flush")
@with_appcontext
def flush_command():
    """Write the events waiting in Redis to the database now."""
    from .transport import drain_redis

    click.echo(f"{drain_redis()} events written.")


@usage_group.command("robots-refresh")
@click.option("--url", help="Where to download the list from (default: USAGE_ROBOTS_URL).")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False),
    help="Install the list from this file instead of downloading it.",
)
@with_appcontext
def robots_refresh_command(url, path):
    """Install the current COUNTER robots list (checked first) in the instance folder."""
    from pathlib import Path

    from .robots import download_list, install_list

    try:
        if path:
            data = Path(path).read_bytes()
        else:
            data = download_list(
                url or current_app.config["USAGE_ROBOTS_URL"],
                current_app.config["SCHEMAS_FETCH_TIMEOUT"],
            )
        installed, count = install_list(data)
    except JournalError as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(f"Robots list installed: {count} patterns in {installed}.")
