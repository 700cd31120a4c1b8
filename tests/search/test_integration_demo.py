"""``journal demo`` ends with a built search index."""

from __future__ import annotations

from journal.demo import load_demo
from journal.search import services

from ..admin.clients import fast_password_hashing  # noqa: F401  (autouse: demo users hash fast)
from ..publish.factories import make_published_article


def test_the_demo_index_is_built(app, client, monkeypatch):
    # The demo's typesetting (the journal's and the bridge's) takes half a minute: its
    # published issue is stood in for by one article made directly (no signal is sent, so
    # only the reindex at the end of load_demo puts it in the index).
    import exchange_bridge.demo
    from journal.publish import production_demo, publishing_demo

    made = []
    monkeypatch.setattr(exchange_bridge.demo, "load_bridge_demo", lambda people, tasks: None)
    monkeypatch.setattr(production_demo, "ensure_production_demo", lambda people, tasks: None)
    monkeypatch.setattr(
        publishing_demo,
        "ensure_publishing_demo",
        lambda people, tasks: made.append(make_published_article(title_vi="Lúa chịu mặn demo")),
    )
    load_demo()
    try:
        assert services.search_engine().count() == 1
        page = client.get("/search?q=lua+chiu+man+demo&lang=en")
        assert page.status_code == 200
        assert f"/articles/{made[0].id}" in page.get_data(as_text=True)
    finally:
        services.close_engine(app)
