"""The search engine inside the application: indexing on publish and unpublish, pending
changes replayed after a crash, reindexing while searching, a corrupt index, the page."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

from journal.extensions import db
from journal.publish.issues import publish_online_first, unpublish_article
from journal.search import services

from ..publish.factories import (
    TINY_GALLEY,
    GalleyFiles,
    make_published_article,
    make_ready_submission,
)

BODY_JATS = """<?xml version="1.0" encoding="UTF-8"?>
<article xmlns:xlink="http://www.w3.org/1999/xlink" article-type="research-article"
 dtd-version="1.3" xml:lang="vi"><front><article-meta><title-group><article-title>Bài
</article-title></title-group></article-meta></front><body><sec><title>Kết quả</title>
<p>Đất phèn ở huyện Thới Lai được cải tạo bằng vôi.</p></sec></body></article>
""".encode()
BODY_GALLEY = GalleyFiles(BODY_JATS, TINY_GALLEY.html, TINY_GALLEY.pdf, {}, 1)


@pytest.fixture(autouse=True)
def _close_engine(app):
    yield
    services.close_engine(app)


def _found(query: str) -> list[str]:
    return [h.id for h in services.search_articles(query).hits]


def test_publishing_makes_an_article_findable_and_unpublishing_removes_it(app, users):
    eic = users["editor_in_chief"]
    submission = make_ready_submission(
        files=BODY_GALLEY, title_vi="Giống lúa chịu mặn cho Cà Mau", title_en="Salt rice"
    )
    article = publish_online_first(submission, eic)

    assert services.pending_count() == 0
    assert _found("lua chiu man") == [str(article.id)]
    assert _found("lúa chịu mặn") == [str(article.id)]
    assert _found("dat phen thoi lai") == [str(article.id)]  # the galley's JATS body
    assert _found(f'doi:"{article.doi}"') == [str(article.id)]

    unpublish_article(article, eic, "Trùng lặp với bài đã đăng.")
    assert _found("lua chiu man") == []
    assert services.pending_count() == 0


def test_a_pending_change_left_by_a_crash_is_applied_on_the_next_start(app, app_config):
    from journal import create_app

    services.reindex()  # an empty index exists
    article = make_published_article(title_vi="Nuôi tôm càng xanh ở Kiên Giang")
    services.record_change(article.id)  # the job never ran: the process died here
    services.close_engine(app)

    restarted = create_app(app_config)
    with restarted.app_context():
        try:
            assert services.pending_count() == 1
            assert _found("tom cang xanh") == [str(article.id)]
            assert services.pending_count() == 0
        finally:
            services.close_engine(restarted)
            db.session.remove()
            db.engine.dispose()


def test_a_busy_index_keeps_the_change_pending(app, monkeypatch):
    from journal.search.engine import IndexBusyError

    services.reindex()
    article = make_published_article(title_vi="Cá tra giống")
    engine = services.search_engine()

    def busy(docs):
        raise IndexBusyError("locked")

    monkeypatch.setattr(engine, "index", busy)
    services.article_changed(article)
    assert services.pending_count() == 1
    monkeypatch.undo()
    assert services.apply_pending() == 1
    assert services.pending_count() == 0
    assert _found("ca tra") == [str(article.id)]


def test_reindex_while_a_thread_searches_answers_throughout(app, runner):
    for n in range(3):
        make_published_article(title_vi=f"Lúa mùa nổi số {n}")
    services.reindex()
    engine = services.search_engine()
    totals: list[int] = []
    errors: list[str] = []
    stop = threading.Event()

    def search_loop():
        while not stop.is_set():
            results = engine.search("lua mua noi")
            totals.append(results.total)
            if results.error:
                errors.append(results.error)

    thread = threading.Thread(target=search_loop)
    thread.start()
    try:
        for _ in range(3):
            outcome = runner.invoke(args=["search", "reindex"])
            assert outcome.exit_code == 0, outcome.output
            assert "Indexed 3 article(s)" in outcome.output
    finally:
        stop.set()
        thread.join()
    assert totals and set(totals) == {3}
    assert errors == []


@pytest.mark.parametrize("damage", ["garbage", "missing"])
def test_a_broken_index_answers_with_a_notice_and_is_rebuilt(app, client, damage):
    article = make_published_article(title_vi="Khoai lang tím Bình Tân")
    services.reindex()
    current = services.search_engine().current_path()
    services.close_engine(app)
    if damage == "garbage":
        for path in Path(current).iterdir():
            path.write_bytes(b"\x00garbage\xff" * 50)
    else:
        shutil.rmtree(current)

    first = client.get("/search?q=khoai+lang&lang=en")
    assert first.status_code == 200
    assert "being rebuilt" in first.get_data(as_text=True)
    # JOBS_INLINE: the rebuild ran in that request; the next search finds the article.
    second = client.get("/search?q=khoai+lang&lang=en")
    assert second.status_code == 200
    assert f"/articles/{article.id}" in second.get_data(as_text=True)
    assert services.search_engine().status().value == "ok"


def test_the_page_shows_highlights_facets_and_a_suggestion(app, client):
    a = make_published_article(title_vi="Lúa chịu mặn ở Cần Thơ", province="CT")
    b = make_published_article(title_vi="Lúa chịu mặn ở An Giang", province="AG")
    services.reindex()
    page = client.get("/search?q=lua+chiu+man&lang=vi").get_data(as_text=True)
    assert "<mark>Lúa</mark>" in page or "<mark>lúa</mark>" in page.lower()
    assert f"/articles/{a.id}" in page and f"/articles/{b.id}" in page
    assert "province=AG" in page and "(1)" in page
    narrowed = client.get("/search?q=lua+chiu+man&province=AG").get_data(as_text=True)
    assert f"/articles/{b.id}" in narrowed and f"/articles/{a.id}" not in narrowed
    newest = client.get("/search?q=lua&sort=newest")
    assert newest.status_code == 200
    typo = client.get("/search?q=chiuu+mann").get_data(as_text=True)
    assert "q=chiu+man" in typo or "q=chịu+mặn" in typo


HOSTILE = [
    {"q": '"lua chiu'},
    {"q": "AND"},
    {"q": "-"},
    {"q": "*"},
    {"q": "lua " * 2500},
    {"q": "lua", "page": "-1"},
    {"q": "lua", "page": "99999"},
    {"q": "lua", "page": "abc"},
    {"q": "lua", "page": "9" * 40},
    {"q": "nope:lua"},
    {"q": "lua", "province": "<script>alert(1)</script>"},
    {"q": "lua", "year": '"><img src=x>'},
    {"q": "lua", "colour": "red", "sort": "<b>"},
    {"q": "\x00\u202e lua"},
    {"q": "a" * 20_000},
]


@pytest.mark.parametrize("args", HOSTILE)
def test_hostile_queries_never_fail(app, client, args):
    make_published_article(title_vi="Lúa chịu mặn")
    services.reindex()
    response = client.get("/search", query_string={**args, "lang": "en"})
    assert response.status_code in (200, 400)
    body = response.get_data(as_text=True)
    assert "<script>alert" not in body and "<img src=x>" not in body
    # A clear outcome: results, or a message saying what was done with the input.
    assert 'class="notice"' in body or " found" in body or response.status_code == 400


def test_unknown_prefix_and_bad_page_are_explained(app, client):
    make_published_article(title_vi="Lúa chịu mặn")
    services.reindex()
    body = client.get("/search?q=nope:lua&lang=en").get_data(as_text=True)
    assert "Unknown prefix" in body
    body = client.get("/search?q=lua&page=99999&lang=en").get_data(as_text=True)
    assert "There is no such page of results." in body


def test_every_public_page_links_to_search(app, client):
    for path in ("/", "/archive", "/search"):
        body = client.get(path).get_data(as_text=True)
        assert 'action="/search"' in body, path


def test_searches_see_each_write_at_once(app):
    first = make_published_article(title_vi="Xoài cát Hòa Lộc")
    second = make_published_article(title_vi="Xoài cát chu")
    services.reindex()
    assert sorted(_found("xoai cat")) == sorted([str(first.id), str(second.id)])
    engine = services.search_engine()
    engine.remove([str(first.id)])
    assert _found("xoai cat") == [str(second.id)]
    engine.remove([str(second.id)])
    results = services.search_articles("xoai cat")
    assert results.hits == [] and results.error is None
