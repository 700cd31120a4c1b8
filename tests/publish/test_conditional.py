"""Validators: the same in every worker and on every node, derived from what the response
depends on, and compared weakly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from journal.extensions import db
from journal.publish.records import Article
from journal.settings import journal_settings, update_journal_settings

from .factories import make_issue, make_published_article

PATHS = ["/", "/archive", "/feeds/atom?lang=en", "/api/v1/articles", "/sitemap.xml"]

# Another worker: another process with its own application, its own start time and its own
# imports, on the same database.
OTHER_WORKER = textwrap.dedent(
    """
    import json, os, sys
    from journal import create_app
    config = json.loads(os.environ["WORKER_CONFIG"])
    app = create_app(config)
    with app.test_client() as client:
        tags = {path: client.get(path).headers.get("ETag") for path in json.loads(sys.argv[1])}
    with app.app_context():
        from journal.extensions import db
        db.engine.dispose()
    print(json.dumps(tags))
    """
)


@pytest.fixture
def published(app, users):
    issue = make_issue(2, 1, 2025, published=True)
    make_published_article(users["author"], issue=issue, first_page=1, last_page=5)
    db.session.commit()
    return issue


def test_another_worker_gives_the_same_validators(app, client, published, app_config, tmp_path):
    mine = {path: client.get(path).headers.get("ETag") for path in PATHS}
    assert all(mine.values()), mine
    config = {
        **{k: v for k, v in app_config.items() if k != "INSTANCE_PATH"},
        "INSTANCE_PATH": str(tmp_path / "other-instance"),
    }
    env = {**os.environ, "WORKER_CONFIG": json.dumps(config)}
    result = subprocess.run(
        [sys.executable, "-c", OTHER_WORKER, json.dumps(PATHS)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    theirs = json.loads(result.stdout.strip().splitlines()[-1])

    assert theirs == mine


def test_a_second_app_instance_answers_304_to_the_first_ones_etag(
    client, published, other_app, app_config
):
    first = client.get("/")
    second = other_app(dict(app_config)).test_client()

    again = second.get("/", headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304


def test_a_weak_etag_from_a_compressing_proxy_still_matches(client, published):
    for path in PATHS:
        first = client.get(path)
        weak = f"W/{first.headers['ETag']}"
        again = client.get(path, headers={"If-None-Match": weak})
        assert again.status_code == 304, path
        listed = client.get(path, headers={"If-None-Match": f'"other", {weak}'})
        assert listed.status_code == 304, path


def test_a_settings_change_changes_the_validators(app, client, published, users):
    first = client.get("/")
    update_journal_settings(
        users["admin"],
        {"JOURNAL_TITLE_EN": "Mekong Delta Journal (new title)"},
        version=journal_settings().version,
    )

    again = client.get("/", headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 200
    assert again.headers["ETag"] != first.headers["ETag"]
    assert "Mekong Delta Journal (new title)" in client.get("/?lang=en").get_data(as_text=True)


def test_each_language_has_its_own_validator(client, published):
    vi = client.get("/?lang=vi").headers["ETag"]
    en = client.get("/?lang=en").headers["ETag"]
    assert vi != en


def _revalidates(client, path):
    first = client.get(path)
    assert first.status_code == 200, path
    etag = first.headers["ETag"]
    assert client.get(path, headers={"If-None-Match": etag}).status_code == 304, path
    assert client.get(path, headers={"If-None-Match": f"W/{etag}"}).status_code == 304, path
    return first


@pytest.mark.parametrize(
    "path",
    [
        "/technologies/",
        "/startups/",
        "/experts/",
        "/requests/?province=CT",
        "/technologies/feed.atom",
        "/startups/feed.atom",
        "/experts/feed.atom",
        "/requests/feed.atom?lang=en",
        "/api/v1/technologies",
        "/api/v1/startups",
        "/api/v1/experts?page=1",
        "/api/v1/requests",
        "/api/v1/",
        "/api/v1/openapi.json",
        "ARTICLE/cite.bib",
        "ARTICLE/cite.ris",
    ],
)
def test_every_public_listing_feed_api_and_citation_answers_304(client, published, path):
    article = db.session.execute(db.select(Article)).scalars().first()
    path = path.replace("ARTICLE", f"/articles/{article.id}")
    first = _revalidates(client, path)
    if not path.startswith("/api/v1/o") and path != "/api/v1/":
        assert first.headers["Last-Modified"], path


def test_a_new_listing_entry_changes_the_exchange_validators(client, published, users):
    from exchange_bridge import demand

    from ..exchange_bridge.factories import request_fields

    first = client.get("/api/v1/requests")
    found = demand.post_request(request_fields())
    demand.list_request(found, users["editor_in_chief"])
    again = client.get("/api/v1/requests", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and len(again.json["data"]) == 1
