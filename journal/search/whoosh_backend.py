"""The whoosh engine (pure Python): one directory per index generation, a symlink naming
the current one (see :mod:`journal.search.generations`).

Writes go through one writer at a time: a lock inside the process, and whoosh's own file
lock between processes (``LockError`` is retried until ``write_timeout``, then
:class:`IndexBusyError`). A rebuild writes a complete new generation, replays the writes
this process made meanwhile, and swaps the symlink: searches answer from the old generation
until the swap and from the new one after. Writes made by *other* processes during a
rebuild land in the old generation; the caller replays its pending changes after a rebuild.

Each thread searches with its own whoosh searcher (whoosh readers are not shared between
threads); per-generation data (facet postings, publication dates) is shared and read-only.
"""

from __future__ import annotations

import contextlib
import gc
import heapq
import logging
import os
import shutil
import threading
import time
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from traceback import format_exc

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import Filter, RegexTokenizer
from whoosh.collectors import WrappingCollector
from whoosh.fields import ID, NUMERIC, STORED, TEXT, Schema
from whoosh.index import LockError
from whoosh.searching import TimeLimit

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

# How often a searcher looks for commits made by other processes.
REFRESH_SECONDS = 1.0


_WARNINGS_LOCK = threading.Lock()


@contextlib.contextmanager
def _quiet_files():
    """Opening a damaged index, whoosh leaves files open (its reader even retries ten
    times on an OSError, dropping each failed attempt's files): their ResourceWarnings
    are expected there. The lock keeps our threads from interleaving catch_warnings."""
    with _WARNINGS_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        yield


