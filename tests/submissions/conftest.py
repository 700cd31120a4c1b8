"""Fixtures of the submission tests. Users are made without a password where none is needed
(hashing one costs a tenth of a second)."""

import pytest

from journal.provinces import province_by_code
from tests.factories import make_user


@pytest.fixture
def author(app):
    return make_user(
        "author@example.org", "Nguyễn Văn An", affiliation="Đại học Cần Thơ", password=None
    )


@pytest.fixture
def other_author(app):
    return make_user("other@example.org", "Trần Thị Bình", password=None)


@pytest.fixture
def author_client(login, author):
    return login(author)


@pytest.fixture
def can_tho(app):
    return province_by_code("CT")
