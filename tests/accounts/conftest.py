"""Accounts fixtures: one account (each Argon2 hash costs real time, so most tests need no
more), and other apps on the same database (CSRF on, production settings)."""

import pytest

from journal import create_app
from journal.extensions import db

from ..conftest import IsolatedClient
from ..factories import make_user


@pytest.fixture
def author(app):
    return make_user("author@example.org", "Nguyễn Văn An", affiliation="Đại học Cần Thơ")


@pytest.fixture
def make_app(app, app_config):
    """``make_app(drop=(keys…), **overrides)``: another app built from ``app_config`` on the
    same (emptied, seeded) database; its engine is closed afterwards."""
    built = []

    def _make(drop=(), **overrides):
        config = {k: v for k, v in {**app_config, **overrides}.items() if k not in drop}
        other = create_app(config)
        other.test_client_class = IsolatedClient
        built.append(other)
        return other

    yield _make
    for other in built:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
