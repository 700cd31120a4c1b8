"""The contract suite: every test that takes ``engine``, ``fresh_engine`` or
``engine_name`` runs against each engine behind the boundary (tantivy and whoosh)."""

import pytest

from journal.search import ENGINES, open_engine

from .corpus import CORPUS


@pytest.fixture(scope="module", params=ENGINES)
def engine_name(request):
    return request.param


@pytest.fixture(scope="module")
def engine(engine_name, tmp_path_factory):
    """The fixture corpus, indexed once per test module (read-only: do not write to it)."""
    eng = open_engine(tmp_path_factory.mktemp("search"), engine_name, time_limit=5.0)
    eng.rebuild(CORPUS)
    yield eng
    eng.close()


@pytest.fixture
def fresh_engine(engine_name, tmp_path):
    """An engine of its own, with the corpus indexed, for tests that write or break it."""
    eng = open_engine(tmp_path / "search", engine_name, time_limit=5.0, write_timeout=2.0)
    eng.rebuild(CORPUS)
    yield eng
    eng.close()


@pytest.fixture
def whoosh_engine(tmp_path):
    """The whoosh engine with the corpus, for tests of whoosh's own files."""
    eng = open_engine(tmp_path / "search", "whoosh", time_limit=5.0, write_timeout=2.0)
    eng.rebuild(CORPUS)
    yield eng
    eng.close()
