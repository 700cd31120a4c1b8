"""Fixtures: the app on a migrated database (SQLite, or PostgreSQL when
JOURNAL_TEST_DATABASE_URL is set), clients, a CLI runner, users of every role, a real SMTP
server.

Under pytest-xdist (``-n 2``) each worker has a database of its own: a SQLite file, or the
PostgreSQL database ``<name>_<worker>`` (``test_gw0``) created on the server of
JOURNAL_TEST_DATABASE_URL, and the Redis database counted down from JOURNAL_TEST_REDIS_URL's
(15 for gw0, 14 for gw1): both variables are rewritten for the worker, so whatever reads them
gets its own. Each test starts from an empty database with the reference data."""

from __future__ import annotations

import contextvars
import os
import socket
import threading
import weakref
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask_login import FlaskLoginClient
from sqlalchemy import create_engine, null, text
from sqlalchemy.engine import make_url

from journal import create_app
from journal.extensions import db

from .factories import make_board_member
from .factories import make_user as _make_user


class IsolatedClient(FlaskLoginClient):
    """Each request runs in its own application context, as in production (its own ``g``,
    its own database session); afterwards the test's session forgets what it had loaded, so
    assertions read what the request committed."""

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        from flask import has_app_context

        if has_app_context():
            db.session.expire_all()
        return response


ROOT = Path(__file__).resolve().parent.parent
SCHEMAS_DIR = Path(os.environ.get("JOURNAL_SCHEMAS_DIR", ROOT.parent / "shared" / "schemas"))


def pytest_report_header(config):
    return f"database: {os.environ.get('JOURNAL_TEST_DATABASE_URL') or 'SQLite (temporary file)'}"


# The PostgreSQL URL as given, before a worker's own database replaced it.
GIVEN_DATABASE_URL = os.environ.get("JOURNAL_TEST_DATABASE_URL")


def pytest_configure(config):
    worker = os.environ.get("PYTEST_XDIST_WORKER")  # "gw0", "gw1" … under pytest-xdist
    if not worker:
        return
    number = int(worker.removeprefix("gw"))
    if url := os.environ.get("JOURNAL_TEST_DATABASE_URL"):
        given = make_url(url)
        own = given.set(database=f"{given.database}_{worker}")
        os.environ["JOURNAL_TEST_DATABASE_URL"] = own.render_as_string(hide_password=False)
    if url := os.environ.get("JOURNAL_TEST_REDIS_URL"):
        parts = urlsplit(url)
        database = int(parts.path.strip("/") or 0)
        own_path = f"/{(database - number) % 16}"
        os.environ["JOURNAL_TEST_REDIS_URL"] = urlunsplit(parts._replace(path=own_path))


@pytest.fixture
def redis_url():
    """This test process's Redis database (JOURNAL_TEST_REDIS_URL); without it the test is
    skipped (the PostgreSQL pass of ``make test`` sets it)."""
    url = os.environ.get("JOURNAL_TEST_REDIS_URL")
    if not url:
        pytest.skip("JOURNAL_TEST_REDIS_URL is not set (CI sets it): no Redis to test RQ with")
    return url


