"""``journal crossref …`` and ``journal doaj export``."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from crossref import MetadataError


def _issue(issue_id: int):
    from ..extensions import db
    from .records import Issue

    issue = db.session.get(Issue, issue_id)
    if issue is None or not issue.is_published:
        raise click.ClickException(f"No published issue has the id {issue_id}.")
    return issue


def _problems(error: MetadataError) -> click.ClickException:
    for problem in error.problems:
        click.echo(f"  - {problem}", err=True)
    return click.ClickException(f"Nothing was produced or sent: {len(error.problems)} problem(s).")


def _note_if_no_schema(entry: str) -> None:
    """Say, on standard error, that the output was checked structurally only."""
    from ..schemas import TITLES
    from .crossref_adapter import schema_missing

    if schema_missing(entry):
        click.echo(
            f"Note: checked structurally only: the official {TITLES[entry]} schema is not "
            "installed (`journal schemas fetch` installs it).",
            err=True,
        )


def _outcomes(outcomes) -> None:
    failed = 0
    for outcome in outcomes:
        state = "submitted" if outcome.submitted else "FAILED"
        failed += not outcome.submitted
        click.echo(
            f"{state}: {', '.join(outcome.dois)}"
            + (f" ({outcome.file_name})" if outcome.file_name else "")
        )
        if not outcome.submitted:
            click.echo(f"  {outcome.message}", err=True)
    if failed:
        raise click.ClickException(
            f"{failed} batch(es) failed; `journal crossref retry` sends them again."
        )


@click.group("crossref")
def crossref_group():
    """Crossref DOI deposits."""


@crossref_group.command("export")
@click.argument("issue_id", type=int)
@with_appcontext
def crossref_export(issue_id):
    """Write the deposit XML of a published issue to standard output."""
    from .crossref_adapter import export_issue

    try:
        xml = export_issue(_issue(issue_id))
    except MetadataError as error:
        raise _problems(error) from None
    _note_if_no_schema("crossref")
    click.echo(xml, nl=False)


@crossref_group.command("deposit")
@click.argument("issue_id", type=int, required=False)
@click.option("--article", "article_ids", type=int, multiple=True, help="Only these articles.")
@with_appcontext
def crossref_deposit(issue_id, article_ids):
    """Deposit an issue's DOIs (or the chosen articles') with Crossref."""
    from ..extensions import db
    from .crossref_adapter import CrossrefNotConfigured, deposit_articles, issue_articles
    from .records import Article

    if issue_id is None and not article_ids:
        raise click.UsageError("Give an ISSUE_ID or at least one --article.")
    items = issue_articles(_issue(issue_id)) if issue_id is not None else []
    if article_ids:
        chosen = [db.session.get(Article, i) for i in article_ids]
        if any(a is None or a.published_at is None for a in chosen):
            raise click.ClickException("Every --article must be a published article.")
        items = [a for a in items if a.id in article_ids] if issue_id is not None else chosen
    _note_if_no_schema("crossref")
    try:
        _outcomes(deposit_articles(items))
    except MetadataError as error:
        raise _problems(error) from None
    except CrossrefNotConfigured as error:
        raise click.ClickException(str(error.message)) from None


@crossref_group.command("poll")
@with_appcontext
def crossref_poll():
    """Read Crossref's logs of the submitted batches and update each DOI's status."""
    from .crossref_adapter import CrossrefNotConfigured, poll_deposits

    try:
        counts = poll_deposits()
    except CrossrefNotConfigured as error:
        raise click.ClickException(str(error.message)) from None
    click.echo(", ".join(f"{n} {state}" for state, n in counts.items()))


@crossref_group.command("retry")
@with_appcontext
def crossref_retry():
    """Deposit again every DOI whose last deposit failed."""
    from .crossref_adapter import CrossrefNotConfigured, retry_failed

    _note_if_no_schema("crossref")
    try:
        outcomes = retry_failed()
    except MetadataError as error:
        raise _problems(error) from None
    except CrossrefNotConfigured as error:
        raise click.ClickException(str(error.message)) from None
    if not outcomes:
        click.echo("No failed deposit.")
    _outcomes(outcomes)


@crossref_group.command("status")
@click.argument("issue_id", type=int, required=False)
@with_appcontext
def crossref_status(issue_id):
    """The deposit status of every DOI (of one issue)."""
    from .crossref_adapter import deposit_statuses

    issue = _issue(issue_id) if issue_id is not None else None
    for doi, status, message in deposit_statuses(issue):
        click.echo(f"{doi}\t{status}" + (f"\t{message}" if message else ""))


@click.group("doaj")
def doaj_group():
    """DOAJ article metadata."""


@doaj_group.command("export")
@click.argument("issue_id", type=int)
@with_appcontext
def doaj_export(issue_id):
    """Write the DOAJ article XML of a published issue to standard output."""
    from .crossref_adapter import doaj_export as build

    try:
        xml = build(_issue(issue_id))
    except MetadataError as error:
        raise _problems(error) from None
    _note_if_no_schema("doaj")
    click.echo(xml, nl=False)