@contextlib.contextmanager
def _quiet_close():
    """Let go of a failed whoosh call's exception, closing the files it left open.

    whoosh does not close what it opened when it fails to read a damaged index; the files
    stay reachable from the exception's traceback and are closed, with a ResourceWarning,
    when it goes. Callers keep the exception past their except block and delete it here::

        with _quiet_close():
            del error
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        yield
        gc.collect()


def open_index(path: Path):
    """Open the whoosh index in ``path``, or raise IndexUnavailableError."""
    error = None
    try:
        with _quiet_files():
            return whoosh_index.open_dir(str(path))
    except Exception as exc:
        error = exc
    message = f"the search index at {path} cannot be opened: {type(error).__name__}: {error}"
    log.warning("%s", message)
    with _quiet_close():
        del error
    raise IndexUnavailableError(message)


# --- analysis ---------------------------------------------------------------------------


class AccentedFilter(Filter):
    """Lower case, and keep only words that carry diacritics (or đ): the exact form.

    A word without diacritics is the same in its exact and folded forms, so the folded
    field holds it already; the exact field exists only to rank accented matches first.
    """

    def __call__(self, tokens):
        limit = analysis.MAX_WORD_CHARS
        fold_word = analysis.fold_word
        for token in tokens:
            text = token.text.lower()[:limit]
            if not text.isascii() and fold_word(text) != text:
                token.text = text
                yield token


class FoldFilter(Filter):
    """Lower case, diacritics stripped, đ → d: the folded form."""

    def __call__(self, tokens):
        limit = analysis.MAX_WORD_CHARS
        fold_word = analysis.fold_word
        for token in tokens:
            token.text = fold_word(token.text.lower()[:limit])
            yield token


class EnglishStemFilter(Filter):
    """Folded, then stemmed (Porter): for English text."""

    def __call__(self, tokens):
        limit = analysis.MAX_WORD_CHARS
        fold_word, stem_word = analysis.fold_word, analysis.stem_word
        for token in tokens:
            token.text = stem_word(fold_word(token.text.lower()[:limit]))
            yield token


def accented_analyzer():
    return RegexTokenizer(analysis.WORD_RE.pattern) | AccentedFilter()


def folded_analyzer():
    return RegexTokenizer(analysis.WORD_RE.pattern) | FoldFilter()


def english_analyzer():
    return RegexTokenizer(analysis.WORD_RE.pattern) | EnglishStemFilter()


def build_schema() -> Schema:
    """Every text is indexed folded (with positions, for phrases); its accented words are
    indexed again in their exact form (no positions: they only add weight); English text
    is indexed folded and stemmed instead of folded."""
    accented, folded, english = accented_analyzer(), folded_analyzer(), english_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        # Titles in both languages, searched again on their own to rank title matches first.
        title=TEXT(analyzer=accented, phrase=False),
        title_f=TEXT(analyzer=folded),
        # The Vietnamese parts: title, abstract, keywords and province; the folded field
        # also holds the full text of Vietnamese articles (its exact form would double the
        # size of the index for little gain).
        text=TEXT(analyzer=accented, phrase=False),
        text_f=TEXT(analyzer=folded),
        # Names: authors and affiliations (kept apart so that they can be left out).
        names=TEXT(analyzer=accented, phrase=False),
        names_f=TEXT(analyzer=folded),
        # The English parts: title, abstract, keywords, the full text of English articles.
        text_en=TEXT(analyzer=english),
        authors=TEXT(analyzer=accented, phrase=False),
        authors_f=TEXT(analyzer=folded),
        keywords=TEXT(analyzer=accented, phrase=False),
        keywords_f=TEXT(analyzer=folded),
        doi=ID(),
        task=ID(),
        province=ID(),
        section=ID(),
        language=ID(),
        year=ID(),
        published=NUMERIC(int, bits=32, sortable=True),
        doc=STORED(),
    )


def exact_form(word: str) -> str | None:
    """The exact form, if it differs from the folded one (else the exact field lacks it)."""
    return word if not word.isascii() and analysis.fold_word(word) != word else None


def folded_form(word: str) -> str:
    return analysis.fold_word(word)


def english_form(word: str) -> str:
    return analysis.stem_word(analysis.fold_word(word))


# Which index fields a query clause searches, with the form of the word and the boost. The
# exact forms weigh more than the folded ones, so accented matches rank first.
FIELD_PLAN = {
    None: (
        ("title", exact_form, 6.0),
        ("title_f", folded_form, 2.0),
        ("text", exact_form, 3.0),
        ("text_f", folded_form, 1.0),
        ("text_en", english_form, 1.0),
        ("names", exact_form, 3.0),
        ("names_f", folded_form, 1.0),
    ),
    "title": (("title", exact_form, 3.0), ("title_f", folded_form, 1.0)),
    "author": (("authors", exact_form, 3.0), ("authors_f", folded_form, 1.0)),
    "keyword": (("keywords", exact_form, 3.0), ("keywords_f", folded_form, 1.0)),
}
SUGGEST_FIELDS = ("text_f", "title_f")
NAME_FIELDS = frozenset({"names", "names_f", "authors", "authors_f"})


def _joined(*parts: Iterable[str] | str) -> str:
    out = []
    for part in parts:
        if isinstance(part, str):
            if part:
                out.append(part)
        else:
            out.extend(p for p in part if p)
    return "\n".join(analysis.prepare_text(p) for p in out)


def document_fields(doc: SearchDocument) -> dict:
    """The whoosh fields of one document."""
    p = analysis.prepare_text
    english = doc.language == "en"
    published = doc.published.toordinal() if doc.published else 0
    year = doc.year if doc.year is not None else (doc.published.year if doc.published else None)
    stored = {
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
    visible = (doc.title_vi, doc.abstract_vi, doc.keywords_vi, doc.province_name_vi, doc.reference)
    body_vi = "" if english else doc.full_text
    fields = {
        "id": doc.id,
        "title": _joined(doc.title_vi, doc.title_en),
        "text": _joined(*visible),
        "text_f": _joined(*visible, body_vi),
        "text_en": _joined(
            doc.title_en,
            doc.abstract_en,
            doc.keywords_en,
            doc.province_name_en,
            doc.full_text if english else "",
        ),
        "names": _joined(doc.authors, doc.affiliations),
        "authors": _joined(doc.authors),
        "keywords": _joined(doc.keywords_vi, doc.keywords_en),
        "published": published,
        "doc": stored,
    }
    fields["title_f"] = fields["title"]
    fields["names_f"] = fields["names"]
    fields["authors_f"] = fields["authors"]
    fields["keywords_f"] = fields["keywords"]
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
    return fields


# --- query translation ------------------------------------------------------------------


def clause_query(clause: Clause, scoring: bool = False) -> wq.Query:
    """The whoosh query of one clause.

    With ``scoring``, a phrase becomes the conjunction of its words: whoosh's phrase
    matcher can run for seconds without yielding a document (so without a chance to stop
    at the time limit); the documents scored are restricted to the true phrase matches,
    found by :func:`_phrase_ids`, which checks the clock.
    """
    if clause.field == "doi":
        return wq.Term("doi", clause.words[0])
    if clause.field == "task":
        return wq.Term("task", clause.words[0])
    plan = FIELD_PLAN[clause.field]
    if not clause.phrase or len(clause.words) == 1:
        alternatives = []
        for fieldname, form, boost in plan:
            term = form(clause.words[0])
            if term is not None:
                alternatives.append(wq.Term(fieldname, term, boost=boost))
        return wq.Or(alternatives)
    # A phrase: matched on the fields with positions; its accented words, if any, add the
    # weight of their exact forms.
    phrases, accented = [], []
    for fieldname, form, boost in plan:
        terms = [form(w) for w in clause.words]
        if fieldname.endswith(("_f", "_en")):
            if scoring:
                unique = dict.fromkeys(terms)
                phrases.append(wq.And([wq.Term(fieldname, t) for t in unique], boost=boost))
            else:
                phrases.append(wq.Phrase(fieldname, terms, boost=boost))
        elif fieldname in ("text", "names", "authors", "keywords") or clause.field == "title":
            accented.extend(wq.Term(fieldname, t, boost=boost) for t in terms if t is not None)
    required = wq.Or(phrases)
    return wq.AndMaybe(required, wq.And(accented)) if accented else required


def scoring_query(parsed: ParsedQuery) -> wq.Query | None:
    """What ranks the matches: the positive clauses (exclusions and exact phrase order are
    enforced by the set of matching documents, see :func:`_matching`)."""
    positive = [wq.Or([clause_query(c, True) for c in g.clauses]) for g in parsed.positive]
    if not positive:
        return None
    return positive[0] if len(positive) == 1 else wq.And(positive)


# --- generations ------------------------------------------------------------------------


class _Generation:
    """One opened index directory, with per-thread searchers and shared per-commit caches."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.ix = open_index(path)
        self.local = threading.local()
        self.cache_lock = threading.Lock()
        self.caches: dict[tuple, dict] = {}
        self.searchers: list = []
        # Searches running on this generation; a replaced generation is closed by the
        # last of them, never under a search in another thread.
        self.users = 0
        self.retired = False

    def searcher(self, changed_at: float):
        local = self.local
        searcher = getattr(local, "searcher", None)
        now = time.monotonic()
        if searcher is None:
            with _quiet_files():
                searcher = self.ix.searcher()
            with self.cache_lock:
                self.searchers.append(searcher)
            local.searcher, local.checked = searcher, now
        elif local.checked < changed_at or now - local.checked > REFRESH_SECONDS:
            if self.ix.latest_generation() != searcher.reader().generation():
                # A new reader, not searcher.refresh(): refresh reuses the segment readers
                # of unchanged segment ids, whose deletions are then stale (a removed
                # article kept being found), and closing the old searcher afterwards
                # closed the segments the fresh one shared (ReaderClosed on the next search).
                with _quiet_files():
                    fresh = self.ix.searcher()
                with self.cache_lock:
                    self.searchers.append(fresh)
                    if searcher in self.searchers:
                        self.searchers.remove(searcher)
                searcher.close()
                local.searcher = searcher = fresh
            local.checked = now
        return searcher

    def cache_for(self, searcher) -> dict:
        reader = searcher.reader()
        key = (reader.generation(), reader.doc_count_all(), reader.doc_count())
        cache = self.caches.get(key)
        if cache is not None:
            return cache
        with self.cache_lock:
            cache = self.caches.get(key)
            if cache is None:
                cache = _build_cache(reader)
                self.caches = {key: cache}  # older commits' caches are dropped
        return cache

    def close(self) -> None:
        with self.cache_lock:
            searchers, self.searchers = self.searchers, []
        for searcher in searchers:
            with contextlib.suppress(Exception):
                searcher.close()


