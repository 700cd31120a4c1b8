"""``journal search reindex | apply | status``."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext


@click.group("search")
def search_group():
    """The full-text search index of the published articles."""


@search_group.command("reindex")
@with_appcontext
def reindex_command():
    """Rebuild the index from the database and swap it in (searches keep answering)."""
    from .services import reindex

    started = time.monotonic()
    count = reindex()
    click.echo(f"Indexed {count} article(s) in {time.monotonic() - started:.1f} s.")


@search_group.command("apply")
@with_appcontext
def apply_command():
    """Index the pending changes now."""
    from .services import apply_pending, pending_count

    applied = apply_pending()
    click.echo(f"Applied {applied} change(s); {pending_count()} still pending.")


@search_group.command("status")
@with_appcontext
def status_command():
    """Whether the index is usable, its size, and the changes not yet applied."""
    from .services import index_status

    info = index_status()
    click.echo(f"index: {info['status']}, {info['count']} article(s), {info['pending']} pending")
