"""Fixtures of the report tests: the hand-counted journal (tests/reports/dataset.py)."""

from __future__ import annotations

import pytest

from .dataset import build


@pytest.fixture
def dataset(app, users):
    return build(users)


# The browser test's live server and Chromium (tests/e2e/conftest.py).
from tests.e2e.conftest import live_server, page  # noqa: E402, F401
