"""``journal doctor``: is this installation ready? One function per check, each returning a
``Check`` (ok, warn or fail, what was found, and how to fix it). The command prints them and
exits non-zero on a failure; the administration home page shows them to administrators.

Checks read the configuration at call time and never change anything (the storage check
writes and removes one temporary file). A check that crashes is reported as failed, so one
broken check never hides the others.
"""

from __future__ import annotations

import re
import smtplib
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import lazy_gettext as _l

OK, WARN, FAIL = "ok", "warn", "fail"
CACHE_SECONDS = 60
NETWORK_TIMEOUT = 5


@dataclass(frozen=True)
class Check:
    name: object  # a lazy string: shown in the reader's language
    status: str  # OK, WARN or FAIL
    detail: object
    fix: object = ""


CHECKS: list[Callable[[], Check]] = []


def check(function: Callable[[], Check]) -> Callable[[], Check]:
    """Register a check; they run in the order they are defined."""
    CHECKS.append(function)
    return function


def run_checks() -> list[Check]:
    """Every check, now."""
    results = []
    for function in CHECKS:
        try:
            results.append(function())
        except Exception as error:  # a broken check is a failed one, never a broken page
            results.append(
                Check(
                    function.__name__,
                    FAIL,
                    _l("The check itself failed: %(error)s", error=type(error).__name__),
                )
            )
    return results


def recent_checks() -> list[Check]:
    """The checks, run at most once a minute per process (the administration home page)."""
    cached = current_app.extensions.get("journal.doctor")
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    results = run_checks()
    current_app.extensions["journal.doctor"] = (time.monotonic(), results)
    return results


def failed(results: list[Check]) -> bool:
    return any(c.status == FAIL for c in results)


