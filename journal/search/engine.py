"""The boundary between callers and a search engine.

Callers (the search page, staff search, the indexing job, the ``search reindex`` command)
use only what is defined here and in :mod:`journal.search.documents`; an engine is any
object with the methods of :class:`SearchEngine`. The tantivy engine (the default) lives in
:mod:`journal.search.tantivy_backend`, the whoosh engine in
:mod:`journal.search.whoosh_backend`; both pass the same contract tests (``tests/search``).
Another engine (an external server such as OpenSearch) implements the same protocol and
nothing else changes.

Searching never raises: problems come back inside :class:`SearchResults` as an ``error``
code and ``notices`` (machine codes the page translates). Writing raises
:class:`SearchIndexError` subclasses, so the caller's pending change stays pending.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from markupsafe import Markup

from .documents import SearchDocument

FACETS = ("province", "year", "section", "language")
SORTS = ("relevance", "newest")
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 50
# Deep pages cost as much as all the pages before them; nobody reads page 200.
MAX_RESULT_WINDOW = 1000
MAX_FILTER_VALUES = 10
MAX_FILTER_VALUE_CHARS = 64


class IndexStatus(enum.StrEnum):
    OK = "ok"
    MISSING = "missing"
    CORRUPT = "corrupt"


class SearchIndexError(Exception):
    """A write could not be done; the caller keeps the change and retries later."""


class IndexBusyError(SearchIndexError):
    """Another writer held the index for longer than the write timeout."""


class IndexUnavailableError(SearchIndexError):
    """The index is missing or corrupt: rebuild it."""


@dataclass(frozen=True)
class Notice:
    """Something the reader should be told. ``code`` is stable; ``detail`` is data, not HTML."""

    code: str
    detail: str = ""


# Notice and error codes (the page maps them to translated messages).
EMPTY_QUERY = "empty_query"
INDEX_UNAVAILABLE = "index_unavailable"
ONLY_EXCLUSIONS = "only_exclusions"
QUERY_TRUNCATED = "query_truncated"
TOO_MANY_TERMS = "too_many_terms"
UNBALANCED_QUOTE = "unbalanced_quote"
WILDCARDS_IGNORED = "wildcards_ignored"
UNKNOWN_FIELD = "unknown_field"
OPERATOR_IGNORED = "operator_ignored"
UNKNOWN_FACET = "unknown_facet"
INVALID_FACET_VALUE = "invalid_facet_value"
PAGE_OUT_OF_RANGE = "page_out_of_range"
UNKNOWN_SORT = "unknown_sort"
TIMED_OUT = "timed_out"


@dataclass(frozen=True)
class SearchRequest:
    """One search as the reader asked for it; every value is checked by the engine.

    ``filters`` maps a facet name (see :data:`FACETS`) to the selected values: values of
    one facet are alternatives (OR), different facets narrow each other (AND).
    ``page`` counts from 1. Anything out of range is clamped and reported in a notice.

    ``within`` and ``names_within`` are set by the caller, never by the reader: only the
    documents with these ids are searched (None: all of them); the name fields (authors,
    affiliations) are matched only in the documents with these ids (None: in all of them),
    in the others the words must be found elsewhere.
    """

    text: str = ""
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    within: frozenset[str] | None = None
    names_within: frozenset[str] | None = None


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class Hit:
    """One result. ``highlights`` maps title_vi, title_en, abstract_vi, abstract_en to
    HTML-escaped text in which only the ``<mark>`` elements are markup."""

    id: str
    score: float
    rank: int
    fields: Mapping[str, object]
    highlights: Mapping[str, Markup]


@dataclass
class SearchResults:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    sort: str = "relevance"
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    suggestion: str | None = None
    notices: list[Notice] = field(default_factory=list)
    error: str | None = None
    elapsed_ms: float = 0.0

    @property
    def pages(self) -> int:
        reachable = min(self.total, MAX_RESULT_WINDOW)
        return max(1, -(-reachable // self.page_size))

    @property
    def ok(self) -> bool:
        return self.error is None

    def notice_codes(self) -> list[str]:
        return [n.code for n in self.notices]


@runtime_checkable
class SearchEngine(Protocol):
    """What every engine offers. Documents are :class:`SearchDocument` (or dicts of it)."""

    def index(self, docs: Iterable[SearchDocument | Mapping]) -> int:
        """Add or replace documents (by id). Returns how many were written."""

    def remove(self, ids: Iterable[str]) -> int:
        """Remove documents by id; unknown ids are ignored. Returns how many ids were given."""

    def search(self, request: SearchRequest | str) -> SearchResults:
        """Run a search. Never raises: errors come back in the results."""

    def rebuild(self, docs: Iterable[SearchDocument | Mapping]) -> int:
        """Build a complete new index from ``docs`` beside the current one and swap it in
        atomically; searches keep answering from the old index meanwhile."""

    def status(self) -> IndexStatus:
        """Whether the index can be searched (cheap: opens it, reads its table of contents)."""

    def check(self) -> IndexStatus:
        """A deeper check (reads terms, stored fields and postings); slower than status()."""

    def count(self) -> int:
        """Number of documents in the index (0 when unavailable)."""

    def applied_sequence(self) -> int:
        """The last change-log sequence recorded in the current index (0 when none)."""

    def record_sequence(self, sequence: int) -> None:
        """Record in the current index that the change log was applied up to ``sequence``
        (a lower value than the one recorded is ignored)."""

    def close(self) -> None:
        """Release open files."""
