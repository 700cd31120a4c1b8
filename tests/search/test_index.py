"""Writing the index: single writer, rebuild with an atomic swap, missing or corrupt index."""

import dataclasses
import gc
import os
import threading
import time
from pathlib import Path

import pytest

from journal.search import (
    IndexBusyError,
    IndexStatus,
    IndexUnavailableError,
    SearchDocument,
    SearchEngine,
    SearchRequest,
    open_engine,
)
from journal.search.whoosh_backend import _block_ids

from .corpus import BY_ID, CORPUS


def ids(results):
    return [hit.id for hit in results.hits]


def test_the_engine_is_a_search_engine(fresh_engine):
    assert isinstance(fresh_engine, SearchEngine)


def test_index_replaces_by_id_and_remove_deletes(fresh_engine):
    assert fresh_engine.count() == len(CORPUS)
    changed = dataclasses.replace(BY_ID["a6"], title_vi="Cải tạo đất phèn trồng thanh long")
    fresh_engine.index([changed])
    assert fresh_engine.count() == len(CORPUS)
    assert ids(fresh_engine.search("thanh long")) == ["a6"]
    assert ids(fresh_engine.search("title:khóm")) == []
    fresh_engine.remove(["a6", "no-such-id"])
    assert fresh_engine.count() == len(CORPUS) - 1
    assert ids(fresh_engine.search("đất phèn")) == []
    # facet counts follow deletions
    provinces = {v.value: v.count for v in fresh_engine.search("mekong").facets["province"]}
    assert "HG" not in provinces


def test_index_accepts_dicts(engine_name, tmp_path):
    eng = open_engine(tmp_path / "s", engine_name)
    assert eng.status() is IndexStatus.MISSING
    eng.index([{"id": 7, "title_vi": "Cá kèo", "keywords_vi": ["cá kèo"]}])
    assert eng.status() is IndexStatus.OK
    assert ids(eng.search("ca keo")) == ["7"]
    with pytest.raises(ValueError, match="unknown search document fields"):
        eng.index([{"id": 8, "titel": "typo"}])
    eng.close()


def test_concurrent_writers_take_turns(fresh_engine):
    errors = []

    def write(n):
        try:
            for i in range(5):
                fresh_engine.index([SearchDocument(f"t{n}-{i}", title_vi=f"bài thử số{n}x{i}")])
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert fresh_engine.count() == len(CORPUS) + 20


def _foreign_writer(engine_name: str, path: Path):
    """A writer opened on the index outside the engine (another process's, as far as the
    engine can tell), and the function that lets it go."""
    if engine_name == "whoosh":
        from whoosh import index as whoosh_index

        ix = whoosh_index.open_dir(str(path))
        writer = ix.writer()

        def release():
            writer.cancel()
            ix.close()

        return release
    import tantivy

    from journal.search.tantivy_backend import ANALYZERS

    index = tantivy.Index.open(str(path))
    for name, analyzer in ANALYZERS.items():
        index.register_tokenizer(name, analyzer)
    held = [index.writer(15_000_000, 1)]

    def release():
        held.pop().rollback()
        gc.collect()  # the writer's lock goes with the object

    return release


def test_writer_waits_for_the_lock_then_gives_up(engine_name, fresh_engine):
    release = _foreign_writer(engine_name, fresh_engine.current_path())
    fresh_engine.write_timeout = 0.3
    started = time.monotonic()
    with pytest.raises(IndexBusyError):
        fresh_engine.index([SearchDocument("late", title_vi="muộn")])
    assert time.monotonic() - started >= 0.3
    # released within the timeout: the write goes through
    fresh_engine.write_timeout = 5.0
    threading.Timer(0.2, release).start()
    fresh_engine.index([SearchDocument("late", title_vi="muộn")])
    assert ids(fresh_engine.search("muộn")) == ["late"]


def test_rebuild_swaps_atomically_while_searching(fresh_engine):
    root = fresh_engine.root
    before = fresh_engine.current_path()
    stop = threading.Event()
    answers, problems = [], []

    def search_loop():
        while not stop.is_set():
            results = fresh_engine.search(SearchRequest("lúa chịu mặn", page_size=50))
            if results.error or "a1" not in ids(results):
                problems.append((results.error, ids(results)))
            answers.append(results.total)

    # two threads, so one of them may switch to the new index while the other is searching
    searchers = [threading.Thread(target=search_loop) for _ in range(2)]
    for thread in searchers:
        thread.start()
    try:
        time.sleep(0.05)
        extra = [SearchDocument(f"x{i}", title_vi=f"lúa chịu mặn thêm {i}") for i in range(30)]

        def slow_docs():
            for doc in [*CORPUS, *extra]:
                time.sleep(0.005)  # searches run meanwhile
                yield doc

        fresh_engine.rebuild(slow_docs())
        time.sleep(0.1)
    finally:
        stop.set()
        for thread in searchers:
            thread.join()
    assert problems == []
    assert len(answers) > 10
    assert answers[0] == 1 and answers[-1] == 31  # old index before, new one after the swap
    after = fresh_engine.current_path()
    assert after != before and after.parent == root
    assert os.path.islink(root / "current")
    # the previous generation is kept for readers in other processes; older ones go
    assert before.exists()