def redis_url_beside(url: str, offset: int) -> str:
    """A Redis database ``offset`` below the one of this test process (15, 14 … counted down
    per xdist worker), for a test that empties it or counts its workers: offsets 4 (doctor)
    and 8 (deployment) never meet another process's database with up to four processes."""
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(database - offset) % 16}"))


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("JOURNAL_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    url = _psycopg(url)
    name = make_url(url).database
    if url != _psycopg(GIVEN_DATABASE_URL):  # a worker's own database, made on first use
        server = create_engine(_psycopg(GIVEN_DATABASE_URL), isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        server.dispose()
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        # Tests commit often and never test a crash: no waiting for the disk at each commit.
        conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit TO off'))
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def migrated(database_url, tmp_path_factory):
    """Apply every migration once, from an empty database."""
    from flask_migrate import upgrade

    app = create_app(
        {
            "ENV": "testing",
            "SECRET_KEY": "test",
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path_factory.mktemp("instance")),
        }
    )
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


def _empty_database() -> None:
    """Every table emptied, every id counting from 1 again. On PostgreSQL DELETE and setval
    in one round trip: TRUNCATE of every table costs a tenth of a second or more."""
    tables = list(reversed(db.metadata.sorted_tables))
    # A reference in a cycle (use_alter) is cut first, so that no DELETE order is refused.
    cycles = [
        table.update().values({fk.parent.name: null()})
        for table in tables
        for fk in table.foreign_keys
        if fk.use_alter
    ]
    if db.engine.dialect.name == "postgresql":
        sequences = db.session.execute(
            text(
                "SELECT sequence_name FROM information_schema.sequences"
                " WHERE sequence_schema = current_schema()"
            )
        ).scalars()
        statements = [str(statement) for statement in cycles]
        statements += [str(table.delete()) for table in tables]
        if restart := ", ".join(f"setval('{name}', 1, false)" for name in sequences):
            statements.append(f"SELECT {restart}")
        db.session.execute(text("; ".join(statements)))
    else:
        for statement in cycles:
            db.session.execute(statement)
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


def _run_folder(tmp_path_factory) -> Path:
    """The temporary folder of this run, shared by its xdist workers."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session", autouse=True)
def shared_typesetting(tmp_path_factory):
    """The typesetting job's pipeline (and its PDF previews) runs once per manuscript,
    metadata and pipeline code in the whole run (tests/typeset_cache.py);
    JOURNAL_TEST_TYPESET_CACHE names a folder to share it with another run at the same time
    (``make test``'s two passes)."""
    from journal.publish import production_job

    from .typeset_cache import TypesetCache

    folder = os.environ.get("JOURNAL_TEST_TYPESET_CACHE") or (
        _run_folder(tmp_path_factory) / "typeset-cache"
    )
    cache = TypesetCache(Path(folder), production_job.typeset, production_job.pdf_preview_pngs)
    patch = pytest.MonkeyPatch()
    patch.setattr(production_job, "typeset", cache)
    patch.setattr(production_job, "pdf_preview_pngs", cache.previews)
    yield cache
    patch.undo()


@pytest.fixture
def app_config(migrated, tmp_path) -> dict:
    return {
        "ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": migrated,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "STORAGE_DIR": str(tmp_path / "files"),
        "SCHEMAS_DIR": str(SCHEMAS_DIR),  # the official schemas: what is made is validated
        "BASE_URL": "https://journal.example.org",
        "TRUSTED_HOSTS": ["localhost", "journal.example.org", "mirror.example.org"],
        "JOBS_INLINE": True,
        "WTF_CSRF_ENABLED": False,
    }


# The settings in which one test's app differs from another's: its own folders.
FOLDER_SETTINGS = ("INSTANCE_PATH", "STORAGE_DIR")


def _shape(app) -> tuple:
    """What a test could change in the app itself rather than in its settings."""
    return (
        len(app.url_map._rules),
        frozenset(app.extensions),
        app.wsgi_app,
        app.jinja_env.loader,
        app.test_client_class,
    )


class SharedApp:
    """One application object for every test whose settings differ only in their folders:
    building one costs a tenth of a second (compiling its URL rules), more than most tests.

    Before each test it is given the test's settings as ``create_app`` sets them and a fresh
    rate-limit store; after it, its background jobs are waited for and what it kept for that
    test (the search engine, the Redis connection) is dropped. A test that changed the app
    itself (a route, an extension, the template loader, the WSGI app) leaves it to be built
    again; one with other settings gets an app of its own."""

    def __init__(self):
        self.app = None

    def take(self, config: dict):
        from journal import _configure
        from journal.extensions import limiter

        settings = {k: v for k, v in config.items() if k not in FOLDER_SETTINGS}
        if self.app is None or settings != self.settings:
            self.discard()
            self.app = create_app(config)
            self.app.test_client_class = IsolatedClient
            self.settings, self.built = settings, dict(self.app.config)
            self.shape = _shape(self.app)
            return self.app
        app = self.app
        app.config.clear()
        app.config.update(self.built)
        app.instance_path = config["INSTANCE_PATH"]
        _configure(app, config)
        limiter.init_app(app)
        return app

    def give_back(self, app) -> None:
        from journal import jobs
        from journal.search.services import close_engine

        jobs.wait_all(app)
        close_engine(app)
        if (redis := app.extensions.pop("journal.redis", None)) is not None:
            redis.close()
        app.extensions.pop("journal.doctor", None)  # the checks, cached for a minute
        app.extensions["journal.usage"].discard()  # usage events buffered by the test
        if app is self.app and _shape(app) != self.shape:
            self.discard()

    def discard(self) -> None:
        if self.app is not None:
            with self.app.app_context():
                db.engine.dispose()
            self.app = None


@pytest.fixture(scope="session")
def shared_app():
    shared = SharedApp()
    yield shared
    shared.discard()


@pytest.fixture(autouse=True)
def close_apps_made_by_the_test(shared_app):
    """The apps a test builds itself have their idle database connections closed at its end:
    left to the garbage collector, PostgreSQL's warn (an error here) in some later test."""
    from flask import appcontext_pushed

    made = weakref.WeakSet()

    def seen(app, **extra):
        made.add(app)

    with appcontext_pushed.connected_to(seen):
        yield
    for other in list(made):
        if other is not shared_app.app:
            with other.app_context():
                for engine in db.engines.values():
                    engine.dispose()


@pytest.fixture
def app(app_config, shared_app):
    app = shared_app.take(app_config)
    with app.app_context():
        _empty_database()
        from journal.seed import seed_reference_data

        seed_reference_data()
        yield app
        db.session.remove()
    shared_app.give_back(app)


@pytest.fixture
def other_app():
    """``other_app(config)``: a second app in a test (other settings) on the same database,
    with the isolating test client; ``close_apps_made_by_the_test`` closes its connections."""

    def _make(config):
        made = create_app(config)
        made.test_client_class = IsolatedClient
        return made

    return _make


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def users(app):
    """One user per role (board members sit on Cần Thơ's board, except ``other_board``).

    They have no password (hashing eight with Argon2 per test is slow): clients log in with
    ``login(user)``; a test that logs in through the form sets a password itself."""
    from functools import partial

    from journal.provinces import BoardRole

    make_user = partial(_make_user, password=None)

    author = make_user("author@example.org", "Nguyễn Văn An", affiliation="Đại học Cần Thơ")
    other_author = make_user("other@example.org", "Trần Thị Bình")
    province_editor = make_user("editor.ct@example.org", "Lê Văn Cường")
    make_board_member(province_editor, "CT", BoardRole.PROVINCE_EDITOR)
    board_member = make_user("board.ct@example.org", "Phạm Thị Dung")
    make_board_member(board_member, "CT", BoardRole.BOARD_MEMBER)
    other_board = make_user("board.ag@example.org", "Võ Văn Em")
    make_board_member(other_board, "AG", BoardRole.PROVINCE_EDITOR)
    eic = make_user("eic@example.org", "Huỳnh Văn Giang", roles=("editor_in_chief",))
    admin = make_user("admin@example.org", "Đặng Thị Hoa", roles=("admin",))
    return {
        "author": author,
        "other_author": other_author,
        "province_editor": province_editor,
        "board_member": board_member,
        "other_board": other_board,
        "editor_in_chief": eic,
        "admin": admin,
    }


@pytest.fixture
def login(app):
    """``login(user)`` returns a test client logged in as ``user``."""

    def _login(user):
        return app.test_client(user=user)

    return _login


class _Collector:
    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler API
        import email
        from email import policy

        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free local port; ``.messages`` collects mail."""
    from aiosmtpd.controller import Controller

    handler = _Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def mail_app(app, smtp_server):
    """The app sending through the real local SMTP server."""
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    return app
