"""The tantivy engine (the default): a compiled index behind the same boundary as whoosh.

Every text is indexed twice: in its exact form (NFC, lower case) and folded (diacritics
stripped, đ → d), the exact form boosted so that accented matches rank first; English text
is folded and stemmed instead. Facet values are fast fields counted by tantivy's
aggregations over all the matches; titles and snippets are highlighted by
:class:`journal.search.highlight.Highlighter` over the stored text, as for whoosh.

Generations on disk as for whoosh (:mod:`journal.search.generations`). Writes go through
one writer at a time: tantivy's own writer lock (between processes) is retried until
``write_timeout``, then :class:`IndexBusyError`. A commit is atomic; readers in every
process see it on their next search (the index's ``meta.json`` is checked on each search,
and the reader reloaded when it changed).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import tantivy

from . import analysis
from .documents import SearchDocument, as_document
from .engine import (
    EMPTY_QUERY,
    FACETS,
    INDEX_UNAVAILABLE,
    INVALID_FACET_VALUE,
    MAX_FILTER_VALUE_CHARS,
    MAX_FILTER_VALUES,
    MAX_PAGE_SIZE,
    MAX_RESULT_WINDOW,
    ONLY_EXCLUSIONS,
    PAGE_OUT_OF_RANGE,
    SORTS,
    TIMED_OUT,
    UNKNOWN_FACET,
    UNKNOWN_SORT,
    FacetValue,
    Hit,
    IndexBusyError,
    IndexStatus,
    IndexUnavailableError,
    Notice,
    SearchRequest,
    SearchResults,
)
from .generations import Generations, read_sequence, write_sequence
from .highlight import Highlighter
from .query import Clause, ParsedQuery, normalize_doi, normalize_task, parse_query

log = logging.getLogger(__name__)

Occur = tantivy.Occur
# Heap of the writer used for small writes, and of the one used to build a whole index.
WRITE_HEAP = 15_000_000
BUILD_HEAP = 256_000_000
BUILD_THREADS = 2
# Enough buckets for every province, year, section and language.
FACET_BUCKETS = 1000
# Terms read from the folded vocabulary to find a "did you mean" correction.
SUGGEST_SCAN = 20_000


def _analyzer(*filters) -> tantivy.TextAnalyzer:
    """Words as :mod:`journal.search.analysis` has them (runs of letters and digits; the
    ``simple`` tokenizer is several times faster than a regular expression), then
    ``filters``. Words longer than the longest kept are dropped."""
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    for f in (tantivy.Filter.remove_long(analysis.MAX_WORD_CHARS + 1), *filters):
        builder = builder.filter(f)
    return builder.build()


ANALYZERS = {
    "vi_exact": _analyzer(tantivy.Filter.lowercase()),
    "vi_fold": _analyzer(tantivy.Filter.lowercase(), tantivy.Filter.ascii_fold()),
    "en_stem": _analyzer(
        tantivy.Filter.lowercase(), tantivy.Filter.ascii_fold(), tantivy.Filter.stemmer("english")
    ),
}
TEXT_FIELDS = {
    # Titles in both languages, searched again on their own to rank title matches first.
    "title": "vi_exact",
    "title_f": "vi_fold",
    # The Vietnamese parts: title, abstract, keywords, province; the folded field also holds
    # the full text of Vietnamese articles.
    "text": "vi_exact",
    "text_f": "vi_fold",
    # The English parts, and the full text of English articles.
    "text_en": "en_stem",
    # Names: authors and affiliations (kept apart so that they can be left out).
    "names": "vi_exact",
    "names_f": "vi_fold",
    "authors": "vi_exact",
    "authors_f": "vi_fold",
    "keywords": "vi_exact",
    "keywords_f": "vi_fold",
}
KEYWORD_FIELDS = ("doi", "task", *FACETS)
NAME_FIELDS = frozenset({"names", "names_f", "authors", "authors_f"})


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", fast=True)
    for name, tokenizer in TEXT_FIELDS.items():
        builder.add_text_field(name, tokenizer_name=tokenizer)
    for name in KEYWORD_FIELDS:
        builder.add_text_field(name, tokenizer_name="raw", fast=name in FACETS)
    builder.add_integer_field("published", indexed=True, fast=True)
    builder.add_bytes_field("doc", stored=True)
    return builder.build()


SCHEMA = build_schema()


@lru_cache(maxsize=50_000)
def term(analyzer: str, word: str) -> str | None:
    """The indexed form of one word (None if the analyzer drops it)."""
    tokens = ANALYZERS[analyzer].analyze(word)
    return tokens[0] if tokens else None


# Which fields a clause searches, with their boosts: exact forms weigh more than folded.
FIELD_PLAN = {
    None: (
        ("title", 6.0),
        ("title_f", 2.0),
        ("text", 3.0),
        ("text_f", 1.0),
        ("text_en", 1.0),
        ("names", 3.0),
        ("names_f", 1.0),
    ),
    "title": (("title", 3.0), ("title_f", 1.0)),
    "author": (("authors", 3.0), ("authors_f", 1.0)),
    "keyword": (("keywords", 3.0), ("keywords_f", 1.0)),
}
SUGGEST_FIELDS = ("text_f", "title_f")


def _joined(*parts) -> str:
    out = []
    for part in parts:
        if isinstance(part, str):
            if part:
                out.append(part)
        else:
            out.extend(p for p in part if p)
    return "\n".join(analysis.prepare_text(p) for p in out)


def stored_fields(doc: SearchDocument) -> dict:
    """What a hit shows (the same for every engine)."""
    p = analysis.prepare_text
    year = doc.year if doc.year is not None else (doc.published.year if doc.published else None)
    return {
        "title_vi": p(doc.title_vi),
        "title_en": p(doc.title_en),
        "abstract_vi": p(doc.abstract_vi),
        "abstract_en": p(doc.abstract_en),
        "keywords_vi": [p(k) for k in doc.keywords_vi],
        "keywords_en": [p(k) for k in doc.keywords_en],
        "authors": [p(a) for a in doc.authors],
        "province_code": doc.province_code,
        "province_name_vi": p(doc.province_name_vi),
        "province_name_en": p(doc.province_name_en),
        "section": doc.section,
        "year": year,
        "language": doc.language,
        "task_code": doc.task_code,
        "doi": doc.doi,
        "published": doc.published.isoformat() if doc.published else None,
    }


def document(doc: SearchDocument) -> tantivy.Document:
    stored = stored_fields(doc)
    english = doc.language == "en"
    title = _joined(doc.title_vi, doc.title_en)
    visible = _joined(
        doc.title_vi, doc.abstract_vi, doc.keywords_vi, doc.province_name_vi, doc.reference
    )
    names = _joined(doc.authors, doc.affiliations)
    authors = _joined(doc.authors)
    keywords = _joined(doc.keywords_vi, doc.keywords_en)
    fields: dict[str, object] = {
        "id": doc.id,
        "title": title,
        "title_f": title,
        "text": visible,
        "text_f": visible + "\n" + analysis.prepare_text(doc.full_text) if not english else visible,
        "text_en": _joined(
            doc.title_en,
            doc.abstract_en,
            doc.keywords_en,
            doc.province_name_en,
            doc.full_text if english else "",
        ),
        "names": names,
        "names_f": names,
        "authors": authors,
        "authors_f": authors,
        "keywords": keywords,
        "keywords_f": keywords,
        "published": doc.published.toordinal() if doc.published else 0,
        "doc": json.dumps(stored, ensure_ascii=False).encode(),
    }
    year = stored["year"]
    for name, value in (
        ("doi", normalize_doi(doc.doi) if doc.doi else ""),
        ("task", normalize_task(doc.task_code) if doc.task_code else ""),
        ("province", doc.province_code),
        ("section", doc.section),
        ("language", doc.language),
        ("year", str(year) if year is not None else ""),
    ):
        if value:
            fields[name] = value
    return tantivy.Document(**fields)


# --- query translation ------------------------------------------------------------------


def _should(queries: list) -> tantivy.Query:
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(Occur.Should, q) for q in queries])


def clause_query(clause: Clause, names: bool = True) -> tantivy.Query:
    """The tantivy query of one clause; ``names=False`` leaves the name fields out."""
    if clause.field in ("doi", "task"):
        return tantivy.Query.term_query(SCHEMA, clause.field, clause.words[0])
    plan = [(f, b) for f, b in FIELD_PLAN[clause.field] if names or f not in NAME_FIELDS]
    if not plan:
        return tantivy.Query.empty_query()
    alternatives = []
    if not clause.phrase or len(clause.words) == 1:
        for fieldname, boost in plan:
            value = term(TEXT_FIELDS[fieldname], clause.words[0])
            if value is not None:
                q = tantivy.Query.term_query(SCHEMA, fieldname, value)
                alternatives.append(tantivy.Query.boost_query(q, boost))
        return _should(alternatives) if alternatives else tantivy.Query.empty_query()
    for fieldname, boost in plan:
        terms = [term(TEXT_FIELDS[fieldname], w) for w in clause.words]
        terms = [t for t in terms if t is not None]
        if len(terms) > 1:
            q = tantivy.Query.phrase_query(SCHEMA, fieldname, terms)
        elif terms:
            q = tantivy.Query.term_query(SCHEMA, fieldname, terms[0])
        else:
            continue
        alternatives.append(tantivy.Query.boost_query(q, boost))
    return _should(alternatives) if alternatives else tantivy.Query.empty_query()


def text_query(parsed: ParsedQuery, names_allowed: frozenset[str] | None = None):
    """The query of the reader's words: every positive group must match, no negative may.

    ``names_allowed``: when given, the name fields (authors, affiliations) match only in
    the documents with these ids; in every other document the words must be found in the
    rest of its text."""
    subqueries = []
    for group in parsed.positive:
        alternatives = [_restricted_clause(c, names_allowed) for c in group.clauses]
        subqueries.append((Occur.Must, _should(alternatives)))
    if not subqueries:
        return None
    for group in parsed.negative:
        for clause in group.clauses:
            subqueries.append((Occur.MustNot, _restricted_clause(clause, names_allowed)))
    return tantivy.Query.boolean_query(subqueries)


def _restricted_clause(clause: Clause, names_allowed: frozenset[str] | None) -> tantivy.Query:
    if names_allowed is None:
        return clause_query(clause)
    without = clause_query(clause, names=False)
    if not names_allowed:
        return without
    with_names = tantivy.Query.boolean_query(
        [
            (Occur.Must, clause_query(clause)),
            (Occur.Must, id_filter(names_allowed)),
        ]
    )
    return _should([without, with_names])


def id_filter(ids) -> tantivy.Query:
    return tantivy.Query.term_set_query(SCHEMA, "id", sorted(str(i) for i in ids))


def facet_filter(facet: str, values) -> tantivy.Query:
    return tantivy.Query.term_set_query(SCHEMA, facet, list(values))


def _all_of(queries: list) -> tantivy.Query:
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(Occur.Must, q) for q in queries])


# --- the engine -------------------------------------------------------------------------


def engine_failure(exc: BaseException) -> bool:
    """An error of the index (a damaged file makes tantivy panic, which Python sees as a
    ``PanicException``, a BaseException), not an interrupt to pass on."""
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def new_index(path: Path) -> tantivy.Index:
    """A new empty index in ``path``, with the analyzers registered."""
    index = tantivy.Index(SCHEMA, path=str(path), reuse=False)
    for name, analyzer in ANALYZERS.items():
        index.register_tokenizer(name, analyzer)
    return index


class _Opened:
    """One opened generation: the index and the state of its reader."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.index = tantivy.Index.open(str(path))
            for name, analyzer in ANALYZERS.items():
                self.index.register_tokenizer(name, analyzer)
            self.index.config_reader("Manual", 0)
        except Exception as exc:
            raise IndexUnavailableError(
                f"the search index at {path} cannot be opened: {type(exc).__name__}: {exc}"
            ) from None
        self.lock = threading.Lock()
        self.stamp = self._meta_stamp()

    def _meta_stamp(self):
        try:
            st = os.stat(self.path / "meta.json")
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def searcher(self) -> tantivy.Searcher:
        """A searcher over the latest commit (reloaded when another writer committed)."""
        stamp = self._meta_stamp()
        if stamp is None:
            raise IndexUnavailableError(f"the search index at {self.path} is gone")
        if stamp != self.stamp:
            with self.lock:
                if stamp != self.stamp:
                    self.index.reload()
                    self.stamp = stamp
        return self.index.searcher()