def _build_cache(reader) -> dict:
    facets: dict[str, dict[str, frozenset[int]]] = {}
    for facet in FACETS:
        values = {}
        for term in reader.field_terms(facet):
            ids = frozenset(reader.postings(facet, term).all_ids())
            if ids:
                values[term] = ids
        facets[facet] = values
    published = list(reader.column_reader("published"))
    live = frozenset(reader.all_doc_ids()) if reader.has_deletions() else None
    return {"facets": facets, "published": published, "live": live}


def _read_everywhere(path: Path) -> None:
    """Read a little of every part of the index: table of contents, terms, postings,
    stored fields, columns. Raises on damage."""
    ix = open_index(path)
    try:
        with _quiet_files():
            searcher = ix.searcher()
        with searcher:
            reader = searcher.reader()
            doc_count = reader.doc_count_all()
            for docnum in {0, doc_count - 1} if doc_count else ():
                if not reader.is_deleted(docnum):
                    searcher.stored_fields(docnum)
            for fieldname in ("text_f", "id"):
                for n, term in enumerate(reader.field_terms(fieldname)):
                    list(reader.postings(fieldname, term).all_ids())
                    if n >= 20:
                        break
            list(reader.column_reader("published"))
    finally:
        ix.close()


# --- the engine -------------------------------------------------------------------------


