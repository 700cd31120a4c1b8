"""More than one node: each keeps its own index, fed by the database's change log."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest

from journal.extensions import db
from journal.models_base import utcnow
from journal.publish.issues import publish_online_first
from journal.search import services
from journal.search.models import SearchChange, SearchNode

from ..publish.factories import make_ready_submission


def _found(query: str) -> list[str]:
    return [h.id for h in services.search_articles(query).hits]


@pytest.fixture
def node_b(app, app_config, other_app, tmp_path):
    """A second application instance on the same database, with its own index folder;
    both look for changes made elsewhere on every search."""
    app.config["SEARCH_CATCH_UP_SECONDS"] = 0
    made = other_app(
        {**app_config, "SEARCH_DIR": str(tmp_path / "node-b"), "SEARCH_CATCH_UP_SECONDS": 0}
    )
    yield made
    services.close_engine(made)
    services.close_engine(app)


def _publish(users, title: str):
    submission = make_ready_submission(title_vi=title, title_en="A study")
    eic = db.session.get(type(users["editor_in_chief"]), users["editor_in_chief"].id)
    return publish_online_first(submission, eic).id


def test_two_nodes_find_what_was_published_through_the_other(app, users, node_b):
    services.reindex()
    with node_b.app_context():
        services.reindex()  # each node builds its index once, then follows the log
        db.session.remove()
    first = _publish(users, "Nuôi cua biển ở Cà Mau")
    assert _found("cua bien") == [str(first)]
    a_dir = services.search_engine().current_path()

    with node_b.app_context():
        assert services.search_engine().current_path() != a_dir  # its own index
        assert _found("cua bien") == [str(first)]
        second = _publish(users, "Trồng khóm trên đất phèn Hậu Giang")
        assert _found("khom dat phen") == [str(second)]
        db.session.remove()

    # node A never indexed the second article itself: it catches up from the log
    assert _found("khom dat phen") == [str(second)]
    nodes = db.session.execute(db.select(SearchNode).order_by(SearchNode.name)).scalars().all()
    latest = db.session.execute(db.select(db.func.max(SearchChange.id))).scalar()
    articles = [n for n in nodes if n.name.endswith("/articles")]
    assert len(articles) == 2 and {n.sequence for n in articles} == {latest}


def test_a_node_away_longer_than_the_log_is_kept_rebuilds(app, users, node_b):
    services.reindex()
    with node_b.app_context():
        services.reindex()
        db.session.remove()
    first = _publish(users, "Cá lóc nuôi trong bể lót bạt")
    assert _found("ca loc") == [str(first)]
    old = utcnow() - timedelta(days=30)
    # node A was last seen a month ago; the log's rows are as old
    db.session.execute(db.update(SearchNode).values(seen_at=old))
    db.session.execute(db.update(SearchChange).values(created_at=old))
    db.session.commit()

    with node_b.app_context():
        second = _publish(users, "Vịt biển 15 Đại Xuyên")
        assert _found("vit bien") == [str(second)]  # node B reports, and prunes the log
        db.session.remove()
    remaining = db.session.execute(db.select(SearchChange.record_id)).scalars().all()
    assert str(first) not in {str(r) for r in remaining}
    names = db.session.execute(db.select(SearchNode.name)).scalars().all()
    assert not any(n.startswith(services._index("articles").node) for n in names)

    # node A cannot know what it missed: it rebuilds, and finds both
    services.catch_up(services.ARTICLES)
    assert _found("ca loc") == [str(first)]
    assert _found("vit bien") == [str(second)]


def _row(id, seconds_ago):
    return SimpleNamespace(id=id, created_at=utcnow() - timedelta(seconds=seconds_ago))


def test_a_recent_hole_in_the_sequence_is_not_passed():
    # 11 is missing: a transaction that took it may not have committed yet
    rows = [_row(10, 1), _row(12, 1), _row(13, 1)]
    assert services._contiguous(9, rows) == 10
    # an old hole is an id lost to a rollback: passed
    rows = [_row(10, 100), _row(12, 100), _row(13, 1)]
    assert services._contiguous(9, rows) == 13
    assert services._contiguous(13, []) == 13


def test_status_reports_each_index_and_its_sequence(app, runner):
    services.reindex()
    outcome = runner.invoke(args=["search", "status"])
    assert outcome.exit_code == 0, outcome.output
    assert "articles: ok" in outcome.output
    assert "submissions:" in outcome.output
    assert "change log applied up to" in outcome.output