class TantivyEngine:
    """A :class:`journal.search.engine.SearchEngine` over tantivy, stored under ``root``."""

    def __init__(
        self,
        root: str | os.PathLike,
        *,
        time_limit: float = 0.5,
        write_timeout: float = 30.0,
    ) -> None:
        self.root = Path(root)
        self.generations = Generations(self.root)
        self.time_limit = time_limit
        self.write_timeout = write_timeout
        self._write_lock = threading.RLock()
        self._rebuild_lock = threading.Lock()
        self._open_lock = threading.Lock()
        self._opened: _Opened | None = None
        self._rebuild_log: list[tuple[str, list]] | None = None

    # -- opening

    def current_path(self) -> Path | None:
        return self.generations.current_path()

    def _current(self) -> _Opened:
        path = self.generations.current_path()
        if path is None:
            raise IndexUnavailableError("no search index")
        opened = self._opened
        if opened is None or opened.path != path:
            with self._open_lock:
                opened = self._opened
                if opened is None or opened.path != path:
                    opened = self._opened = _Opened(path)
        return opened

    def status(self) -> IndexStatus:
        path = self.generations.current_path()
        if path is None:
            return IndexStatus.MISSING
        try:
            _Opened(path).searcher()
        except BaseException as exc:
            if not engine_failure(exc):
                raise
            return IndexStatus.CORRUPT
        return IndexStatus.OK

    def check(self) -> IndexStatus:
        status = self.status()
        if status is not IndexStatus.OK:
            return status
        try:
            searcher = _Opened(self.generations.current_path()).searcher()
            found = searcher.search(tantivy.Query.all_query(), 20, count=True)
            for _score, address in found.hits:
                json.loads(searcher.doc(address).get_first("doc"))
            for name in ("text_f", "id"):
                for value, _freq in searcher.terms_with_prefix(name, "", limit=20):
                    searcher.search(tantivy.Query.term_query(SCHEMA, name, value), 5)
            searcher.aggregate(tantivy.Query.all_query(), _facet_aggregation())
        except BaseException as exc:
            if not engine_failure(exc):
                raise
            log.warning("search index is corrupt: %s: %s", type(exc).__name__, exc)
            return IndexStatus.CORRUPT
        return status

    def count(self) -> int:
        try:
            return self._current().searcher().num_docs
        except Exception:
            return 0

    def close(self) -> None:
        with self._open_lock:
            self._opened = None

    def applied_sequence(self) -> int:
        return read_sequence(self.generations.current_path())

    def record_sequence(self, sequence: int) -> None:
        with self._write_lock:
            path = self.generations.current_path()
            if path is None:
                raise IndexUnavailableError("no search index")
            if self._rebuild_log is not None:
                self._rebuild_log.append(("sequence", [sequence]))
            if sequence > read_sequence(path):
                write_sequence(path, sequence)

    # -- writing

    def _writer(self, index: tantivy.Index, heap: int = WRITE_HEAP, threads: int = 1):
        deadline = time.monotonic() + self.write_timeout
        delay = 0.02
        while True:
            try:
                return index.writer(heap, threads)
            except ValueError as exc:
                if "LockBusy" not in str(exc):
                    raise IndexUnavailableError(
                        f"the search index cannot be written: {exc}"
                    ) from None
                if time.monotonic() >= deadline:
                    raise IndexBusyError(
                        f"the search index stayed locked for {self.write_timeout:.0f} s"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    def _writable(self) -> _Opened:
        if self.generations.current_path() is None:
            if self.generations.dangling():
                raise IndexUnavailableError("the current search index is missing")
            path = self.generations.new_directory()
            new_index(path)
            self.generations.swap(path)
        return self._current()

    def _apply(self, index: tantivy.Index, path: Path, operations) -> None:
        writer = self._writer(index)
        sequence = 0
        try:
            for op, payload in operations:
                if op == "index":
                    for doc_id, doc in payload:
                        writer.delete_documents_by_term("id", doc_id)
                        writer.add_document(doc)
                elif op == "remove":
                    for doc_id in payload:
                        writer.delete_documents_by_term("id", doc_id)
                else:
                    sequence = max(sequence, *payload)
            writer.commit()
        except BaseException:
            with contextlib.suppress(Exception):
                writer.rollback()
            raise
        finally:
            writer.wait_merging_threads()
        if sequence > read_sequence(path):
            write_sequence(path, sequence)

    def _write(self, op: str, payload: list) -> None:
        with self._write_lock:
            opened = self._writable()
            try:
                self._apply(opened.index, opened.path, [(op, payload)])
            except (IndexBusyError, IndexUnavailableError):
                raise
            except Exception as exc:
                raise IndexUnavailableError(f"the search index cannot be written: {exc}") from exc
            if self._rebuild_log is not None:
                self._rebuild_log.append((op, payload))

    def index(self, docs) -> int:
        prepared = []
        for d in docs:
            doc = as_document(d)
            prepared.append((doc.id, document(doc)))
        if prepared:
            self._write("index", prepared)
        return len(prepared)

    def remove(self, ids) -> int:
        ids = [str(i) for i in ids]
        if ids:
            self._write("remove", ids)
        return len(ids)

    def rebuild(self, docs) -> int:
        with self._rebuild_lock:
            with self._write_lock:
                self._rebuild_log = []
            path = self.generations.new_directory()
            try:
                index = new_index(path)
                writer = self._writer(index, BUILD_HEAP, BUILD_THREADS)
                count = 0
                try:
                    for doc in docs:
                        writer.add_document(document(as_document(doc)))
                        count += 1
                    writer.commit()
                except BaseException:
                    with contextlib.suppress(Exception):
                        writer.rollback()
                    raise
                finally:
                    writer.wait_merging_threads()
                with self._write_lock:
                    if self._rebuild_log:
                        self._apply(index, path, self._rebuild_log)
                    previous = self.generations.swap(path)
                    self._rebuild_log = None
            except BaseException:
                with self._write_lock:
                    self._rebuild_log = None
                shutil.rmtree(path, ignore_errors=True)
                raise
            keep = {path.resolve()}
            if previous is not None:
                keep.add(previous)
            self.generations.remove_old(keep)
            return count

    # -- searching

    def search(self, request: SearchRequest | str) -> SearchResults:
        started = time.monotonic()
        if isinstance(request, str):
            request = SearchRequest(text=request)
        results = self._search(request, started)
        results.elapsed_ms = (time.monotonic() - started) * 1000
        return results

    def _search(self, request: SearchRequest, started: float) -> SearchResults:
        notices: list[Notice] = []
        text = request.text if isinstance(request.text, str) else ""
        sort = request.sort if request.sort in SORTS else "relevance"
        if sort != request.sort:
            notices.append(Notice(UNKNOWN_SORT, str(request.sort)[:32]))
        page_size = clamp_int(request.page_size, 1, MAX_PAGE_SIZE, default=10)
        page = clamp_int(request.page, 1, None, default=1)
        if page != request.page:
            notices.append(Notice(PAGE_OUT_OF_RANGE, str(request.page)[:32]))
        filters = clean_filters(request.filters, notices)
        results = SearchResults(
            query=text, page=page, page_size=page_size, sort=sort, filters=filters
        )
        parsed = parse_query(text)
        results.notices = notices + parsed.notices
        base = text_query(parsed, _id_set(request.names_within))
        if base is None:
            results.error = ONLY_EXCLUSIONS if parsed.negative else EMPTY_QUERY
            return results
        within = _id_set(request.within)
        if within is not None:
            base = _all_of([base, id_filter(within)])
        try:
            searcher = self._current().searcher()
            self._run(searcher, base, parsed, results, started + self.time_limit)
        except IndexUnavailableError:
            results.error = INDEX_UNAVAILABLE
        except BaseException as exc:
            if not engine_failure(exc):
                raise
            log.error("search failed on the index under %s", self.root, exc_info=exc)
            results.error = INDEX_UNAVAILABLE
            results.hits, results.total, results.facets = [], 0, {}
            results.suggestion = None
        return results

    def _run(self, searcher, base, parsed, results: SearchResults, deadline: float) -> None:
        """Matches and hits first, then facet counts, then a suggestion: each step only
        while there is time left (tantivy cannot be stopped inside a step)."""
        selected = {f: facet_filter(f, v) for f, v in results.filters.items()}
        final = _all_of([base, *selected.values()])
        offset = (results.page - 1) * results.page_size
        window_end = min(offset + results.page_size, MAX_RESULT_WINDOW)
        clock = time.monotonic
        if clock() > deadline:
            results.notices.append(Notice(TIMED_OUT))
            return
        limit = max(window_end - offset, 0)
        order = {}
        if results.sort == "newest":
            order = {"order_by_field": "published", "order": tantivy.Order.Desc}
        # Past the window only the count is needed (and a huge offset is not asked for).
        start = offset if limit else 0
        found = searcher.search(final, max(limit, 1), count=True, offset=start, **order)
        results.total = found.count
        if offset >= min(results.total, MAX_RESULT_WINDOW) and results.total:
            results.notices.append(Notice(PAGE_OUT_OF_RANGE, str(results.page)))
        elif limit:
            results.hits = _hits(searcher, found.hits[:limit], parsed, offset, results.sort)
        if clock() > deadline:
            results.notices.append(Notice(TIMED_OUT))
            return
        results.facets = facet_counts(searcher, base, selected, results.filters)
        if clock() > deadline:
            results.notices.append(Notice(TIMED_OUT))
            return
        if not results.total and not selected:
            results.suggestion = _suggest(searcher, parsed)


def _id_set(ids) -> frozenset[str] | None:
    return None if ids is None else frozenset(str(i) for i in ids)


def clamp_int(value, low: int, high: int | None, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return default
    number = max(low, number)
    return min(number, high) if high is not None else number


def clean_filters(filters, notices: list[Notice]) -> dict[str, tuple[str, ...]]:
    clean: dict[str, tuple[str, ...]] = {}
    if not isinstance(filters, Mapping):
        return clean
    for name, values in filters.items():
        if name not in FACETS:
            notices.append(Notice(UNKNOWN_FACET, str(name)[:MAX_FILTER_VALUE_CHARS]))
            continue
        if isinstance(values, str):
            values = [values]
        kept = []
        for value in list(values or ())[:MAX_FILTER_VALUES]:
            if not isinstance(value, str | int) or len(str(value)) > MAX_FILTER_VALUE_CHARS:
                notices.append(Notice(INVALID_FACET_VALUE, name))
                continue
            value = str(value).strip()
            if value and value not in kept:
                kept.append(value)
        if kept:
            clean[name] = tuple(kept)
    return clean


def _facet_aggregation(facets=FACETS) -> dict:
    return {f: {"terms": {"field": f, "size": FACET_BUCKETS}} for f in facets}


def facet_counts(searcher, base, selected: dict, filters) -> dict[str, list[FacetValue]]:
    """Counts per facet value over the matches narrowed by the *other* facets' filters:
    one aggregation for the facets whose scope is the same, one more per filtered facet."""
    counts: dict[str, dict[str, int]] = {}
    # Facets without a filter of their own share one scope: the matches with every filter.
    scopes = [([f for f in FACETS if f not in selected], list(selected.values()))]
    scopes += [([f], [q for other, q in selected.items() if other != f]) for f in selected]
    for facets, narrowing in scopes:
        if not facets:
            continue
        answer = searcher.aggregate(_all_of([base, *narrowing]), _facet_aggregation(facets))
        for facet in facets:
            buckets = answer.get(facet, {}).get("buckets", [])
            counts[facet] = {str(b["key"]): int(b["doc_count"]) for b in buckets}
    out: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        chosen = filters.get(facet, ())
        values = [FacetValue(v, n, v in chosen) for v, n in counts.get(facet, {}).items() if n]
        values.extend(FacetValue(v, 0, True) for v in chosen if not counts.get(facet, {}).get(v))
        if facet == "year":
            values.sort(key=lambda v: v.value, reverse=True)
        else:
            values.sort(key=lambda v: (-v.count, v.value))
        out[facet] = values
    return out


def _hits(searcher, found, parsed: ParsedQuery, offset: int, sort: str) -> list[Hit]:
    highlighter = Highlighter(parsed.text_words())
    hits = []
    for n, (score, address) in enumerate(found):
        stored = searcher.doc(address)
        doc = json.loads(stored.get_first("doc") or b"{}")
        highlights = {
            "title_vi": highlighter.title(doc.get("title_vi", "")),
            "title_en": highlighter.title(doc.get("title_en", ""), english=True),
            "abstract_vi": highlighter.snippet(doc.get("abstract_vi", "")),
            "abstract_en": highlighter.snippet(doc.get("abstract_en", ""), english=True),
        }
        relevance = float(score) if sort == "relevance" else 0.0
        hits.append(Hit(stored.get_first("id"), relevance, offset + n + 1, doc, highlights))
    return hits


def _known(searcher, word: str) -> bool:
    folded = term("vi_fold", word)
    if folded and any(searcher.doc_freq(f, folded) for f in SUGGEST_FIELDS):
        return True
    stem = term("en_stem", word)
    return bool(stem and searcher.doc_freq("text_en", stem))


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, giving up (limit + 1) once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _correction(searcher, folded: str) -> str | None:
    maxdist = 1 if len(folded) < 6 else 2
    best = None
    for fieldname in SUGGEST_FIELDS:
        for candidate, freq in searcher.terms_with_prefix(fieldname, folded[0], limit=SUGGEST_SCAN):
            distance = _distance(folded, candidate, maxdist)
            if distance <= maxdist:
                key = (distance, -freq, candidate)
                if best is None or key < best:
                    best = key
        if best is not None:
            return best[2]
    return None


def _suggest(searcher, parsed: ParsedQuery) -> str | None:
    """A corrected query from the folded vocabulary, if it finds something."""
    changed = False
    groups = []
    for group in parsed.groups:
        clauses = []
        for clause in group.clauses:
            if clause.field in ("doi", "task"):
                clauses.append(clause)
                continue
            words = []
            for word in clause.words:
                folded = term("vi_fold", word) or ""
                if len(folded) > 2 and not _known(searcher, word):
                    correction = _correction(searcher, folded)
                    if correction is not None:
                        words.append(correction)
                        changed = True
                        continue
                words.append(word)
            clauses.append(Clause(clause.field, tuple(words), clause.phrase))
        groups.append(type(group)(tuple(clauses), group.negated))
    if not changed:
        return None
    suggestion = ParsedQuery(groups)
    q = text_query(suggestion)
    if q is None:
        return None
    return suggestion.as_text() if searcher.search(q, 1, count=True).count else None
