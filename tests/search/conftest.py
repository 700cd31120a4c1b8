import pytest

from journal.search import open_engine

from .corpus import CORPUS


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    """The fixture corpus, indexed once per test module (read-only: do not write to it)."""
    eng = open_engine(tmp_path_factory.mktemp("search"), time_limit=5.0)
    eng.rebuild(CORPUS)
    yield eng
    eng.close()


@pytest.fixture
def fresh_engine(tmp_path):
    """An engine of its own, with the corpus indexed, for tests that write or break it."""
    eng = open_engine(tmp_path / "search", time_limit=5.0, write_timeout=2.0)
    eng.rebuild(CORPUS)
    yield eng
    eng.close()
