"""Full-text search of published articles: Vietnamese-aware, behind a small engine boundary.

Callers use :class:`SearchEngine` (index, remove, search, rebuild, status) with
:class:`SearchDocument` and :class:`SearchRequest`; :func:`open_engine` returns the
configured engine: tantivy (compiled, the default) or whoosh (pure Python), each stored in
a directory of its own.
"""

from __future__ import annotations

import os

from .documents import SearchDocument
from .engine import (
    FACETS,
    FacetValue,
    Hit,
    IndexBusyError,
    IndexStatus,
    IndexUnavailableError,
    Notice,
    SearchEngine,
    SearchIndexError,
    SearchRequest,
    SearchResults,
)

__all__ = [
    "ENGINES",
    "FACETS",
    "FacetValue",
    "Hit",
    "IndexBusyError",
    "IndexStatus",
    "IndexUnavailableError",
    "Notice",
    "SearchDocument",
    "SearchEngine",
    "SearchIndexError",
    "SearchRequest",
    "SearchResults",
    "open_engine",
]


ENGINES = ("tantivy", "whoosh")


def open_engine(directory: str | os.PathLike, engine: str = "tantivy", **options) -> SearchEngine:
    """The engine named ``engine`` storing its index under ``directory`` (created when
    first written)."""
    if engine == "tantivy":
        from .tantivy_backend import TantivyEngine

        return TantivyEngine(directory, **options)
    if engine == "whoosh":
        from .whoosh_backend import WhooshEngine

        return WhooshEngine(directory, **options)
    raise ValueError(f"unknown search engine {engine!r}: use one of {', '.join(ENGINES)}")


def init_app(app) -> None:
    """Register the search pages, the ``search`` command, the jobs and the listeners that
    keep the index in step with publishing."""
    from . import models, services  # noqa: F401  (models: the pending-changes table)
    from .commands import search_group
    from .views import bp

    app.register_blueprint(bp)
    app.cli.add_command(search_group)
    services.connect_signals()
