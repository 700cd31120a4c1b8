"""Fixtures of the production tests: the JATS schema (loaded once), accepted submissions,
and one pipeline result shared by the tests that only need a finished galley."""

from __future__ import annotations

import pytest

from journal.publish import production_job
from journal.publish.typeset import load_schema

from ..typeset import samples
from .support import SCHEMAS, accepted_submission, instant_typeset

XSD = SCHEMAS / "jats" / "JATS-journalpublishing1-3-mathml3.xsd"


@pytest.fixture(scope="session")
def xsd_path():
    if not XSD.is_file():
        pytest.fail(f"the JATS 1.3 schema is missing at {XSD}")
    load_schema(str(XSD.resolve()))  # seconds, once per session
    return XSD.resolve()


@pytest.fixture
def app(app):
    app.config.update(ISSN_PRINT="2815-5998", ISSN_ONLINE="2815-6005")
    return app


@pytest.fixture
def editor(users):
    return users["province_editor"]


@pytest.fixture
def english(app):
    """``english(user)``: a client signed in as ``user`` (None: anonymous), reading English."""

    def client_for(user):
        client = app.test_client(user=user) if user is not None else app.test_client()
        client.set_cookie("lang", "en")
        return client

    return client_for


@pytest.fixture
def accepted(app, users, tmp_path):
    """An accepted Markdown submission of Cần Thơ, with its figure file."""
    return accepted_submission(users["author"], tmp_path)


@pytest.fixture(scope="session")
def typeset_result(xsd_path, tmp_path_factory, shared_typesetting):
    """The sample Markdown article typeset once for the whole run."""
    folder = tmp_path_factory.mktemp("production-sample")
    source = folder / "sample.md"
    source.write_text(samples.markdown("vi"), encoding="utf-8")
    figure = samples.figure_png(folder / "figure.png")
    return shared_typesetting(
        source,
        "md",
        samples.article_meta("vi"),
        folder / "work",
        xsd_path=xsd_path,
        figures={"figure.png": figure},
    )


@pytest.fixture
def fast_typeset(monkeypatch, typeset_result):
    """The job's pipeline replaced by the session's result (every stage reported): for tests
    about runs and versions rather than about what typesetting makes. Records the calls."""
    calls = []
    monkeypatch.setattr(production_job, "typeset", instant_typeset(typeset_result, calls))
    return calls
