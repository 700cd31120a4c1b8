"""Fixtures: the app on a migrated database (SQLite, or PostgreSQL when
JOURNAL_TEST_DATABASE_URL is set), clients, a CLI runner, users of every role, a real SMTP
server."""

from __future__ import annotations

import contextvars
import os
import socket
import threading
from pathlib import Path

import pytest
from flask_login import FlaskLoginClient
from sqlalchemy import create_engine, text

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


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("JOURNAL_TEST_DATABASE_URL")
    if not url:
        return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
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
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(t.name for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


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


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        _empty_database()
        from journal.seed import seed_reference_data

        seed_reference_data()
        yield app
        db.session.remove()
        db.engine.dispose()


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