class WhooshEngine:
    """A :class:`journal.search.engine.SearchEngine` over whoosh, stored under ``root``."""

    def __init__(
        self,
        root: str | os.PathLike,
        *,
        time_limit: float = 0.5,
        write_timeout: float = 30.0,
        build_limitmb: int = 256,
    ) -> None:
        self.root = Path(root)
        self.generations = Generations(self.root)
        self.time_limit = time_limit
        self.write_timeout = write_timeout
        self.build_limitmb = build_limitmb
        self._write_lock = threading.RLock()
        self._rebuild_lock = threading.Lock()
        self._open_lock = threading.Lock()
        self._generation: _Generation | None = None
        self._changed_at = 0.0
        self._rebuild_log: list[tuple[str, list]] | None = None

    # -- directories

    def current_path(self) -> Path | None:
        return self.generations.current_path()

    def applied_sequence(self) -> int:
        return read_sequence(self.current_path())

    def record_sequence(self, sequence: int) -> None:
        with self._write_lock:
            path = self.current_path()
            if path is None:
                raise IndexUnavailableError("no search index")
            if self._rebuild_log is not None:
                self._rebuild_log.append(("sequence", [sequence]))
            if sequence > read_sequence(path):
                write_sequence(path, sequence)

    @contextlib.contextmanager
    def _using_generation(self):
        """The opened current generation, kept open while the block runs."""
        path = self.current_path()
        if path is None:
            raise IndexUnavailableError("no search index")
        with self._open_lock:
            generation = self._generation
            if generation is None or generation.path != path:
                old, generation = generation, _Generation(path)
                self._generation = generation
                if old is not None:
                    old.retired = True
                    if not old.users:
                        old.close()
            generation.users += 1
        try:
            yield generation
        finally:
            with self._open_lock:
                generation.users -= 1
                close = generation.retired and not generation.users
            if close:
                generation.close()

    def _swap(self, new_path: Path) -> Path | None:
        previous = self.generations.swap(new_path)
        self._changed_at = time.monotonic()
        return previous

    # -- status

    def status(self) -> IndexStatus:
        path = self.current_path()
        if path is None:
            return IndexStatus.MISSING
        try:
            ix = open_index(path)
        except IndexUnavailableError:
            return IndexStatus.CORRUPT
        ix.close()
        return IndexStatus.OK

    def check(self) -> IndexStatus:
        status = self.status()
        if status is not IndexStatus.OK:
            return status
        path = self.current_path()
        error = None
        try:
            _read_everywhere(path)
        except Exception as exc:
            log.warning("search index at %s is corrupt: %s: %s", path, type(exc).__name__, str(exc))
            error = exc
        if error is not None:
            with _quiet_close():
                del error
            return IndexStatus.CORRUPT
        return status

    def count(self) -> int:
        try:
            with self._using_generation() as generation:
                return generation.ix.doc_count()
        except Exception:
            return 0

    def close(self) -> None:
        """Close the open index (once the searches running on it are done)."""
        with self._open_lock:
            generation, self._generation = self._generation, None
            if generation is None:
                return
            generation.retired = True
            close = not generation.users
        if close:
            generation.close()

    # -- writing

    def _writer(self, ix, **kwargs):
        deadline = time.monotonic() + self.write_timeout
        delay = 0.02
        while True:
            try:
                return ix.writer(**kwargs)
            except LockError:
                if time.monotonic() >= deadline:
                    raise IndexBusyError(
                        f"the search index stayed locked for {self.write_timeout:.0f} s"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.5)

    def _writable_index(self):
        path = self.current_path()
        if path is None:
            if self.generations.dangling():
                raise IndexUnavailableError("the current search index is missing")
            path = self.generations.new_directory()
            whoosh_index.create_in(str(path), build_schema()).close()
            self._swap(path)
        return open_index(path)

    def _apply(self, ix, operations, path: Path | None = None) -> None:
        writer = self._writer(ix)
        sequence = 0
        try:
            for op, payload in operations:
                if op == "index":
                    for fields in payload:
                        writer.update_document(**fields)
                elif op == "remove":
                    for doc_id in payload:
                        writer.delete_by_term("id", doc_id)
                else:
                    sequence = max(sequence, *payload)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        if path is not None and sequence > read_sequence(path):
            write_sequence(path, sequence)

    def _write(self, op: str, payload: list) -> None:
        with self._write_lock:
            ix = self._writable_index()
            try:
                self._apply(ix, [(op, payload)])
            finally:
                ix.close()
            if self._rebuild_log is not None:
                self._rebuild_log.append((op, payload))
            self._changed_at = time.monotonic()

    def index(self, docs) -> int:
        fields = [document_fields(as_document(d)) for d in docs]
        if fields:
            self._write("index", fields)
        return len(fields)

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
                ix = whoosh_index.create_in(str(path), build_schema())
                # One process: whoosh's multiprocessing writer was slower here (it pickles
                # every document to the workers and merges their segments afterwards).
                writer = ix.writer(limitmb=self.build_limitmb)
                count = 0
                try:
                    for doc in docs:
                        writer.add_document(**document_fields(as_document(doc)))
                        count += 1
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit()
                with self._write_lock:
                    if self._rebuild_log:
                        self._apply(ix, self._rebuild_log, path)
                    ix.close()
                    previous = self._swap(path)
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
        page_size = _clamp_int(request.page_size, 1, MAX_PAGE_SIZE, default=10)
        page = _clamp_int(request.page, 1, None, default=1)
        if page != request.page:
            notices.append(Notice(PAGE_OUT_OF_RANGE, str(request.page)[:32]))
        filters = _clean_filters(request.filters, notices)
        results = SearchResults(
            query=text, page=page, page_size=page_size, sort=sort, filters=filters
        )
        parsed = parse_query(text)
        results.notices = notices + parsed.notices
        q = scoring_query(parsed)
        if q is None:
            results.error = ONLY_EXCLUSIONS if parsed.negative else EMPTY_QUERY
            return results
        error = None
        try:
            with self._using_generation() as generation:
                searcher = generation.searcher(self._changed_at)
                self._run(
                    generation, searcher, q, parsed, request, results, started + self.time_limit
                )
        except IndexUnavailableError:
            results.error = INDEX_UNAVAILABLE
        except Exception as exc:
            error = exc
            # The traceback as text: a kept traceback would keep whoosh's files open.
            log.error("search failed on the index under %s:\n%s", self.root, format_exc())
            results.error = INDEX_UNAVAILABLE
            results.hits, results.total, results.facets = [], 0, {}
            results.suggestion = None
        if error is not None:
            searcher = None
            self.close()
            with _quiet_close():
                del error
        return results

    def _run(self, generation, searcher, q, parsed, request, results, deadline) -> None:
        cache = generation.cache_for(searcher)
        facet_sets = cache["facets"]
        names_docs = _docnums(searcher, request.names_within)
        base, timed_out = _matching(searcher, parsed, cache["live"], deadline, names_docs)
        within = _docnums(searcher, request.within)
        if within is not None:
            base = base & within
        selected: dict[str, frozenset[int] | set[int]] = {}
        for facet, values in results.filters.items():
            chosen: set[int] = set()
            for value in values:
                chosen |= facet_sets[facet].get(value, frozenset())
            selected[facet] = chosen
        final = base
        for chosen in selected.values():
            final = final & chosen
        results.total = len(final)
        results.facets = _facet_counts(base, selected, facet_sets, results.filters)

        offset = (results.page - 1) * results.page_size
        window_end = min(offset + results.page_size, MAX_RESULT_WINDOW)
        if offset >= min(results.total, MAX_RESULT_WINDOW) and results.total:
            results.notices.append(Notice(PAGE_OUT_OF_RANGE, str(results.page)))
        if offset < window_end and final:
            if results.sort == "newest":
                published = cache["published"]
                ordered = heapq.nlargest(window_end, final, key=lambda d: (published[d] or 0, -d))
                scored = [(d, 0.0) for d in ordered[offset:window_end]]
            else:
                scored, late = _top_scored(searcher, q, window_end, final, deadline)
                scored = scored[offset:window_end]
                timed_out = timed_out or late
            results.hits = _hits(searcher, scored, parsed, offset)
        if timed_out:
            results.notices.append(Notice(TIMED_OUT))
        if not base and not timed_out:
            results.suggestion = _suggest(searcher, parsed, deadline)


