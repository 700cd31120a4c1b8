"""The ``journal`` command: Flask's CLI (``run``, ``db`` …) plus the journal's own commands."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext


def main() -> None:
    from . import create_app

    cli = FlaskGroup(create_app=create_app, help="Mekong Delta Journal of Science and Technology.")
    cli(prog_name="journal")


def register_commands(app: Flask) -> None:
    app.cli.add_command(seed_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(users_group)
    app.cli.add_command(mail_group)
    app.cli.add_command(worker_command)
    app.cli.add_command(doctor_command)

    from .publish.cli import crossref_group, doaj_group

    app.cli.add_command(crossref_group)
    app.cli.add_command(doaj_group)

    from .schemas.cli import schemas_group

    app.cli.add_command(schemas_group)


@click.command("seed")
@with_appcontext
def seed_command():
    """Add the reference data (the four provinces, the sections) if missing."""
    from .seed import seed_reference_data

    seed_reference_data()
    click.echo("Reference data present.")


@click.command("demo")
@click.option(
    "--i-know",
    "i_know",
    is_flag=True,
    help="Load it outside development too (it creates accounts with a published password).",
)
@with_appcontext
def demo_command(i_know):
    """Load the demo journal (idempotent) and print the demo accounts."""
    from .demo import DEMO_PASSWORD, load_demo

    environment = current_app.config["ENV"]
    if environment != "development" and not i_know:
        raise click.ClickException(
            f"The environment is {environment!r}: the demo creates accounts whose password "
            "is published, so it runs only with JOURNAL_ENV=development (or --i-know)."
        )
    accounts = load_demo()
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for role, email in accounts:
        click.echo(f"  {role:<22} {email}")


@click.group("users")
def users_group():
    """Manage user accounts."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", "roles", multiple=True, type=click.Choice(["admin", "editor_in_chief"]))
@click.option(
    "--board",
    multiple=True,
    metavar="PROVINCE:ROLE",
    help="Board membership, e.g. CT:province_editor (repeatable).",
)
@click.option("--locale", type=click.Choice(["vi", "en"]), default="vi")
@with_appcontext
def users_create(email, full_name, password, roles, board, locale):
    """Create a confirmed account, optionally with roles and board memberships."""
    from .accounts.services import AccountError, create_user
    from .provinces import BoardRole, add_board_member, province_by_code

    memberships = []
    for item in board:
        code, _, role = item.partition(":")
        province = province_by_code(code)
        if province is None or role not in {r.value for r in BoardRole}:
            raise click.BadParameter(f"unknown province or role in {item!r}", param_hint="--board")
        memberships.append((province, role))
    try:
        user = create_user(email, password, full_name, roles=roles, locale=locale, confirmed=True)
    except AccountError as exc:
        raise click.ClickException(str(exc.message)) from None
    for province, role in memberships:
        add_board_member(user, province, role)
    click.echo(f"Created user {user.id} <{user.email}>.")


@click.group("mail")
def mail_group():
    """The outgoing mail outbox."""


@mail_group.command("deliver")
@with_appcontext
def mail_deliver():
    """Send every message that is due."""
    from .mail import deliver_pending

    click.echo(f"Sent {deliver_pending()} message(s).")


@mail_group.command("retry")
@with_appcontext
def mail_retry():
    """Make every unsent message due now, then send."""
    from .mail import deliver_pending, retry_failed

    retry_failed()
    click.echo(f"Sent {deliver_pending()} message(s).")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst):
    """Run an RQ worker for the background jobs (needs JOURNAL_REDIS_URL)."""
    from rq import Worker

    from .jobs import redis_queue
    from .logs import watch_for_crashes

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("JOURNAL_REDIS_URL is not set: jobs run in-process.")
    watch_for_crashes("job worker")
    queue = redis_queue(current_app)
    Worker([queue], connection=queue.connection).work(burst=burst)


@click.command("doctor")
@with_appcontext
def doctor_command():
    """Check that this installation is ready (database, files, typesetting, schemas, jobs,
    mail, public address); exits with 1 when a check fails."""
    from flask_babel import force_locale

    from .doctor import FAIL, OK, WARN, run_checks

    with force_locale("en"):
        results = run_checks()
        for result in results:
            click.echo(f"{result.status:<4}  {result.name}: {result.detail}")
            if result.fix and result.status != OK:
                click.echo(f"      fix: {result.fix}")
    counts = {s: sum(r.status == s for r in results) for s in (OK, WARN, FAIL)}
    click.echo(f"{counts[OK]} ok, {counts[WARN]} warning(s), {counts[FAIL]} failure(s).")
    if counts[FAIL]:
        raise click.exceptions.Exit(1)
