"""``journal schemas fetch``: install the official schemas for a real deployment."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from . import ENTRY_POINTS, TITLES, schemas_dir


@click.group("schemas")
def schemas_group():
    """The official schemas (JATS, Crossref, OAI-PMH, DOAJ) validated against."""


@schemas_group.command("fetch")
@click.argument("entries", nargs=-1, type=click.Choice(list(ENTRY_POINTS)))
@with_appcontext
def schemas_fetch(entries):
    """Download the official schemas (all, or the sets named) into SCHEMAS_DIR.

    Every include and import is followed and stored locally; the new files replace the old
    ones only when every schema loads. On a failure nothing changes."""
    from .fetch import SchemaFetchError, fetch_schemas, http_downloader

    config = current_app.config
    target = schemas_dir()
    try:
        fetched = fetch_schemas(
            target,
            config["SCHEMAS_SOURCES"],
            ENTRY_POINTS,
            download=http_downloader(float(config["SCHEMAS_FETCH_TIMEOUT"])),
            entries=entries or None,
        )
    except SchemaFetchError as error:
        for problem in error.problems:
            click.echo(f"  - {problem}", err=True)
        raise click.ClickException(
            f"Nothing was installed; the schemas in {target} are as they were."
        ) from None
    for item in fetched:
        click.echo(f"{TITLES[item.entry]}: {target / item.entry_point} ({item.files} files)")