def test_writes_during_a_rebuild_are_not_lost(fresh_engine):
    started = threading.Event()

    def docs():
        yield CORPUS[0]
        started.set()
        time.sleep(0.3)
        yield from CORPUS[1:]

    rebuild = threading.Thread(target=fresh_engine.rebuild, args=(docs(),))
    rebuild.start()
    started.wait(5)
    fresh_engine.index([SearchDocument("during", title_vi="viết trong lúc dựng lại")])
    fresh_engine.remove(["a9"])
    rebuild.join()
    assert ids(fresh_engine.search("dựng lại")) == ["during"]
    assert ids(fresh_engine.search("sầu riêng")) == []
    assert fresh_engine.count() == len(CORPUS)


def test_failed_rebuild_keeps_the_current_index(fresh_engine):
    before = fresh_engine.current_path()

    def broken():
        yield CORPUS[0]
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        fresh_engine.rebuild(broken())
    assert fresh_engine.current_path() == before
    assert fresh_engine.count() == len(CORPUS)
    assert sorted(p.name for p in fresh_engine.root.glob("index-*")) == [before.name]


def test_old_generations_are_removed(fresh_engine, monkeypatch):
    from journal.search import generations

    monkeypatch.setattr(generations, "STALE_BUILD_SECONDS", 0)
    first = fresh_engine.current_path()
    fresh_engine.rebuild(CORPUS)
    second = fresh_engine.current_path()
    fresh_engine.rebuild(CORPUS)
    remaining = {p.name for p in fresh_engine.root.glob("index-*")}
    assert remaining == {second.name, fresh_engine.current_path().name}
    assert first.name not in remaining


def test_missing_index(engine_name, tmp_path):
    eng = open_engine(tmp_path / "nothing", engine_name)
    assert eng.status() is IndexStatus.MISSING
    results = eng.search("lúa")
    assert results.error == "index_unavailable"
    assert results.hits == [] and results.total == 0
    assert eng.count() == 0
    eng.rebuild(CORPUS[:3])
    assert eng.status() is IndexStatus.OK
    assert ids(eng.search("lúa chịu mặn")) == ["a1"]
    eng.close()


def test_dangling_link_is_missing_and_writes_refuse(fresh_engine):
    import shutil

    shutil.rmtree(fresh_engine.current_path())
    assert fresh_engine.status() is IndexStatus.MISSING
    assert fresh_engine.search("lúa").error == "index_unavailable"
    with pytest.raises(IndexUnavailableError):
        fresh_engine.index([SearchDocument("n", title_vi="mới")])
    fresh_engine.rebuild(CORPUS)
    assert fresh_engine.status() is IndexStatus.OK


def _corrupt(path: Path, pattern: str, where: float) -> None:
    files = sorted(path.glob(pattern))
    assert files, pattern
    for f in files:
        size = f.stat().st_size
        with open(f, "r+b") as fh:
            fh.seek(int(size * where))
            fh.write(b"\xff" * max(64, size // 4))


@pytest.mark.parametrize(
    ("pattern", "where"),
    [("_MAIN_*.toc", 0.0), ("_MAIN_*.toc", 0.5), ("*.seg", 0.0), ("*.seg", 0.4), ("*.seg", 0.8)],
)
def test_corrupt_whoosh_index_is_detected(whoosh_engine, pattern, where):
    _check_corruption(whoosh_engine, pattern, where)


@pytest.mark.parametrize(
    ("pattern", "where"),
    [("meta.json", 0.0), ("meta.json", 0.5), ("*.term", 0.0), ("*.store", 0.3), ("*.idx", 0.0)],
)
def test_corrupt_tantivy_index_is_detected(tmp_path, pattern, where):
    eng = open_engine(tmp_path / "search", "tantivy", time_limit=5.0)
    eng.rebuild(CORPUS)
    _check_corruption(eng, pattern, where)
    eng.close()


def _check_corruption(fresh_engine, pattern, where):
    assert fresh_engine.check() is IndexStatus.OK
    fresh_engine.close()
    _corrupt(fresh_engine.current_path(), pattern, where)
    assert fresh_engine.check() is IndexStatus.CORRUPT
    results = fresh_engine.search("lúa chịu mặn")
    assert results.error == "index_unavailable"
    assert results.hits == []
    # the caller rebuilds, and search answers again
    fresh_engine.rebuild(CORPUS)
    assert fresh_engine.check() is IndexStatus.OK
    assert ids(fresh_engine.search("lúa chịu mặn")) == ["a1"]


def test_truncated_toc_is_corrupt(whoosh_engine):
    fresh_engine = whoosh_engine
    fresh_engine.close()
    for f in fresh_engine.current_path().glob("_MAIN_*.toc"):
        f.write_bytes(b"")
    assert fresh_engine.status() is IndexStatus.CORRUPT
    assert fresh_engine.search("lúa").error == "index_unavailable"
    with pytest.raises(IndexUnavailableError):
        fresh_engine.index([SearchDocument("n", title_vi="mới")])


def test_block_reader_matches_whoosh(whoosh_engine):
    """The fast postings reader agrees with whoosh's own iteration."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(whoosh_engine.current_path()))
    with ix.searcher() as searcher:
        reader = searcher.reader()
        for fieldname, term in (("text_en", "mekong"), ("text_f", "lua"), ("text_f", "ca")):
            fast = _block_ids(reader.postings(fieldname, term), float("inf"))
            slow = list(reader.postings(fieldname, term).all_ids())
            assert fast is not None and fast == slow and slow
    ix.close()