def _safe_url(url: str) -> str:
    """A URL without its password."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url


# --- The database ---------------------------------------------------------------------------


@check
def database() -> Check:
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    from .extensions import db

    name = _l("Database")
    url = db.engine.url.render_as_string(hide_password=True)
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        return Check(
            name,
            FAIL,
            _l("%(url)s does not answer: %(error)s", url=url, error=_first_line(error)),
            _l("Start the database server, or correct JOURNAL_DATABASE_URL."),
        )
    return Check(name, OK, _l("%(url)s answers.", url=url))


@check
def migrations() -> Check:
    from alembic.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.exc import SQLAlchemyError

    from .extensions import db

    name = _l("Database migrations")
    config = current_app.extensions["migrate"].migrate.get_config()
    heads = set(ScriptDirectory.from_config(config).get_heads())
    try:
        with db.engine.connect() as connection:
            current = set(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError:
        return Check(name, FAIL, _l("Cannot tell: the database does not answer."))
    if current != heads:
        return Check(
            name,
            FAIL,
            _l(
                "The database is at %(current)s; the code needs %(heads)s.",
                current=", ".join(sorted(current)) or _l("no migration"),
                heads=", ".join(sorted(heads)),
            ),
            _l("Run “journal db upgrade”."),
        )
    return Check(name, OK, _l("At the latest migration (%(heads)s).", heads=", ".join(heads)))


# --- Files and typesetting ------------------------------------------------------------------


@check
def storage() -> Check:
    name = _l("File storage")
    folder = Path(current_app.config["STORAGE_DIR"])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
            pass
    except OSError as error:
        return Check(
            name,
            FAIL,
            _l("%(folder)s is not writable: %(error)s", folder=str(folder), error=error.strerror),
            _l(
                "Let the user running the journal write to %(folder)s, or set JOURNAL_STORAGE_DIR.",
                folder=str(folder),
            ),
        )
    return Check(name, OK, _l("%(folder)s is writable.", folder=str(folder)))


@check
def pandoc() -> Check:
    from .publish.typeset.convert import MIN_PANDOC

    name = _l("Pandoc")
    try:
        import pypandoc

        version = pypandoc.get_pandoc_version()
        path = pypandoc.get_pandoc_path()
    except (ImportError, OSError, RuntimeError) as error:
        return Check(
            name,
            FAIL,
            _l("Pandoc cannot be found: %(error)s", error=_first_line(error)),
            _l("Install the Python package pypandoc-binary (it ships pandoc)."),
        )
    numbers = tuple(int(x) for x in re.findall(r"\d+", version)[:3])
    needed = ".".join(map(str, MIN_PANDOC))
    if numbers < MIN_PANDOC:
        return Check(
            name,
            FAIL,
            _l(
                "Pandoc %(version)s is too old (%(needed)s or newer).",
                version=version,
                needed=needed,
            ),
            _l("Upgrade pypandoc-binary."),
        )
    return Check(name, OK, _l("Pandoc %(version)s (%(path)s).", version=version, path=path))


@check
def weasyprint_and_fonts() -> Check:
    """Imported in a child process: the web workers never load the typesetting libraries."""
    name = _l("WeasyPrint and fonts")
    probe = subprocess.run(
        [sys.executable, "-c", "import weasyprint; print(weasyprint.__version__)"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if probe.returncode != 0:
        lines = probe.stderr.strip().splitlines() or ["?"]
        return Check(
            name,
            FAIL,
            _l("WeasyPrint cannot be imported: %(error)s", error=lines[-1]),
            _l("Install Pango (Debian: libpango-1.0-0 libpangoft2-1.0-0), as “make run” does."),
        )
    families = vietnamese_font_families()
    if families is None:
        return Check(
            name,
            WARN,
            _l(
                "WeasyPrint %(version)s; fontconfig's fc-list is missing, so the fonts "
                "cannot be checked.",
                version=probe.stdout.strip(),
            ),
            _l("Install fontconfig."),
        )
    if not families:
        return Check(
            name,
            FAIL,
            _l(
                "WeasyPrint %(version)s, but no font covers Vietnamese: PDF galleys would "
                "lose their diacritics.",
                version=probe.stdout.strip(),
            ),
            _l("Install fonts covering Vietnamese (Debian: fonts-noto-core fonts-dejavu-core)."),
        )
    return Check(
        name,
        OK,
        _l(
            "WeasyPrint %(version)s; fonts covering Vietnamese: %(families)s.",
            version=probe.stdout.strip(),
            families=", ".join(families),
        ),
    )


def vietnamese_font_families() -> list[str] | None:
    """The font families fontconfig says cover Vietnamese (``fc-list :lang=vi``); None when
    fontconfig is not installed."""
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=vi", "family"],  # noqa: S607 - fontconfig's tool, from PATH
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    families = {line.split(",")[0].strip() for line in listed.stdout.splitlines()}
    return sorted(f for f in families if f)


@check
def schemas() -> Check:
    from .schemas import TITLES, missing_schemas, schemas_dir

    name = _l("Official schemas")
    missing = missing_schemas()
    if missing:
        return Check(
            name,
            WARN,
            _l(
                "Not installed in %(folder)s: %(missing)s. What the journal makes is checked "
                "structurally only, not against these schemas.",
                folder=str(schemas_dir()),
                missing=", ".join(TITLES[m] for m in missing),
            ),
            _l("Run “journal schemas fetch”."),
        )
    return Check(
        name,
        OK,
        _l("JATS, Crossref, OAI-PMH and DOAJ schemas in %(folder)s.", folder=str(schemas_dir())),
    )


# --- Services -------------------------------------------------------------------------------


@check
def background_jobs() -> Check:
    name = _l("Background jobs")
    url = current_app.config.get("REDIS_URL")
    if not url:
        return Check(name, OK, _l("Jobs run in this process (no JOURNAL_REDIS_URL)."))
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Worker

    connection = Redis.from_url(
        url, socket_connect_timeout=NETWORK_TIMEOUT, socket_timeout=NETWORK_TIMEOUT
    )
    try:
        connection.ping()
        workers = Worker.all(connection=connection)
    except RedisError as error:
        return Check(
            name,
            FAIL,
            _l(
                "Redis at %(url)s does not answer: %(error)s",
                url=_safe_url(url),
                error=_first_line(error),
            ),
            _l("Start Redis, or correct JOURNAL_REDIS_URL."),
        )
    finally:
        connection.close()
    if not workers:
        return Check(
            name,
            WARN,
            _l("Redis answers, but no worker is running: jobs wait in the queue."),
            _l("Start one or more workers: “journal worker”."),
        )
    return Check(name, OK, _l("Redis answers; %(count)s worker(s) running.", count=len(workers)))


@check
def mail() -> Check:
    name = _l("Mail")
    config = current_app.config
    server = config.get("MAIL_SERVER")
    if not server:
        if config["ENV"] == "production":
            return Check(
                name,
                WARN,
                _l(
                    "No mail server: messages are written to the instance folder, and nobody "
                    "receives them."
                ),
                _l("Set JOURNAL_MAIL_SERVER (and its port, user and password)."),
            )
        return Check(name, OK, _l("Messages are written to the instance folder (development)."))
    timeout = min(float(config.get("MAIL_TIMEOUT") or NETWORK_TIMEOUT), NETWORK_TIMEOUT)
    try:
        with smtplib.SMTP(server, config["MAIL_PORT"], timeout=timeout) as smtp:
            code, _message = smtp.noop()
    except (OSError, smtplib.SMTPException) as error:
        return Check(
            name,
            FAIL,
            _l(
                "The SMTP server %(server)s:%(port)s does not answer: %(error)s",
                server=server,
                port=config["MAIL_PORT"],
                error=_first_line(error),
            ),
            _l("Start the mail server, or correct JOURNAL_MAIL_SERVER and JOURNAL_MAIL_PORT."),
        )
    return Check(
        name,
        OK,
        _l(
            "The SMTP server %(server)s:%(port)s answers (%(code)s).",
            server=server,
            port=config["MAIL_PORT"],
            code=code,
        ),
    )


@check
def public_address() -> Check:
    name = _l("Public address")
    config = current_app.config
    base = urlsplit(config["BASE_URL"])
    trusted = config.get("TRUSTED_HOSTS") or []
    if base.hostname not in trusted:
        return Check(
            name,
            FAIL,
            _l(
                "The host of BASE_URL (%(host)s) is not among TRUSTED_HOSTS (%(trusted)s): "
                "every link the journal sends would be refused.",
                host=str(base.hostname),
                trusted=", ".join(trusted),
            ),
            _l("Add it to JOURNAL_TRUSTED_HOSTS, or correct JOURNAL_BASE_URL."),
        )
    if config["ENV"] == "production" and base.scheme != "https":
        return Check(
            name,
            FAIL,
            _l(
                "BASE_URL is %(url)s: in production the site must be served over HTTPS "
                "(sessions only travel over HTTPS).",
                url=config["BASE_URL"],
            ),
            _l("Serve the site over HTTPS and set JOURNAL_BASE_URL to its https:// address."),
        )
    return Check(name, OK, _l("%(url)s", url=config["BASE_URL"]))


# --- More checks ----------------------------------------------------------------------------
# Add further checks below with @check. Each returns a Check; FAIL makes `journal doctor`
# exit non-zero, WARN does not.

PLACEHOLDER_ISSN = "0000-0000"
PLACEHOLDER_DOI_PREFIX = "10.99999"


@check
def journal_identity() -> Check:
    from .settings import journal_settings

    name = _l("Journal identity")
    settings = journal_settings()
    fix = _l("Set it on Administration → Journal settings (/admin/settings).")
    if not settings.issns:
        return Check(
            name,
            FAIL,
            _l("No ISSN is set: articles cannot be typeset and Crossref deposits are refused."),
            fix,
        )
    placeholders = [i for i in settings.issns if i == PLACEHOLDER_ISSN]
    if settings["DOI_PREFIX"] == PLACEHOLDER_DOI_PREFIX:
        placeholders.append(PLACEHOLDER_DOI_PREFIX)
    if placeholders:
        return Check(
            name,
            WARN,
            _l(
                "Placeholders in use (%(values)s): fine for a demonstration, not for articles "
                "that are published.",
                values=", ".join(placeholders),
            ),
            fix,
        )
    return Check(
        name,
        OK,
        _l(
            "ISSN %(issns)s, DOI prefix %(prefix)s.",
            issns=", ".join(settings.issns),
            prefix=settings["DOI_PREFIX"],
        ),
    )


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0][:300]
