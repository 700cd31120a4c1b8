"""``journal search reindex | apply | status``."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext


@click.group("search")
def search_group():
    """The full-text search indexes: published articles, and submissions for staff."""


@search_group.command("reindex")
@with_appcontext
def reindex_command():
    """Rebuild the indexes from the database and swap them in (searches keep answering)."""
    from .services import ARTICLES, SUBMISSIONS, reindex

    started = time.monotonic()
    articles = reindex(ARTICLES)
    submissions = reindex(SUBMISSIONS)
    click.echo(
        f"Indexed {articles} article(s) and {submissions} submission(s)"
        f" in {time.monotonic() - started:.1f} s."
    )


@search_group.command("apply")
@with_appcontext
def apply_command():
    """Apply the changes this node's indexes have not seen yet."""
    from .services import ARTICLES, SUBMISSIONS, apply_pending, pending_count

    applied = apply_pending()
    still = pending_count(ARTICLES) + pending_count(SUBMISSIONS)
    click.echo(f"Applied {applied} change(s); {still} still pending.")


@search_group.command("status")
@with_appcontext
def status_command():
    """Whether each index is usable, its size, the changes not yet applied, its sequence."""
    from .services import index_status

    for name, info in index_status().items():
        click.echo(
            f"{name}: {info['status']}, {info['count']} record(s), {info['pending']} pending,"
            f" change log applied up to {info['sequence']}"
        )