def _clamp_int(value, low: int, high: int | None, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return default
    number = max(low, number)
    return min(number, high) if high is not None else number


def _clean_filters(filters, notices: list[Notice]) -> dict[str, tuple[str, ...]]:
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


def clause_leaves(clause: Clause) -> list[wq.Query]:
    """Queries whose matches, together, are the matches of the clause."""
    q = clause_query(clause)
    if isinstance(q, wq.AndMaybe):
        q = q.a
    return list(q.subqueries) if isinstance(q, wq.Or) else [q]


class _OutOfTime(Exception):
    pass


def _leaf_ids(searcher, q, live, deadline: float) -> set[int]:
    """Document numbers matching a term or phrase: postings read a block at a time."""
    clock = time.monotonic
    if isinstance(q, wq.Phrase):
        return _phrase_ids(searcher, q, live, deadline)
    found = set()
    for reader, offset in _leaves(searcher):
        try:
            matcher = reader.postings(q.fieldname, q.text)
        except Exception as exc:
            if type(exc).__name__ == "TermNotFound":
                continue
            raise
        block_ids = _block_ids(getattr(matcher, "child", matcher), deadline)
        ids = matcher.all_ids() if block_ids is None else block_ids
        found.update(ids if not offset else (d + offset for d in ids))
        if clock() > deadline:
            raise _OutOfTime
    return found if live is None else found & live


def _phrase_ids(searcher, q: wq.Phrase, live, deadline: float) -> set[int]:
    """Documents with the words of ``q`` adjacent and in order: the documents having all
    the words, then their positions compared, one document at a time, watching the clock."""
    fieldname, words = q.fieldname, list(q.words)
    candidates = None
    for word in dict.fromkeys(words):
        ids = _leaf_ids(searcher, wq.Term(fieldname, word), live, deadline)
        candidates = ids if candidates is None else candidates & ids
        if not candidates:
            return set()
    found: set[int] = set()
    clock = time.monotonic
    for reader, offset in _leaves(searcher):
        end = offset + reader.doc_count_all()
        local = sorted(d - offset for d in candidates if offset <= d < end)
        if not local:
            continue
        matchers = [reader.postings(fieldname, word) for word in words]
        for n, docnum in enumerate(local):
            if not n & 31 and clock() > deadline:
                raise _OutOfTime
            positions = []
            for matcher in matchers:
                matcher.skip_to(docnum)
                if not matcher.is_active() or matcher.id() != docnum:
                    break
                positions.append(matcher.value_as("positions"))
            else:
                following = [set(p) for p in positions[1:]]
                if any(
                    all(start + i in later for i, later in enumerate(following, 1))
                    for start in positions[0]
                ):
                    found.add(docnum + offset)
    return found


def _leaves(searcher):
    reader = searcher.reader()
    return [(reader, 0)] if reader.is_atomic() else list(reader.leaf_readers())


def _block_ids(matcher, deadline: float) -> list[int] | None:
    """All ids of a whoosh W3 postings matcher, a block at a time (None if not one)."""
    needed = ("_read_ids", "_next_block", "_atend", "_blocklength", "_i")
    if not all(hasattr(matcher, name) for name in needed):
        return None
    out: list[int] = []
    blocks = 0
    while not matcher._atend and matcher._i < matcher._blocklength:
        if matcher._ids is None:
            matcher._read_ids()
        out.extend(matcher._ids[matcher._i :])
        matcher._next_block()
        blocks += 1
        if not blocks & 15 and time.monotonic() > deadline:
            raise _OutOfTime
    return out


def _matching(
    searcher, parsed: ParsedQuery, live, deadline: float, names_docs=None
) -> tuple[set[int], bool]:
    """All matching document numbers (deleted ones excluded), by set algebra on postings;
    matches in the name fields count only in ``names_docs`` (when given).
    Past the deadline: nothing, and True."""

    def clause_ids(clause) -> set[int]:
        ids: set[int] = set()
        for leaf in clause_leaves(clause):
            found = _leaf_ids(searcher, leaf, live, deadline)
            if names_docs is not None and getattr(leaf, "fieldname", None) in NAME_FIELDS:
                found &= names_docs
            ids |= found
        return ids

    try:
        groups = []
        for group in parsed.positive:
            ids: set[int] = set()
            for clause in group.clauses:
                ids |= clause_ids(clause)
            groups.append(ids)
        groups.sort(key=len)
        found = groups[0]
        for ids in groups[1:]:
            found = found & ids
        for group in parsed.negative:
            for clause in group.clauses:
                found -= clause_ids(clause)
    except _OutOfTime:
        return set(), True
    return found, False


def _docnums(searcher, ids) -> set[int] | None:
    """The document numbers of the documents with these ids (None stays None)."""
    if ids is None:
        return None
    found = set()
    for doc_id in ids:
        docnum = searcher.document_number(id=str(doc_id))
        if docnum is not None:
            found.add(docnum)
    return found


def _facet_counts(base, selected, facet_sets, filters) -> dict[str, list[FacetValue]]:
    """Counts per facet value over the matches narrowed by the *other* facets' filters."""
    out: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        scope = base
        for other, chosen in selected.items():
            if other != facet:
                scope = scope & chosen
        chosen_values = filters.get(facet, ())
        values = []
        for value, ids in facet_sets[facet].items():
            count = len(scope & ids)
            if count or value in chosen_values:
                values.append(FacetValue(value, count, value in chosen_values))
        for value in chosen_values:
            if value not in facet_sets[facet]:
                values.append(FacetValue(value, 0, True))
        if facet == "year":
            values.sort(key=lambda v: v.value, reverse=True)
        else:
            values.sort(key=lambda v: (-v.count, v.value))
        out[facet] = values
    return out


class _BoundedCollector(WrappingCollector):
    """Keeps only documents in ``allow`` (if given) and stops at ``deadline``.

    whoosh's own TimeLimitCollector and FilterCollector do not combine (the time limit
    collects through the child directly, bypassing the filter), and the time limit's
    SIGALRM mode only works in the main thread.
    """

    def __init__(self, child, allow, deadline: float) -> None:
        super().__init__(child)
        self.allow = allow
        self.deadline = deadline
        self.offset = 0

    def set_subsearcher(self, subsearcher, offset):
        self.child.set_subsearcher(subsearcher, offset)
        self.offset = offset

    def collect_matches(self):
        child, allow, offset, deadline = self.child, self.allow, self.offset, self.deadline
        clock = time.monotonic
        for n, sub_docnum in enumerate(child.matches()):
            if not n & 127 and clock() > deadline:
                raise TimeLimit
            if allow is None or offset + sub_docnum in allow:
                child.collect(sub_docnum)


def _top_scored(searcher, q, limit, allow, deadline) -> tuple[list[tuple[int, float]], bool]:
    if time.monotonic() >= deadline:
        return [], True
    collector = _BoundedCollector(searcher.collector(limit=limit, terms=False), allow, deadline)
    timed_out = False
    try:
        searcher.search_with_collector(q, collector)
    except TimeLimit:
        timed_out = True
    found = collector.results()
    return [(hit.docnum, hit.score or 0.0) for hit in found], timed_out


def _hits(searcher, scored, parsed: ParsedQuery, offset: int) -> list[Hit]:
    highlighter = Highlighter(parsed.text_words())
    hits = []
    for n, (docnum, score) in enumerate(scored):
        stored = searcher.stored_fields(docnum)
        doc = stored.get("doc") or {}
        highlights = {
            "title_vi": highlighter.title(doc.get("title_vi", "")),
            "title_en": highlighter.title(doc.get("title_en", ""), english=True),
            "abstract_vi": highlighter.snippet(doc.get("abstract_vi", "")),
            "abstract_en": highlighter.snippet(doc.get("abstract_en", ""), english=True),
        }
        hits.append(Hit(stored["id"], float(score), offset + n + 1, doc, highlights))
    return hits


def _known(reader, folded: str) -> bool:
    if any(reader.doc_frequency(f, folded) for f in SUGGEST_FIELDS):
        return True
    return reader.doc_frequency("text_en", analysis.stem_word(folded)) > 0


def _suggest(searcher, parsed: ParsedQuery, deadline: float) -> str | None:
    """A corrected query from the folded vocabulary, if it finds something."""
    reader = searcher.reader()
    correctors = [reader.corrector(f) for f in SUGGEST_FIELDS]
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
                folded = analysis.fold_word(word)
                if len(folded) > 2 and not _known(reader, folded):
                    maxdist = 1 if len(folded) < 6 else 2
                    for corrector in correctors:
                        options = corrector.suggest(folded, limit=1, maxdist=maxdist, prefix=1)
                        if options:
                            words.append(options[0])
                            changed = True
                            break
                    else:
                        words.append(word)
                    continue
                words.append(word)
            clauses.append(Clause(clause.field, tuple(words), clause.phrase))
        groups.append(type(group)(tuple(clauses), group.negated))
    if not changed:
        return None
    suggestion = ParsedQuery(groups)
    if not suggestion.positive:
        return None
    found, _ = _matching(searcher, suggestion, None, deadline)
    return suggestion.as_text() if found else None
