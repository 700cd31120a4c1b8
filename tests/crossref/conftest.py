"""Schema paths for the Crossref tests (the schemas are parsed once, by crossref.validate)."""

from __future__ import annotations

import pytest

from .samples import schema_or_skip


@pytest.fixture(scope="session")
def crossref_xsd():
    return schema_or_skip("crossref/crossref5.4.0.xsd")
